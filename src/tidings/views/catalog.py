"""The event catalog: every live event's listing row, in memory, kept fresh by the store's change numbers.

Why in memory: an event listing with filters and a sort must answer in milliseconds on a store of
100k articles, and the listing row of an event (counts, languages, publication days) comes from
all of its articles. Computing it per request (:func:`tidings.views.events.list_events`) reads
every article row and every event record; the catalog reads them once, then follows
:meth:`~tidings.store.Store.changes` (an indexed "what was written since revision N") and
recomputes only the events that changed. A server keeps one catalog for its life and refreshes it
at most every :attr:`Catalog.min_refresh_s`; the command line builds one per call, which costs
what :func:`~tidings.views.events.list_events` costs.

Readers only: the catalog never writes to the store. Replacing its tables is one reference swap,
so a request reading a listing never sees half of a refresh (copy on write; refreshes are serialised).
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import threading
import time
from bisect import bisect_right
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from tidings.article import Event
from tidings.store import Store
from tidings.views.events import EventRow, Headline, event_copies, event_row

#: The sorts an event listing offers: biggest first, latest activity first (its newest stored
#: article), latest news first (its last publication day).
EventSort = Literal["size", "recent", "published"]
SORTS: tuple[str, ...] = ("size", "recent", "published")


@dataclass(frozen=True)
class EventEntry:
    """One live event as the catalog keeps it: its listing row, articles and change number."""

    row: EventRow
    article_ids: tuple[str, ...]
    last_seq: int  # storage position of its newest article
    revision: int  # the catalog revision at which it was last recomputed (caches key on it)
    #: What its card is built from, as a short digest of its articles' ids and stored versions: equal
    #: digests, equal cards (across server restarts too, which ``revision`` is not; see ``serve.shelf``).
    digest: str = ""
    #: The first stored title per language (a stand-in headline while the real one is prepared).
    titles: tuple[tuple[str, str], ...] = ()

    def stand_in(self, lang: str) -> Headline:
        """A headline made of nothing but a report's own title (in ``lang`` when one exists)."""
        by_lang = dict(self.titles)
        chosen = lang if lang in by_lang else (self.titles[0][0] if self.titles else None)
        return Headline(title=by_lang.get(chosen) if chosen else None, title_lang=chosen)


@dataclass(frozen=True)
class EventFilter:
    """Which events a listing shows (every set field must hold)."""

    lang: str | None = None  # has an article in this language
    since: str | None = None  # publication days overlap [since, until] (ISO days, inclusive)
    until: str | None = None
    min_articles: int = 1
    only: frozenset[str] | None = None  # only these event ids (an entity or place filter, resolved)

    def keeps(self, entry: EventEntry) -> bool:
        row = entry.row
        if row.articles < self.min_articles:
            return False
        if self.lang is not None and self.lang not in row.languages:
            return False
        if self.only is not None and row.id not in self.only:
            return False
        if self.since and (row.last_published is None or row.last_published < self.since[:10]):
            return False
        return not (self.until and (row.first_published is None or row.first_published > self.until[:10]))


@dataclass
class _Tables:
    entries: dict[str, EventEntry] = field(default_factory=dict)
    event_of: dict[str, str] = field(default_factory=dict)  # article id → live event id
    revision: int = 0


def _sort_key(sort: str) -> Callable[[EventEntry], tuple[Any, ...]]:
    if sort == "size":
        return lambda e: (-e.row.articles, e.row.id)
    if sort == "recent":
        return lambda e: (-e.last_seq, e.row.id)
    if sort == "published":
        return lambda e: (-_ordinal(e.row.last_published), -e.last_seq, e.row.id)
    raise ValueError(f"unknown sort {sort!r}; choose one of: {', '.join(SORTS)}")


def _ordinal(day: str | None) -> int:
    try:
        return dt.date.fromisoformat(day[:10]).toordinal() if day else 0
    except ValueError:
        return 0


