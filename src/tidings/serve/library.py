"""What a server keeps between requests: read-only store connections, the event catalog, the alias
lexicon and built cards, all kept fresh by the store's change numbers.

Every request borrows one read-only store (:meth:`Library.store`): a SQLite connection or a
PostgreSQL session must not be shared by two threads at once, and FastAPI runs plain ``def``
endpoints in a thread pool. Readers never write and never wait for the writer (an ingest in
another process, or ``POST /api/ingest`` here): SQLite's WAL and PostgreSQL's MVCC give each
query the last committed state.

Caches are keyed by what changes them: a card by (event, the catalog revision at which the event
last changed, language); the lexicon is reloaded when the store moved, at most every
:data:`LEXICON_TTL_S` (it is the largest thing read, and names change slowly).

Slow work stays off the requests: a keeper thread follows the store's changes every
``refresh_s``, swaps in a reloaded lexicon, and recomputes the headlines of the listings people
asked for in the last :data:`WARM_WINDOW_S` (a listing's titles come from its events' cards, which
read every article of the event: computed once per change of the event, but not while a client
waits). A request only computes what the keeper has not reached yet.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace

from tidings import api
from tidings.options import DISPLAY_LANG
from tidings.store import Store, open_store
from tidings.understand.aliases import AliasLexicon

#: Seconds a loaded alias lexicon is kept while the store changes (names change slowly).
LEXICON_TTL_S = 30.0
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
        self._cards: OrderedDict[tuple[str, int, str], api.EventCard] = OrderedDict()
        self._cards_lock = threading.Lock()
        self._counts: deque[tuple[float, int]] = deque()
        self._listings: OrderedDict[api.EventQuery, float] = OrderedDict()  # listing asked for → when
        self._stop = threading.Event()
        self._keeper: threading.Thread | None = None
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
        for sort in ("recent", "size"):  # the pages a visitor sees first
            self.asked(api.EventQuery(sort=sort, limit=30, display_lang=self.options.display_lang))
        if keeper:
            self._keeper = threading.Thread(target=self._keep, name="tidings-keeper", daemon=True)
            self._keeper.start()
        return self

    def close(self) -> None:
        self._stop.set()
        if self._keeper is not None:
            self._keeper.join(timeout=30)
        for store in self._opened:
            store.close()
        self._opened.clear()

    def __enter__(self) -> Library:
        return self.open()

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def store(self) -> Iterator[Store]:
        """A read-only store for one request (waits while every connection is lent)."""
        self._slots.acquire()
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
                                  headline_budget_s=self.options.headline_budget_s)
        self._want_headlines(listing.rows, query.display_lang)
        return listing

    def search(self, store: Store, query: api.SearchQuery, display_lang: str) -> api.SearchResult:
        """A search for a request: event headlines as :meth:`listing` makes them."""
        result = api.search(store, query, catalog=self.refresh(store), lexicon=self.lexicon(store),
                            display_lang=display_lang, headline_budget_s=self.options.headline_budget_s)
        self._want_headlines(result.events, display_lang)
        return result

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

    def _make_wanted(self, store: Store) -> None:
        """Make queued headlines, newest first, for at most :data:`KEEPER_SLICE_S` (then the keeper
        follows the store again, so new articles show while a long queue is worked off)."""
        assert self.catalog is not None
        compute = api.headline_maker(store, self.lexicon(store))
        until = time.monotonic() + KEEPER_SLICE_S
        while not self._stop.is_set() and time.monotonic() < until:
            with self._cards_lock:
                if not self._wanted:
                    return
                (event_id, lang), _ = self._wanted.popitem(last=True)
            entry = self.catalog.get(event_id)
            if entry is not None and self.catalog.cached_headline(entry, lang) is None:
                began = time.monotonic()
                self.catalog.headline(entry, lang, compute)
                # a thread shares the interpreter with the requests: rest as long as it worked, so
                # background work never takes more than about half of it (measured: requests waited
                # seconds while the keeper made a 200-row listing's headlines in one go)
                self._stop.wait(time.monotonic() - began)

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
        try:  # the first search loads the query encoder and the store's vectors (seconds on a big store)
            with self.store() as store:
                api.search(store, api.SearchQuery("Tidings", limit=1), catalog=self.catalog,
                           lexicon=self.lexicon(store), headline_budget_s=0.0)
        except Exception:  # a warm-up only: a request will say what is wrong
            log.exception("warming search")
        while not self._stop.wait(self.options.refresh_s):
            try:
                self._keep_once()
            except Exception:  # a store that is briefly unreadable must not end the thread
                log.exception("keeping the server's catalog fresh")

    def _keep_once(self) -> None:
        assert self.catalog is not None
        with self.store() as store:
            changed = self.catalog.refresh(store, force=True)
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

    def card(self, store: Store, event_id: str, lang: str) -> api.EventCard:
        """The card of an event (id or prefix; merged ids resolve), built once per change of the event."""
        catalog = self.refresh(store)
        live = api.resolve_event_id(store, event_id)
        entry = catalog.get(live)
        # related events live beside the storylines: a new storyline build may change the card too
        key = (live, entry.revision if entry is not None else catalog.revision, catalog.storylines_revision, lang)
        with self._cards_lock:
            card = self._cards.get(key)
            if card is not None:
                self._cards.move_to_end(key)
                return card
        card = api.build_card(store, live, lang, names=self.lexicon(store))
        with self._cards_lock:
            self._cards[key] = card
            while len(self._cards) > self.options.cached_cards:
                self._cards.popitem(last=False)
        return card

    def ingest_rate(self, articles: int) -> float:
        """Articles per second stored over the last :data:`RATE_WINDOW_S` (from counts seen at each call)."""
        now = time.monotonic()
        self._counts.append((now, articles))
        while len(self._counts) > 2 and now - self._counts[0][0] > RATE_WINDOW_S:
            self._counts.popleft()
        first_at, first = self._counts[0]
        return (articles - first) / (now - first_at) if now > first_at else 0.0
