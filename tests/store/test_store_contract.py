"""The Store contract, run against every backend: SQLite and a real PostgreSQL server.

Every test here takes ``store_url`` (a fresh, empty store of one backend) and talks to it only
through :class:`tidings.store.Store`, so one suite proves both backends keep the same promises:
articles and their versions, dead letters, checkpoints, state, records, event assignments,
transactions, read-only opening, the one-writer lock (also across a killed writer), vectors and
full-text search. The articles are the five seeds, read by the product's read pipeline.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from tidings.article import Article, Block, Entity, Field, RawDocument
from tidings.read import article_from_raw, read_pipeline
from tidings.store import ArticleFilter, Changes, DeadLetter, Store, StoreBusy, open_store
from tidings.store import sqlite as sqlite_module

try:
    from tidings.store import postgres as pg_module
except ImportError:  # psycopg is not installed: the PostgreSQL half of each test skips
    pg_module = None  # type: ignore[assignment]

SEEDS = Path(__file__).resolve().parents[2] / "examples" / "seeds"
SRC = Path(__file__).resolve().parents[2] / "src"


@pytest.fixture(scope="module")
def seeds() -> dict[str, Article]:
    """The five seed articles, read as ingest reads them: ``"000"`` … ``"004"`` → Article."""
    reader = read_pipeline()
    out = {}
    for path in sorted(SEEDS.glob("*.txt")):
        raw = RawDocument(uri=str(path), text=path.read_text(encoding="utf-8"), format="text")
        out[path.name[:3]] = reader(article_from_raw(raw))
    return out


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    s = open_store(store_url)
    yield s
    s.close()


def _fill(store: Store, seeds: dict[str, Article]) -> None:
    for art in seeds.values():
        store.put_article(art)
    store.commit()


def _migrations(backend: str) -> Any:
    return sqlite_module if backend == "sqlite" else pg_module


def _changed(article: Article, extra: str) -> Article:
    """The same article (same id) with other content, as a re-fetched page would be."""
    blocks = [*article.blocks, Block(extra, "body")]
    return dataclasses.replace(article, blocks=blocks, content_hash=article.content_hash + "-2")


# -- schema -----------------------------------------------------------------------------


def test_a_fresh_store_is_migrated_once(store_url: str, backend: str) -> None:
    expected = len(_migrations(backend).MIGRATIONS)
    with open_store(store_url) as store:
        assert store.schema_version == expected
    with open_store(store_url) as again:
        assert again.schema_version == expected


def test_a_new_migration_runs_forward_once(
    store_url: str, backend: str, seeds: dict[str, Article], monkeypatch: pytest.MonkeyPatch
) -> None:
    module = _migrations(backend)
    with open_store(store_url) as store:
        _fill(store, seeds)
    runs: list[int] = []

    def add_column(conn: Any) -> None:
        runs.append(1)
        conn.execute("ALTER TABLE records ADD COLUMN note TEXT")

    monkeypatch.setattr(module, "MIGRATIONS", [*module.MIGRATIONS, add_column])
    for _ in range(2):
        with open_store(store_url) as store:
            assert store.schema_version == len(module.MIGRATIONS)
            assert store.count_articles() == 5  # the data survives the migration
    assert runs == [1]


def test_a_newer_schema_is_refused(store_url: str, backend: str, monkeypatch: pytest.MonkeyPatch) -> None:
    module = _migrations(backend)
    monkeypatch.setattr(module, "MIGRATIONS", [*module.MIGRATIONS, "SELECT 1"])
    open_store(store_url).close()  # written by a "newer Tidings"
    monkeypatch.undo()
    with pytest.raises(ValueError, match="newer than this Tidings"):
        open_store(store_url)


def test_read_only_needs_an_existing_store(store_url: str) -> None:
    with pytest.raises(ValueError, match="tidings ingest"):
        open_store(store_url, read_only=True)


# -- articles ---------------------------------------------------------------------------


def test_same_content_is_a_no_op_and_changed_content_a_new_version(store: Store, seeds: dict[str, Article]) -> None:
    art = seeds["002"]
    assert store.put_article(art).status == "new"
    assert store.put_article(art).status == "unchanged"
    changed = _changed(art, "Cuộc đàm phán kết thúc.")
    result = store.put_article(changed)
    assert (result.status, result.version) == ("updated", 2)
    assert store.put_article(changed).status == "unchanged"
    store.commit()
    assert store.count_articles() == 1
    assert [v["version"] for v in store.article_versions(art.id)] == [1, 2]
    assert store.get_article(art.id).text.endswith("Cuộc đàm phán kết thúc.")  # type: ignore[union-attr]
    assert store.content_hash_of(art.id) == changed.content_hash
    assert store.has_content(art.content_hash) and store.has_content(changed.content_hash)
    assert not store.has_content("no-such-hash") and store.content_hash_of("no-such-id") is None


def test_articles_round_trip_in_storage_order(store: Store, seeds: dict[str, Article]) -> None:
    _fill(store, seeds)
    assert store.count_articles() == 5
    order = [a.id for a in seeds.values()]
    assert [a.id for a in store.iter_articles()] == order
    assert [a.id for a in store.iter_articles(limit=2, offset=1)] == order[1:3]
    assert [a.id for a in store.iter_articles(offset=4)] == order[4:]
    for art in seeds.values():
        back = store.get_article(art.id)
        assert back is not None
        assert back.to_dict(with_raw=True) == art.to_dict(with_raw=True)
    assert store.get_article(order[0][:8]).id == order[0]  # type: ignore[union-attr]
    assert store.get_article(order[0][:5]) is None  # a prefix needs 6 characters
    assert store.get_article("zzzzzzzz") is None


def test_iterating_many_articles_pages_through_them(
    store: Store, backend: str, seeds: dict[str, Article], monkeypatch: pytest.MonkeyPatch
) -> None:
    if backend == "postgres":
        monkeypatch.setattr(pg_module, "_PAGE", 2)  # PostgreSQL reads in keyset pages; make several
    for n in range(7):
        store.put_article(dataclasses.replace(seeds["000"], id=f"page{n:02d}", content_hash=f"h{n}"))
    ids = [f"page{n:02d}" for n in range(7)]
    assert [a.id for a in store.iter_articles()] == ids
    assert [a.id for a in store.iter_articles(limit=5, offset=1)] == ids[1:6]
    assert list(store.iter_articles(limit=0)) == []


def test_events_are_recorded_by_set_events_only(store: Store, seeds: dict[str, Article]) -> None:
    art = dataclasses.replace(seeds["000"], event_id="ev-ignored")
    store.put_article(art)
    store.put_article(seeds["001"])
    assert store.get_article(art.id).event_id is None  # type: ignore[union-attr]
    store.set_events({art.id: "ev-riyadh", seeds["001"].id: "ev-cairo", "unknown": "ev-x"})
    store.commit()
    assert store.get_article(art.id).event_id == "ev-riyadh"  # type: ignore[union-attr]
    rows = store.article_rows()
    assert [(r.id, r.event_id) for r in rows] == [(art.id, "ev-riyadh"), (seeds["001"].id, "ev-cairo")]
    first = rows[0]
    assert (first.lang, first.version, first.uri) == ("zh", 1, art.uri)
    assert first.title == art.title.value  # type: ignore[union-attr]
    assert first.published == art.published.value.isoformat()  # type: ignore[union-attr]
    assert first.to_dict()["event_id"] == "ev-riyadh"
    picked = store.article_rows([seeds["001"].id, "unknown", art.id, seeds["001"].id])
    assert [r.id for r in picked] == [seeds["001"].id, art.id]
    store.set_events({art.id: None})
    assert store.article_rows([art.id])[0].event_id is None


# -- dead letters, checkpoints, state, records --------------------------------------------


def test_dead_letters_checkpoints_state_and_records(store: Store) -> None:
    long_reason = "binary file: " + "x" * 20000  # longer than a b-tree entry may be
    for _ in range(2):  # a rerun does not duplicate a letter
        store.add_dead_letter(DeadLetter("a.bin", "ingest", "binary file"))
        store.add_dead_letter(DeadLetter("a.bin", "ingest", long_reason))
    store.add_dead_letter(DeadLetter("b.html", "read", "empty after cleaning", "2025-02-18T00:00:00+00:00"))
    letters = store.dead_letters()
    assert [(d.uri, d.reason) for d in letters] == [
        ("a.bin", "binary file"),
        ("a.bin", long_reason),
        ("b.html", "empty after cleaning"),
    ]
    assert letters[2].created_at == "2025-02-18T00:00:00+00:00" and letters[0].created_at

    assert not store.source_done("f.txt", "abc")
    store.mark_source_done("f.txt", "abc")
    assert store.source_done("f.txt", "abc") and not store.source_done("f.txt", "changed")
    store.mark_source_done("f.txt", "changed")
    assert store.source_done("f.txt", "changed") and not store.source_done("f.txt", "abc")

    blob = bytes(range(256)) * 10  # NUL bytes and everything else
    store.put_state("clusterer", blob)
    store.put_state("clusterer", blob + b"!")
    assert store.get_state("clusterer") == blob + b"!"
    assert store.get_state("missing") is None

    store.put_record("event", "ev-b", {"article_ids": ["a"], "title": "会谈 \u0000 end"})
    store.put_record("event", "ev-a", {"n": 1.5})
    store.put_record("event", "ev-a", {"n": 2})
    store.put_record("alias", "ev-a", {"other": True})
    assert store.get_record("event", "ev-b") == {"article_ids": ["a"], "title": "会谈 \u0000 end"}
    assert list(store.iter_records("event")) == [("ev-a", {"n": 2}), ("ev-b", store.get_record("event", "ev-b"))]
    store.delete_record("event", "ev-a")
    assert store.get_record("event", "ev-a") is None and store.get_record("alias", "ev-a") == {"other": True}
    assert list(store.iter_records("storyline")) == []


def test_record_keys_iterate_in_one_order(store: Store) -> None:
    keys = ["b", "B", "a", "ä", "10", "9", "ev-2", "ev-10", "事件"]
    for key in keys:
        store.put_record("event", key, {})
    assert [k for k, _ in store.iter_records("event")] == sorted(keys, key=lambda k: k.encode())


# -- transactions and readers ------------------------------------------------------------


def test_rollback_drops_and_commit_keeps(store_url: str, seeds: dict[str, Article]) -> None:
    with open_store(store_url) as store:
        store.put_article(seeds["000"])
        store.put_state("k", b"v")
        store.rollback()
        assert store.count_articles() == 0 and store.get_state("k") is None
        store.put_article(seeds["001"])
        store.commit()
        with open_store(store_url, read_only=True) as reader:
            assert [a.id for a in reader.iter_articles()] == [seeds["001"].id]


def test_a_reader_sees_the_last_commit_while_a_writer_writes(store_url: str, seeds: dict[str, Article]) -> None:
    writer = open_store(store_url)
    try:
        writer.put_article(seeds["000"])
        writer.commit()
        with writer.writer_lock():
            writer.put_article(seeds["001"])  # not committed yet
            writer.put_vectors("article:test", {seeds["001"].id: [1.0, 0.0]})
            with open_store(store_url, read_only=True) as reader:  # opens and reads without waiting
                assert [r.id for r in reader.article_rows()] == [seeds["000"].id]
                assert reader.search_text("埃及") == []  # only 001 names Egypt, and it is not committed
                assert reader.nearest("article:test", [1.0, 0.0]) == []
                writer.commit()
                assert reader.count_articles() == 2
    finally:
        writer.close()


def test_a_read_only_store_never_writes(store_url: str, seeds: dict[str, Article]) -> None:
    open_store(store_url).close()
    with open_store(store_url, read_only=True) as reader:
        with pytest.raises(StoreBusy, match="read-only"), reader.writer_lock():
            pass
        with pytest.raises(Exception, match=r"read-?only"):
            reader.put_article(seeds["000"])
            reader.commit()
    with open_store(store_url, read_only=True) as reader:
        assert reader.count_articles() == 0


# -- one writer at a time -------------------------------------------------------------------


def test_a_second_writer_fails_fast_or_waits(store_url: str) -> None:
    first, second = open_store(store_url), open_store(store_url)
    try:
        with first.writer_lock():
            with first.writer_lock():  # the holder may enter again
                pass
            with pytest.raises(StoreBusy, match=r"another tidings process is writing.*--wait"), second.writer_lock():
                pass
            with pytest.raises(StoreBusy, match=r"waited 0\.3 s"), second.writer_lock(wait=0.3):
                pass
        with second.writer_lock():  # released at the end of the block
            pass

        holding, release = threading.Event(), threading.Event()

        def hold() -> None:
            with first.writer_lock():
                holding.set()
                release.wait(30)

        holder = threading.Thread(target=hold)
        holder.start()
        holding.wait(30)
        threading.Timer(0.5, release.set).start()
        with second.writer_lock(wait=None):  # waits for as long as it takes
            assert release.is_set()
        holder.join()
    finally:
        first.close()
        second.close()


_CRASHING_WRITER = """
import sys, time
from tidings.article import Article, Block
from tidings.store import open_store
store = open_store(sys.argv[1])
with store.writer_lock():
    for n in range(3):
        store.put_article(Article(id=f"half{n}", uri="x", raw_text="t", content_hash=f"h{n}", blocks=[Block("t")]))
    store.put_state("clusterer", b"half")
    print("writing", flush=True)
    time.sleep(120)
