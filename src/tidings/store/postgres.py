"""The server store: PostgreSQL with pgvector, for several processes sharing one store.

What PostgreSQL gives that the embedded store cannot: many readers and writers on many machines.
How the :class:`Store` promises map onto it:

- **Readers never block ingestion.** A read-only store runs in autocommit mode: every query is
  its own snapshot (MVCC) and holds no lock after it returns, so a long-lived reader (the HTTP
  server) never holds back a writer, a migration or VACUUM; its connection is also
  ``default_transaction_read_only``, so a stray write fails.
- **One grouping writer at a time.** :meth:`PostgresStore.writer_lock` is a session-level
  advisory lock, keyed by the schema the store lives in. The server drops it when the writer's
  connection ends, so a killed writer never leaves the store locked.
- **Never half-applied.** A writer works in one transaction per batch (``commit`` ends it); when
  the process dies, the server rolls the open transaction back, and the batch is redone by the
  next run (ingest checkpoints are written in the same transaction).
- **Migrations** are ordered, each in its own transaction under an advisory lock (two processes
  opening a fresh database at once migrate it once); ``tidings_schema`` records how many ran.
- **Vectors** live in one pgvector table; each kind gets a partial HNSW index (cosine) on the
  column cast to the kind's dimension, as pgvector documents for tables holding several
  dimensions. **Text search** uses ``tsvector`` with a GIN index over the same terms the SQLite
  store indexes (:mod:`tidings.store.fulltext`), written as ``tsvector`` values directly, so the
  server's locale and text-search configuration play no part (equivalent to the ``simple``
  configuration, plus CJK bigrams).

``psycopg`` (3) is imported here only; install it with ``pip install 'tidings[postgres]'``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any, Literal

import numpy as np
import psycopg
from psycopg import sql

from tidings.article import Article
from tidings.store.base import (
    ArticleFilter,
    ArticleRow,
    DeadLetter,
    EntityMention,
    PutResult,
    Store,
    StoreBusy,
    StoreError,
)
from tidings.store.fulltext import article_terms, terms
from tidings.store.shared import SQLRows, entity_rows, filter_sql
from tidings.store.vectors import VectorLike, as_vector, as_vectors, check_dim

#: First key of every Tidings advisory lock (``b"tidi"``); the second is a hash of the schema.
LOCK_CLASS = 0x74696469

#: ``hnsw.ef_search`` is at least pgvector's default (40) and at most 1000 (pgvector's limit);
#: an HNSW scan returns at most ef_search rows, so larger ``k`` are answered exactly.
HNSW_MAX_EF_SEARCH = 1000

#: PostgreSQL keeps positions 1..16383 and at most 256 per lexeme in a ``tsvector``.
_MAX_POSITION = 16383
_MAX_POSITIONS_PER_TERM = 256

#: Rows per round trip when iterating articles (keyset pages: no long-lived cursor).
_PAGE = 200


def _create_schema(cur: psycopg.Cursor[Any]) -> None:
    """1: articles (with their search terms), versions, dead letters, checkpoints, component state,
    records, and vectors (pgvector). The same tables as the SQLite store's first two migrations."""
    if cur.execute("SELECT 1 FROM pg_extension WHERE extname = 'vector'").fetchone() is None:
        cur.execute("SAVEPOINT vector_extension")
        try:
            cur.execute("CREATE EXTENSION vector")
        except psycopg.Error as exc:
            raise StoreError(
                "the pgvector extension is missing from this PostgreSQL server or may not be created by this user "
                f"({str(exc).strip()}); install pgvector on the server, or have a superuser run "
                "`CREATE EXTENSION vector;` in this database"
            ) from exc
        cur.execute("RELEASE SAVEPOINT vector_extension")
    cur.execute(
        """
        CREATE TABLE articles (
            seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            id TEXT NOT NULL UNIQUE,
            uri TEXT NOT NULL,
            url TEXT,
            content_hash TEXT NOT NULL,
            version INTEGER NOT NULL DEFAULT 1,
            lang TEXT,
            published TEXT,
            outlet TEXT,
            title TEXT,
            event_id TEXT,
            data TEXT NOT NULL,
            search TSVECTOR NOT NULL,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE INDEX articles_id_prefix ON articles (id text_pattern_ops);
        CREATE INDEX articles_hash ON articles (content_hash);
        CREATE INDEX articles_event ON articles (event_id);
        CREATE INDEX articles_search ON articles USING gin (search);
        CREATE TABLE article_versions (
            article_id TEXT NOT NULL,
            version INTEGER NOT NULL,
            content_hash TEXT NOT NULL,
            uri TEXT NOT NULL,
            created_at TEXT NOT NULL,
            PRIMARY KEY (article_id, version)
        );
        CREATE INDEX article_versions_hash ON article_versions (content_hash);
        CREATE TABLE dead_letters (
            id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            uri TEXT NOT NULL,
            stage TEXT NOT NULL,
            reason TEXT NOT NULL,
            created_at TEXT NOT NULL
        );
        -- a hash, not the columns: a long reason would not fit in a b-tree entry
        CREATE UNIQUE INDEX dead_letters_once ON dead_letters (md5(uri || E'\\n' || stage || E'\\n' || reason));
        CREATE TABLE sources (
            uri TEXT PRIMARY KEY,
            fingerprint TEXT NOT NULL,
            done_at TEXT NOT NULL
        );
        CREATE TABLE state (
            key TEXT PRIMARY KEY,
            value BYTEA NOT NULL
        );
        CREATE TABLE records (
            kind TEXT NOT NULL,
            key TEXT NOT NULL,
            value TEXT NOT NULL,
            PRIMARY KEY (kind, key)
        );
        CREATE TABLE vector_kinds (
            kind TEXT PRIMARY KEY,
            dim INTEGER NOT NULL
        );
        CREATE TABLE vectors (
            kind TEXT NOT NULL,
            id TEXT NOT NULL,
            embedding VECTOR NOT NULL,
            PRIMARY KEY (kind, id)
        );
        """
    )


