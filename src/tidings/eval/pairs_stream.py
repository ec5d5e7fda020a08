"""``tidings eval pairs FILE --stream``: a pair set's articles as one stream through ``tidings ingest``.

The Pearson mode (:mod:`tidings.eval.pairs`) scores a pair-similarity model that grouping
never runs; this mode scores grouping itself. Every article of the pair set goes, in file
order (``text1`` then ``text2`` of each pair; identical texts are one article), as id + text
only, through the engine (:func:`tidings.eval.streams.stream_records`): reading, entities,
vectors, the store, grouping in the engine's batches, alias feedback. Then each pair is
asked one question: did its two articles end in the same event?

Pairs the raters judged *the same story* (``overall`` ≤ :data:`POSITIVE_MAX`) should; pairs
they judged different (``overall`` ≥ :data:`NEGATIVE_MIN`) should not; the pairs in between
are left out (raters disagree there, and "related" is neither answer). Printed: pairwise
precision, recall and F1 over all scored pairs, same-language and cross-language pairs (the
languages are the file's ``lang1``/``lang2`` tags, used only to split the figures; the engine
finds languages itself); the last two lines are ``cross_f1=…`` and ``f1=…``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from tidings.eval.metrics import PRF
from tidings.eval.pairs import _lang, read_pairs
from tidings.eval.streams import stream_records
from tidings.group.params import DEFAULT_PROFILE
from tidings.options import Options

#: ``overall`` at or below this: the raters' "same story" (1 = very similar, 4 = very dissimilar).
POSITIVE_MAX = 1.5
#: ``overall`` at or above this: a different story.
NEGATIVE_MIN = 3.0


@dataclass(frozen=True)
class PairCounts:
    """True positives, false positives and false negatives of "same event" over some pairs."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0

    def add(self, gold: bool, same: bool) -> PairCounts:
        return PairCounts(
            self.tp + (gold and same), self.fp + (not gold and same), self.fn + (gold and not same),
            self.tn + (not gold and not same),
        )

    @property
    def prf(self) -> PRF:
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0
        return PRF(p, r, 2 * p * r / (p + r) if p + r else 0.0)

    @property
    def n(self) -> int:
        return self.tp + self.fp + self.fn + self.tn


@dataclass
class StreamPairsResult:
    """The scores of one stream, and per pair: its label (None: not scored), whether it ended together."""

    overall: PairCounts
    same_lang: PairCounts
    cross_lang: PairCounts
    articles: int
    events: int
    seconds: float
    gold: list[bool | None]
    together: list[bool]
    cross: list[bool]


def pair_label(overall: float) -> bool | None:
    """True (same story), False (different) or None (in between: not scored)."""
    if overall <= POSITIVE_MAX:
        return True
    if overall >= NEGATIVE_MIN:
        return False
    return None


def stream_texts(rows: Sequence[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[tuple[int, int]]]:
    """The stream's records (id + text, file order, each distinct text once) and each pair's two record indices."""
    index: dict[str, int] = {}
    records: list[dict[str, Any]] = []
    pairs = []
    for r in rows:
        ends = []
        for text in (r["text1"], r["text2"]):
            if text not in index:
                index[text] = len(records)
                records.append({"id": f"a{len(records)}", "text": text})
            ends.append(index[text])
        pairs.append((ends[0], ends[1]))
    return records, pairs


def score(
    rows: Sequence[dict[str, Any]], pairs: Sequence[tuple[int, int]], events: Sequence[str | None]
) -> StreamPairsResult:
    """Pairwise "same event" counts of a stream's events (``events[i]``: record i's event; None: dead letter)."""
    overall = same_lang = cross_lang = PairCounts()
    gold_out: list[bool | None] = []
    together_out: list[bool] = []
    cross_out: list[bool] = []
    for r, (i, j) in zip(rows, pairs, strict=True):
        gold = pair_label(r["overall"])
        together = i == j or (events[i] is not None and events[i] == events[j])
        cross = _lang(r["lang1"]) != _lang(r["lang2"])
        gold_out.append(gold)
        together_out.append(together)
        cross_out.append(cross)
        if gold is None:
            continue
        overall = overall.add(gold, together)
        if cross:
            cross_lang = cross_lang.add(gold, together)
        else:
            same_lang = same_lang.add(gold, together)
    return StreamPairsResult(overall, same_lang, cross_lang, len(events), len({e for e in events if e}), 0.0,
                             gold_out, together_out, cross_out)


def evaluate(path: str | Path, *, options: Options | None = None, limit: int | None = None,
             progress: bool = False) -> StreamPairsResult:
    """Ingest the pair set's articles as one stream (``options``: the run's settings) and score its pairs."""
    rows = read_pairs(path, limit)
    records, pairs = stream_texts(rows)
    result = stream_records(records, options or Options(), progress=progress)
    out = score(rows, pairs, result.events)
    out.seconds = result.seconds
    return out


def main(path: str | Path, echo: Callable[[str], Any] = print, *, profile: str | None = None,
         limit: int | None = None, options: Options | None = None, progress: bool = True) -> StreamPairsResult:
    options = replace(options or Options(), **({"profile": profile} if profile else {}))
    res = evaluate(path, options=options, limit=limit, progress=progress)
    echo(f"file: {path}  profile: {options.profile or DEFAULT_PROFILE}  (as one stream through tidings ingest)")
    echo(f"articles: {res.articles}  events: {res.events}  scored pairs: {res.overall.n} "
         f"(same story: overall <= {POSITIVE_MAX}; different: >= {NEGATIVE_MIN})")
    for name, counts in (("all", res.overall), ("same-language", res.same_lang), ("cross-language", res.cross_lang)):
        prf = counts.prf
        echo(f"{name:15s} n={counts.n:5d}  P={prf.precision:.4f}  R={prf.recall:.4f}  F1={prf.f1:.4f}")
    echo(f"time: {res.seconds:.1f} s ({res.articles / max(res.seconds, 1e-9):.1f} articles/s, tidings ingest)")
    echo(f"cross_f1={res.cross_lang.prf.f1:.4f}")
    echo(f"f1={res.overall.prf.f1:.4f}")
    return res
