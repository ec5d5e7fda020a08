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
