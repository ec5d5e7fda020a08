"""How alike an article and an event, or two events, are: pure functions of their features and sums.

Both scores add up the same signals (weights calibrated on ECB+ dev in file order and
checked on the five seeds in all 120 arrival orders):

* content — TF-IDF cosine with the members in the article's language, blended with the
  dense encoder cosine; across languages only the dense encoder speaks (:func:`blend`);
* entities — the names both sides share (norms are identical across scripts, so this
  bridges languages the encoder does not know, e.g. Vietnamese for USE);
* time — date spans far apart veto the pair outright, a week to a year apart cost a
  little (:func:`date_gap_penalty`); members whose *era* is two or more years off pay
  (:func:`era_conflict`); years the texts mention add a little (article only);
* quantities — shared numbers (a magnitude 6.1, 23 dead), rare ones counting more
  (:func:`number_share`).

:func:`score_article` is the average link of one article to an event's members;
:func:`score_events` the average link over all member pairs of two events. A formula
both use is written once here; where the two differ, they differ on purpose and the
reason is given beside the difference.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

import numpy as np

from tidings.group.features import ArticleFeatures, OnlineIdf
from tidings.group.params import ClusterParams
from tidings.group.sums import EventSums

VETO = float("-inf")


def date_gap_penalty(
    a_min: dt.date | None, a_max: dt.date | None, b_min: dt.date | None, b_max: dt.date | None, p: ClusterParams
) -> float:
    """Penalty for two date spans far apart: ``inf`` beyond ``veto_days`` (never one event).

    Between a week and a year: a follow-up (charges filed, a lawsuit, an anniversary) or a
    misread date, not necessarily another event; a small penalty, not a veto.
    """
    if a_min is None or a_max is None or b_min is None or b_max is None:
        return 0.0
    gap = max((b_min - a_max).days, (a_min - b_max).days, 0)
    if gap > p.veto_days:
        return float("inf")
    return p.late_penalty if gap > p.max_gap_days else 0.0


def blend(
    lex: float, dense: float | None, ent: float, ent_overlap: float, p: ClusterParams, *, same: bool, cross: bool,
    shift: float = 0.0,
) -> float:
    """The better of the same-language and the cross-language readings of the evidence.

    Across languages words say nothing and a multilingual encoder says mostly "same topic"
    (the 2022 Cairo and 2025 Riyadh talks score 0.81 with USE): shared actors carry more.
    """
    scores = []
    if same:
        if dense is None:
            content = lex
        else:
            w = p.dense_weight
            content = (1 - w) * lex + w * dense
        scores.append(content + p.entity_weight * ent)
    if cross:
        xl = 0.0 if dense is None else p.cross_lingual_scale * (dense - p.cross_lingual_offset)
        scores.append(xl + p.cross_lingual_entity_weight * ent_overlap + shift)
    return max(scores)


def era_conflict(era: int, dated: bool, undated_eras: Counter[int], dated_years: Counter[int]) -> int:
    """How many of an event's members are from a year 2+ years off an article's era.

    Two publication years are left to the date gap (and its late penalty), which
    knows days; every other pair of eras counts here.
    """
    far = sum(c for y, c in undated_eras.items() if abs(y - era) > 1)
    if not dated:
        far += sum(c for y, c in dated_years.items() if abs(y - era) > 1)
    return far


def name_overlap(shared: float, own_a: float, own_b: float) -> float:
    """Overlap coefficient of two sides' names: shared weight over the smaller side's (0 when a side has none).

    Across languages a translation and a short local report name very different numbers
    of people, so the smaller side is the measure, not the union.
    """
    small = min(own_a, own_b)
    return min(1.0, shared / small) if small > 0 else 0.0


def mean_cosine(sum_a: np.ndarray, n_a: int, sum_b: np.ndarray, n_b: int) -> float:
    """Mean dense cosine over all member pairs, from the two sides' vector sums."""
    return float(sum_a @ sum_b) / (n_a * n_b)


def number_share(weight: float, shared: float, counts_product: float) -> float:
    """``weight`` × shared quantities against the geometric mean of the two sides' counts of quantities.

    +1 below, so two articles sharing their only number score < 1. ``counts_product`` is
    the product of the two sides' (mean per member) counts of quantities.
    """
    return weight * shared / (1.0 + counts_product**0.5)