def _add_changes_and_entities(cur: psycopg.Cursor[Any]) -> None:
    """2: change numbers on articles and records (one sequence), the entity index, and indexes for
    filtered article listings: the SQLite store's third migration. Existing rows are numbered and indexed."""
    cur.execute(
        """
        CREATE SEQUENCE tidings_rev;
        ALTER TABLE articles ADD COLUMN rev BIGINT NOT NULL DEFAULT 0;
        ALTER TABLE records ADD COLUMN rev BIGINT NOT NULL DEFAULT 0;
        CREATE TABLE article_entities (
            norm TEXT NOT NULL,
            seq BIGINT NOT NULL,
            label TEXT NOT NULL,
            mentions INTEGER NOT NULL,
            PRIMARY KEY (norm, seq)
        );
        CREATE INDEX article_entities_seq ON article_entities (seq);
        CREATE INDEX articles_lang ON articles (lang, seq);
        CREATE INDEX articles_outlet ON articles (outlet, seq);
        CREATE INDEX articles_published ON articles (published);
        UPDATE articles SET rev = numbered.n
            FROM (SELECT seq, row_number() OVER (ORDER BY seq) AS n FROM articles) AS numbered
            WHERE articles.seq = numbered.seq;
        UPDATE records SET rev = numbered.n + (SELECT count(*) FROM articles)
            FROM (SELECT kind, key, row_number() OVER (ORDER BY kind, key) AS n FROM records) AS numbered
            WHERE records.kind = numbered.kind AND records.key = numbered.key;
        SELECT setval('tidings_rev', (SELECT count(*) FROM articles) + (SELECT count(*) FROM records) + 1, false);
        CREATE INDEX articles_rev ON articles (rev);
        CREATE INDEX records_rev ON records (rev);
        """
    )
    for seq, data in cur.execute("SELECT seq, data FROM articles ORDER BY seq").fetchall():
        rows = entity_rows(json.loads(data).get("entities") or [])
        cur.executemany("INSERT INTO article_entities VALUES (%s, %s, %s, %s)",
                        [(_text(norm), seq, _text(label), count) for norm, label, count in rows])


#: Ordered schema migrations, SQL scripts or functions of a cursor; ``tidings_schema`` records how many ran.
MIGRATIONS: list[str | Callable[[psycopg.Cursor[Any]], None]] = [
    _create_schema,
    _add_changes_and_entities,
]


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def _text(value: str | None) -> str | None:
    """PostgreSQL text cannot hold NUL characters; SQLite can. Drop them (JSON escapes its own)."""
    return value.replace("\x00", "") if value else value


