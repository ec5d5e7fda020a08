"""The embedded default store: one SQLite file in WAL mode, schema migrations.

Why WAL with ``synchronous=NORMAL``: in WAL mode a transaction that returned from
``COMMIT`` survives a crash of the *process* (``kill -9``); only a power loss can
roll back the last transactions, and the ingest loop never reports an article
stored before its batch was committed. That keeps bulk ingest fast (one fsync per
checkpoint, not per article) without ever losing what the user was told is saved.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Literal

import numpy as np

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
from tidings.store.vectors import VectorLike, VectorMatrix, as_vector, as_vectors, check_dim, exact_nearest

#: The FTS5 tokenizer of ``article_text``. Its input is already split into words, folded and
#: CJK-bigrammed by :mod:`tidings.store.fulltext` (FTS5's own ``trigram`` tokenizer cannot find
#: two-character Chinese words, and ``unicode61`` alone keeps a whole CJK run as one token), so
#: ``unicode61`` here only splits on the spaces; ``remove_diacritics 0`` because folding is done.
FTS_TOKENIZER = "unicode61 remove_diacritics 0"


def _add_search_and_vectors(conn: sqlite3.Connection) -> None:
    """2: full-text terms of every article (FTS5, rowid = ``articles.seq``), vectors by kind, and
    an index for ``has_content`` (it scanned every version). Existing articles are indexed here."""
    try:
        conn.execute(f"CREATE VIRTUAL TABLE article_text USING fts5(terms, tokenize='{FTS_TOKENIZER}')")
    except sqlite3.OperationalError as exc:  # a Python built against an SQLite without FTS5
        raise ValueError(f"this Python's SQLite has no FTS5 full-text search ({exc})") from exc
    conn.execute("CREATE TABLE vector_kinds (kind TEXT PRIMARY KEY, dim INTEGER NOT NULL)")
    conn.execute(
        "CREATE TABLE vectors (kind TEXT NOT NULL, id TEXT NOT NULL, vector BLOB NOT NULL, PRIMARY KEY (kind, id))"
    )
    conn.execute("CREATE INDEX article_versions_hash ON article_versions(content_hash)")
    _index_articles(conn)


def _index_articles(conn: sqlite3.Connection) -> None:
    """The full-text terms of every stored article (the migration, and a salvaged store)."""
    for seq, data in conn.execute("SELECT seq, data FROM articles ORDER BY seq").fetchall():
        stored = json.loads(data)
        words = article_terms((stored.get("title") or {}).get("value"), stored.get("text") or "")
        conn.execute("INSERT INTO article_text (rowid, terms) VALUES (?, ?)", (seq, " ".join(words)))


def _add_changes_and_entities(conn: sqlite3.Connection) -> None:
    """3: change numbers on articles and records (what changed since a revision: the server's cache
    and the web app's live updates), the index of who names which entity (entity pages and filters),
    and indexes for filtered article listings. Existing rows are numbered and indexed here."""
    conn.executescript(
        """
        ALTER TABLE articles ADD COLUMN rev INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE records ADD COLUMN rev INTEGER NOT NULL DEFAULT 0;
        CREATE TABLE article_entities (
            norm TEXT NOT NULL,
            seq INTEGER NOT NULL,
            label TEXT NOT NULL,
            mentions INTEGER NOT NULL,
            PRIMARY KEY (norm, seq)
        ) WITHOUT ROWID;
        CREATE INDEX article_entities_seq ON article_entities(seq);
        CREATE INDEX articles_lang ON articles(lang, seq);
        CREATE INDEX articles_outlet ON articles(outlet, seq);
        CREATE INDEX articles_published ON articles(published);
        """
    )
    conn.execute("UPDATE articles SET rev = seq")
    offset = conn.execute("SELECT coalesce(max(seq), 0) FROM articles").fetchone()[0]
    conn.execute("UPDATE records SET rev = rowid + ?", (offset,))
    conn.execute("CREATE INDEX articles_rev ON articles(rev)")
    conn.execute("CREATE INDEX records_rev ON records(rev)")
    _index_entities(conn)


def _index_entities(conn: sqlite3.Connection) -> None:
    """Who names which entity, for every stored article (the migration, and a salvaged store)."""
    for seq, data in conn.execute("SELECT seq, data FROM articles ORDER BY seq").fetchall():
        entities = json.loads(data).get("entities") or []
        conn.executemany("INSERT INTO article_entities VALUES (?,?,?,?)", [(n, seq, lb, c) for n, lb, c in
                                                                          entity_rows(entities)])


#: The next change number: one more than the newest of articles and records (two index look-ups).
_NEXT_REV = (
    "(SELECT max(coalesce((SELECT max(rev) FROM articles), 0), coalesce((SELECT max(rev) FROM records), 0)) + 1)"
)

#: Ordered schema migrations, SQL scripts or functions; ``PRAGMA user_version`` records how many ran.
MIGRATIONS: list[str | Callable[[sqlite3.Connection], None]] = [
    # 1: articles, versions, dead letters, checkpoints, component state
    """
    CREATE TABLE articles (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
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
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    );
    CREATE INDEX articles_hash ON articles(content_hash);
    CREATE INDEX articles_event ON articles(event_id);
    CREATE TABLE article_versions (
        article_id TEXT NOT NULL,
        version INTEGER NOT NULL,
        content_hash TEXT NOT NULL,
        uri TEXT NOT NULL,
        created_at TEXT NOT NULL,
        PRIMARY KEY (article_id, version)
    );
    CREATE TABLE dead_letters (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        uri TEXT NOT NULL,
        stage TEXT NOT NULL,
        reason TEXT NOT NULL,
        created_at TEXT NOT NULL,
        UNIQUE (uri, stage, reason)
    );
    CREATE TABLE sources (
        uri TEXT PRIMARY KEY,
        fingerprint TEXT NOT NULL,
        done_at TEXT NOT NULL
    );
    CREATE TABLE state (
        key TEXT PRIMARY KEY,
        value BLOB NOT NULL
    );
    CREATE TABLE records (
        kind TEXT NOT NULL,
        key TEXT NOT NULL,
        value TEXT NOT NULL,
        PRIMARY KEY (kind, key)
    );
    """,
    _add_search_and_vectors,
    _add_changes_and_entities,
]


#: What :meth:`SQLiteStore.salvage` copies: table → its columns (the full-text index is rebuilt).
_SALVAGED = {
    "articles": "seq, id, uri, url, content_hash, version, lang, published, outlet, title, event_id, data, "
                "created_at, updated_at",
    "article_versions": "article_id, version, content_hash, uri, created_at",
    "dead_letters": "id, uri, stage, reason, created_at",
    "vector_kinds": "kind, dim",
    "vectors": "kind, id, vector",
}


#: The vector matrices of read-only stores in this process, per file and kind: every connection of
#: a server's pool shares one (see :class:`~tidings.store.vectors.VectorMatrix`).
_MATRICES: dict[tuple[str, str], VectorMatrix] = {}
_MATRICES_LOCK = threading.Lock()


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


class SQLiteStore(SQLRows, Store):
    """A :class:`Store` in one SQLite file (``":memory:"`` for tests)."""

    def __init__(self, path: str | Path = "tidings.db", *, read_only: bool = False) -> None:
        """``read_only``: for reading commands. They never write, never migrate, and work while an
        ingest holds the write lock (WAL readers see the last committed state)."""
        self.path = str(path)
        self.read_only = read_only and self.path != ":memory:"
        self._real_path = os.path.realpath(self.path)  # names the file's vector matrices (read-only stores)
        self._lock_file: Any = None
        try:
            if self.read_only:
                self.conn = _connect_read_only(Path(self.path))
            else:
                if self.path != ":memory:":
                    Path(self.path).parent.mkdir(parents=True, exist_ok=True)
                self.conn = sqlite3.connect(self.path, isolation_level="DEFERRED", check_same_thread=False)
                self.conn.execute("PRAGMA journal_mode=WAL")
        except sqlite3.DatabaseError as exc:
            if not self.read_only and _unwritable(Path(self.path)):
                raise StoreError(f"{self.path}: {_READ_ONLY}") from exc
            raise StoreError(explain_sqlite(exc, self.path) or f"{self.path}: not a Tidings database ({exc})") from exc
        if not self.read_only:
            self.conn.execute("PRAGMA synchronous=NORMAL")
        self.conn.execute("PRAGMA foreign_keys=ON")
        self.conn.execute("PRAGMA busy_timeout=10000")
        if self.read_only:
            self._check_schema()
        else:
            self._migrate()

    # -- schema -------------------------------------------------------------------
    def _migrate(self) -> None:
        (current,) = self.conn.execute("PRAGMA user_version").fetchone()
        if current > len(MIGRATIONS):
            raise StoreError(
                f"{self.path}: schema version {current} is newer than this Tidings ({len(MIGRATIONS)}); upgrade Tidings"
            )
        for number in range(current, len(MIGRATIONS)):
            step = MIGRATIONS[number]
            if isinstance(step, str):
                with self.conn:
                    self.conn.executescript("BEGIN;" + step + f"; PRAGMA user_version={number + 1};")
                continue
            self.conn.execute("BEGIN")
            try:
                step(self.conn)
                self.conn.execute(f"PRAGMA user_version={number + 1}")
            except BaseException:
                self.conn.rollback()
                raise
            self.conn.commit()

    def _check_schema(self) -> None:
        (current,) = self.conn.execute("PRAGMA user_version").fetchone()
        if current != len(MIGRATIONS):
            raise StoreError(
                f"{self.path}: schema version {current}, this Tidings reads {len(MIGRATIONS)}; "
                "run `tidings ingest` once with this version to upgrade the store"
            )

    @property
    def schema_version(self) -> int:
        return int(self.conn.execute("PRAGMA user_version").fetchone()[0])

    # -- articles -----------------------------------------------------------------
    def put_article(self, article: Article) -> PutResult:
        now = _now()
        row = self.conn.execute("SELECT content_hash, version, seq FROM articles WHERE id=?", (article.id,)).fetchone()
        if row is not None and row[0] == article.content_hash:
            return PutResult("unchanged", article.id, row[1])
        # The event id is not part of the article: the engine records it once, with ``set_events``.
        stored = article.to_dict(with_raw=True)
        stored.pop("event_id", None)
        data = json.dumps(stored, ensure_ascii=False, default=str)
        cols = (
            article.uri,
            article.url,
            article.content_hash,
            article.lang_code,
            article.published.value.isoformat() if article.published else None,
            article.outlet.value if article.outlet else None,
            article.title.value if article.title else None,
            data,
        )
        if row is None:
            version = 1
            seq = self.conn.execute(
                "INSERT INTO articles (uri, url, content_hash, lang, published, outlet, title, data,"
                f" id, version, created_at, updated_at, rev) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,{_NEXT_REV})",
                (*cols, article.id, version, now, now),
            ).lastrowid
            status = "new"
        else:
            version, seq = row[1] + 1, row[2]
            self.conn.execute(
                "UPDATE articles SET uri=?, url=?, content_hash=?, lang=?, published=?, outlet=?, title=?,"
                f" data=?, version=?, updated_at=?, rev={_NEXT_REV} WHERE id=?",
                (*cols, version, now, article.id),
            )
            self.conn.execute("DELETE FROM article_text WHERE rowid=?", (seq,))
            self.conn.execute("DELETE FROM article_entities WHERE seq=?", (seq,))
            status = "updated"
        words = article_terms(article.title.value if article.title else None, article.text)
        self.conn.execute("INSERT INTO article_text (rowid, terms) VALUES (?, ?)", (seq, " ".join(words)))
        self.conn.executemany(
            "INSERT INTO article_entities VALUES (?,?,?,?)",
            [(norm, seq, label, count) for norm, label, count in entity_rows(stored.get("entities") or [])],
        )
        self.conn.execute(
            "INSERT OR IGNORE INTO article_versions VALUES (?,?,?,?,?)",
            (article.id, version, article.content_hash, article.uri, now),
        )
        return PutResult(status, article.id, version)

    def set_events(self, assignments: Mapping[str, str | None]) -> None:
        self.conn.executemany(
            "UPDATE articles SET event_id=? WHERE id=?", [(eid, aid) for aid, eid in assignments.items()]
        )

    def _row_to_article(self, data: str, event_id: str | None) -> Article:
        article = Article.from_dict(json.loads(data))
        article.event_id = event_id
        return article

    def get_article(self, article_id: str) -> Article | None:
        row = self.conn.execute("SELECT data, event_id FROM articles WHERE id=?", (article_id,)).fetchone()
        if row is None and len(article_id) >= 6:
            rows = self.conn.execute(
                "SELECT data, event_id FROM articles WHERE id LIKE ? LIMIT 2", (article_id + "%",)
            ).fetchall()
            row = rows[0] if len(rows) == 1 else None
        return self._row_to_article(*row) if row else None

    def iter_articles(self, *, limit: int | None = None, offset: int = 0) -> Iterator[Article]:
        cur = self.conn.execute(
            "SELECT data, event_id FROM articles ORDER BY seq LIMIT ? OFFSET ?",
            (-1 if limit is None else limit, offset),
        )
        for data, event_id in cur:
            yield self._row_to_article(data, event_id)

    def article_rows(self, ids: Iterable[str] | None = None) -> list[ArticleRow]:
        cols = "SELECT id, uri, lang, published, outlet, title, event_id, version, seq FROM articles"
        if ids is None:
            return [ArticleRow(*r) for r in self.conn.execute(cols + " ORDER BY seq")]
        wanted = list(dict.fromkeys(ids))
        found: dict[str, ArticleRow] = {}
        for start in range(0, len(wanted), 500):  # SQLite's bound-parameter limit
            part = wanted[start : start + 500]
            marks = ",".join("?" * len(part))
            for r in self.conn.execute(f"{cols} WHERE id IN ({marks})", part):
                found[r[0]] = ArticleRow(*r)
        return [found[i] for i in wanted if i in found]

    def article_page(
        self, where: ArticleFilter | None = None, *, after: int | None = None, limit: int = 50,
        order: Literal["newest", "oldest"] = "newest",
    ) -> list[ArticleRow]:
        sql, params = filter_sql(where or ArticleFilter(), after, order, "?")
        sql = "SELECT id, uri, lang, published, outlet, title, event_id, version, seq FROM articles" + sql
        return [ArticleRow(*r) for r in self.conn.execute(sql + " LIMIT ?", (*params, max(0, limit)))]

    def article_counts(self, by: Literal["lang", "outlet"]) -> Counter[str]:
        column = {"lang": "lang", "outlet": "outlet"}[by]  # a column name, never from input
        rows = self.conn.execute(f"SELECT {column}, count(*) FROM articles WHERE {column} IS NOT NULL GROUP BY 1")
        return Counter({key: int(n) for key, n in rows})

    def articles_naming(
        self, norms: Iterable[str], *, labels: Iterable[str] | None = None, limit: int | None = None
    ) -> list[EntityMention]:
        wanted = list(dict.fromkeys(norms))[:500]  # SQLite's bound-parameter limit; an entity has a few norms
        if not wanted:
            return []
        sql = (
            "SELECT a.id, e.norm, e.label, e.mentions FROM article_entities e JOIN articles a ON a.seq = e.seq"
            f" WHERE e.norm IN ({','.join('?' * len(wanted))})"
        )
        params: list[Any] = list(wanted)
        if labels is not None:
            kept = list(dict.fromkeys(labels))
            sql += f" AND e.label IN ({','.join('?' * len(kept))})"
            params += kept
        sql += " ORDER BY e.seq DESC, e.norm LIMIT ?"
        params.append(-1 if limit is None else limit)
        return [EntityMention(*r) for r in self.conn.execute(sql, params)]

    def count_articles(self) -> int:
        return int(self.conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0])

    # -- dead letters ---------------------------------------------------------------
    def add_dead_letter(self, letter: DeadLetter) -> None:
        self.conn.execute(
            "INSERT OR IGNORE INTO dead_letters (uri, stage, reason, created_at) VALUES (?,?,?,?)",
            (letter.uri, letter.stage, letter.reason, letter.created_at or _now()),
        )

    # -- checkpoints ----------------------------------------------------------------
    def source_done(self, uri: str, fingerprint: str) -> bool:
        row = self.conn.execute("SELECT fingerprint FROM sources WHERE uri=?", (uri,)).fetchone()
        return row is not None and row[0] == fingerprint

    def mark_source_done(self, uri: str, fingerprint: str) -> None:
        self.conn.execute("INSERT OR REPLACE INTO sources VALUES (?,?,?)", (uri, fingerprint, _now()))

    # -- state ----------------------------------------------------------------------
    def put_state(self, key: str, value: bytes) -> None:
        self.conn.execute("INSERT OR REPLACE INTO state VALUES (?,?)", (key, value))

    # -- records --------------------------------------------------------------------
    def put_record(self, kind: str, key: str, value: dict[str, Any]) -> None:
        self.conn.execute(
            f"INSERT OR REPLACE INTO records (kind, key, value, rev) VALUES (?,?,?,{_NEXT_REV})",
            (kind, key, json.dumps(value, ensure_ascii=False, default=str)),
        )

    def iter_records(self, kind: str) -> Iterator[tuple[str, dict[str, Any]]]:
        for key, value in self.conn.execute("SELECT key, value FROM records WHERE kind=? ORDER BY key", (kind,)):
            yield key, json.loads(value)

    # -- what changed -----------------------------------------------------------------
    def revision(self) -> int:
        return int(self.conn.execute(_NEXT_REV[1:-1]).fetchone()[0]) - 1

    # -- vectors and text search -----------------------------------------------------
    def put_vectors(self, kind: str, vectors: Mapping[str, VectorLike]) -> None:
        checked, dim = as_vectors(vectors)
        if dim is None:
            return
        stored = self._vector_dim(kind)
        check_dim(kind, dim, stored)
        if stored is None:
            self.conn.execute("INSERT INTO vector_kinds VALUES (?,?)", (kind, dim))
        self.conn.executemany(
            "INSERT OR REPLACE INTO vectors VALUES (?,?,?)", [(kind, key, v.tobytes()) for key, v in checked.items()]
        )

    def nearest(
        self, kind: str, vector: VectorLike, k: int = 10, *, ids_filter: Iterable[str] | None = None
    ) -> list[tuple[str, float]]:
        """Exact: every vector of the kind (or of ``ids_filter``) is compared, with numpy.

        A read-only store compares against the kind's matrix this process keeps in memory
        (:class:`~tidings.store.vectors.VectorMatrix`, brought up to date first); a writer reads
        the rows, which also sees what it has not committed yet.
        """
        query = as_vector(vector, what="query vector")
        dim = self._vector_dim(kind)
        if dim is None:
            return []
        check_dim(kind, query.size, dim)
        if self.read_only:
            return self._matrix(kind, dim).nearest(query, k, ids_filter)
        if ids_filter is None:
            rows = self.conn.execute("SELECT id, vector FROM vectors WHERE kind=?", (kind,)).fetchall()
        else:
            wanted = list(dict.fromkeys(ids_filter))
            rows = []
            for start in range(0, len(wanted), 500):  # SQLite's bound-parameter limit
                part = wanted[start : start + 500]
                marks = ",".join("?" * len(part))
                sql = f"SELECT id, vector FROM vectors WHERE kind=? AND id IN ({marks})"
                rows += self.conn.execute(sql, (kind, *part)).fetchall()
        if not rows:
            return []
        matrix = np.frombuffer(b"".join(r[1] for r in rows), dtype=np.float32).reshape(len(rows), dim)
        return exact_nearest([r[0] for r in rows], matrix, query, k)

    def _matrix(self, kind: str, dim: int) -> VectorMatrix:
        """The process's in-memory matrix of ``kind`` for this file, with the rows stored since its last look."""
        key = (self._real_path, kind)
        with _MATRICES_LOCK:
            matrix = _MATRICES.get(key)
            if matrix is None or matrix.dim != dim:
                matrix = _MATRICES[key] = VectorMatrix(dim)
        with matrix.lock:
            sql = "SELECT rowid, id, vector FROM vectors NOT INDEXED WHERE kind=? AND rowid>=? ORDER BY rowid"
            rows = self.conn.execute(sql, (kind, matrix.seen)).fetchall()
            if matrix.last_id is not None and (not rows or tuple(rows[0][:2]) != (matrix.seen, matrix.last_id)):
                # the last row read is gone: another store now lives at this path (or it was rewritten)
                matrix = VectorMatrix(dim)
                with _MATRICES_LOCK:
                    _MATRICES[key] = matrix
                rows = self.conn.execute(sql, (kind, 0)).fetchall()
            matrix.add(rows)
        return matrix

    def search_text(
        self, query: str, k: int = 10, *, lang: str | None = None, match: Literal["all", "any"] = "all"
    ) -> list[tuple[str, float]]:
        """FTS5 with BM25 (score = ``-bm25``, so higher is better), ties in storage order."""
        words = list(dict.fromkeys(terms(query)))
        if not words or k <= 0:
            return []
        # quoted: each a plain term; FTS5's implicit operator between terms is AND
        expression = (" OR " if match == "any" else " ").join(f'"{w}"' for w in words)
        if lang is None:
            # ranked and cut inside the full-text index, then joined: the same rows (the index's rowid is
            # the article's seq) in half the time of joining every match first (100k articles, "police":
            # 25 → 11 ms)
            sql = (
                "SELECT a.id, s.score FROM (SELECT rowid AS r, -bm25(article_text) AS score, bm25(article_text) AS b"
                " FROM article_text WHERE article_text MATCH ? ORDER BY b, rowid LIMIT ?) AS s"
                " JOIN articles a ON a.seq = s.r ORDER BY s.b, a.seq"
            )
            return [(aid, float(score)) for aid, score in self.conn.execute(sql, (expression, k))]
        sql = (
            "SELECT a.id, -bm25(article_text) FROM article_text JOIN articles a ON a.seq = article_text.rowid"
            " WHERE article_text MATCH ? AND a.lang = ? ORDER BY bm25(article_text), a.seq LIMIT ?"
        )
        return [(aid, float(score)) for aid, score in self.conn.execute(sql, (expression, lang, k))]

    # -- health -----------------------------------------------------------------------
    def check(self) -> list[str]:
        """SQLite's own ``integrity_check`` (every page, index and constraint), then a read of every row."""
        try:
            rows = [r[0] for r in self.conn.execute("PRAGMA integrity_check(20)")]
        except sqlite3.DatabaseError as exc:
            return [f"integrity check failed: {exc}"]
        problems = [] if rows == ["ok"] else rows
        return problems + super().check()

    def salvage(self, target: str) -> dict[str, int]:
        """Copy every article row (and version, dead letter, vector) that can still be read into a new
        store at ``target``; rows copied per table. Events and grouping state are not copied: a damaged
        store's state need not match its readable articles, so ``tidings regroup`` makes them again. Nor
        are the done-marks of sources: ingesting the same inputs again brings back what was lost (what
        was saved is found unchanged and skipped).

        Rows are read by rowid ranges; a range that hits a damaged page is split until the bad rows
        are isolated and skipped, so one bad page costs the rows on it, not the table. The new store
        is a fresh Tidings store (current schema); its full-text index is rebuilt from the articles.
        """
        if Path(target).exists():
            raise StoreError(f"{target}: exists already; salvage writes a new store")
        out = SQLiteStore(target)
        counts: dict[str, int] = {}
        try:
            for table, cols in _SALVAGED.items():
                counts[table] = self._copy_readable(out, table, cols)
            _index_articles(out.conn)
            _index_entities(out.conn)
            out.conn.execute("UPDATE articles SET rev = seq")  # change numbers in storage order
            out.commit()
        finally:
            out.close()
        return counts

    def _copy_readable(self, out: SQLiteStore, table: str, cols: str) -> int:
        try:
            top = self.conn.execute(f"SELECT max(rowid) FROM {table}").fetchone()[0] or 0
        except sqlite3.DatabaseError:
            top = 1 << 20  # the table's own b-tree is damaged: probe a generous range
        copied = 0
        marks = ",".join("?" * (cols.count(",") + 1))
        stack = [(1, top)]
        while stack:
            lo, hi = stack.pop()
            try:
                rows = self.conn.execute(
                    f"SELECT {cols} FROM {table} WHERE rowid BETWEEN ? AND ? ORDER BY rowid", (lo, hi)
                ).fetchall()
            except sqlite3.DatabaseError:
                if lo < hi:
                    mid = (lo + hi) // 2
                    stack += [(mid + 1, hi), (lo, mid)]
                continue
            out.conn.executemany(f"INSERT OR IGNORE INTO {table} ({cols}) VALUES ({marks})", rows)
            copied += len(rows)
        return copied

    # -- one writer at a time -------------------------------------------------------
    @contextmanager
    def writer_lock(self, wait: float | None = 0.0) -> Iterator[None]:
        """An exclusive ``flock`` on ``<store>.lock``: the kernel drops it when the process dies,
        so a killed writer never leaves the store locked."""
        if self.path == ":memory:" or self._lock_file is not None:
            yield
            return
        import fcntl
        import time

        if self.read_only:
            raise StoreBusy(f"{self.path}: opened read-only")
        try:
            fh = open(self.path + ".lock", "a+b")  # noqa: SIM115 - held for the block
        except OSError as exc:
            raise StoreError(f"{self.path}: {_READ_ONLY}" if _unwritable(Path(self.path))
                             else f"{self.path}: cannot make the writer lock ({exc.strerror or exc})") from exc
        deadline = None if wait is None else time.monotonic() + wait
        try:
            while True:
                try:
                    fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if deadline is not None and time.monotonic() >= deadline:
                        raise StoreBusy(
                            f"{self.path}: another tidings process is writing to this store"
                            + (f" (waited {wait:g} s)" if wait else "; use --wait SECONDS to wait for it")
                        ) from None
                    time.sleep(0.2)
            self._lock_file = fh
            yield
        finally:
            self._lock_file = None
            fh.close()  # releases the lock

    def own_files(self) -> tuple[str, ...]:
        if self.path == ":memory:":
            return ()
        return tuple(self.path + suffix for suffix in ("", "-wal", "-shm", "-journal", ".lock"))

    # -- transactions ---------------------------------------------------------------
    def close(self) -> None:
        try:
            if not self.read_only:
                self.conn.commit()
        finally:
            self.conn.close()


def _connect_read_only(path: Path) -> sqlite3.Connection:
    """A read-only connection; on read-only media (no ``-wal``/``-shm`` can be made) an immutable one."""
    if not path.exists():
        raise StoreError(f"{path}: no such store (run `tidings ingest` first)")
    uri = path.resolve().as_uri()
    conn = sqlite3.connect(f"{uri}?mode=ro", uri=True, check_same_thread=False)
    try:
        conn.execute("SELECT 1 FROM sqlite_master LIMIT 1").fetchone()
        return conn
    except sqlite3.OperationalError:
        conn.close()  # the folder is not writable and the WAL files do not exist: nothing can change it
        return sqlite3.connect(f"{uri}?immutable=1", uri=True, check_same_thread=False)


_READ_ONLY = "the store is read-only (reading commands work; ingest needs a writable store file and folder)"


def _unwritable(path: Path) -> bool:
    """True when the store file or its folder cannot be written (read-only media, permissions)."""
    folder = path.parent if str(path.parent) else Path(".")
    return not os.access(folder, os.W_OK) or (path.exists() and not os.access(path, os.W_OK))


def explain_sqlite(exc: BaseException, path: str) -> str | None:
    """One line for an SQLite error met while using the store at ``path``, saying what to do; None otherwise."""
    if not isinstance(exc, sqlite3.Error):
        return None
    text = str(exc)
    low = text.lower()
    if "malformed" in low or "corrupt" in low:
        return (f"{path}: the store file is damaged ({text}); `tidings check --db {path}` says what can be read "
                "and `--salvage NEW.db` copies it to a new store")
    if "file is not a database" in low or "not a database" in low:
        return f"{path}: not a Tidings store (not an SQLite database at all)"
    if "disk is full" in low or "database or disk is full" in low:
        return f"{path}: the disk is full; nothing after the last commit was written — free space and run again"
    if "readonly" in low or "read-only" in low:
        return f"{path}: {_READ_ONLY}"
    if "unable to open" in low:
        return f"{path}: cannot open the store file ({text})"
    if "locked" in low or "busy" in low:
        return f"{path}: the store is busy ({text}); try again, or use --wait with ingest"
    if isinstance(exc, sqlite3.OperationalError) and ("i/o" in low or "disk" in low):
        return f"{path}: the store cannot be read or written ({text})"
    return None
