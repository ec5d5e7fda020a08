"""The one storage interface every backend implements.

The core talks only to :class:`Store`; SQLite is the embedded default and a
PostgreSQL backend can implement the same methods. Stateful components (the
clusterer, the alias lexicon, the vector index) persist through ``put_state`` /
``get_state`` so they survive restarts without knowing which database is used.
"""

from __future__ import annotations

import abc
import dataclasses
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any, Literal

from tidings.article import Article
from tidings.store.vectors import VectorLike


@dataclass(frozen=True)
class PutResult:
    """What storing an article did: ``"new"``, ``"unchanged"`` or ``"updated"``."""

    status: str
    article_id: str
    version: int


@dataclass(frozen=True)
class ArticleRow:
    """An article's summary columns, read without decoding the stored article (listings, views)."""

    id: str
    uri: str
    lang: str | None
    published: str | None
    outlet: str | None
    title: str | None
    event_id: str | None
    version: int
    #: Storage position (first stored = 1, 2, …): the cursor of :meth:`Store.article_page`.
    seq: int = 0

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@dataclass(frozen=True)
class ArticleFilter:
    """Which articles a listing shows (every set field must hold; None: no condition).

    ``since`` / ``until``: publication days, ISO ``YYYY-MM-DD``, both inclusive (articles without a
    publication date are left out when either is set). ``event_id``: the event the article is in.
    """

    lang: str | None = None
    outlet: str | None = None
    since: str | None = None
    until: str | None = None
    event_id: str | None = None


@dataclass(frozen=True)
class EntityMention:
    """An article names an entity: the norm its entity stage gave, the label and how often."""

    article_id: str
    norm: str
    label: str
    mentions: int


@dataclass(frozen=True)
class Changes:
    """What was written after a revision: article ids stored or updated, records ``(kind, key)`` put.

    ``revision``: the newest change this answer covers; pass it as ``since`` next time. Deleted
    records are not listed (only storylines are ever deleted, and they are rebuilt whole, so their
    new records show up).
    """

    revision: int
    articles: list[str] = field(default_factory=list)
    records: list[tuple[str, str]] = field(default_factory=list)


class StoreBusy(RuntimeError):
    """Another process holds the store's writer lock (one grouping writer at a time)."""


class StoreError(ValueError):
    """A store that cannot be used as asked: not a Tidings store, damaged, read-only, full, newer schema.

    The message is one line that says what to do; the CLI prints it as it is.
    """


@dataclass(frozen=True)
class DeadLetter:
    """A file or record that could not become an article, and why."""

    uri: str
    stage: str
    reason: str
    created_at: str = ""


