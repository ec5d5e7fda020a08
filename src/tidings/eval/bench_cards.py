"""Benchmark: time to build event cards and storylines, per event, at ~10k articles.

The store is built from real benchmark texts with *gold* event groups (ECB+ dev:
496 English articles in 42 events), so the figure does not depend on the
clusterer: the articles go through the real read + entity stages once, then the
store is filled to ``n`` articles with copies under fresh ids, each copy-set a
separate event (copy ``k`` of gold event ``E`` is event ``E#k``). Cards are built for
every event; storylines once over all events. It also reports, on the 42 original
ECB+ events, how many storyline links join two different events (each ECB+ topic
holds two incidents of one kind years apart: a storyline must not join them, they
are at most related) and how many related pairs stay inside one topic.

Run: ``tidings bench cards -n 10000`` or ``python -m tidings.eval.bench_cards``.
"""

from __future__ import annotations

import dataclasses
import json
import statistics
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from itertools import combinations
from pathlib import Path

from tidings.article import Event

ECB_DEV = Path(__file__).resolve().parents[3] / "benchmarks" / "data" / "ecbplus" / "dev.jsonl"


def _gold(path: Path) -> dict[str, dict[str, str]]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return {r["id"]: {"event": r["event"], "topic": str(r.get("topic", ""))} for r in rows}


def main(n: int = 10000, echo: Callable[[str], None] = print, data: Path | str = ECB_DEV) -> dict[str, float]:
    """Build the store, time cards and storylines, print figures; the last line is the headline."""
    from tidings.api import ingest
    from tidings.options import Options
    from tidings.store import open_store
    from tidings.tell.cards import build_card
    from tidings.tell.threads import build_storylines, build_threads

    data = Path(data)
    gold = _gold(data)
    with tempfile.TemporaryDirectory() as tmp:
        base_db, db = Path(tmp) / "base.db", Path(tmp) / "bench.db"
        t0 = time.perf_counter()
        ingest([str(data)], Options(db=str(base_db), cluster=False), progress=False)
        base = open_store(str(base_db))
        originals = list(base.iter_articles())
        echo(f"read+entities for {len(originals)} source articles: {time.perf_counter() - t0:.1f}s")

        # storylines on the original events: no two incidents of one topic in one storyline
        by_event: dict[str, list[str]] = defaultdict(list)
        for a in originals:
            by_event[gold[str(a.meta.get("id"))]["event"]].append(a.id)
        topic_of = {gold[str(a.meta.get("id"))]["event"]: gold[str(a.meta.get("id"))]["topic"] for a in originals}
        for ev, ids in by_event.items():
            base.put_record("event", ev, Event(ev, ids, "bench", "bench").to_dict())
        base.commit()
        threads = build_threads(base)
        pairs = [(a, b) for s in threads.storylines for a, b in combinations(s.event_ids, 2)]
        related_same = sum(topic_of.get(a) == topic_of.get(b) for a, b in (r.event_ids for r in threads.related))
        echo(f"storylines on {len(by_event)} ECB+ dev events: {len(threads.storylines)} storyline(s) joining "
             f"{len(pairs)} pair(s) of different events (must be 0); {len(threads.related)} related pair(s), "
             f"{related_same} of them within one topic")
        base.close()

        store = open_store(str(db))
        copies = max(1, -(-n // len(originals)))
        count = 0
        for k in range(copies):
            groups: dict[str, list[str]] = defaultdict(list)
            for a in originals:
                if count >= n:
                    break
                clone = dataclasses.replace(a, id=f"{a.id}-{k}", content_hash=f"{a.content_hash}-{k}")
                store.put_article(clone)
                groups[f"{gold[str(a.meta.get('id'))]['event']}#{k}"].append(clone.id)
                count += 1
            for ev, ids in groups.items():
                store.put_record("event", ev, Event(ev, ids, "bench", "bench").to_dict())
            store.commit()
        events = [k for k, _ in store.iter_records("event")]
        echo(f"store: {count} articles in {len(events)} events")

        times = []
        t1 = time.perf_counter()
        for ev in events:
            s = time.perf_counter()
            build_card(store, ev)
            times.append(time.perf_counter() - s)
        card_total = time.perf_counter() - t1
        t2 = time.perf_counter()
        stories = build_storylines(store)
        story_total = time.perf_counter() - t2
        store.close()

    per_card = 1000 * card_total / max(1, len(events))
    per_story = 1000 * story_total / max(1, len(events))
    p95 = 1000 * statistics.quantiles(times, n=20)[-1] if len(times) >= 20 else 1000 * max(times, default=0.0)
    echo(f"cards: {len(events)} events in {card_total:.1f}s — {per_card:.1f} ms/event (p95 {p95:.1f} ms)")
    echo(f"storylines: {len(stories)} over {len(events)} events in {story_total:.1f}s — {per_story:.1f} ms/event")
    echo(f"ms_per_event={per_card + per_story:.1f}")
    return {"card_ms_per_event": per_card, "storyline_ms_per_event": per_story, "card_p95_ms": p95,
            "storyline_joined_pairs": float(len(pairs))}


if __name__ == "__main__":  # pragma: no cover
    main()
