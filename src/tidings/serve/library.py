"""What a server keeps between requests: read-only store connections, the event catalog, the alias
lexicon and built cards, all kept fresh by the store's change numbers.

Every request borrows one read-only store (:meth:`Library.store`): a SQLite connection or a
PostgreSQL session must not be shared by two threads at once, and FastAPI runs plain ``def``
endpoints in a thread pool. Readers never write and never wait for the writer (an ingest in
another process, or ``POST /api/ingest`` here): SQLite's WAL and PostgreSQL's MVCC give each
query the last committed state.

Caches are keyed by what changes them: a card by its event's digest (its articles' ids and
versions) and language, kept in memory and filed on the card shelf beside the store
(:mod:`tidings.serve.shelf`), so a restarted server builds none; a card whose event changed since
is answered at once, marked stale, while the keeper makes the new one. A listing's headlines are
read off the kept cards. A search is reused while the store holds still or moved less than
:attr:`ServeOptions.search_fresh_s` ago. The lexicon is reloaded when the store moved, at most every
:data:`LEXICON_TTL_S` (it is the largest thing read, and names change slowly).

Slow work stays off the requests: before the first request the server loads what cards and
searches load on first use; then a keeper thread follows the store's changes every ``refresh_s``,
swaps in a reloaded lexicon, and makes cards: the ones a listing or search stood in for, the stale
ones asked for, then every event's not filed yet (biggest first). ``tidings serve`` has them made in
a child process at low priority (:mod:`tidings.serve.cardmaker`); made in the keeper thread, the keeper
rests longer than it works while requests come. A request only builds a card no one has built yet.
"""

from __future__ import annotations

import json
import logging
import queue
import sqlite3
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, replace

from tidings import api
from tidings.options import DISPLAY_LANG
from tidings.serve.cardmaker import CardMaker, MakerGone, card_json, card_parts
from tidings.serve.shelf import CardShelf
from tidings.store import Store, open_store
from tidings.tell.cards import related_of
from tidings.tell.threads import related_events
from tidings.tell.types import EventCard, RelatedEvent
from tidings.understand import towns
from tidings.understand.aliases import AliasLexicon
from tidings.views.catalog import EventEntry
from tidings.views.events import Headline, UnknownId

#: Seconds a loaded alias lexicon is kept while the store changes (names change slowly; loading it holds
#: the interpreter ~2 s on the 100k-article bench store, which every 30 s cost a busy server its p95).
LEXICON_TTL_S = 120.0
#: Seconds of history behind the ingest-rate gauge.
RATE_WINDOW_S = 60.0
#: Listings asked for within this many seconds are kept warm by the keeper thread.
WARM_WINDOW_S = 300.0
#: At most this many distinct listings are kept warm.
WARM_LISTINGS = 32
#: ``tidings serve``'s headline budget per listing request (:attr:`ServeOptions.headline_budget_s`):
#: a listing of headlines made answers in a few ms, so this bounds a listing's time at ~50 ms.
HEADLINE_BUDGET_S = 0.04
#: Stand-in headlines queued for the keeper at most (the oldest are dropped: nobody waits for them).
WANTED_HEADLINES = 5000
#: Seconds of one keeper round spent making queued headlines (resting included) before it looks at the store again.
KEEPER_SLICE_S = 2.0
#: The keeper rests between two cards while a request came within this many seconds; else it works on.
KEEPER_IDLE_S = 2.0
#: ... resting this many times as long as the card took: background work takes at most a fifth of the
#: interpreter while readers are served (a card changed by a writer is answered stale meanwhile).
KEEPER_REST = 4.0
#: Searches made (not reused) at once; the others wait their turn (see :meth:`Library.answer_search`).
SEARCHES_AT_ONCE = 2

log = logging.getLogger("tidings.serve")