def encode_cursor(key: tuple[Any, ...]) -> str:
    """An opaque page cursor for a sort key (URL-safe)."""
    return base64.urlsafe_b64encode(json.dumps(list(key), ensure_ascii=False).encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[Any, ...]:
    """The sort key of a cursor; ``ValueError`` for anything that is not one of ours."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        key = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ValueError("not a page cursor") from exc
    if not isinstance(key, list) or not key or not all(isinstance(k, (int, str)) for k in key):
        raise ValueError("not a page cursor")
    return tuple(key)


@dataclass(frozen=True)
class EventPage:
    """One page of an event listing: rows (without headlines: the API adds them), the next cursor, the total."""

    entries: list[EventEntry]
    next: str | None
    total: int


class Catalog:
    """Every live event's listing row (see the module docstring). Build with :meth:`build`."""

    def __init__(self, min_refresh_s: float = 1.0, cached_listings: int = 64, cached_headlines: int = 20_000) -> None:
        self.min_refresh_s = min_refresh_s
        self.cached_listings = cached_listings
        self.cached_headlines = cached_headlines
        self._tables = _Tables()
        self._refresh_lock = threading.Lock()
        self._cache_lock = threading.Lock()
        self._checked = 0.0
        self._listings: OrderedDict[Hashable, list[EventEntry]] = OrderedDict()
        self._headlines: OrderedDict[tuple[str, int, str], Headline] = OrderedDict()
        #: Revision of the last change to storylines (a server reloads them when it moves).
        self.storylines_revision = 0

    # -- building and following the store -------------------------------------------------------
    @classmethod
    def build(cls, store: Store, **kwargs: Any) -> Catalog:
        """A catalog of the store as it is now (reads every article row and event record once)."""
        catalog = cls(**kwargs)
        revision = store.revision()  # first: anything written during the scan is replayed by refresh
        rows = {r.id: r for r in store.article_rows()}
        tables = _Tables(revision=revision)
        for _key, record in store.iter_records("event"):
            event = Event.from_dict(record)
            if event.merged_into or not event.article_ids:
                continue
            members = [rows[a] for a in dict.fromkeys(event.article_ids) if a in rows]
            if members:
                tables.entries[event.id] = _entry(store, event, members, revision)
                for m in members:
                    tables.event_of[m.id] = event.id
        catalog._tables = tables
        catalog.storylines_revision = revision
        catalog._checked = time.monotonic()
        return catalog

    @property
    def revision(self) -> int:
        return self._tables.revision

    def refresh(self, store: Store, *, force: bool = False) -> set[str]:
        """Follow the store's changes since the last refresh; the ids of events that changed.

        At most once per :attr:`min_refresh_s` unless ``force``; concurrent callers do not wait for
        one another (the one that gets the lock refreshes, the others read the tables as they are).
        """
        now = time.monotonic()
        if not force and now - self._checked < self.min_refresh_s:
            return set()
        if not self._refresh_lock.acquire(blocking=force):
            return set()
        try:
            self._checked = time.monotonic()
            return self._apply(store)
        finally:
            self._refresh_lock.release()

    def _apply(self, store: Store) -> set[str]:
        old = self._tables
        if store.revision() == old.revision:
            return set()
        touched: set[str] = set()
        revision = old.revision
        articles: set[str] = set()
        while True:
            changes = store.changes(revision)
            for kind, key in changes.records:
                if kind == "event":
                    touched.add(key)
                elif kind in ("storyline", "related"):  # tell.threads.RELATED_KIND: saved beside them
                    self.storylines_revision = changes.revision
            articles.update(changes.articles)
            if changes.revision == revision:
                break
            revision = changes.revision
            if not changes.articles and not changes.records:
                break
        entries = dict(old.entries)
        event_of = dict(old.event_of)
        rows = {r.id: r for r in store.article_rows(articles)} if articles else {}
        for aid, row in rows.items():  # a new version of an article: its event's counts may change
            owner = event_of.get(aid) or row.event_id
            if owner:
                touched.add(owner)
        for eid in sorted(touched):
            record = store.get_record("event", eid)
            previous = entries.pop(eid, None)
            for aid in previous.article_ids if previous else ():
                if event_of.get(aid) == eid:
                    del event_of[aid]
            if record is None:
                continue
            event = Event.from_dict(record)
            if event.merged_into or not event.article_ids:
                continue
            members = store.article_rows(dict.fromkeys(event.article_ids))
            if members:
                entries[eid] = _entry(store, event, members, revision)
                for m in members:
                    event_of[m.id] = eid
        self._tables = _Tables(entries, event_of, revision)
        with self._cache_lock:
            self._listings.clear()
        return touched

    # -- reading ------------------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self._tables.entries)

    def get(self, event_id: str) -> EventEntry | None:
        return self._tables.entries.get(event_id)

    def event_of(self, article_id: str) -> str | None:
        """The live event an article is in (None: ungrouped, or unknown)."""
        return self._tables.event_of.get(article_id)

    def events_of(self, article_ids: Iterable[str]) -> dict[str, int]:
        """Live event id → how many of ``article_ids`` it holds."""
        event_of = self._tables.event_of
        counts: dict[str, int] = {}
        for aid in article_ids:
            eid = event_of.get(aid)
            if eid is not None:
                counts[eid] = counts.get(eid, 0) + 1
        return counts

    def page(self, where: EventFilter | None = None, sort: str = "size", *, after: str | None = None,
             limit: int = 50) -> EventPage:
        """One page of the filtered, sorted listing; ``after``: the previous page's ``next`` cursor.

        Keyset pages: a cursor names the last row shown by its sort key, so pages stay right while
        events are added. ``ValueError`` for an unknown sort or a cursor that is not one.
        """
        where = where or EventFilter()
        key = _sort_key(sort)
        tables = self._tables
        listing = self._listing(tables, where, sort, key)
        start = 0
        if after is not None:
            mark = decode_cursor(after)
            start = bisect_right(listing, mark, key=lambda e: _comparable(key(e), mark))
        chosen = listing[start : start + max(0, limit)]
        more = start + len(chosen) < len(listing)
        return EventPage(chosen, encode_cursor(key(chosen[-1])) if chosen and more else None, len(listing))

    def _listing(self, tables: _Tables, where: EventFilter, sort: str,
                 key: Callable[[EventEntry], tuple[Any, ...]]) -> list[EventEntry]:
        cache_key = (tables.revision, where, sort)
        with self._cache_lock:
            hit = self._listings.get(cache_key)
            if hit is not None:
                self._listings.move_to_end(cache_key)
                return hit
        listing = sorted((e for e in tables.entries.values() if where.keeps(e)), key=key)
        with self._cache_lock:
            self._listings[cache_key] = listing
            while len(self._listings) > self.cached_listings:
                self._listings.popitem(last=False)
        return listing

    # -- headlines ------------------------------------------------------------------------------
    def headline(self, entry: EventEntry, lang: str, compute: Callable[[str, str], Headline]) -> Headline:
        """The event's headline in ``lang``, computed once per change of the event (``compute(id, lang)``)."""
        key = (entry.row.id, entry.revision, lang)
        with self._cache_lock:
            hit = self._headlines.get(key)
            if hit is not None:
                self._headlines.move_to_end(key)
                return hit
        made = compute(entry.row.id, lang)
        self.remember_headline(entry, lang, made)
        return made

    def remember_headline(self, entry: EventEntry, lang: str, made: Headline) -> None:
        """Keep a headline made elsewhere (from a built card) as if :meth:`headline` had made it."""
        with self._cache_lock:
            self._headlines[(entry.row.id, entry.revision, lang)] = made
            while len(self._headlines) > self.cached_headlines:
                self._headlines.popitem(last=False)

    def made_headlines(self, rows: list[EventRow], lang: str) -> list[EventRow]:
        """``rows`` with the headlines made since they were listed in place of their stand-ins."""
        out = []
        for row in rows:
            entry = self.get(row.id) if row.pending else None
            made = self.cached_headline(entry, lang) if entry is not None else None
            out.append(_row(entry, lang, made) if entry is not None and made is not None else row)
        return out

    def entries_by(self, sort: str = "size") -> list[EventEntry]:
        """Every live event's entry in a listing's order."""
        return self._listing(self._tables, EventFilter(), sort, _sort_key(sort))

    def cached_headline(self, entry: EventEntry, lang: str) -> Headline | None:
        """The event's headline in ``lang`` if it is made already (None: it is not)."""
        with self._cache_lock:
            return self._headlines.get((entry.row.id, entry.revision, lang))

    def with_headlines(self, entries: list[EventEntry], lang: str, compute: Callable[[str, str], Headline],
                       budget_s: float | None = None) -> list[EventRow]:
        """Rows with their headlines: made ones first, then made within ``budget_s`` seconds (None: all),
        in the page's order; the rest stand in (:meth:`EventEntry.stand_in`, ``pending``)."""
        deadline = None if budget_s is None else time.monotonic() + budget_s
        rows = []
        for entry in entries:
            if deadline is None or time.monotonic() < deadline:
                made: Headline | None = self.headline(entry, lang, compute)
            else:
                made = self.cached_headline(entry, lang)
            rows.append(_row(entry, lang, made))
        return rows


def _row(entry: EventEntry, lang: str, made: Headline | None) -> EventRow:
    """The entry's listing row with its headline, or with a stand-in (``pending``) when none is made.

    ``vars``, not ``asdict``: asdict deep-copies (a busy server's listings spent a tenth of the interpreter there).
    """
    if made is None:
        return replace(entry.row, **vars(entry.stand_in(lang)), pending=True)
    return replace(entry.row, **vars(made))


def _comparable(key: tuple[Any, ...], mark: tuple[Any, ...]) -> tuple[Any, ...]:
    """``key`` cut or typed like a cursor's (a forged cursor of other types must not crash the sort)."""
    return tuple(k if type(k) is type(m) else m for k, m in zip(key, mark, strict=False))


def _entry(store: Store, event: Event, members: list[Any], revision: int) -> EventEntry:
    titles: dict[str, str] = {}
    for m in sorted(members, key=lambda m: m.seq):
        if m.title and (m.lang or "und") not in titles:
            titles[m.lang or "und"] = m.title
    return EventEntry(
        row=event_row(event, members, event_copies(store, event, {m.id for m in members},
                                                   {m.id: m.version for m in members})),
        article_ids=tuple(m.id for m in members),
        last_seq=max((m.seq for m in members), default=0),
        revision=revision,
        titles=tuple(titles.items()),
        digest=members_digest(members),
    )


def members_digest(members: Iterable[Any]) -> str:
    """A digest of an event's articles (id and stored version each; order does not matter)."""
    h = hashlib.blake2b(digest_size=10)
    for m in sorted(members, key=lambda m: m.id):
        h.update(f"{m.id}\x1f{m.version}\x1e".encode())
    return h.hexdigest()