def _tsvector(words: list[str]) -> str:
    """A ``tsvector`` literal of terms with their positions (capped as PostgreSQL caps them)."""
    positions: dict[str, list[int]] = defaultdict(list)
    for index, word in enumerate(words, start=1):
        kept = positions[word]
        if len(kept) < _MAX_POSITIONS_PER_TERM and (not kept or kept[-1] < _MAX_POSITION):
            kept.append(min(index, _MAX_POSITION))
    return " ".join(f"{_quote(w)}:{','.join(map(str, p))}" for w, p in positions.items())


def _quote(word: str) -> str:
    """A lexeme quoted for ``tsvector``/``tsquery`` input (terms hold no quotes; escaped anyway)."""
    return "'" + word.replace("\\", "\\\\").replace("'", "''") + "'"


def _vector_literal(vector: np.ndarray) -> str:
    """pgvector's text form; ``repr`` of the float32 values widened to float64 is exact."""
    return "[" + ",".join(repr(x) for x in vector.astype(np.float64).tolist()) + "]"


def _index_name(kind: str) -> str:
    return "vectors_hnsw_" + hashlib.sha1(kind.encode()).hexdigest()[:16]


def redact(url: str) -> str:
    """The URL without its password, for messages."""
    return re.sub(r"(://[^:/@]*):[^@/]*@", r"\1:***@", url)


