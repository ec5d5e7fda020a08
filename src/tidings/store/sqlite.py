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
import sqlite3
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from tidings.article import Article
from tidings.store.base import ArticleRow, DeadLetter, PutResult, Store, StoreBusy

#: Ordered schema migrations; ``PRAGMA user_version`` records how many ran.
MIGRATIONS: list[str] = [
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
]


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


class SQLiteStore(Store):
    """A :class:`Store` in one SQLite file (``":memory:"`` for tests)."""

    def __init__(self, path: str | Path = "tidings.db", *, read_only: bool = False) -> None:
        """``read_only``: for reading commands. They never write, never migrate, and work while an
        ingest holds the write lock (WAL readers see the last committed state)."""
        self.path = str(path)
        self.read_only = read_only and self.path != ":memory:"
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
            raise ValueError(f"{self.path}: not a Tidings database ({exc})") from exc
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
            raise ValueError(
                f"{self.path}: schema version {current} is newer than this Tidings ({len(MIGRATIONS)}); upgrade Tidings"
            )
        for number in range(current, len(MIGRATIONS)):
            with self.conn:
                self.conn.executescript("BEGIN;" + MIGRATIONS[number] + f"; PRAGMA user_version={number + 1};")

    def _check_schema(self) -> None:
        (current,) = self.conn.execute("PRAGMA user_version").fetchone()
        if current != len(MIGRATIONS):
            raise ValueError(
                f"{self.path}: schema version {current}, this Tidings reads {len(MIGRATIONS)}; "
                "run `tidings ingest` once with this version to upgrade the store"
            )

    @property
    def schema_version(self) -> int:
        return int(self.conn.execute("PRAGMA user_version").fetchone()[0])

    # -- articles -----------------------------------------------------------------
    def put_article(self, article: Article) -> PutResult:
        now = _now()
        row = self.conn.execute("SELECT content_hash, version FROM articles WHERE id=?", (article.id,)).fetchone()
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
            article.lang.value if article.lang else None,
            article.published.value.isoformat() if article.published else None,
            article.outlet.value if article.outlet else None,
            article.title.value if article.title else None,
            data,
        )
        if row is None:
            version = 1
            self.conn.execute(
                "INSERT INTO articles (uri, url, content_hash, lang, published, outlet, title, data,"
                " id, version, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                (*cols, article.id, version, now, now),
            )
            status = "new"
        else:
            version = row[1] + 1
            self.conn.execute(
                "UPDATE articles SET uri=?, url=?, content_hash=?, lang=?, published=?, outlet=?, title=?,"
                " data=?, version=?, updated_at=? WHERE id=?",
                (*cols, version, now, article.id),
            )
            status = "updated"
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
        cols = "SELECT id, uri, lang, published, outlet, title, event_id, version FROM articles"
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

    def count_articles(self) -> int:
        return int(self.conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0])

    def article_versions(self, article_id: str) -> list[dict[str, Any]]:
        cur = self.conn.execute(
            "SELECT version, content_hash, uri, created_at FROM article_versions WHERE article_id=? ORDER BY version",
            (article_id,),
        )
        return [dict(zip(("version", "content_hash", "uri", "created_at"), r, strict=True)) for r in cur]

    def content_hash_of(self, article_id: str) -> str | None:
        row = self.conn.execute("SELECT content_hash FROM articles WHERE id=?", (article_id,)).fetchone()
        return row[0] if row else None

    def has_content(self, content_hash: str) -> bool:
        return (
            self.conn.execute("SELECT 1 FROM article_versions WHERE content_hash=? LIMIT 1", (content_hash,)).fetchone()
            is not None
        )

    # -- dead letters ---------------------------------------------------------------
    def add_dead_letter(self, letter: DeadLetter) -> None:
        self.conn.execute(
            "INSERT OR IGNORE INTO dead_letters (uri, stage, reason, created_at) VALUES (?,?,?,?)",
            (letter.uri, letter.stage, letter.reason, letter.created_at or _now()),
        )

    def dead_letters(self) -> list[DeadLetter]:
        cur = self.conn.execute("SELECT uri, stage, reason, created_at FROM dead_letters ORDER BY id")
        return [DeadLetter(*r) for r in cur]

    # -- checkpoints ----------------------------------------------------------------
    def source_done(self, uri: str, fingerprint: str) -> bool:
        row = self.conn.execute("SELECT fingerprint FROM sources WHERE uri=?", (uri,)).fetchone()
        return row is not None and row[0] == fingerprint

    def mark_source_done(self, uri: str, fingerprint: str) -> None:
        self.conn.execute("INSERT OR REPLACE INTO sources VALUES (?,?,?)", (uri, fingerprint, _now()))

    # -- state ----------------------------------------------------------------------
    def put_state(self, key: str, value: bytes) -> None:
        self.conn.execute("INSERT OR REPLACE INTO state VALUES (?,?)", (key, value))

    def get_state(self, key: str) -> bytes | None:
        row = self.conn.execute("SELECT value FROM state WHERE key=?", (key,)).fetchone()
        return bytes(row[0]) if row else None

    # -- records --------------------------------------------------------------------
    def put_record(self, kind: str, key: str, value: dict[str, Any]) -> None:
        self.conn.execute(
            "INSERT OR REPLACE INTO records VALUES (?,?,?)",
            (kind, key, json.dumps(value, ensure_ascii=False, default=str)),
        )

    def get_record(self, kind: str, key: str) -> dict[str, Any] | None:
        row = self.conn.execute("SELECT value FROM records WHERE kind=? AND key=?", (kind, key)).fetchone()
        return json.loads(row[0]) if row else None

    def iter_records(self, kind: str) -> Iterator[tuple[str, dict[str, Any]]]:
        for key, value in self.conn.execute("SELECT key, value FROM records WHERE kind=? ORDER BY key", (kind,)):
            yield key, json.loads(value)

    def delete_record(self, kind: str, key: str) -> None:
        self.conn.execute("DELETE FROM records WHERE kind=? AND key=?", (kind, key))

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
        fh = open(self.path + ".lock", "a+b")  # noqa: SIM115 - held for the block
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
    def commit(self) -> None:
        self.conn.commit()

    def rollback(self) -> None:
        self.conn.rollback()

    def close(self) -> None:
        try:
            if not self.read_only:
                self.conn.commit()
        finally:
            self.conn.close()


def _connect_read_only(path: Path) -> sqlite3.Connection:
    """A read-only connection; on read-only media (no ``-wal``/``-shm`` can be made) an immutable one."""
    if not path.exists():
        raise ValueError(f"{path}: no such store (run `tidings ingest` first)")
    uri = path.resolve().as_uri()
    conn = sqlite3.connect(f"{uri}?mode=ro", uri=True, check_same_thread=False)
    try:
        conn.execute("SELECT 1 FROM sqlite_master LIMIT 1").fetchone()
        return conn
    except sqlite3.OperationalError:
        conn.close()  # the folder is not writable and the WAL files do not exist: nothing can change it
        return sqlite3.connect(f"{uri}?immutable=1", uri=True, check_same_thread=False)