@dataclass
class ServeOptions:
    """How ``tidings serve`` runs."""

    db: str = "tidings.db"
    host: str = "127.0.0.1"
    port: int = 8080
    #: Bearer token for ``POST /api/ingest`` (``TIDINGS_TOKEN``); None: the server is read-only.
    token: str | None = None
    display_lang: str = DISPLAY_LANG
    #: Read-only store connections (one per concurrent request; more requests wait for one).
    readers: int = 8
    #: Seconds between two looks at the store's changes (the catalog's refresh).
    refresh_s: float = 1.0
    #: Largest upload ``POST /api/ingest`` accepts.
    max_upload_bytes: int = 64 * 1024 * 1024
    #: Seconds between the web app's "what changed" polls.
    poll_s: float = 5.0
    #: Cards kept built (most recently used).
    cached_cards: int = 2000
    #: Seconds a listing request spends making headlines not made yet; the rest stand in (``pending``)
    #: and the keeper makes them. Why: a headline reads its event's reports (30-300 ms on the 100k-article
    #: bench store), so a first listing of 200 big events took minutes. None: every headline is made
    #: before answering (a small store, tests); ``tidings serve`` sets :data:`HEADLINE_BUDGET_S`.
    headline_budget_s: float | None = None
    #: Where built cards are kept between requests and restarts (:mod:`tidings.serve.shelf`); None:
    #: in memory only. ``tidings serve`` files them beside a SQLite store (``<db>.cards``).
    shelf: str | None = None
    #: Seconds a search's answer is reused while the store changes (an unchanged store reuses it for as
    #: long as it is kept): a busy writer moves the store every second, and a search costs 30-200 ms on
    #: the 100k-article bench store, so a server with many readers answers a repeated search from here;
    #: a news search a minute behind the feed is still today's (15 s left the 200-client bench's server
    #: busy with searches asked again: ~100 distinct queries recomputed 4 times a minute).
    search_fresh_s: float = 60.0
    #: Searches kept answered (most recently asked).
    cached_searches: int = 512
    #: The keeper's cards are made in a child process at low priority (:mod:`tidings.serve.cardmaker`)
    #: instead of a thread of the server; ``tidings serve`` sets it (tests keep the one process).
    card_process: bool = False


class _Kept:
    """A built card without its related events: the event digest it was built at, its headline and its
    JSON as the API sends it; the card itself is read back from the JSON when a page needs it."""

    __slots__ = ("_card", "body", "digest", "headline")

    def __init__(self, digest: str, headline: Headline, body: bytes, card: EventCard | None = None) -> None:
        self.digest, self.headline, self.body, self._card = digest, headline, body, card

    @property
    def card(self) -> EventCard:
        if self._card is None:
            self._card = EventCard.from_dict(json.loads(self.body))
        return self._card