def score_article(
    f: ArticleFeatures, weights: dict[int, float], ev: EventSums, nidf: dict[int, float] | None, p: ClusterParams
) -> float:
    """Average-link score of an article (features ``f``, TF-IDF ``weights``) against an event.

    ``nidf``: the IDF of the article's numbers (None when ``number_weight`` is 0).
    """
    late = date_gap_penalty(f.date, f.date, ev.date_min, ev.date_max, p)
    if late == float("inf"):
        return VETO
    # Entities: the share of the article's (label-weighted) actors each member also names
    # (``ent``), and the overlap coefficient (shared / the smaller side, ``ent_overlap``), which
    # does not punish a long article naming many people; within a language the first one
    # separates look-alike events better (ECB+ dev), across languages the second one is needed
    # because a translation and a short local report name very different numbers of people.
    # (Between two events there is no "article's side": they use Dice, see score_events.)
    ent = ent_overlap = 0.0
    own = sum(f.entities.values())
    if own > 0 and ev.entity_mass > 0:
        shared = sum(w * ev.entity_counts.get(e, 0) for e, w in f.entities.items()) / ev.n
        ent = shared / own
        ent_overlap = name_overlap(shared, own, ev.entity_mass / ev.n)
    dense = None
    if f.dense is not None and ev.dense_sum is not None and ev.n_dense:
        dense = mean_cosine(f.dense, 1, ev.dense_sum, ev.n_dense)
    # Words: averaged over the members in the article's language only (other members share
    # no words with it by nature). Between two events the sums do not know which member wrote
    # which word, so there the average runs over all member pairs.
    same_lang = ev.lang_counts.get(f.lang or "", 0) if f.lang else ev.n
    lex = sum(w * ev.term_sum.get(k, 0.0) for k, w in weights.items()) / same_lang if same_lang else 0.0
    score = blend(lex, dense, ent, ent_overlap, p, same=bool(same_lang), cross=same_lang < ev.n) - late
    if f.years and ev.n_with_years:
        agree = min(1.0, sum(ev.year_counts.get(y, 0) for y in f.years) / ev.n_with_years)
        # A bonus only: texts mention background years ("since the 2022 invasion") too often
        # for a disagreement to count against an article. (Events compare eras instead.)
        score += p.year_weight * agree * ev.n_with_years / ev.n
    if f.era is not None:
        conflict = era_conflict(f.era, f.date is not None, ev.era_counts, ev.dated_years)
        score -= p.era_penalty * conflict / ev.n
    if nidf and ev.number_mass:
        # Rare quantities count more: the article's numbers weighted by their IDF.
        shared = sum(v * ev.number_counts.get(k, 0) for k, v in nidf.items()) / ev.n
        score += number_share(p.number_weight, shared, len(nidf) * ev.number_mass / ev.n)
    return score


def score_events(a: EventSums, b: EventSums, idf: OnlineIdf, p: ClusterParams) -> float:
    """Average-link score of two events over all their member pairs, from their running sums.

    The same signals as :func:`score_article`, each averaged over the |a|·|b| member pairs
    (exact for words, numbers and eras; entities as a Dice share of the members' names). Why:
    an article joins the best event it sees *at arrival*, so a story's first articles
    may start two events that a batch average-link clustering would have joined; this
    lets the stream join them as soon as the evidence is there.
    """
    late = date_gap_penalty(a.date_min, a.date_max, b.date_min, b.date_max, p)
    if late == float("inf"):
        return VETO
    nn = a.n * b.n
    # Words: both sums are large, so sorted arrays and one intersection (an article's few
    # terms against a dict, in score_article, are cheaper the other way round).
    (ka, va), (kb, vb) = a.sorted_terms(), b.sorted_terms()
    _, ia, ib = np.intersect1d(ka, kb, assume_unique=True, return_indices=True)
    lex = float(va[ia] @ vb[ib]) / nn
    small_e, big_e = (a, b) if len(a.entity_counts) <= len(b.entity_counts) else (b, a)
    weight, other = small_e.entity_weight, big_e.entity_counts
    shared = sum(weight.get(e, 1.0) * c * other.get(e, 0) for e, c in small_e.entity_counts.items()) / nn
    own_a, own_b = a.entity_mass / a.n, b.entity_mass / b.n
    # Dice within a language (symmetric: neither event is "the article"); across languages the
    # overlap coefficient, as in score_article
    ent = 2 * shared / (own_a + own_b) if own_a + own_b else 0.0
    ent_overlap = name_overlap(shared, own_a, own_b)
    dense = None
    if a.dense_sum is not None and b.dense_sum is not None and a.n_dense and b.n_dense:
        dense = mean_cosine(a.dense_sum, a.n_dense, b.dense_sum, b.n_dense)
    same_lang = bool(set(a.lang_counts) & set(b.lang_counts)) or not a.lang_counts or not b.lang_counts
    # the cross-lingual weights were calibrated against the join threshold (on the seeds):
    # shifted, the same evidence clears the merge threshold
    shift = p.event_merge_threshold - p.threshold if p.merges_events else 0.0
    cross = set(a.lang_counts) != set(b.lang_counts)
    score = blend(lex, dense, ent, ent_overlap, p, same=same_lang, cross=cross, shift=shift) - late
    na = sum(a.era_counts.values()) + sum(a.dated_years.values())
    if na:
        far = sum(c * era_conflict(y, False, b.era_counts, b.dated_years) for y, c in a.era_counts.items())
        far += sum(c * era_conflict(y, True, b.era_counts, b.dated_years) for y, c in a.dated_years.items())
        score -= p.era_penalty * far / nn
    if p.number_weight and a.number_mass and b.number_mass:
        small_n, big_n = (a, b) if len(a.number_counts) <= len(b.number_counts) else (b, a)
        keys = frozenset(k for k in small_n.number_counts if k in big_n.number_counts)
        nidf = idf.idf(keys)
        shared_n = sum(nidf[k] * small_n.number_counts[k] * big_n.number_counts[k] for k in keys) / nn
        score += number_share(p.number_weight, shared_n, a.number_mass / a.n * b.number_mass / b.n)
    return score
