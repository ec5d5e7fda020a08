"""Group what is stored: cluster every stored article that has no event yet.

Reading events (resolve an id, list, load one) is the read model's job:
:mod:`tidings.views.events`. Event records (``store.put_record("event", …)``) are the
source of truth for it; the clusterer's state is only needed to *assign* new articles.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tidings.article import Article
from tidings.group.clusterer import EventClusterer
from tidings.store import Store
from tidings.understand.vectors import ArticleEmbedder

#: Articles embedded and grouped together when clustering a store.
BATCH = 64


def cluster_store(
    store: Store, options: Any = None, *, progress: Callable[[int], Any] | None = None
) -> dict[str, int]:
    """Cluster every stored article that has no event yet, in store order; returns counts.

    Articles read back from the store carry no vectors (they are stored apart, for search), so
    those the profile compares are computed again here, by the vectors stage.
    """
    clusterer = (EventClusterer.from_options(options) if options is not None else EventClusterer()).load(store)
    embedder = ArticleEmbedder(clusterer.params_.vectors) if clusterer.params_.vectors else None
    todo: list[Article] = []
    done = 0

    def flush() -> None:
        nonlocal done
        if todo:
            if embedder is not None:
                for article, vectors in zip(todo, embedder.embed(todo), strict=True):
                    article.vector = article.vector or vectors
            clusterer.learn_many(todo)
            store.set_events(clusterer.pop_assignments())
            clusterer.save(store)
            store.commit()
            done += len(todo)
            if progress is not None:
                progress(len(todo))
            todo.clear()

    for article in store.iter_articles():
        if article.event_id or clusterer.event_of(article.id) is not None:
            continue
        todo.append(article)
        if len(todo) >= BATCH:
            flush()
    flush()
    events = sum(1 for _, rec in store.iter_records("event") if not rec.get("merged_into"))
    return {"clustered": done, "events": events}
