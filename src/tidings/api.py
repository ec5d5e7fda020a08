"""The Python API: the one facade the CLI, the HTTP server and notebooks call.

Everything a user can do is here, with ``__all__`` as the contract (the package root re-exports
it): ingest into a store (through :mod:`tidings.engine`), list and fetch articles, list events,
build an event's card and render it, storylines, the HTML report. Every reading function takes an
open :class:`~tidings.store.Store` and never writes to it; ids are resolved by one rule
(:func:`tidings.views.events.resolve_id`: the exact id, or a unique prefix of at least 4 characters).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from tidings.article import Article, Block, Storyline
from tidings.engine import Engine, IngestReport, RunnerFactory
from tidings.group.storylines import RelatedEvents, StorylineOptions
from tidings.options import DISPLAY_LANG, Options
from tidings.store import ArticleFilter, ArticleRow, DeadLetter, Store, open_store
from tidings.tell.cards import build_card as build_event_card
from tidings.tell.cards import headline
from tidings.tell.render import render_markdown, render_text
from tidings.tell.report import ReportOptions, write_report
from tidings.tell.threads import get_storyline, load_storylines, load_threads, rebuild_storylines
from tidings.tell.types import EventCard
from tidings.understand.aliases import AliasLexicon
from tidings.views.catalog import SORTS, Catalog, EventFilter, decode_cursor
from tidings.views.events import EventRow, Headline, UnknownId, load_event, resolve_event, resolve_id
from tidings.views.events import list_events as _list_events
from tidings.views.names import NameResolver, name_resolver
from tidings.views.search import (
    ArticleHit,
    ArticleSearch,
    QueryName,
    SearchOptions,
    SearchQuery,
    recognise_names,
    search_articles,
)
from tidings.workers import refuse_while_a_worker_starts

__all__ = [
    "SORTS",
    "ArticleDetail",
    "ArticleFilter",
    "ArticleHit",
    "ArticlePage",
    "ArticleRow",
    "ArticleSearch",
    "Catalog",
    "Engine",
    "EntityPage",
    "EventCard",
    "EventListing",
    "EventQuery",
    "EventRow",
    "IngestReport",
    "Options",
    "QueryName",
    "RelatedEvents",
    "ReportOptions",
    "SearchOptions",
    "SearchQuery",
    "SearchResult",
    "Storyline",
    "StorylineOptions",
    "UnknownId",
    "Updates",
    "article_detail",
    "build_card",
    "changes",
    "event_articles",
    "find_articles",
    "find_events",
    "get_article",
    "get_entity",
    "get_storyline",
    "headline_maker",
    "ingest",
    "list_articles",
    "list_events",
    "list_related",
    "list_storylines",
    "open_store",
    "rebuild_storylines",
    "regroup",
    "render_markdown",
    "render_text",
    "resolve_entity",
    "resolve_event_id",
    "search",
    "search_articles",
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
    refuse_while_a_worker_starts("tidings.ingest")
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


def build_card(
    store: Store, event_id: str, lang: str = DISPLAY_LANG, *, names: NameResolver | None = None
) -> EventCard:
    """The card of one event (merged ids resolve to the live event); ``UnknownId`` if absent.

    ``names``: the alias lexicon to show names through, when the caller keeps one loaded (a
    server); read from the store when None.
    """
    return build_event_card(store, event_id, lang, names=names)


def resolve_event_id(store: Store, event_id: str) -> str:
    """The live event an id or unique prefix names (following merges); ``UnknownId`` if none."""
    return resolve_event(store, event_id).id


def list_storylines(store: Store, options: StorylineOptions | None = None) -> list[Storyline]:
    """The saved storylines (rebuilt at the end of each ingest run); computed in memory when none are saved."""
    return load_storylines(store, options)


def list_related(store: Store, options: StorylineOptions | None = None) -> list[RelatedEvents]:
    """Pairs of events that share actors but are not one continuing story (same kind, years apart), with why.

    Saved with the storylines; computed in memory when no storyline is saved.
    """
    return load_threads(store, options).related
# -- reading for the HTTP API and the web app: filtered pages, entities, search, changes ----------------

#: Longest page any listing returns (a client asking for more gets this many and a cursor).
MAX_PAGE = 200


@dataclass(frozen=True)
class ArticlePage:
    """One page of an article listing, newest stored first; ``next``: the cursor of the following page."""

    rows: list[ArticleRow]
    next: str | None


def find_articles(store: Store, where: ArticleFilter | None = None, *, after: str | None = None,
                  limit: int = 50) -> ArticlePage:
    """Articles matching ``where`` (language, outlet, publication days, event), newest stored first.

    ``after``: the previous page's ``next`` (keyset pagination). ``ValueError`` for a bad cursor.
    """
    position = None
    if after is not None:
        if not after.isdigit():
            raise ValueError("not a page cursor")
        position = int(after)
    limit = max(1, min(limit, MAX_PAGE))
    rows = store.article_page(where, after=position, limit=limit + 1)
    more = len(rows) > limit
    rows = rows[:limit]
    return ArticlePage(rows, str(rows[-1].seq) if more and rows else None)


@dataclass
class ArticleDetail:
    """One article as a reader checks it: every field with its source and confidence, its versions,
    its event, and what the cleaner removed (boilerplate blocks, with the reason)."""

    article: Article
    versions: list[dict[str, Any]]
    removed: list[Block]

    def to_dict(self) -> dict[str, Any]:
        data = self.article.to_dict()
        data.pop("blocks", None)
        data["versions"] = self.versions
        data["removed"] = [{"text": b.text, "role": b.role, "reason": b.reason} for b in self.removed]
        data["entities"] = [e.to_dict() for e in self.article.entities]
        return data


def article_detail(store: Store, article_id: str) -> ArticleDetail:
    """The article with this id or unique prefix, with its versions and removed boilerplate; ``UnknownId`` if absent."""
    article = get_article(store, article_id)
    removed = [b for b in article.blocks if b.role != "body"]
    return ArticleDetail(article, store.article_versions(article.id), removed)


def event_articles(store: Store, event_id: str) -> list[ArticleRow]:
    """The summary rows of an event's articles, in the event's order (merged ids resolve); ``UnknownId``."""
    event = resolve_event(store, event_id)
    return store.article_rows(dict.fromkeys(event.article_ids))


@dataclass(frozen=True)
class EventQuery:
    """An event listing: filters, sort, page, and the language titles are shown in."""

    lang: str | None = None  # events with an article in this language
    since: str | None = None  # publication days overlapping [since, until], ISO, inclusive
    until: str | None = None
    place: str | None = None  # a place named by the event's articles, in any script ("Riyadh", "利雅得")
    entity: str | None = None  # a person, organisation or place, in any script
    min_articles: int = 1
    sort: str = "size"  # "size" | "recent" | "published"
    after: str | None = None  # the previous page's cursor
    limit: int = 50
    display_lang: str = DISPLAY_LANG


@dataclass(frozen=True)
class EventListing:
    """One page of events with their headlines, the next page's cursor and how many match in all."""

    rows: list[EventRow]
    next: str | None
    total: int
    revision: int  # the store revision the listing reflects (ask ``changes`` from it)


