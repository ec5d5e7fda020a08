"""The SQLite store: migrations, versions, idempotence, dead letters, state, records."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from pathlib import Path

import pytest

from tidings.article import Article, Block, Entity, Field, RawDocument
from tidings.read import article_from_raw
from tidings.store import DeadLetter, open_store
from tidings.store.sqlite import FTS_TOKENIZER, MIGRATIONS, SQLiteStore


def _article(text: str, url: str | None = None) -> Article:
    art = article_from_raw(RawDocument(uri="mem://x", text=text, format="text", url=url))
    art.blocks = [Block(text, "body")]
    art.lang = Field("en", "test", 1.0)
    art.published = Field(dt.date(2025, 2, 18), "test", 0.9, "18 Feb 2025")
    return art


def test_fresh_store_is_migrated_and_in_wal_mode(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "t.db")
    assert store.schema_version == len(MIGRATIONS)
    assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    store.close()
    # reopening does not re-run migrations
    again = SQLiteStore(tmp_path / "t.db")
    assert again.schema_version == len(MIGRATIONS)
    again.close()


def test_newer_schema_is_refused_with_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "future.db"
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version={len(MIGRATIONS) + 5}")
    conn.close()
    with pytest.raises(ValueError, match="newer than this Tidings"):
        SQLiteStore(path)


def test_not_a_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "junk.db"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(ValueError, match="not a Tidings store"):
        open_store(str(path))


def test_same_content_is_a_no_op_and_a_changed_url_is_a_new_version(tmp_path: Path) -> None:
    store = open_store(str(tmp_path / "t.db"))
    first = _article("Talks in Riyadh.", url="https://example.org/a")
    assert store.put_article(first).status == "new"
    assert store.put_article(_article("Talks in Riyadh.", url="https://example.org/a")).status == "unchanged"
    changed = _article("Talks in Riyadh ended with three goals.", url="https://example.org/a")
    assert changed.id == first.id
    result = store.put_article(changed)
    assert (result.status, result.version) == ("updated", 2)
    assert store.count_articles() == 1
    assert [v["version"] for v in store.article_versions(first.id)] == [1, 2]
    assert store.get_article(first.id).text == "Talks in Riyadh ended with three goals."  # type: ignore[union-attr]
    store.close()


def test_article_round_trips_with_fields_and_prefix_lookup(tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path / 't.db'}")
    art = _article("اجتماع في الرياض")
    store.put_article(art)
    store.commit()
    back = store.get_article(art.id[:8])
    assert back is not None
    assert back.published == art.published
    assert back.text == art.text
    assert back.raw_text == art.raw_text
    store.close()


def test_dead_letters_state_and_records(tmp_path: Path) -> None:
    store = open_store(str(tmp_path / "t.db"))
    store.add_dead_letter(DeadLetter("a.bin", "ingest", "binary file"))
    store.add_dead_letter(DeadLetter("a.bin", "ingest", "binary file"))  # a rerun does not duplicate it
    assert [(d.uri, d.reason) for d in store.dead_letters()] == [("a.bin", "binary file")]
    store.put_state("k", b"\x00\x01")
    assert store.get_state("k") == b"\x00\x01"
    store.put_record("event", "ev-1", {"article_ids": ["a"]})
    assert store.get_record("event", "ev-1") == {"article_ids": ["a"]}
    assert list(store.iter_records("event")) == [("ev-1", {"article_ids": ["a"]})]
    store.delete_record("event", "ev-1")
    assert store.get_record("event", "ev-1") is None
    assert not store.source_done("f.txt", "abc")
    store.mark_source_done("f.txt", "abc")
    assert store.source_done("f.txt", "abc") and not store.source_done("f.txt", "changed")
    store.close()


def test_a_version_1_store_is_migrated_and_its_articles_become_searchable(tmp_path: Path) -> None:
    """Stores written before full-text search (schema 1) index their articles when first opened."""
    path = tmp_path / "v1.db"
    conn = sqlite3.connect(path)
    conn.executescript(str(MIGRATIONS[0]) + "; PRAGMA user_version=1;")
    articles = [_article("Talks in Riyadh ended."), _article("沙特阿拉伯利雅得举行会谈")]
    articles[1].entities = [Entity("利雅得", "riyadh", "GPE", 1)]
    for art in articles:
        data = json.dumps(art.to_dict(with_raw=True), ensure_ascii=False)
        conn.execute(
            "INSERT INTO articles (id, uri, content_hash, data, created_at, updated_at) VALUES (?,?,?,?,'t','t')",
            (art.id, art.uri, art.content_hash, data),
        )
    conn.commit()
    conn.close()
    with pytest.raises(ValueError, match="run `tidings ingest` once"):
        open_store(str(path), read_only=True)
    with SQLiteStore(path) as store:
        assert store.schema_version == len(MIGRATIONS) == 3
        assert store.changes(0).articles == [a.id for a in articles]  # numbered in storage order
        assert [m.article_id for m in store.articles_naming(["riyadh"])] == [articles[1].id]  # and indexed
        assert [a for a, _ in store.search_text("riyadh")] == [articles[0].id]
        assert [a for a, _ in store.search_text("会谈")] == [articles[1].id]


def test_fts5_tokenizer_is_the_one_documented(tmp_path: Path) -> None:
    with SQLiteStore(tmp_path / "t.db") as store:
        (sql,) = store.conn.execute("SELECT sql FROM sqlite_master WHERE name = 'article_text'").fetchone()
    assert FTS_TOKENIZER in sql


def test_a_reader_searches_vectors_in_memory_and_follows_the_writer(tmp_path: Path) -> None:
    """The read-only store's in-memory matrix answers exactly as the rows do, and sees what is added
    or replaced after its first look (the last row too), and a new store written at the same path."""
    import numpy as np

    from tidings.store.vectors import exact_nearest

    db = str(tmp_path / "v.db")
    rng = np.random.default_rng(3)
    vectors = {f"a{n:03d}": rng.normal(size=8).astype(np.float32) for n in range(200)}
    vectors["tie"] = vectors["a007"].copy()  # the same vector twice
    writer = SQLiteStore(db)
    writer.put_vectors("article:x", vectors)
    writer.commit()
    reader = SQLiteStore(db, read_only=True)
    query = vectors["a007"] + 0.01

    def expected() -> list[tuple[str, float]]:
        ids = list(vectors)
        return exact_nearest(ids, np.stack([vectors[i] for i in ids]), query, 12)

    def same(found: list[tuple[str, float]]) -> None:
        assert [i for i, _ in found] == [i for i, _ in expected()]
        assert [d for _, d in found] == pytest.approx([d for _, d in expected()], abs=1e-5)

    same(reader.nearest("article:x", query, k=12))
    assert [i for i, _ in reader.nearest("article:x", query, k=5, ids_filter=["a100", "tie", "zz"])] == ["tie", "a100"]
    vectors["new"] = query.copy()  # added after the reader's first look
    vectors["a003"] = query + 0.001  # replaced
    writer.put_vectors("article:x", {"new": vectors["new"], "a003": vectors["a003"]})
    writer.commit()
    same(reader.nearest("article:x", query, k=12))
    vectors["a003"] = -query  # the last row stored, replaced again
    writer.put_vectors("article:x", {"a003": vectors["a003"]})
    writer.commit()
    same(reader.nearest("article:x", query, k=12))
    reader.close()
    writer.close()
    for name in ("v.db", "v.db-wal", "v.db-shm"):
        (tmp_path / name).unlink(missing_ok=True)
    other = SQLiteStore(db)  # another store at the same path
    other.put_vectors("article:x", {"b": [1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]})
    other.commit()
    with SQLiteStore(db, read_only=True) as again:
        assert again.nearest("article:x", np.ones(8, dtype=np.float32), k=5) == [("b", pytest.approx(1 - 1 / 8**0.5))]
    other.close()