"""


def test_a_killed_writer_leaves_nothing_half_applied_and_no_lock(store_url: str, seeds: dict[str, Article]) -> None:
    with open_store(store_url) as store:
        store.put_article(seeds["000"])
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    proc = subprocess.Popen(
        [sys.executable, "-c", _CRASHING_WRITER, store_url], stdout=subprocess.PIPE, text=True, env=env
    )
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "writing"
        with open_store(store_url) as other, pytest.raises(StoreBusy), other.writer_lock():
            pass
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    with open_store(store_url) as store, store.writer_lock(wait=30):  # the dead writer's lock was dropped
        assert [a.id for a in store.iter_articles()] == [seeds["000"].id]
        assert store.get_state("clusterer") is None


# -- vectors ------------------------------------------------------------------------------------


def _unit(angle_degrees: float) -> list[float]:
    a = np.radians(angle_degrees)
    return [float(np.cos(a)), float(np.sin(a)), 0.0]


def test_nearest_vectors_by_cosine_distance(store: Store) -> None:
    store.put_vectors("article:test", {"a": _unit(0), "b": _unit(30), "c": _unit(100), "d": [2.0, 0.2, 0.0]})
    store.put_vectors("event:other", {"e": [1.0, 0.0, 0.0, 0.0, 0.0]})  # another kind, another dimension
    store.commit()
    found = store.nearest("article:test", _unit(10), k=3)
    assert [i for i, _ in found] == ["d", "a", "b"]
    expected = {"a": 1 - np.cos(np.radians(10)), "b": 1 - np.cos(np.radians(20))}
    for key, distance in found[1:]:
        assert distance == pytest.approx(expected[key], abs=1e-5)
    assert [i for i, _ in store.nearest("article:test", _unit(10), k=10)] == ["d", "a", "b", "c"]
    assert [i for i, _ in store.nearest("article:test", _unit(10), k=2, ids_filter=["c", "b", "x"])] == ["b", "c"]
    assert store.nearest("article:test", _unit(10), k=2, ids_filter=[]) == []
    assert store.nearest("event:other", [0.0, 0.0, 0.0, 0.0, 1.0], k=1) == [("e", pytest.approx(1.0, abs=1e-6))]
    assert store.nearest("no-such-kind", _unit(0)) == []
    store.put_vectors("article:test", {"c": _unit(9)})  # replaced
    assert store.nearest("article:test", _unit(10), k=1)[0][0] == "c"


def test_vectors_are_checked(store: Store) -> None:
    store.put_vectors("article:test", {"a": _unit(0)})
    with pytest.raises(ValueError, match="3 dimensions; got 2"):
        store.put_vectors("article:test", {"b": [1.0, 0.0]})
    with pytest.raises(ValueError, match="3 dimensions; got 2"):
        store.nearest("article:test", [1.0, 0.0])
    with pytest.raises(ValueError, match="one dimension"):
        store.put_vectors("article:new", {"a": [1.0, 0.0], "b": [1.0, 0.0, 0.0]})
    with pytest.raises(ValueError, match="all zeros"):
        store.put_vectors("article:test", {"z": [0.0, 0.0, 0.0]})
    with pytest.raises(ValueError, match="NaN"):
        store.nearest("article:test", [float("nan"), 0.0, 0.0])
    store.put_vectors("article:test", {})  # nothing to do


def test_vectors_persist_and_read_only_stores_search_them(store_url: str) -> None:
    rng = np.random.default_rng(7)
    vectors = {f"v{n:03d}": rng.normal(size=16).astype(np.float32) for n in range(300)}
    with open_store(store_url) as store:
        store.put_vectors("article:e5", vectors)
    query = vectors["v042"] + 0.05 * rng.normal(size=16).astype(np.float32)
    with open_store(store_url, read_only=True) as reader:
        found = reader.nearest("article:e5", query, k=5)
    ids = list(vectors)
    matrix = np.stack([vectors[i] for i in ids])
    exact = 1 - (matrix / np.linalg.norm(matrix, axis=1, keepdims=True)) @ (query / np.linalg.norm(query))
    assert found[0][0] == "v042"
    assert [d for _, d in found] == sorted(d for _, d in found)
    assert {i for i, _ in found} == {ids[j] for j in np.argsort(exact)[:5]}  # HNSW finds the true 5 here


# -- full-text search ---------------------------------------------------------------------------


def test_text_search_in_every_script(store: Store, seeds: dict[str, Article]) -> None:
    _fill(store, seeds)
    ids = {key: art.id for key, art in seeds.items()}

    def found(query: str, **kw: Any) -> set[str]:
        hits = store.search_text(query, **kw)
        return {key for key, aid in ids.items() if aid in {h for h, _ in hits}}

    assert found("会谈") == {"000"}  # a two-character Chinese word
    assert found("利雅得") == {"000"}
    assert found("埃及") == {"001"}
    assert found("Riyadh") == {"000", "002"}  # 000 writes 利雅得(Riyadh); 003 and 004 write it in Arabic
    assert found("riyadh LAVROV") == {"000", "002"}  # case folded
    assert found("Riyadh 埃及") == set()  # every term must match: 埃及 (Egypt) is only in 001
    assert found("đàm phán") == {"002"}
    assert found("dam phan") == {"002"}  # Vietnamese without its accents
    assert found("الرياض") == {"003"}
    assert found("أوكرانيا") == {"003", "004"}
    assert found("Riyadh", lang="vi") == {"002"}
    assert found("俄乌", lang="zh") == {"000", "001"}
    assert found("Riyadh", lang="xx") == set()
    assert store.search_text("  ,;  ") == []
    assert len(store.search_text("Riyadh", k=2)) == 2
    scores = [s for _, s in store.search_text("Riyadh")]
    assert scores == sorted(scores, reverse=True) and all(s > 0 for s in scores)


def test_text_search_follows_updates(store: Store, seeds: dict[str, Article]) -> None:
    store.put_article(seeds["002"])
    store.put_article(_changed(seeds["002"], "Hội nghị thượng đỉnh ở Istanbul."))
    store.commit()
    assert [aid for aid, _ in store.search_text("Istanbul")] == [seeds["002"].id]
    assert [aid for aid, _ in store.search_text("Riyadh")] == [seeds["002"].id]  # one article, not two versions


def test_titles_are_searched_and_odd_text_is_stored(store: Store) -> None:
    art = Article(
        id="odd0000001",
        uri="odd\u0000.txt",
        raw_text="raw \u0000 text",
        content_hash="odd",
        blocks=[Block("body text " + "y" * 5000 + " " + "word " * 20000)],
        title=Field("Zanzibar \u0000 headline", "test", 1.0),
        lang=Field("en", "test", 1.0),
        published=Field(dt.datetime(2025, 2, 18, 9, 30, tzinfo=dt.UTC), "test", 0.9),
    )
    store.put_article(art)
    store.commit()
    assert [aid for aid, _ in store.search_text("zanzibar")] == [art.id]
    assert [aid for aid, _ in store.search_text("body word")] == [art.id]
    assert store.get_article(art.id).raw_text == "raw \u0000 text"  # type: ignore[union-attr]


def test_both_backends_find_the_same_articles(postgres_url: str, tmp_path: Path, seeds: dict[str, Article]) -> None:
    stores = [open_store(str(tmp_path / "s.db")), open_store(postgres_url)]
    queries = ["Riyadh", "Nga Mỹ", "俄乌", "美俄 会谈", "المملكة العربية السعودية", "Lavrov Rubio", "Ukraine"]
    try:
        for store in stores:
            _fill(store, seeds)
        for query in queries:
            answers = [store.search_text(query) for store in stores]
            assert answers[0], query
            # The same articles; their order may differ (BM25 and ts_rank weigh differently).
            assert {a for a, _ in answers[0]} == {a for a, _ in answers[1]}, query
    finally:
        for store in stores:
            store.close()


# -- listings, the entity index, changes ----------------------------------------------------------

def _named(article: Article, *names: tuple[str, str, str, int]) -> Article:
    """The article with these entities (surface, norm, label, count), as the entity stage would set them."""
    return dataclasses.replace(article, entities=[Entity(t, n, lb, c) for t, n, lb, c in names])


def test_article_pages_filter_and_page_by_storage_position(store: Store, seeds: dict[str, Article]) -> None:
    _fill(store, seeds)
    store.set_events({seeds["000"].id: "ev-riyadh", seeds["002"].id: "ev-riyadh", seeds["001"].id: "ev-cairo"})
    store.commit()
    ids = [a.id for a in seeds.values()]
    everything = store.article_page(limit=100)
    assert [r.id for r in everything] == ids[::-1]  # newest stored first
    assert [r.seq for r in everything] == sorted((r.seq for r in everything), reverse=True)
    assert [r.id for r in store.article_page(limit=100, order="oldest")] == ids
    first = store.article_page(limit=2)
    second = store.article_page(limit=2, after=first[-1].seq)
    third = store.article_page(limit=2, after=second[-1].seq)
    assert [r.id for r in first + second + third] == ids[::-1] and len(third) == 1
    assert store.article_page(limit=2, after=third[-1].seq) == []

    def page(**where: Any) -> set[str]:
        shown = {r.id for r in store.article_page(ArticleFilter(**where))}
        return {key for key, art in seeds.items() if art.id in shown}

    assert page(lang="ar") == {"003", "004"}
    assert page(lang="zh") == {"000", "001"}
    assert page(event_id="ev-riyadh") == {"000", "002"}
    assert page(outlet=seeds["000"].outlet.value) == {"000"}  # type: ignore[union-attr]
    dated = {k: a.published.value.isoformat()[:10] for k, a in seeds.items() if a.published}
    assert dated["000"] == "2025-02-18" and dated["001"] == "2022-11-11"
    on_the_day = {k for k, day in dated.items() if day == "2025-02-18"}
    assert page(since="2025-02-18", until="2025-02-18") == on_the_day  # times on that day are in it
    assert page(until="2024-12-31") == {"001"}
    assert page(since="2023-01-01", lang="zh") == {"000"}
    assert page(lang="xx") == set()
    assert store.article_counts("lang") == {"zh": 2, "ar": 2, "vi": 1}
    outlets = store.article_counts("outlet")
    assert outlets[seeds["000"].outlet.value] == 1 and sum(outlets.values()) == sum(  # type: ignore[union-attr]
        1 for a in seeds.values() if a.outlet
    )


def test_the_entity_index_follows_articles(store: Store, seeds: dict[str, Article]) -> None:
    zh = _named(seeds["000"], ("拉夫罗夫", "sergei lavrov", "PERSON", 2), ("利雅得", "riyadh", "GPE", 1))
    ar = _named(seeds["003"], ("لافروف", "sergei lavrov", "PERSON", 3), ("الرياض", "riyadh", "GPE", 1),
                ("لافروف", "sergei lavrov", "PERSON", 1))  # the same norm twice: one row, counts added
    vi = _named(seeds["002"], ("Lavrov", "lavrov", "PERSON", 1))
    for art in (zh, ar, vi):
        store.put_article(art)
    store.commit()
    found = store.articles_naming(["sergei lavrov", "lavrov"])
    assert [(m.article_id, m.norm, m.mentions) for m in found] == [
        (vi.id, "lavrov", 1), (ar.id, "sergei lavrov", 4), (zh.id, "sergei lavrov", 2)]  # newest first
    assert [m.article_id for m in store.articles_naming(["riyadh"], labels=["GPE"])] == [ar.id, zh.id]
    assert store.articles_naming(["riyadh"], labels=["PERSON"]) == []
    assert len(store.articles_naming(["sergei lavrov", "riyadh"], limit=3)) == 3
    assert store.articles_naming([]) == [] and store.articles_naming(["nobody"]) == []
    # a new version of an article names what the new version names
    store.put_article(dataclasses.replace(_named(zh, ("开罗", "cairo", "GPE", 1)), content_hash="zh-2"))
    store.commit()
    assert [m.article_id for m in store.articles_naming(["sergei lavrov"])] == [ar.id]
    assert [m.article_id for m in store.articles_naming(["cairo"])] == [zh.id]


def test_changes_since_a_revision(store_url: str, seeds: dict[str, Article]) -> None:
    with open_store(store_url) as store:
        assert store.revision() == 0 and store.changes(0) == Changes(0)
        store.put_article(seeds["000"])
        store.put_record("event", "ev-a", {"n": 1})
        store.commit()
        first = store.revision()
        assert store.changes(0) == Changes(first, [seeds["000"].id], [("event", "ev-a")])
        store.put_article(seeds["001"])
        store.put_article(seeds["000"])  # unchanged: not a change
        store.put_record("event", "ev-a", {"n": 2})
        store.put_record("storyline", "st-b", {})
        store.commit()
        with open_store(store_url, read_only=True) as reader:  # a reader sees what was committed
            later = reader.changes(first)
            assert later.revision == reader.revision() > first
            assert later.articles == [seeds["001"].id]
            assert later.records == [("event", "ev-a"), ("storyline", "st-b")]
            assert reader.changes(later.revision) == Changes(later.revision)
            cut = reader.changes(0, limit=1)  # one of each: complete only up to the earlier of the two
            assert (cut.articles, cut.records) == ([seeds["000"].id], [])  # ev-a was put again, after 001
            assert cut.revision < later.revision
            rest = reader.changes(cut.revision)
            assert seeds["001"].id in rest.articles and ("storyline", "st-b") in rest.records
        store.put_article(_changed(seeds["001"], "Thêm một câu."))
        store.commit()
        assert store.changes(later.revision).articles == [seeds["001"].id]  # a new version is a change


def test_any_term_search_and_vector_dimensions(store: Store, seeds: dict[str, Article]) -> None:
    _fill(store, seeds)
    ids = {key: art.id for key, art in seeds.items()}
    hits = store.search_text("Riyadh 埃及", match="any")
    assert {key for key, aid in ids.items() if aid in dict(hits)} == {"000", "001", "002"}
    assert store.search_text("Riyadh 埃及") == []
    assert store.vector_dim("article") is None
    store.put_vectors("article", {ids["000"]: [1.0, 0.0, 0.5]})
    store.commit()
    assert store.vector_dim("article") == 3

