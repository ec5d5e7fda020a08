"""``tidings eval cards CLUSTERS GOLD``: event cards (who / where / when) against gold cards.

The cluster set's records go, as id + text only and in file order, through ``tidings ingest``
itself (:mod:`tidings.eval.streams`), so the cards scored are the cards a user who ingests the
same texts reads. Each gold event is mapped to the predicted event holding most of its documents
(ties: the smaller event, then its id; two gold events may share one card), that event's card is
built as ``tidings event ID --json`` builds it, and the card is scored with
:mod:`tidings.eval.card_metric`. Printed: who precision / recall / F1 at 5, where at 1, year
accuracy, then ``card_score=`` (their mean) as the last line; ``--rows`` adds one line per gold event.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from tidings.eval.card_metric import gold_year, mean, score_where, score_who, score_year
from tidings.eval.clusters import read_cluster_set
from tidings.eval.datasets import iter_json_lines
from tidings.eval.streams import streamed_store
from tidings.options import Options
from tidings.store import Store
from tidings.tell.cards import build_card
from tidings.views.events import UnknownId, resolve_event
from tidings.views.names import name_resolver

#: Cards are scored in English, the language of the gold names.
SCORE_LANG = "en"


@dataclass
class CardScores:
    """The three means (each over the gold events it applies to) and one row per gold event."""

    who_precision: float
    who_recall: float
    who_f1: float
    where: float
    year: float
    counts: dict[str, int] = field(default_factory=dict)
    rows: list[str] = field(default_factory=list)

    @property
    def card_score(self) -> float:
        return (self.who_f1 + self.where + self.year) / 3


def read_gold_cards(path: str | Path) -> list[dict[str, Any]]:
    """Gold cards, one per line; a line without ``event`` and ``docs`` stops with a one-line ``ValueError``."""
    out = []
    for n, record in iter_json_lines(path):
        if "event" not in record or not isinstance(record.get("docs"), list):
            raise ValueError(f"line {n}: a gold card needs 'event' and 'docs'")
        out.append(record)
    return out


def map_gold_events(gold: Sequence[Mapping[str, Any]], doc_event: Mapping[str, str]) -> list[str | None]:
    """Per gold event, the predicted event holding most of its documents (ties: smaller event, then id)."""
    sizes = Counter(doc_event.values())
    out: list[str | None] = []
    for g in gold:
        votes = Counter(doc_event[d] for d in g["docs"] if d in doc_event)
        out.append(min(votes, key=lambda e: (-votes[e], sizes[e], e)) if votes else None)
    return out


def score_cards(gold: Sequence[Mapping[str, Any]], doc_event: Mapping[str, str],
                cards: Mapping[str, Mapping[str, Any]], *, rows: bool = False) -> CardScores:
    """Score the cards (event id → card as JSON) of the events the gold events map to."""
    mapped = map_gold_events(gold, doc_event)
    sizes = Counter(doc_event.values())
    who_p: list[float] = []
    who_r: list[float] = []
    who_f: list[float] = []
    where: list[float] = []
    year: list[float] = []
    lines: list[str] = []
    for g, pred in zip(gold, mapped, strict=True):
        card = cards.get(pred) if pred else None
        w = score_who(card, g)
        if w is not None:
            who_p.append(w.precision)
            who_r.append(w.recall)
            who_f.append(w.f1)
        wh = score_where(card, g)
        if wh is not None:
            where.append(wh[0])
        y = score_year(card, g)
        if y is not None:
            year.append(y[0])
        if rows:
            held = sum(doc_event.get(d) == pred for d in g["docs"]) if pred else 0
            share = f"{held}/{len(g['docs'])}+{sizes[pred] - held}" if pred else "0"
            lines.append(
                f"{g['event']:<12} {pred or '-':<16} docs {share:<9} "
                + (f"who P {w.precision:.2f} R {w.recall:.2f} F1 {w.f1:.2f} card={list(w.card)} "
                   f"gold={[q[0] for q in w.qualifying[:5]]}" if w else "who -")
                + (f" | where {wh[0]} card={wh[1]!r} gold={[n for n, _ in g['locations'][:3]]}" if wh else " | where -")
                + (f" | year {y[0]} card={y[1]} gold={gold_year(g)}" if y else " | year -"))
    used = Counter(p for p in mapped if p)
    counts = {"gold_events": len(gold), "mapped": sum(p is not None for p in mapped),
              "predicted_events_used": len(used), "gold_events_sharing_a_card": sum(n for n in used.values() if n > 1),
              "who_events": len(who_f), "where_events": len(where), "year_events": len(year)}
    return CardScores(mean(who_p), mean(who_r), mean(who_f), mean(where), mean(year), counts, lines)


def cards_of(store: Store, event_ids: Sequence[str], lang: str = SCORE_LANG) -> dict[str, dict[str, Any]]:
    """``tidings event ID --json`` for each event id (an id that names no event gets no card)."""
    out: dict[str, dict[str, Any]] = {}
    for eid in dict.fromkeys(event_ids):
        try:
            out[eid] = build_card(store, eid, lang).to_dict()
        except UnknownId:
            continue
    return out


def live_event_ids(store: Store, doc_event: Mapping[str, str | None]) -> dict[str, str]:
    """Document id → the live event its article is in (merged-away ids followed, dead letters left out)."""
    live: dict[str, str] = {}
    out: dict[str, str] = {}
    for doc, eid in doc_event.items():
        if not eid:
            continue
        if eid not in live:
            try:
                live[eid] = resolve_event(store, eid).id
            except UnknownId:
                live[eid] = eid
        out[doc] = live[eid]
    return out


def evaluate(clusters: str | Path, gold_path: str | Path, *, options: Options | None = None,
             rows: bool = False, progress: bool = False) -> CardScores:
    """Ingest the cluster set as id + text, build the mapped events' cards and score them."""
    gold = read_gold_cards(gold_path)
    records = [{"id": doc_id, "text": record["text"]} for doc_id, _event, record in read_cluster_set(clusters)]
    with streamed_store(records, options, progress=progress) as (result, store):
        doc_event = live_event_ids(store, {r["id"]: e for r, e in zip(records, result.events, strict=True)})
        name_resolver(store)  # a corrupt lexicon warns once here rather than per card
        wanted = [p for p in map_gold_events(gold, doc_event) if p]
        cards = cards_of(store, wanted)
    return score_cards(gold, doc_event, cards, rows=rows)


def main(clusters: str | Path, gold: str | Path, echo: Callable[[str], Any] = print, *, rows: bool = False,
         progress: bool = True, options: Options | None = None, profile: str | None = None) -> float:
    options = replace(options or Options(), **({"profile": profile} if profile else {}))
    s = evaluate(clusters, gold, options=options, rows=rows, progress=progress)
    for line in s.rows:
        echo(line)
    echo(" ".join(f"{k}={v}" for k, v in s.counts.items()))
    echo(f"who_precision@5={s.who_precision:.3f} who_recall@5={s.who_recall:.3f} who_f1@5={s.who_f1:.3f} "
         f"(events={s.counts['who_events']})")
    echo(f"where@1={s.where:.3f} (events={s.counts['where_events']})")
    echo(f"year_accuracy={s.year:.3f} (events={s.counts['year_events']})")
    echo(f"card_score={s.card_score:.3f}")
    return s.card_score