class PostgresStore(SQLRows, Store):
    """A :class:`Store` in a PostgreSQL database (with pgvector), addressed by a ``postgresql://`` URL."""

    MARK = "%s"  # psycopg's placeholder, for the queries written once in SQLRows

    def __init__(self, url: str, *, read_only: bool = False) -> None:
        """``read_only``: for reading commands; they never write or migrate, and never wait for a writer."""
        self.url = url
        self.name = redact(url)
        self.read_only = read_only
        self._locked = False
        try:
            given = psycopg.conninfo.conninfo_to_dict(url)
            # Defaults a URL may override: a name in pg_stat_activity, and no two-minute hang on a dead host.
            extra = {k: v for k, v in (("application_name", "tidings"), ("connect_timeout", 10)) if k not in given}
            self.conn = psycopg.connect(url, autocommit=read_only, **extra)
        except psycopg.Error as exc:
            raise StoreError(f"{self.name}: cannot connect to PostgreSQL ({str(exc).strip()})") from exc
        try:
            if read_only:
                self.conn.execute("SET default_transaction_read_only = on")
                self._check_schema()
            else:
                self._migrate()
        except BaseException:
            self.conn.close()
            raise

    # -- schema -------------------------------------------------------------------
    def _stored_version(self) -> int | None:
        """The recorded schema version; None when this database holds no Tidings store."""
        if self.conn.execute("SELECT to_regclass('tidings_schema')").fetchone()[0] is None:  # type: ignore[index]
            return None
        row = self.conn.execute("SELECT version FROM tidings_schema").fetchone()
        return int(row[0]) if row else 0

    def _migrate(self) -> None:
        while True:
            with self.conn.transaction(), self.conn.cursor() as cur:
                cur.execute("SELECT pg_advisory_xact_lock(%s, hashtext(current_schema() || ' migrate'))", (LOCK_CLASS,))
                current = self._stored_version()
                if current is None:
                    cur.execute("CREATE TABLE tidings_schema (version INTEGER NOT NULL)")
                    cur.execute("INSERT INTO tidings_schema VALUES (0)")
                    current = 0
                if current > len(MIGRATIONS):
                    raise StoreError(
                        f"{self.name}: schema version {current} is newer than this Tidings ({len(MIGRATIONS)}); "
                        "upgrade Tidings"
                    )
                if current == len(MIGRATIONS):
                    break
                step = MIGRATIONS[current]
                if isinstance(step, str):
                    cur.execute(step)  # type: ignore[arg-type]  # a migration is trusted SQL, not input
                else:
                    step(cur)
                cur.execute("UPDATE tidings_schema SET version = %s", (current + 1,))
        self.conn.commit()

    def _check_schema(self) -> None:
        current = self._stored_version()
        if current is None:
            raise StoreError(f"{self.name}: no Tidings store in this database (run `tidings ingest` first)")
        if current != len(MIGRATIONS):
            raise StoreError(
                f"{self.name}: schema version {current}, this Tidings reads {len(MIGRATIONS)}; "
                "run `tidings ingest` once with this version to upgrade the store"
            )

    @property
    def schema_version(self) -> int:
        return self._stored_version() or 0

    # -- articles -----------------------------------------------------------------
    def put_article(self, article: Article) -> PutResult:
        row = self.conn.execute("SELECT content_hash, version FROM articles WHERE id = %s", (article.id,)).fetchone()
        if row is not None and row[0] == article.content_hash:
            return PutResult("unchanged", article.id, row[1])
        now = _now()
        stored = article.to_dict(with_raw=True)
        stored.pop("event_id", None)  # recorded once, by set_events
        title = article.title.value if article.title else None
        values = {
            "id": article.id,
            "uri": _text(article.uri),
            "url": _text(article.url),
            "content_hash": article.content_hash,
            "lang": _text(article.lang.value if article.lang else None),
            "published": article.published.value.isoformat() if article.published else None,
            "outlet": _text(article.outlet.value if article.outlet else None),
            "title": _text(title),
            "data": json.dumps(stored, ensure_ascii=False, default=str),
            "search": _tsvector(article_terms(title, article.text)),
            "now": now,
        }
        # One statement: a concurrent writer storing the same article cannot make it fail.
        result = self.conn.execute(
            """
            INSERT INTO articles (id, uri, url, content_hash, lang, published, outlet, title, data, search,
                                  version, created_at, updated_at, rev)
            VALUES (%(id)s, %(uri)s, %(url)s, %(content_hash)s, %(lang)s, %(published)s, %(outlet)s, %(title)s,
                    %(data)s, %(search)s::tsvector, 1, %(now)s, %(now)s, nextval('tidings_rev'))
            ON CONFLICT (id) DO UPDATE SET
                uri = EXCLUDED.uri, url = EXCLUDED.url, content_hash = EXCLUDED.content_hash,
                lang = EXCLUDED.lang, published = EXCLUDED.published, outlet = EXCLUDED.outlet,
                title = EXCLUDED.title, data = EXCLUDED.data, search = EXCLUDED.search,
                version = articles.version + 1, updated_at = EXCLUDED.updated_at, rev = EXCLUDED.rev
            WHERE articles.content_hash <> EXCLUDED.content_hash
            RETURNING version, seq
            """,
            values,
        ).fetchone()
        if result is None:  # another writer stored this very content in between
            (version,) = self.conn.execute("SELECT version FROM articles WHERE id = %s", (article.id,)).fetchone()  # type: ignore[misc]
            return PutResult("unchanged", article.id, version)
        version, seq = result
        self.conn.execute(
            "INSERT INTO article_versions VALUES (%s, %s, %s, %s, %s) ON CONFLICT DO NOTHING",
            (article.id, version, article.content_hash, values["uri"], now),
        )
        if version > 1:
            self.conn.execute("DELETE FROM article_entities WHERE seq = %s", (seq,))
        named = entity_rows(stored.get("entities") or [])
        with self.conn.cursor() as cur:
            cur.executemany(
                "INSERT INTO article_entities VALUES (%s, %s, %s, %s)",
                [(_text(norm), seq, _text(label), count) for norm, label, count in named],
            )
        return PutResult("new" if version == 1 else "updated", article.id, version)

    def set_events(self, assignments: Mapping[str, str | None]) -> None:
        with self.conn.cursor() as cur:
            cur.executemany(
                "UPDATE articles SET event_id = %s WHERE id = %s", [(eid, aid) for aid, eid in assignments.items()]
            )

    @staticmethod
    def _row_to_article(data: str, event_id: str | None) -> Article:
        article = Article.from_dict(json.loads(data))
        article.event_id = event_id
        return article

    def get_article(self, article_id: str) -> Article | None:
        row = self.conn.execute("SELECT data, event_id FROM articles WHERE id = %s", (article_id,)).fetchone()
        if row is None and len(article_id) >= 6:
            prefix = article_id.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            rows = self.conn.execute(
                "SELECT data, event_id FROM articles WHERE id LIKE %s LIMIT 2", (prefix + "%",)
            ).fetchall()
            row = rows[0] if len(rows) == 1 else None
        return self._row_to_article(*row) if row else None

    def iter_articles(self, *, limit: int | None = None, offset: int = 0) -> Iterator[Article]:
        """Keyset pages: no cursor stays open between them, so iterating never holds a snapshot."""
        left = limit
        page = self.conn.execute(
            "SELECT seq, data, event_id FROM articles ORDER BY seq LIMIT %s OFFSET %s",
            (_PAGE if left is None else min(_PAGE, left), offset),
        ).fetchall()
        while page:
            for _, data, event_id in page:
                yield self._row_to_article(data, event_id)
            if left is not None:
                left -= len(page)
                if left <= 0:
                    return
            page = self.conn.execute(
                "SELECT seq, data, event_id FROM articles WHERE seq > %s ORDER BY seq LIMIT %s",
                (page[-1][0], _PAGE if left is None else min(_PAGE, left)),
            ).fetchall()

    def article_rows(self, ids: Iterable[str] | None = None) -> list[ArticleRow]:
        cols = "SELECT id, uri, lang, published, outlet, title, event_id, version, seq FROM articles"
        if ids is None:
            return [ArticleRow(*r) for r in self.conn.execute(cols + " ORDER BY seq")]
        wanted = list(dict.fromkeys(ids))
        found = {r[0]: ArticleRow(*r) for r in self.conn.execute(cols + " WHERE id = ANY(%s)", (wanted,))}
        return [found[i] for i in wanted if i in found]

    def article_page(
        self, where: ArticleFilter | None = None, *, after: int | None = None, limit: int = 50,
        order: Literal["newest", "oldest"] = "newest",
    ) -> list[ArticleRow]:
        tail, params = filter_sql(where or ArticleFilter(), after, order, "%s")
        statement = "SELECT id, uri, lang, published, outlet, title, event_id, version, seq FROM articles" + tail
        return [ArticleRow(*r) for r in self.conn.execute(statement + " LIMIT %s", (*params, max(0, limit)))]  # type: ignore[arg-type]

    def article_counts(self, by: Literal["lang", "outlet"]) -> Counter[str]:
        column = {"lang": "lang", "outlet": "outlet"}[by]  # a column name, never from input
        rows = self.conn.execute(f"SELECT {column}, count(*) FROM articles WHERE {column} IS NOT NULL GROUP BY 1")  # type: ignore[arg-type]
        return Counter({key: int(n) for key, n in rows})

    def articles_naming(
        self, norms: Iterable[str], *, labels: Iterable[str] | None = None, limit: int | None = None
    ) -> list[EntityMention]:
        wanted = list(dict.fromkeys(norms))
        if not wanted:
            return []
        statement = (
            "SELECT a.id, e.norm, e.label, e.mentions FROM article_entities e JOIN articles a ON a.seq = e.seq"
            " WHERE e.norm = ANY(%s)"
        )
        params: list[Any] = [wanted]
        if labels is not None:
            statement += " AND e.label = ANY(%s)"
            params.append(list(dict.fromkeys(labels)))
        statement += ' ORDER BY e.seq DESC, e.norm COLLATE "C" LIMIT %s'
        params.append(limit)  # LIMIT NULL: no limit
        return [EntityMention(*r) for r in self.conn.execute(statement, params)]  # type: ignore[arg-type]

    def count_articles(self) -> int:
        return int(self.conn.execute("SELECT count(*) FROM articles").fetchone()[0])  # type: ignore[index]

    # -- dead letters ---------------------------------------------------------------
    def add_dead_letter(self, letter: DeadLetter) -> None:
        self.conn.execute(
            "INSERT INTO dead_letters (uri, stage, reason, created_at) VALUES (%s, %s, %s, %s) ON CONFLICT DO NOTHING",
            (_text(letter.uri), _text(letter.stage), _text(letter.reason), letter.created_at or _now()),
        )

    # -- checkpoints ----------------------------------------------------------------
    def source_done(self, uri: str, fingerprint: str) -> bool:
        row = self.conn.execute("SELECT fingerprint FROM sources WHERE uri = %s", (_text(uri),)).fetchone()
        return row is not None and row[0] == fingerprint

    def mark_source_done(self, uri: str, fingerprint: str) -> None:
        self.conn.execute(
            "INSERT INTO sources VALUES (%s, %s, %s)"
            " ON CONFLICT (uri) DO UPDATE SET fingerprint = EXCLUDED.fingerprint, done_at = EXCLUDED.done_at",
            (_text(uri), fingerprint, _now()),
        )

    # -- state ----------------------------------------------------------------------
    def put_state(self, key: str, value: bytes) -> None:
        self.conn.execute(
            "INSERT INTO state VALUES (%s, %s) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
            (key, value),
        )

    # -- records --------------------------------------------------------------------
    def put_record(self, kind: str, key: str, value: dict[str, Any]) -> None:
        self.conn.execute(
            "INSERT INTO records (kind, key, value, rev) VALUES (%s, %s, %s, nextval('tidings_rev'))"
            " ON CONFLICT (kind, key) DO UPDATE SET value = EXCLUDED.value, rev = EXCLUDED.rev",
            (kind, key, json.dumps(value, ensure_ascii=False, default=str)),
        )

    def iter_records(self, kind: str) -> Iterator[tuple[str, dict[str, Any]]]:
        # COLLATE "C": the same order as SQLite's (bytewise), whatever the database's collation.
        rows = self.conn.execute(
            'SELECT key, value FROM records WHERE kind = %s ORDER BY key COLLATE "C"', (kind,)
        ).fetchall()
        for key, value in rows:
            yield key, json.loads(value)

    # -- what changed -----------------------------------------------------------------
    def revision(self) -> int:
        """The newest *committed* change number (the sequence also counts numbers of open transactions)."""
        row = self.conn.execute(
            "SELECT greatest((SELECT max(rev) FROM articles), (SELECT max(rev) FROM records), 0)"
        ).fetchone()
        return int(row[0])  # type: ignore[index]

    # -- vectors and text search -----------------------------------------------------
    def put_vectors(self, kind: str, vectors: Mapping[str, VectorLike]) -> None:
        checked, dim = as_vectors(vectors)
        if dim is None:
            return
        stored = self._vector_dim(kind)
        check_dim(kind, dim, stored)
        if stored is None:
            # The kind's own HNSW index: a partial index on the column cast to its dimension.
            self.conn.execute("INSERT INTO vector_kinds VALUES (%s, %s)", (kind, dim))
            self.conn.execute(
                sql.SQL(
                    "CREATE INDEX IF NOT EXISTS {name} ON vectors"
                    " USING hnsw ((embedding::vector({dim})) vector_cosine_ops) WHERE kind = {kind}"
                ).format(name=sql.Identifier(_index_name(kind)), dim=sql.Literal(dim), kind=sql.Literal(kind))
            )
        with self.conn.cursor() as cur:
            cur.executemany(
                "INSERT INTO vectors VALUES (%s, %s, %s::vector)"
                " ON CONFLICT (kind, id) DO UPDATE SET embedding = EXCLUDED.embedding",
                [(kind, key, _vector_literal(v)) for key, v in checked.items()],
            )

    def nearest(
        self, kind: str, vector: VectorLike, k: int = 10, *, ids_filter: Iterable[str] | None = None
    ) -> list[tuple[str, float]]:
        """Unfiltered: the kind's HNSW index (approximate). With ``ids_filter``, or ``k`` over
        :data:`HNSW_MAX_EF_SEARCH`: exact, over the uncast column, which the index cannot serve."""
        query = as_vector(vector, what="query vector")
        dim = self._vector_dim(kind)
        if dim is None or k <= 0:
            return []
        check_dim(kind, query.size, dim)
        literal = _vector_literal(query)
        if ids_filter is None and k <= HNSW_MAX_EF_SEARCH:
            # Kind and dimension as literals: the planner matches a partial index only against
            # constants, and a prepared statement's generic plan would not see a parameter's value.
            self.conn.execute("SELECT set_config('hnsw.ef_search', %s, false)", (str(max(40, k)),))
            statement = sql.SQL(
                "SELECT id, (embedding::vector({dim})) <=> %s::vector({dim}) FROM vectors WHERE kind = {kind}"
                " ORDER BY (embedding::vector({dim})) <=> %s::vector({dim}) LIMIT %s"
            ).format(dim=sql.Literal(dim), kind=sql.Literal(kind))
            rows = self.conn.execute(statement, (literal, literal, k)).fetchall()
        else:
            where, params = "kind = %s", [kind]
            if ids_filter is not None:
                where += " AND id = ANY(%s)"
                params.append(list(dict.fromkeys(ids_filter)))
            rows = self.conn.execute(
                f"SELECT id, embedding <=> %s::vector AS distance FROM vectors WHERE {where}"
                " ORDER BY distance, id LIMIT %s",
                (literal, *params, k),
            ).fetchall()
        return [(key, float(distance)) for key, distance in rows]

    def search_text(
        self, query: str, k: int = 10, *, lang: str | None = None, match: Literal["all", "any"] = "all"
    ) -> list[tuple[str, float]]:
        """``tsvector`` @@ ``tsquery`` with every term (any term: ``match="any"``; GIN index), ranked by
        ``ts_rank`` normalised by document length (1 + log of the length), ties in storage order."""
        words = list(dict.fromkeys(terms(query)))
        if not words or k <= 0:
            return []
        tsquery = (" | " if match == "any" else " & ").join(_quote(w) for w in words)
        where, params = "search @@ %(q)s::tsquery", {"q": tsquery, "k": k, "lang": lang}
        if lang is not None:
            where += " AND lang = %(lang)s"
        rows = self.conn.execute(
            f"SELECT id, ts_rank(search, %(q)s::tsquery, 1) AS score FROM articles WHERE {where}"
            " ORDER BY score DESC, seq LIMIT %(k)s",
            params,
        ).fetchall()
        return [(aid, float(score)) for aid, score in rows]

    # -- one writer at a time -------------------------------------------------------
    @contextmanager
    def writer_lock(self, wait: float | None = 0.0) -> Iterator[None]:
        """A session-level advisory lock on this store's schema: held by this connection, released
        at the end of the block or by the server when the connection dies (a killed writer)."""
        if self._locked:
            yield
            return
        if self.read_only:
            raise StoreBusy(f"{self.name}: opened read-only")
        deadline = None if wait is None else time.monotonic() + wait
        key = "%s, hashtext(current_schema())"
        while not self.conn.execute(f"SELECT pg_try_advisory_lock({key})", (LOCK_CLASS,)).fetchone()[0]:  # type: ignore[index]
            if deadline is not None and time.monotonic() >= deadline:
                raise StoreBusy(
                    f"{self.name}: another tidings process is writing to this store"
                    + (f" (waited {wait:g} s)" if wait else "; use --wait SECONDS to wait for it")
                )
            time.sleep(0.2)
        self._locked = True
        try:
            yield
        finally:
            self._locked = False
            if not self.conn.closed:
                if self.conn.info.transaction_status == psycopg.pq.TransactionStatus.INERROR:
                    self.conn.rollback()  # a failed transaction cannot be committed anyway
                self.conn.execute(f"SELECT pg_advisory_unlock({key})", (LOCK_CLASS,))

    # -- transactions ---------------------------------------------------------------
    def close(self) -> None:
        if self.conn.closed:
            return
        try:
            if not self.read_only:
                self.conn.commit()
        finally:
            self.conn.close()


def explain_postgres(exc: BaseException, url: str) -> str | None:
    """One line for a PostgreSQL error met while using the store at ``url``; None when it is not one."""
    if not isinstance(exc, psycopg.Error):
        return None
    text = " ".join(str(exc).split())
    where = redact(url)
    if isinstance(exc, psycopg.errors.DiskFull):
        return f"{where}: the database server's disk is full; nothing after the last commit was written"
    if isinstance(exc, psycopg.errors.ReadOnlySqlTransaction):
        return f"{where}: the database is read-only (reading commands work; ingest needs write access)"
    if isinstance(exc, psycopg.OperationalError):
        return f"{where}: the connection to PostgreSQL failed ({text})"
    return f"{where}: PostgreSQL error ({text})"
