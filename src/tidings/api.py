"""The Python API: the one facade the CLI, the HTTP server and notebooks call.

Everything a user can do is here, with ``__all__`` as the contract (the package root re-exports
it): ingest into a store (through :mod:`tidings.engine`), list and fetch articles, list events,
build an event's card and render it, storylines, the HTML report. Every reading function takes an
open :class:`~tidings.store.Store` and never writes to it; ids are resolved by one rule
(:func:`tidings.views.events.resolve_id`: the exact id, or a unique prefix of at least 4 characters).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from tidings.article import Article, Storyline
from tidings.engine import Engine, IngestReport, RunnerFactory
from tidings.group.storylines import StorylineOptions
from tidings.options import DISPLAY_LANG, Options
from tidings.store import DeadLetter, Store, open_store
from tidings.tell.cards import build_card, headline
from tidings.tell.render import render_markdown, render_text
from tidings.tell.report import ReportOptions, write_report
from tidings.tell.threads import get_storyline, load_storylines, rebuild_storylines
from tidings.tell.types import EventCard
from tidings.views.events import EventRow, UnknownId, resolve_id
from tidings.views.events import list_events as _list_events

__all__ = [
    "Engine",
    "EventCard",
    "EventRow",
    "IngestReport",
    "Options",
    "ReportOptions",
    "Storyline",
    "StorylineOptions",
    "UnknownId",
    "build_card",
    "get_article",
    "get_storyline",
    "ingest",
    "list_articles",
    "list_events",
    "list_storylines",
    "open_store",
    "rebuild_storylines",
    "regroup",
    "render_markdown",
    "render_text",
    "write_report",
]


def ingest(
    paths: Sequence[str | Path],
    options: Options | None = None,
    *,
    store: Store | None = None,
    on_error: Callable[[DeadLetter], None] | None = None,
    progress: bool | None = None,
    runner: RunnerFactory | None = None,
) -> IngestReport:
    """Read every document under ``paths`` into the store and into events (see :mod:`tidings.engine`).

    Bad input never stops the batch: each failing file or record becomes a :class:`DeadLetter`
    (stored, passed to ``on_error`` and listed in the report). ``runner``: who reads (default:
    local read worker processes; :class:`tidings.scale.RayReaders` reads on a Ray cluster).
    """
    options = options or Options()
    own_store = store is None
    store = store or open_store(options.db)
    try:
        return Engine(store, options, on_error=on_error, progress=progress, runner=runner).ingest(paths)
    finally:
        if own_store:
            store.close()


def regroup(options: Options | None = None, *, store: Store | None = None, progress: bool | None = None) -> int:
    """Group every stored article again from no events (see :meth:`tidings.engine.Engine.regroup`); returns how many."""
    options = options or Options()
    own_store = store is None
    store = store or open_store(options.db)
    try:
        engine = Engine(store, options, progress=progress, fresh=True)
        try:
            n = engine.regroup()
            engine.finish()
        except BaseException:
            store.rollback()
            engine.close()
            raise
        return n
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
                "lang": article.lang_code,
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


def list_events(store: Store, lang: str = DISPLAY_LANG, limit: int | None = None) -> list[EventRow]:
    """Live events, largest first: id, counts, languages, dates, and a title in ``lang`` where one exists."""
    return _list_events(store, lang, limit, headline=headline)


def list_storylines(store: Store, options: StorylineOptions | None = None) -> list[Storyline]:
    """The saved storylines (rebuilt at the end of each ingest run); computed in memory when none are saved."""
    return load_storylines(store, options)
