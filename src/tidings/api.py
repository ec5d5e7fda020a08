"""The Python API: what the CLI, the HTTP API and notebooks call.

``ingest`` is the main job: find sources, read each document into an Article,
store it, and group it into events, all in one streaming pass through the
engine (:mod:`tidings.engine`, which also says how crash safety works).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from tidings.article import Article
from tidings.engine import Engine, IngestReport, default_pipeline
from tidings.options import Options
from tidings.store import DeadLetter, Store, open_store
from tidings.views.events import resolve_id

__all__ = ["Engine", "IngestReport", "default_pipeline", "get_article", "ingest", "list_articles"]


def ingest(
    paths: Sequence[str | Path],
    options: Options | None = None,
    *,
    store: Store | None = None,
    on_error: Callable[[DeadLetter], None] | None = None,
    progress: bool | None = None,
) -> IngestReport:
    """Read every document under ``paths`` into the store and into events (see :mod:`tidings.engine`).

    Bad input never stops the batch: each failing file or record becomes a :class:`DeadLetter`
    (stored, passed to ``on_error`` and listed in the report).
    """
    options = options or Options()
    own_store = store is None
    store = store or open_store(options.db)
    try:
        return Engine(store, options, on_error=on_error, progress=progress).ingest(paths)
    finally:
        if own_store:
            store.close()


def list_articles(store: Store) -> list[dict[str, Any]]:
    """One summary row per article (id, language, date with its source, outlet, title)."""
    rows = []
    for article in store.iter_articles():
        rows.append(
            {
                "id": article.id,
                "lang": article.lang.value if article.lang else None,
                "published": article.published.value.isoformat() if article.published else None,
                "published_source": article.published.source if article.published else None,
                "outlet": article.outlet.value if article.outlet else None,
                "title": article.title.value if article.title else None,
                "event_id": article.event_id,
                "uri": article.uri,
            }
        )
    return rows


def get_article(store: Store, article_id: str) -> Article:
    """The article with this id or unique id prefix (the one id rule, :func:`tidings.views.events.resolve_id`).

    ``KeyError`` (:class:`tidings.views.events.UnknownId`) when there is none.
    """
    article = store.get_article(resolve_id(store, "article", article_id))
    if article is None:  # pragma: no cover - resolve_id has just found it
        raise KeyError(f"no article with id {article_id!r}")
    return article
