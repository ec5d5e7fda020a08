"""How alike an article and an event, or two events, are: pure functions of their features and sums.

Both scores are the log-odds of a learned pair model (:func:`combine`; weights in
``pair_weights.json``, fitted by :mod:`tidings.eval.calibrate`) over the same signals, each an
average over member pairs:

* words — TF-IDF cosine with the members in the article's language;
* vectors — USE cosine where both sides have USE vectors, else the static model's cosine
  (:func:`dense_article`); never one model's vector against another's;
* names — the names both sides share (norms are identical across scripts, so this bridges
  languages no vector model knows well, e.g. Vietnamese for USE);
* time — date spans far apart veto the pair outright, a week to a year apart is the ``late``
  signal (:func:`date_gap`); members whose *era* is two or more years off count
  (:func:`era_conflict`); years the texts mention agree (article only);
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


def date_gap(
    a_min: dt.date | None, a_max: dt.date | None, b_min: dt.date | None, b_max: dt.date | None, p: ClusterParams
) -> float | None:
    """The ``late`` signal of two date spans: 1 for more than ``max_gap_days`` apart, 0 within, None: vetoed.

    Beyond ``veto_days`` two sides are never one event; between a week and a year it may be a
    follow-up (charges filed, a lawsuit, an anniversary) or a misread date, so only a signal
    the pair model weighs, not a veto. Undated sides: 0.
    """
    if a_min is None or a_max is None or b_min is None or b_max is None:
        return 0.0
    gap = max((b_min - a_max).days, (a_min - b_max).days, 0)
    if gap > p.veto_days:
        return None
    return 1.0 if gap > p.max_gap_days else 0.0


def combine(sig: dict[str, float], w: dict[str, float], *, same: bool, cross: bool) -> float:
    """The pair model's log-odds that two sides report one event, from their average-link signals.

    A linear model over signals that are averages over member pairs is itself the average
    of the pair log-odds, so an event's score stays the average link of its members. Within
    a language and across languages the evidence is read differently (across, words say
    nothing and shared names are measured against the smaller side); an event with members
    in both takes the better reading.
    """
    readings = []
    if same:
        readings.append(w["lex"] * sig["lex"] + w["use"] * sig["use"] + w["static"] * sig["static"]
                        + w["static_on"] * sig["static_on"] + w["ent"] * sig["ent"])
    if cross:
        readings.append(w["cross"] + w["xuse"] * sig["use"] + w["xstatic"] * sig["static"]
                        + w["xstatic_on"] * sig["static_on"] + w["xent"] * sig["xent"])
    return (w["bias"] + max(readings) + w["num"] * sig["num"] + w["era"] * sig["era"]
            + w["years"] * sig["years"] + w["late"] * sig["late"])


def dense_article(f: ArticleFeatures, ev: EventSums) -> tuple[float, float, float]:
    """(USE cosine sum, static cosine sum, static pairs) / members: each pair by the best model both sides have.

    Vectors of two models are never compared: USE where both sides have it, else static.
    """
    n = ev.n
    use = static = on = 0.0
    if f.dense is not None:
        if ev.dense_sum is not None:
            use = float(f.dense @ ev.dense_sum) / n
        only = ev.n_static - ev.n_static_use
        if f.static is not None and only > 0 and ev.static_sum is not None:
            rest = ev.static_sum if ev.static_use_sum is None else ev.static_sum - ev.static_use_sum
            static, on = float(f.static @ rest) / n, only / n
    elif f.static is not None and ev.static_sum is not None:
        static, on = float(f.static @ ev.static_sum) / n, ev.n_static / n
    return use, static, on


def dense_events(a: EventSums, b: EventSums) -> tuple[float, float, float]:
    """:func:`dense_article` for two events, over all their member pairs."""
    nn = a.n * b.n
    use = static = on = 0.0
    if a.dense_sum is not None and b.dense_sum is not None:
        use = float(a.dense_sum @ b.dense_sum) / nn
    if a.static_sum is not None and b.static_sum is not None:
        pairs = a.n_static * b.n_static - a.n_static_use * b.n_static_use
        if pairs > 0:
            total = float(a.static_sum @ b.static_sum)
            if a.static_use_sum is not None and b.static_use_sum is not None:
                total -= float(a.static_use_sum @ b.static_use_sum)
            static, on = total / nn, pairs / nn
    return use, static, on


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


def article_signals(
    f: ArticleFeatures, weights: dict[int, float], ev: EventSums, nidf: dict[int, float] | None, p: ClusterParams
) -> dict[str, float] | None:
    """The average-link signals of an article (features ``f``, TF-IDF ``weights``) against an event.

    None: the dates veto the pair. ``nidf``: the IDF of the article's numbers (None when the
    profile does not weigh quantities).
    """
    late = date_gap(f.date, f.date, ev.date_min, ev.date_max, p)
    if late is None:
        return None
    # Entities: the share of the article's (label-weighted) actors each member also names
    # (``ent``), and the overlap coefficient (shared / the smaller side, ``xent``), which
    # does not punish a long article naming many people; within a language the first one
    # separates look-alike events better (ECB+ dev), across languages the second one is needed
    # because a translation and a short local report name very different numbers of people.
    # (Between two events there is no "article's side": they use Dice, see event_signals.)
    ent = ent_overlap = 0.0
    own = sum(f.entities.values())
    if own > 0 and ev.entity_mass > 0:
        shared = sum(w * ev.entity_counts.get(e, 0) for e, w in f.entities.items()) / ev.n
        ent = shared / own
        ent_overlap = name_overlap(shared, own, ev.entity_mass / ev.n)
    use, static, static_on = dense_article(f, ev)
    # Words: averaged over the members in the article's language only (other members share
    # no words with it by nature). Between two events the sums do not know which member wrote
    # which word, so there the average runs over all member pairs.
    same_lang = ev.lang_counts.get(f.lang or "", 0) if f.lang else ev.n
    lex = sum(w * ev.term_sum.get(k, 0.0) for k, w in weights.items()) / same_lang if same_lang else 0.0
    years = era = num = 0.0
    if f.years and ev.n_with_years:
        # Agreement only: texts mention background years ("since the 2022 invasion") too often
        # for a disagreement to count against an article. (Events compare eras instead.)
        years = min(1.0, sum(ev.year_counts.get(y, 0) for y in f.years) / ev.n_with_years) * ev.n_with_years / ev.n
    if f.era is not None:
        era = era_conflict(f.era, f.date is not None, ev.era_counts, ev.dated_years) / ev.n
    if nidf and ev.number_mass:
        # Rare quantities count more: the article's numbers weighted by their IDF.
        shared_n = sum(v * ev.number_counts.get(k, 0) for k, v in nidf.items()) / ev.n
        num = number_share(1.0, shared_n, len(nidf) * ev.number_mass / ev.n)
    return {"lex": lex, "use": use, "static": static, "static_on": static_on, "ent": ent, "xent": ent_overlap,
            "num": num, "era": era, "years": years, "late": late,
            "_same": float(bool(same_lang)), "_cross": float(same_lang < ev.n)}


def score_article(
    f: ArticleFeatures, weights: dict[int, float], ev: EventSums, nidf: dict[int, float] | None, p: ClusterParams
) -> float:
    """Average-link log-odds of an article against an event (:func:`article_signals` through :func:`combine`)."""
    sig = article_signals(f, weights, ev, nidf, p)
    if sig is None:
        return VETO
    return combine(sig, p.weights, same=bool(sig["_same"]), cross=bool(sig["_cross"]))


def shared_dot(ka: np.ndarray, va: np.ndarray, kb: np.ndarray, vb: np.ndarray) -> float:
    """Σ va·vb over the keys two sorted, unique key arrays share.

    The smaller array is looked up in the larger with a binary search: an event's few hundred
    terms against a big event's thousands cost a third of ``np.intersect1d``'s sort of both (the
    same sum, in the same key order).
    """
    if len(ka) > len(kb):
        ka, va, kb, vb = kb, vb, ka, va
    if not len(ka):
        return 0.0
    pos = np.searchsorted(kb, ka)
    pos[pos == len(kb)] = 0
    hit = kb[pos] == ka
    return float(va[hit] @ vb[pos[hit]])


def event_signals(a: EventSums, b: EventSums, idf: OnlineIdf, p: ClusterParams) -> dict[str, float] | None:
    """The signals of :func:`article_signals` between two events, averaged over all their member pairs.

    Exact for words, vectors, numbers and eras; names as a Dice share of the members' names.
    Why event to event at all: an article joins the best event it sees *at arrival*, so a
    story's first articles may start two events that a batch average-link clustering would
    have joined; this lets the stream join them as soon as the evidence is there.
    """
    late = date_gap(a.date_min, a.date_max, b.date_min, b.date_max, p)
    if late is None:
        return None
    nn = a.n * b.n
    # Words: both sums are large, so sorted arrays and one intersection (an article's few
    # terms against a dict, in article_signals, are cheaper the other way round).
    lex = shared_dot(*a.sorted_terms(), *b.sorted_terms()) / nn
    small_e, big_e = (a, b) if len(a.entity_counts) <= len(b.entity_counts) else (b, a)
    weight, other = small_e.entity_weight, big_e.entity_counts
    shared = sum(weight.get(e, 1.0) * c * other.get(e, 0) for e, c in small_e.entity_counts.items()) / nn
    own_a, own_b = a.entity_mass / a.n, b.entity_mass / b.n
    # Dice within a language (symmetric: neither event is "the article"); across languages the
    # overlap coefficient, as in article_signals
    ent = 2 * shared / (own_a + own_b) if own_a + own_b else 0.0
    use, static, static_on = dense_events(a, b)
    era = num = 0.0
    if sum(a.era_counts.values()) + sum(a.dated_years.values()):
        far = sum(c * era_conflict(y, False, b.era_counts, b.dated_years) for y, c in a.era_counts.items())
        far += sum(c * era_conflict(y, True, b.era_counts, b.dated_years) for y, c in a.dated_years.items())
        era = far / nn
    if p.weights["num"] and a.number_mass and b.number_mass:
        small_n, big_n = (a, b) if len(a.number_counts) <= len(b.number_counts) else (b, a)
        keys = frozenset(k for k in small_n.number_counts if k in big_n.number_counts)
        nidf = idf.idf(keys)
        shared_n = sum(nidf[k] * small_n.number_counts[k] * big_n.number_counts[k] for k in keys) / nn
        num = number_share(1.0, shared_n, a.number_mass / a.n * b.number_mass / b.n)
    same = bool(set(a.lang_counts) & set(b.lang_counts)) or not a.lang_counts or not b.lang_counts
    return {"lex": lex, "use": use, "static": static, "static_on": static_on, "ent": ent,
            "xent": name_overlap(shared, own_a, own_b), "num": num, "era": era, "years": 0.0,
            "late": late, "_same": float(same), "_cross": float(set(a.lang_counts) != set(b.lang_counts))}


def score_events(a: EventSums, b: EventSums, idf: OnlineIdf, p: ClusterParams) -> float:
    """Average-link log-odds of two events over all their member pairs (:func:`event_signals`, :func:`combine`)."""
    sig = event_signals(a, b, idf, p)
    if sig is None:
        return VETO
    return combine(sig, p.weights, same=bool(sig["_same"]), cross=bool(sig["_cross"]))