class Store(abc.ABC):
    """Articles, their versions, dead letters, ingest checkpoints, component state, vectors and text search."""

    @property
    @abc.abstractmethod
    def schema_version(self) -> int:
        """How many of the backend's schema migrations this store has run."""

    # -- articles -------------------------------------------------------------
    @abc.abstractmethod
    def put_article(self, article: Article) -> PutResult:
        """Insert or update by ``article.id``; identical content is a no-op."""

    @abc.abstractmethod
    def get_article(self, article_id: str) -> Article | None:
        """The article with this id (a unique prefix of at least 6 characters works too)."""

    @abc.abstractmethod
    def iter_articles(self, *, limit: int | None = None, offset: int = 0) -> Iterator[Article]:
        """Articles in the order they were first stored."""

    @abc.abstractmethod
    def count_articles(self) -> int: ...

    @abc.abstractmethod
    def article_rows(self, ids: Iterable[str] | None = None) -> list[ArticleRow]:
        """Summary rows of the given articles (all, in storage order, when ``ids`` is None); unknown ids are skipped."""

    @abc.abstractmethod
    def article_page(
        self, where: ArticleFilter | None = None, *, after: int | None = None, limit: int = 50,
        order: Literal["newest", "oldest"] = "newest",
    ) -> list[ArticleRow]:
        """One page of summary rows matching ``where``, by storage position (``ArticleRow.seq``).

        ``order``: newest stored first (the default) or oldest first. ``after``: the ``seq`` of the
        last row of the previous page (keyset pagination: a page stays right while articles are
        added, and costs the same deep in the list as at its start).
        """

    @abc.abstractmethod
    def article_counts(self, by: Literal["lang", "outlet"]) -> Counter[str]:
        """How many articles each language code (or outlet) has; articles without one are not counted."""

    @abc.abstractmethod
    def articles_naming(
        self, norms: Iterable[str], *, labels: Iterable[str] | None = None, limit: int | None = None
    ) -> list[EntityMention]:
        """Who names these entity norms (as stored by the entity stage), newest article first.

        The index behind it is written with each article (``put_article``). Norms are matched
        exactly: canonicalising them (one person under several norms) is the alias lexicon's job,
        so callers pass every norm of an entity. ``labels``: only mentions with one of these labels.
        """

    @abc.abstractmethod
    def set_events(self, assignments: Mapping[str, str | None]) -> None:
        """Record the event each article belongs to (article id -> event id); the engine's one write of it."""

    @abc.abstractmethod
    def article_versions(self, article_id: str) -> list[dict[str, Any]]:
        """Every stored version of an article: version, content hash, time."""

    @abc.abstractmethod
    def content_hash_of(self, article_id: str) -> str | None:
        """The stored content hash of an article (cheap: no decoding), or None."""

    @abc.abstractmethod
    def has_content(self, content_hash: str) -> bool:
        """True when some article already holds exactly this content."""

    # -- dead letters -----------------------------------------------------------
    @abc.abstractmethod
    def add_dead_letter(self, letter: DeadLetter) -> None: ...

    @abc.abstractmethod
    def dead_letters(self) -> list[DeadLetter]: ...

    # -- ingest checkpoints (crash safety) ------------------------------------
    @abc.abstractmethod
    def source_done(self, uri: str, fingerprint: str) -> bool:
        """True when this source (file) with this fingerprint was fully ingested."""

    @abc.abstractmethod
    def mark_source_done(self, uri: str, fingerprint: str) -> None: ...

    # -- component state --------------------------------------------------------
    @abc.abstractmethod
    def put_state(self, key: str, value: bytes) -> None: ...

    @abc.abstractmethod
    def get_state(self, key: str) -> bytes | None: ...

    # -- generic tables for later stages (events, storylines) ------------------
    @abc.abstractmethod
    def put_record(self, kind: str, key: str, value: dict[str, Any]) -> None:
        """Upsert a JSON record of a kind (``"event"``, ``"storyline"``, ``"alias"`` …)."""

    @abc.abstractmethod
    def get_record(self, kind: str, key: str) -> dict[str, Any] | None: ...

    @abc.abstractmethod
    def iter_records(self, kind: str) -> Iterator[tuple[str, dict[str, Any]]]: ...

    @abc.abstractmethod
    def delete_record(self, kind: str, key: str) -> None: ...

    # -- what changed ------------------------------------------------------------------
    @abc.abstractmethod
    def revision(self) -> int:
        """The newest change number: it grows with every article stored and every record put (0: empty)."""

    @abc.abstractmethod
    def changes(self, since: int, limit: int = 10_000) -> Changes:
        """Articles and records written after revision ``since`` (at most ``limit`` of each kind).

        Cheap (an index on the change number), so a server or a web page can ask often. Complete
        under the one-writer rule (:meth:`writer_lock`): change numbers are given in commit order.
        When more than ``limit`` changed, ``Changes.revision`` stops where the answer stops; ask again.
        """

    # -- vectors and text search -------------------------------------------------
    @abc.abstractmethod
    def vector_dim(self, kind: str) -> int | None:
        """The dimension of the vectors stored under ``kind``; None when there are none."""

    @abc.abstractmethod
    def put_vectors(self, kind: str, vectors: Mapping[str, VectorLike]) -> None:
        """Store or replace vectors by id, in the current transaction.

        ``kind`` names what was embedded with which encoder (``"article:e5"``, ``"event:use"``): one
        kind, one vector space, one dimension (a different one is a ``ValueError``, as are empty,
        all-zero or non-finite vectors). Ids are free text, usually article or event ids.
        """

    @abc.abstractmethod
    def nearest(
        self, kind: str, vector: VectorLike, k: int = 10, *, ids_filter: Iterable[str] | None = None
    ) -> list[tuple[str, float]]:
        """The ``k`` stored vectors of ``kind`` closest to ``vector``: ``(id, cosine distance)``, closest first.

        Cosine distance is ``1 - cosine similarity`` (0: same direction). ``ids_filter``: only among
        these ids (searched exactly). An unknown kind gives ``[]``. PostgreSQL answers unfiltered
        look-ups from an HNSW index, which is approximate (recall near 1, not exactly 1); SQLite
        searches exactly.
        """

    @abc.abstractmethod
    def search_text(
        self, query: str, k: int = 10, *, lang: str | None = None, match: Literal["all", "any"] = "all"
    ) -> list[tuple[str, float]]:
        """Articles whose title or body contain every term of ``query``: ``(article id, score)``, best first.

        Terms are made by :mod:`tidings.store.fulltext` (case and accents folded, CJK as
        bigrams, no stemming: one analyser for every language). ``lang``: only articles of this
        language code. ``match="any"``: articles with at least one of the terms, ranked by how
        well they match (a long query, such as a paragraph, rarely has all its words in another
        text). Scores are higher for better matches and comparable only within one answer of one
        backend (SQLite: BM25; PostgreSQL: ``ts_rank``).
        """

    # -- one writer at a time ----------------------------------------------------
    @abc.abstractmethod
    def writer_lock(self, wait: float | None = 0.0) -> AbstractContextManager[None]:
        """Hold the store's writer lock for a block: only one process groups and writes at a time.

        ``wait``: seconds to wait for another writer to finish (None: as long as it takes);
        raises :class:`StoreBusy` when it does not. Readers never take it.
        """

    def own_files(self) -> tuple[str, ...]:
        """Files on this machine that make up the store: never ingest inputs (``tidings ingest .``
        in the folder that holds the store must not read its database, journal or lock)."""
        return ()

    # -- health ------------------------------------------------------------------
    def check(self) -> list[str]:
        """Problems found by reading everything once (empty: the store is sound); never writes.

        Backends override this with their own integrity check; this default reads every article,
        record and state blob through the interface and reports what could not be read.
        """
        problems: list[str] = []
        try:
            for _ in self.iter_articles():
                pass
        except Exception as exc:  # a damaged store can fail in any backend-specific way
            problems.append(f"articles: {exc}")
        for kind in ("event", "storyline"):
            try:
                for _ in self.iter_records(kind):
                    pass
            except Exception as exc:
                problems.append(f"{kind} records: {exc}")
        return problems

    def salvage(self, target: str) -> dict[str, int]:
        """Copy every row that can still be read into a new store at ``target``; rows copied per table."""
        raise StoreError("salvage copies SQLite stores; a database server has its own tools (pg_dump)")

    # -- transactions -----------------------------------------------------------
    @abc.abstractmethod
    def commit(self) -> None:
        """Make everything written so far durable."""

    @abc.abstractmethod
    def rollback(self) -> None:
        """Drop everything written since the last commit."""

    @abc.abstractmethod
    def close(self) -> None: ...

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