def headline_maker(store: Store, names: NameResolver | None = None) -> Callable[[str, str], Any]:
    """The headline chooser over ``store``; the lexicon is read on the first headline not cached."""
    loaded: list[NameResolver] = [names] if names is not None else []

    def compute(event_id: str, lang: str) -> Any:
        if not loaded:
            loaded.append(name_resolver(store))
        return headline(load_event(store, event_id, names=loaded[0]), lang)

    return compute


def _names_filter(store: Store, catalog: Catalog, text: str, labels: Sequence[str] | None,
                  lexicon: AliasLexicon | None) -> frozenset[str]:
    """The live events whose articles name what ``text`` names (an entity or place, any script)."""
    entity = resolve_entity(store, text, lexicon)
    if entity is None:
        return frozenset()
    mentions = store.articles_naming(entity.norms, labels=labels)
    return frozenset(catalog.events_of(m.article_id for m in mentions))


#: Entity labels that are places (what the ``place`` filter matches).
PLACE_LABELS = ("GPE", "LOC")


def find_events(store: Store, query: EventQuery | None = None, *, catalog: Catalog | None = None,
                lexicon: AliasLexicon | None = None, headline_budget_s: float | None = None,
                headlines: Callable[[str, str], Headline] | None = None) -> EventListing:
    """Live events, filtered and sorted, one page at a time, with titles in ``query.display_lang``.

    ``catalog``: a server's long-lived :class:`~tidings.views.catalog.Catalog` (refreshed here);
    built for this call when None. ``lexicon``: the store's alias lexicon when the caller keeps one.
    ``headline_budget_s``: seconds to spend making headlines not made yet (None: all of them);
    past it, rows carry a stand-in headline marked ``pending`` (a server makes them in the background).
    ``headlines``: makes a headline not cached, ``(event id, language)``; default :func:`headline_maker`
    (a server reads them off the cards it keeps). ``ValueError`` for an unknown sort or a bad cursor.
    """
    query = query or EventQuery()
    if query.sort not in SORTS:
        raise ValueError(f"unknown sort {query.sort!r}; choose one of: {', '.join(SORTS)}")
    if query.after is not None:
        decode_cursor(query.after)
    if catalog is None:
        catalog = Catalog.build(store)
    else:
        catalog.refresh(store)
    only: frozenset[str] | None = None
    if query.place:
        only = _names_filter(store, catalog, query.place, PLACE_LABELS, lexicon)
    if query.entity:
        named = _names_filter(store, catalog, query.entity, None, lexicon)
        only = named if only is None else only & named
    where = EventFilter(query.lang, query.since, query.until, max(1, query.min_articles), only)
    page = catalog.page(where, query.sort, after=query.after, limit=max(1, min(query.limit, MAX_PAGE)))
    compute = headlines or headline_maker(store, lexicon)
    rows = catalog.with_headlines(page.entries, query.display_lang, compute, headline_budget_s)
    return EventListing(rows, page.next, page.total, catalog.revision)


