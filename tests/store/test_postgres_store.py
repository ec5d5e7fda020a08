"""What only the PostgreSQL store does: its indexes are used, readers hold nothing, errors are clear.

Runs against the real throw-away server of ``conftest.py``; the shared promises are in
``test_store_contract.py``.
"""

from __future__ import annotations

import threading
from typing import Any

import numpy as np
import pytest

from tidings.article import Article, Block
from tidings.store import open_store

psycopg = pytest.importorskip("psycopg")
from tidings.store.postgres import MIGRATIONS, PostgresStore, redact  # noqa: E402 - needs psycopg


def _plan(store: PostgresStore, statement: Any, params: tuple[Any, ...]) -> str:
    """The plan PostgreSQL picks when a sequential scan is made to look expensive (tables are tiny here)."""
    with store.conn.transaction():
        store.conn.execute("SET LOCAL enable_seqscan = off")
        rows = store.conn.execute(psycopg.sql.SQL("EXPLAIN ") + statement, params).fetchall()
    return "\n".join(r[0] for r in rows)


def test_nearest_uses_the_kinds_hnsw_index_and_search_the_gin_index(postgres_url: str) -> None:
    store = open_store(postgres_url)
    assert isinstance(store, PostgresStore)
    rng = np.random.default_rng(1)
    store.put_vectors("article:e5", {f"a{n}": rng.normal(size=8) for n in range(50)})
    store.put_vectors("event:use", {f"e{n}": rng.normal(size=4) for n in range(50)})
    store.put_article(Article(id="t1", uri="x", raw_text="t", content_hash="h", blocks=[Block("Riyadh talks")]))
    store.commit()
    query = "[" + ",".join(["0.5"] * 8) + "]"
    nearest = psycopg.sql.SQL(
        "SELECT id FROM vectors WHERE kind = 'article:e5' ORDER BY (embedding::vector(8)) <=> %s::vector(8) LIMIT 5"
    )
    assert "vectors_hnsw_" in _plan(store, nearest, (query,))
    search = psycopg.sql.SQL("SELECT id FROM articles WHERE search @@ %s::tsquery")
    assert "articles_search" in _plan(store, search, ("'riyadh'",))
    indexes = {r[0] for r in store.conn.execute("SELECT indexdef FROM pg_indexes WHERE tablename = 'vectors'")}
    assert sum("USING hnsw" in i and "vector_cosine_ops" in i for i in indexes) == 2  # one per kind
    store.close()


def test_a_reader_holds_no_transaction_so_schema_changes_never_wait_for_it(postgres_url: str) -> None:
    writer = open_store(postgres_url)
    writer.put_article(Article(id="t1", uri="x", raw_text="t", content_hash="h", blocks=[Block("text")]))
    writer.commit()
    with open_store(postgres_url, read_only=True) as reader:
        assert isinstance(reader, PostgresStore)
        assert len(list(reader.iter_articles())) == 1
        reader.nearest("article:e5", [1.0, 0.0])
        assert reader.conn.info.transaction_status == psycopg.pq.TransactionStatus.IDLE
        assert isinstance(writer, PostgresStore)
        writer.conn.execute("SET lock_timeout = '5s'")  # would fail, not hang, if the reader held a lock
        writer.put_vectors("article:e5", {"t1": [1.0, 0.0]})  # CREATE INDEX on the vectors table
        writer.conn.execute("ALTER TABLE records ADD COLUMN note TEXT")  # needs an exclusive lock
        writer.commit()
    writer.close()


def test_two_processes_opening_a_new_database_migrate_it_once(postgres_url: str) -> None:
    stores: list[Any] = []
    errors: list[BaseException] = []

    def open_one() -> None:
        try:
            stores.append(open_store(postgres_url))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=open_one) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert [s.schema_version for s in stores] == [len(MIGRATIONS)] * 3
    for store in stores:
        store.close()


def test_connection_errors_are_clear_and_hide_the_password() -> None:
    assert redact("postgresql://tidings:s3cret@db.example:5432/news") == "postgresql://tidings:***@db.example:5432/news"
    assert redact("postgresql://db.example/news") == "postgresql://db.example/news"
    with pytest.raises(ValueError, match=r"cannot connect to PostgreSQL") as caught:
        open_store("postgresql://tidings:s3cret@127.0.0.1:1/news?connect_timeout=5")
    assert "s3cret" not in str(caught.value)