class Library:
    """The server's long-lived reading state (see the module docstring). Use as a context manager."""

    def __init__(self, options: ServeOptions) -> None:
        self.options = options
        self._pool: queue.LifoQueue[Store] = queue.LifoQueue()
        self._opened: list[Store] = []
        self._slots = threading.BoundedSemaphore(max(1, options.readers))
        self._open_lock = threading.Lock()
        self._lexicon: AliasLexicon | None = None
        self._lexicon_at = (-1, 0.0)  # (revision, monotonic time) when loaded
        self._lexicon_lock = threading.Lock()
        #: (event id, language) → the card without its related events, kept with the digest it was built at
        self._cards: OrderedDict[tuple[str, str], _Kept] = OrderedDict()
        self.shelf: CardShelf | None = None
        #: Cards served stale, to make anew; then every event whose card is not filed yet (``_plan``).
        self._stale: OrderedDict[tuple[str, str], None] = OrderedDict()
        self._plan: OrderedDict[tuple[str, str], None] = OrderedDict()  # first queued, first made; once each
        self._last_request = 0.0
        self._searching = threading.BoundedSemaphore(SEARCHES_AT_ONCE)
        self._searches: OrderedDict[tuple[api.SearchQuery, str], tuple[int, float, api.SearchResult]] = OrderedDict()
        self._cards_lock = threading.Lock()
        self._counts: deque[tuple[float, int]] = deque()
        self._listings: OrderedDict[api.EventQuery, float] = OrderedDict()  # listing asked for → when
        self._stop = threading.Event()
        self._keeper: threading.Thread | None = None
        self._maker: CardMaker | None = None
        self._warmed = -1  # the catalog revision the keeper last warmed listings at
        #: Headlines that stood in for a request, (event id, language), for the keeper to make.
        self._wanted: OrderedDict[tuple[str, str], None] = OrderedDict()
        self.catalog: api.Catalog | None = None

    # -- lifetime --------------------------------------------------------------------------------
    def open(self, *, keeper: bool = True) -> Library:
        """Build the catalog (reads every event once) and load the lexicon; start the keeper thread.

        The catalog is refreshed by the keeper only (requests never wait for a refresh): its own
        rate limit is set out of reach.
        """
        with self.store() as store:
            self.catalog = api.Catalog.build(store, min_refresh_s=float("inf"))
            self._lexicon = AliasLexicon.load(store)
            self._lexicon_at = (self.catalog.revision, time.monotonic())
        self.shelf = CardShelf.open(self.options.shelf)
        if self.options.shelf and self.shelf is None:
            log.warning("%s is not a card shelf: built cards are kept in memory only", self.options.shelf)
        self._take_shelved_headlines()
        self._plan_cards(self.catalog.entries_by("size"))
        self._warm()
        for sort in ("recent", "size"):  # the pages a visitor sees first
            self.asked(api.EventQuery(sort=sort, limit=30, display_lang=self.options.display_lang))
        if keeper:
            self._maker = CardMaker(self.options.db) if self.options.card_process else None
            self._keeper = threading.Thread(target=self._keep, name="tidings-keeper", daemon=True)
            self._keeper.start()
        return self

    def _warm(self) -> None:
        """Load now, before the first request, what a card or a search loads on first use: the town
        table, the gazetteer's index, the query encoder and the store's vectors (seconds on a big store),
        word frequencies (one card of the smallest event).

        Why before: requests run on many threads, and each thread that found a table not loaded yet
        loaded it too (measured on the 100k bench store: the first minute's requests waited up to 30 s).
        """
        assert self.catalog is not None
        towns.warm()
        try:
            with self.store(request=False) as store:
                api.search(store, api.SearchQuery("Tidings", limit=1), catalog=self.catalog,
                           lexicon=self.lexicon(store), headline_budget_s=0.0)
                smallest = self.catalog.entries_by("size")[-1:]
                for entry in smallest:  # word frequencies, name tables: what a card reads on first use
                    api.build_card(store, entry.row.id, self.options.display_lang, names=self.lexicon(store))
        except Exception:  # a warm-up only: a request will say what is wrong
            log.exception("warming search and cards")

    def close(self) -> None:
        self._stop.set()
        maker = self._maker
        if maker is not None:  # first: a keeper waiting for a big card returns at once
            maker.close()
        if self._keeper is not None:
            self._keeper.join(timeout=30)
        for store in self._opened:
            store.close()
        self._opened.clear()
        if self.shelf is not None:
            self.shelf.close()

    def __enter__(self) -> Library:
        return self.open()

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def store(self, *, request: bool = True) -> Iterator[Store]:
        """A read-only store for one request (waits while every connection is lent); the keeper passes
        ``request=False`` (requests in the last seconds make the keeper rest between its cards)."""
        self._slots.acquire()
        if request:
            self._last_request = time.monotonic()
        try:
            try:
                store = self._pool.get_nowait()
            except queue.Empty:
                with self._open_lock:
                    store = open_store(self.options.db, read_only=True)
                    self._opened.append(store)
            try:
                yield store
            finally:
                self._pool.put(store)
        finally:
            self._slots.release()

    # -- fresh state ----------------------------------------------------------------------------
    def refresh(self, store: Store, *, force: bool = False) -> api.Catalog:
        """The catalog; ``force``: follow the store's changes now (after an upload), else as the keeper left it."""
        assert self.catalog is not None, "Library.open() first"
        if force:
            self.catalog.refresh(store, force=True)
        return self.catalog

    def lexicon(self, store: Store) -> AliasLexicon:
        """The store's alias lexicon as last loaded (the keeper reloads it; see the module docstring)."""
        if self._lexicon is None:
            with self._lexicon_lock:
                if self._lexicon is None:
                    self._lexicon = AliasLexicon.load(store)
        return self._lexicon

    def listing(self, store: Store, query: api.EventQuery) -> api.EventListing:
        """A page of events for a request: headlines not made within the budget stand in, and the
        keeper is told to make them (this very page, so a client's next poll shows them)."""
        listing = api.find_events(store, query, catalog=self.refresh(store), lexicon=self.lexicon(store),
                                  headline_budget_s=self.options.headline_budget_s, headlines=self._headlines(store))
        self._want_headlines(listing.rows, query.display_lang)
        return listing

    def answer_search(self, query: api.SearchQuery, display_lang: str) -> api.SearchResult:
        """A search for a request: from memory when it can be (no store borrowed), else made, by at most
        :data:`SEARCHES_AT_ONCE` requests at a time.

        Why a bound: a search not made yet holds the interpreter 30-80 ms on the 100k bench store, and
        200 readers arriving at once asked ~100 of them together: forty threads taking turns with the
        interpreter made every request wait, the cheap ones (a kept card, a listing) too.
        """
        reused = self.reused_search(query, display_lang)
        if reused is not None:
            return reused
        with self._searching, self.store() as store:
            return self.search(store, query, display_lang)

    def reused_search(self, query: api.SearchQuery, display_lang: str) -> api.SearchResult | None:
        """The answer kept for this search if the store has not changed, or changed less than
        :attr:`ServeOptions.search_fresh_s` ago (with the headlines made since); else None."""
        catalog = self.catalog
        assert catalog is not None
        key = (query, display_lang)
        with self._cards_lock:
            hit = self._searches.get(key)
            if hit is not None:
                self._searches.move_to_end(key)
        if hit is None or (hit[0] != catalog.revision and time.monotonic() - hit[1] >= self.options.search_fresh_s):
            return None
        result = hit[2]
        if any(r.pending for r in result.events):
            result = replace(result, events=catalog.made_headlines(result.events, display_lang))
        self._want_headlines(result.events, display_lang)
        return result

    def search(self, store: Store, query: api.SearchQuery, display_lang: str) -> api.SearchResult:
        """A search: event headlines as :meth:`listing` makes them; a search asked again is reused
        (:meth:`reused_search`)."""
        catalog = self.refresh(store)
        reused = self.reused_search(query, display_lang)
        if reused is not None:
            return reused
        revision, began = catalog.revision, time.monotonic()
        result = api.search(store, query, catalog=catalog, lexicon=self.lexicon(store), display_lang=display_lang,
                            headline_budget_s=self.options.headline_budget_s, headlines=self._headlines(store))
        self._want_headlines(result.events, display_lang)
        with self._cards_lock:
            self._searches[(query, display_lang)] = (revision, began, result)
            while len(self._searches) > self.options.cached_searches:
                self._searches.popitem(last=False)
        return result

    def _headlines(self, store: Store) -> Callable[[str, str], Headline]:
        """Headlines for a listing: off the kept card (a stale one too, while the keeper makes the new
        one: a headline reads up to 60 reports, so making it here would hold the interpreter), made
        here only for an event that has no card yet."""
        fallback = api.headline_maker(store, self.lexicon(store))

        def compute(event_id: str, lang: str) -> Headline:
            assert self.catalog is not None
            kept = self._held(event_id, lang)
            if kept is None:
                return fallback(event_id, lang)
            self._mark_if_stale(event_id, lang, kept)
            return kept.headline

        return compute

    def _want_headlines(self, rows: Iterable[api.EventRow], lang: str) -> None:
        """Queue the headlines that stood in for the keeper to make (the newest asked first)."""
        pending = [(r.id, lang) for r in rows if r.pending]
        if not pending:
            return
        with self._cards_lock:
            for key in pending:
                self._wanted[key] = None
                self._wanted.move_to_end(key)
            while len(self._wanted) > WANTED_HEADLINES:
                self._wanted.popitem(last=False)

    def _next_card(self) -> tuple[str, str] | None:
        """What the keeper makes next: headlines a reader waits for (newest asked first), cards served
        stale (newest first), then the cards of the store not filed yet (biggest first)."""
        with self._cards_lock:
            if self._wanted:
                return self._wanted.popitem(last=True)[0]
            if self._stale:
                return self._stale.popitem(last=True)[0]
            return self._plan.popitem(last=False)[0] if self._plan else None

    def _make_wanted(self, store: Store) -> None:
        """Make queued cards (and so headlines) for at most :data:`KEEPER_SLICE_S` (then the keeper
        follows the store again, so new articles show while a long queue is worked off)."""
        assert self.catalog is not None
        until = time.monotonic() + KEEPER_SLICE_S
        while not self._stop.is_set() and time.monotonic() < until:
            wanted = self._next_card()
            if wanted is None:
                return
            event_id, lang = wanted
            entry = self.catalog.get(event_id)
            kept = self._held(event_id, lang) if entry is not None else None
            if entry is None or (kept is not None and kept.digest == entry.digest):
                continue
            began = time.monotonic()
            try:
                if self._maker is not None and self._made_apart(event_id, lang, entry):
                    continue  # made in the child: no interpreter of the server was used, no rest needed
                self._make_card(store, event_id, lang, entry)
            except UnknownId:
                continue
            if time.monotonic() - self._last_request < KEEPER_IDLE_S:
                # a thread shares the interpreter with the requests: rest longer than it worked (measured:
                # requests waited seconds while the keeper made a 200-row listing in one go)
                self._stop.wait(KEEPER_REST * (time.monotonic() - began))

    def _plan_cards(self, entries: Iterable[EventEntry], *, changed: bool = False) -> None:
        """Queue the cards, in the server's display language, of ``entries`` not filed at their digest
        (``changed``: events that just changed, so not filed at their new digest: the shelf is not read)."""
        lang = self.options.display_lang
        filed = self.shelf.digests(lang) if self.shelf is not None and not changed else {}
        with self._cards_lock:
            for e in entries:
                if filed.get(e.row.id) != e.digest:
                    self._plan.setdefault((e.row.id, lang))

    def _take_shelved_headlines(self) -> None:
        """Headlines of the filed cards that are current: a restarted server lists them at once."""
        assert self.catalog is not None
        if self.shelf is None:
            return
        for event_id, lang, digest, headline in self.shelf.headlines():
            entry = self.catalog.get(event_id)
            if entry is not None and entry.digest == digest:
                self.catalog.remember_headline(entry, lang, Headline(**headline))

    def cards_queued(self) -> int:
        """Cards the keeper has still to make (``/healthz``)."""
        with self._cards_lock:
            return len(self._wanted) + len(self._stale) + len(self._plan)

    def asked(self, query: api.EventQuery) -> None:
        """Remember a listing a client asked for (its first page), so the keeper keeps its headlines warm."""
        first = replace(query, after=None)
        with self._cards_lock:
            self._listings[first] = time.monotonic()
            self._listings.move_to_end(first)
            while len(self._listings) > WARM_LISTINGS:
                self._listings.popitem(last=False)

    def _keep(self) -> None:
        """The keeper thread: follow the store, reload the lexicon, warm what clients look at."""
        while not self._stop.wait(self.options.refresh_s):
            try:
                self._keep_once()
            except Exception:  # a store that is briefly unreadable must not end the thread
                log.exception("keeping the server's catalog fresh")

    def _keep_once(self) -> None:
        assert self.catalog is not None
        with self.store(request=False) as store:
            changed = self.catalog.refresh(store, force=True)
            if changed:
                self._plan_cards((e for eid in sorted(changed) if (e := self.catalog.get(eid)) is not None),
                                 changed=True)
            loaded_rev, loaded_at = self._lexicon_at
            if self.catalog.revision != loaded_rev and time.monotonic() - loaded_at > LEXICON_TTL_S:
                fresh = AliasLexicon.load(store)
                self._lexicon, self._lexicon_at = fresh, (self.catalog.revision, time.monotonic())
            self._make_wanted(store)
            if not changed and self._warmed == self.catalog.revision:
                return
            now = time.monotonic()
            with self._cards_lock:
                wanted = [q for q, at in self._listings.items() if now - at < WARM_WINDOW_S]
            for query in wanted:  # their headlines queued, the most recently asked last (made first)
                if self._stop.is_set():
                    return
                try:
                    listing = api.find_events(store, query, catalog=self.catalog, lexicon=self.lexicon(store),
                                              headline_budget_s=0.0)
                except (ValueError, KeyError):
                    continue
                self._want_headlines(listing.rows, query.display_lang)
            self._warmed = self.catalog.revision

    def card(self, store: Store, event_id: str, lang: str) -> EventCard:
        """The card of an event (id or prefix; merged ids resolve), built once per change of the event."""
        return self.shelved_card(store, event_id, lang)[0]

    def shelved_card(self, store: Store, event_id: str, lang: str) -> tuple[EventCard, bool]:
        """(card, stale): the event's card with its related events as last saved (see :meth:`_kept_card`)."""
        kept, stale, related = self._kept_card(store, event_id, lang)
        return replace(kept.card, related=related), stale

    def card_body(self, store: Store, event_id: str, lang: str) -> bytes:
        """The card as the API sends it (:meth:`EventCard.to_dict` as JSON, and ``stale``), from the
        bytes kept: a busy server spent most of a card request turning the card into JSON again."""
        kept, stale, related = self._kept_card(store, event_id, lang)
        head = card_json({"related": [dict(vars(r)) for r in related], "stale": stale})
        return head[:-1] + b"," + kept.body[1:]  # both are JSON objects: one object of both

    def _kept_card(self, store: Store, event_id: str, lang: str) -> tuple[_Kept, bool, list[RelatedEvent]]:
        """The kept card, whether it is stale, and the event's related events as last saved.

        Built once per change of the event (its digest) and kept (memory, then the shelf); when the
        event changed since its card was built, that card is answered at once as stale and the
        keeper makes the new one (built here only when no card of the event exists).
        """
        catalog = self.refresh(store)
        entry = catalog.get(event_id)  # a live event's own id: no need to read its record
        live = event_id if entry is not None else api.resolve_event_id(store, event_id)
        entry = entry or catalog.get(live)
        kept = self._held(live, lang)
        stale = False
        if kept is None:
            kept = self._make_card(store, live, lang, entry)
        else:
            stale = self._mark_if_stale(live, lang, kept)
        return kept, stale, related_of(live, related_events(store, live), lang)

    def _mark_if_stale(self, event_id: str, lang: str, kept: _Kept) -> bool:
        """Whether the event changed since ``kept`` was built; if so the keeper is asked for a new card
        (the most recently asked first)."""
        assert self.catalog is not None
        entry = self.catalog.get(event_id)
        if entry is None or kept.digest == entry.digest:
            return False
        with self._cards_lock:
            self._stale[(event_id, lang)] = None
            self._stale.move_to_end((event_id, lang))
        return True

    def _held(self, event_id: str, lang: str) -> _Kept | None:
        """The kept card, built at whatever digest (memory, else the shelf)."""
        key = (event_id, lang)
        with self._cards_lock:
            held = self._cards.get(key)
            if held is not None:
                self._cards.move_to_end(key)
        if held is None and self.shelf is not None:
            filed = self.shelf.get(event_id, lang)
            if filed is not None:
                try:
                    held = _Kept(filed[0], Headline(**filed[1]), filed[2])
                except TypeError:  # a headline of another shape: the card is built again
                    held = None
                if held is not None:
                    self._keep_card(key, held)
        return held

    def _keep_card(self, key: tuple[str, str], held: _Kept) -> None:
        with self._cards_lock:
            self._cards[key] = held
            self._cards.move_to_end(key)
            while len(self._cards) > self.options.cached_cards:
                self._cards.popitem(last=False)

    def _made_apart(self, event_id: str, lang: str, entry: EventEntry) -> bool:
        """Have the card maker process make the card, and keep and file it; False when the maker is
        gone (logged; the keeper makes its cards itself from then on), True when the server is stopping."""
        assert self._maker is not None
        try:
            headline, body = self._maker.make(event_id, lang, self._lexicon_at[0])
        except MakerGone:
            if self._stop.is_set():  # stopped by close(): the server is stopping
                return True
            log.warning("the card maker process stopped: cards are made in the server from now on", exc_info=True)
            self._maker = None
            return False
        self._file(event_id, lang, entry, _Kept(entry.digest, headline, body))
        return True

    def _make_card(self, store: Store, event_id: str, lang: str, entry: EventEntry | None) -> _Kept:
        """Build the card (without related events), keep it, file it and its headline."""
        card = api.build_card(store, event_id, lang, names=self.lexicon(store))
        headline, body = card_parts(card)
        kept = _Kept(entry.digest if entry is not None else "", headline, body, replace(card, related=[]))
        if entry is None:  # not in the catalog yet (it follows the store each second): not kept
            return kept
        self._file(event_id, lang, entry, kept)
        return kept

    def _file(self, event_id: str, lang: str, entry: EventEntry, kept: _Kept) -> None:
        """Keep a card made at ``entry``'s digest in memory and on the shelf; remember its headline."""
        headline = kept.headline
        self._keep_card((event_id, lang), kept)
        assert self.catalog is not None
        self.catalog.remember_headline(entry, lang, headline)
        if self.shelf is not None:
            try:
                self.shelf.put(event_id, lang, entry.digest, asdict(headline), kept.body)
            except sqlite3.Error:  # a full disk or a locked shelf: the card stays in memory
                log.warning("could not file the card of %s", event_id, exc_info=True)

    def ingest_rate(self, articles: int) -> float:
        """Articles per second stored over the last :data:`RATE_WINDOW_S` (from counts seen at each call)."""
        now = time.monotonic()
        self._counts.append((now, articles))
        while len(self._counts) > 2 and now - self._counts[0][0] > RATE_WINDOW_S:
            self._counts.popleft()
        first_at, first = self._counts[0]
        return (articles - first) / (now - first_at) if now > first_at else 0.0