def resolve_entity(store: Store, text: str, lexicon: AliasLexicon | None = None) -> QueryName | None:
    """The entity a name in any script stands for (``Lavrov``, ``拉夫罗夫``, ``لافروف``, or a norm), or None.

    The whole text first (as a norm the entity index holds, then as a name the lexicon or the
    gazetteer knows), then the longest name inside it.
    """
    lexicon = lexicon if lexicon is not None else AliasLexicon.load(store)
    text = " ".join(text.split())
    if not text:
        return None
    norms = lexicon.names_of(text.casefold())
    if store.articles_naming(norms, limit=1):
        label = lexicon.label_of(norms[0]) or store.articles_naming(norms, limit=1)[0].label
        return QueryName(text, norms[0], label, tuple(norms), tuple(lexicon.spellings(norms[0])))
    found = recognise_names(text, lexicon, store)
    return max(found, key=lambda n: len(n.typed)) if found else None


@dataclass
class EntityPage:
    """Everything about one entity: its spellings in every script, and every event that names it."""

    name: str  # how it is shown
    norm: str
    label: str
    norms: list[str]
    spellings: list[str]
    articles: int  # articles naming it
    languages: dict[str, int]  # of those articles, per language
    events: list[EventRow]  # most articles naming it first

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name, "norm": self.norm, "label": self.label, "norms": self.norms,
            "spellings": self.spellings, "articles": self.articles, "languages": self.languages,
            "events": [e.to_dict() for e in self.events],
        }


def get_entity(store: Store, name: str, *, lang: str = DISPLAY_LANG, catalog: Catalog | None = None,
               lexicon: AliasLexicon | None = None, limit: int = 100) -> EntityPage:
    """The entity page of a name in any script; ``UnknownId`` when no article names it."""
    lexicon = lexicon if lexicon is not None else AliasLexicon.load(store)
    entity = resolve_entity(store, name, lexicon)
    if entity is None:
        raise UnknownId(f"no article names {name!r}")
    if catalog is None:
        catalog = Catalog.build(store)
    else:
        catalog.refresh(store)
    mentions = store.articles_naming(entity.norms)
    ids = list(dict.fromkeys(m.article_id for m in mentions))
    langs = Counter(r.lang or "und" for r in store.article_rows(ids))
    counts = catalog.events_of(ids)
    ranked = sorted(counts, key=lambda e: (-counts[e], -(catalog.get(e).last_seq if catalog.get(e) else 0), e))
    compute = headline_maker(store, lexicon)
    rows = catalog.with_headlines([entry for e in ranked[:limit] if (entry := catalog.get(e))], lang, compute)
    shown = lexicon.display(entity.norm) if entity.label != "GPE" else entity.norm.title()
    return EntityPage(shown, entity.norm, entity.label, list(entity.norms), list(entity.spellings), len(ids),
                      dict(langs.most_common()), rows)


