"""``tidings eval clusters FILE``: streaming event clustering against gold events.

Each line of a cluster set (``id``, ``text``, ``event``; optional ``title``,
``lang``, ``published``, ``source``, ``topic``) goes, in file order, through the
product's own path: the JSONL record reader, the read + understand pipeline, an
in-memory store and :class:`~tidings.group.clusterer.EventClusterer`. Nothing is
tuned per file. Printed: BCubed and pairwise P/R/F1, predicted vs gold cluster
counts, time; the last line is ``bcubed_f1=0.XXXX``.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tidings.article import Article
from tidings.eval.datasets import iter_json_lines
from tidings.eval.metrics import PRF, bcubed, pairwise


@dataclass
class ClusterResult:
    bcubed: PRF
    pairwise: PRF
    n_docs: int
    n_gold: int
    n_pred: int
    seconds: float
    predicted: list[str]
    gold: list[str]
    #: The articles as read and understood (in file order), for grouping them again in other orders.
    articles: list[Article] = field(default_factory=list, repr=False)


def read_cluster_set(path: str | Path) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """(id, gold event, record) per line; a bad line stops with a one-line ``ValueError``."""
    for n, record in iter_json_lines(path):
        if not isinstance(record.get("text"), str) or "event" not in record:
            raise ValueError(f"line {n}: a cluster set needs 'text' and 'event' on every line")
        yield str(record.get("id", n)), str(record["event"]), record


def prepare(path: str | Path, *, progress: bool = False) -> tuple[list[Article], list[str]]:
    """Articles after read + understand, in file order, with their gold events."""
    from tidings.api import default_pipeline
    from tidings.ingest.readers import record_to_document
    from tidings.read import article_from_raw

    pipeline = default_pipeline()
    articles: list[Article] = []
    gold: list[str] = []
    rows = list(read_cluster_set(path))
    bar = _bar(progress, len(rows), "read")
    for doc_id, event, record in rows:
        doc = record_to_document(record, f"{path}#{doc_id}", doc_id)
        if not hasattr(doc, "text"):
            raise ValueError(f"{doc_id}: {getattr(doc, 'reason', 'unreadable')}")
        article = article_from_raw(doc)  # type: ignore[arg-type]
        for stage in pipeline.stages:
            try:  # a failing stage leaves the article as far as it got: it still has to be grouped
                article = stage(article)
            except Exception:
                continue
        articles.append(article)
        gold.append(event)
        if bar is not None:
            bar.update(1)
    if bar is not None:
        bar.close()
    return articles, gold


def cluster(articles: list[Article], *, profile: str = "fast", batch: int | None = None, **params: Any) -> list[str]:
    """Stream the articles through a fresh clusterer and an in-memory store; final (resolved) event per article.

    Batches are ingest's commit batches (``Options.commit_every``), as in the product.
    """
    from tidings.group.clusterer import EventClusterer
    from tidings.options import Options
    from tidings.store.sqlite import SQLiteStore

    batch = batch or Options().commit_every

    store = SQLiteStore(":memory:")
    clusterer = EventClusterer(profile=profile, **params)
    for start in range(0, len(articles), batch):
        chunk = articles[start : start + batch]
        for article in chunk:
            store.put_article(article)
        clusterer.learn_many(chunk)
        store.set_events(clusterer.pop_assignments())
        clusterer.save(store)
        store.commit()
    out = [clusterer.event_of(a.id) or "" for a in articles]
    store.close()
    return out


def evaluate(path: str | Path, *, profile: str = "fast", progress: bool = True, **params: Any) -> ClusterResult:
    start = time.perf_counter()
    articles, gold = prepare(path, progress=progress)
    predicted = cluster(articles, profile=profile, **params)
    seconds = time.perf_counter() - start
    return ClusterResult(
        bcubed=bcubed(gold, predicted),
        pairwise=pairwise(gold, predicted),
        n_docs=len(gold),
        n_gold=len(set(gold)),
        n_pred=len(set(predicted)),
        seconds=seconds,
        predicted=predicted,
        gold=gold,
        articles=articles,
    )


def shuffled_orders(path: str | Path, n: int, seed: int = 0) -> list[list[int]]:
    """``n`` arrival orders of a cluster set: file order, then topics (else gold events) shuffled.

    Each topic keeps its documents in file order; only the order of the topics changes.
    Why: one stream order is one draw. Where the commit boundaries fall, which story the
    online IDF has already seen and which events are still active all change with it, and
    on ECB+ dev a single merge more or less moves BCubed F1 by ~0.01; the spread over orders
    says how much of a difference between two settings is real.
    """
    import random

    groups: dict[str, list[int]] = {}
    for i, (_, event, record) in enumerate(read_cluster_set(path)):
        groups.setdefault(str(record.get("topic", event)), []).append(i)
    keys = list(groups)
    orders = [[i for k in keys for i in groups[k]]]
    for k in range(1, n):
        shuffled = keys[:]
        random.Random(seed + k).shuffle(shuffled)
        orders.append([i for key in shuffled for i in groups[key]])
    return orders


def main(
    path: str | Path,
    echo: Callable[[str], Any] = print,
    *,
    profile: str = "fast",
    progress: bool = True,
    orders: int = 1,
) -> float:
    result = evaluate(path, profile=profile, progress=progress)
    b, p = result.bcubed, result.pairwise
    echo(f"file: {path}  profile: {profile}")
    echo(f"documents: {result.n_docs}  gold events: {result.n_gold}  predicted events: {result.n_pred}")
    echo(f"BCubed   P={b.precision:.4f}  R={b.recall:.4f}  F1={b.f1:.4f}")
    echo(f"pairwise P={p.precision:.4f}  R={p.recall:.4f}  F1={p.f1:.4f}")
    rate = result.n_docs / max(result.seconds, 1e-9)
    echo(f"time: {result.seconds:.1f} s ({rate:.1f} docs/s, read+understand+group)")
    if orders > 1:
        # the articles read and understood above, in file order (what the alias lexicon learned
        # stays); only the grouping runs again per order
        articles, gold = result.articles, result.gold
        scores = [b.f1]
        for order in shuffled_orders(path, orders)[1:]:
            predicted = cluster([articles[i] for i in order], profile=profile)
            scores.append(bcubed([gold[i] for i in order], predicted).f1)
        mean = sum(scores) / len(scores)
        echo(f"over {orders} topic orders: mean BCubed F1={mean:.4f}  worst={min(scores):.4f}  best={max(scores):.4f}")
    echo(f"bcubed_f1={b.f1:.4f}")
    return b.f1


def _bar(enabled: bool, total: int, desc: str) -> Any:
    import sys

    if not enabled or not sys.stderr.isatty():
        return None
    from tqdm import tqdm

    return tqdm(total=total, desc=desc, unit="doc")