@dataclass
class SearchResult:
    """Found articles, the events they belong to (best first), and the names recognised in the query."""

    articles: list[ArticleHit]
    events: list[EventRow]
    names: list[QueryName] = field(default_factory=list)
    vectors: str | None = None  # the encoder that embedded the query (None: no vectors searched)

    def to_dict(self) -> dict[str, Any]:
        return {
            "articles": [vars(h) for h in self.articles],
            "events": [e.to_dict() for e in self.events],
            "names": [vars(n) for n in self.names],
            "vectors": self.vectors,
        }


def search(store: Store, query: SearchQuery | str, *, options: SearchOptions | None = None,
           catalog: Catalog | None = None, lexicon: AliasLexicon | None = None,
           display_lang: str = DISPLAY_LANG, headline_budget_s: float | None = None,
           headlines: Callable[[str, str], Headline] | None = None) -> SearchResult:
    """Search articles in every language (hybrid: words, names across scripts, vectors) and their events.

    An event ranks by its best article (then by how many of its articles were found).
    ``headline_budget_s``, ``headlines``: as :func:`find_events` (events past the budget carry a stand-in
    headline, ``pending``).
    """
    query = SearchQuery(query) if isinstance(query, str) else query
    found = search_articles(store, query, options=options, lexicon=lexicon)
    found.hits = [_with_snippet(store, hit) for hit in found.hits]
    best: dict[str, tuple[int, int]] = {}
    for rank, hit in enumerate(found.hits):
        owner = (catalog.event_of(hit.id) if catalog is not None else None) or hit.event_id
        if owner:
            first, count = best.get(owner, (rank, 0))
            best[owner] = (first, count + 1)
    events: list[EventRow] = []
    if best:
        if catalog is None:
            catalog = Catalog.build(store)
        compute = headlines or headline_maker(store, lexicon)
        entries = [entry for eid in sorted(best, key=lambda e: (best[e][0], -best[e][1], e))
                   if (entry := catalog.get(eid)) is not None]
        events = catalog.with_headlines(entries, display_lang, compute, headline_budget_s)
    return SearchResult(found.hits, events, found.names, found.vectors)


#: Characters of an untitled article's text a search hit shows instead of a title.
SNIPPET_CHARS = 160


def _with_snippet(store: Store, hit: ArticleHit) -> ArticleHit:
    if hit.title:
        return hit
    article = store.get_article(hit.id)
    text = " ".join(article.text.split()) if article is not None else ""
    cut = text[:SNIPPET_CHARS].rsplit(" ", 1)[0] + " …" if len(text) > SNIPPET_CHARS else text
    return replace(hit, snippet=cut or None)


@dataclass(frozen=True)
class Updates:
    """What changed since a revision: events rewritten, articles stored, whether storylines moved."""

    revision: int
    events: list[str]
    articles: int
    storylines: bool

    def to_dict(self) -> dict[str, Any]:
        return {"revision": self.revision, "events": self.events, "articles": self.articles,
                "storylines": self.storylines}


def changes(store: Store, since: int, limit: int = 1000) -> Updates:
    """The cheap "what changed since" a live page polls (an index range on the change numbers)."""
    found = store.changes(max(0, since), limit=limit)
    events = list(dict.fromkeys(key for kind, key in found.records if kind == "event"))
    storylines = any(kind in ("storyline", "related") for kind, _ in found.records)  # related: saved beside them
    return Updates(found.revision, events, len(found.articles), storylines)
