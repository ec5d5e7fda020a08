"""The engine: the events do not depend on where runs start and stop, and evaluation is ingest."""

from __future__ import annotations

import itertools
import json
import random
import subprocess
import sys
from pathlib import Path

import pytest

from tidings.api import ingest
from tidings.article import RawDocument
from tidings.engine import Engine
from tidings.eval.clusters import evaluate, read_cluster_set
from tidings.eval.metrics import bcubed
from tidings.eval.streams import article_id_of, stream_records
from tidings.options import Options
from tidings.read import article_from_raw
from tidings.store import open_store
from tidings.store.sqlite import SQLiteStore

ROOT = Path(__file__).resolve().parents[1]
SEEDS = sorted((ROOT / "examples" / "seeds").glob("*.txt"))
ECB_DEV = ROOT / "benchmarks" / "data" / "ecbplus" / "dev.jsonl"
OPTIONS = Options(workers=0, progress=False)


def _seed_docs() -> list[RawDocument]:
    return [RawDocument(uri=str(p), text=p.read_text(encoding="utf-8"), format="text") for p in SEEDS]


def _right(labels: list[str | None]) -> bool:
    """The two true events: {000, 002, 003, 004} (Riyadh, Feb 2025) and {001} (Cairo, Nov 2022)."""
    return labels[0] == labels[2] == labels[3] == labels[4] != labels[1] and None not in labels


def _labels(store: SQLiteStore) -> list[str | None]:
    event_of = {row.id: row.event_id for row in store.article_rows()}
    return [event_of.get(article_from_raw(d).id) for d in _seed_docs()]


def test_seeds_in_every_order_in_one_run() -> None:
    docs = _seed_docs()
    wrong = []
    for order in itertools.permutations(range(len(docs))):
        store = SQLiteStore(":memory:")
        engine = Engine(store, OPTIONS)
        for i in order:
            engine.add(article_from_raw(docs[i]))
        engine.finish()
        if not _right(_labels(store)):
            wrong.append(order)
    assert not wrong, f"{len(wrong)} of 120 orders wrong, e.g. {wrong[:3]}"


def test_seeds_in_every_order_one_article_per_run(tmp_path: Path) -> None:
    """A save and a load between every article (each run a new engine on the same store file)."""
    docs = _seed_docs()
    wrong = []
    for n, order in enumerate(itertools.permutations(range(len(docs)))):
        db = tmp_path / f"order-{n}.db"
        for i in order:
            with SQLiteStore(db) as store:
                engine = Engine(store, OPTIONS)
                engine.add(article_from_raw(docs[i]))
                engine.finish()
        with SQLiteStore(db) as store:
            if not _right(_labels(store)):
                wrong.append(order)
    assert not wrong, f"{len(wrong)} of 120 orders wrong, e.g. {wrong[:3]}"


@pytest.mark.slow
def test_seeds_one_file_per_tidings_process(tmp_path: Path) -> None:
    """Ten arrival orders, each seed file ingested by its own ``tidings ingest`` process."""
    orders = list(itertools.permutations(range(len(SEEDS))))
    sample = [(1, 4, 3, 2, 0), *random.Random(9).sample(orders, 9)]  # the order of the bug report first
    for k, order in enumerate(sample):
        db = tmp_path / f"run-{k}.db"
        for i in order:
            done = subprocess.run(
                [sys.executable, "-m", "tidings", "ingest", str(SEEDS[i]), "--db", str(db), "--json"],
                capture_output=True, text=True, timeout=300, check=False,
            )
            assert done.returncode == 0, done.stderr
        with SQLiteStore(db) as store:
            assert _right(_labels(store)), f"order {order}"


def test_one_run_and_many_runs_give_the_same_events() -> None:
    """ECB+ dev in 1, 3 and 10 runs of ``tidings ingest`` into one store: identical events."""
    records = [{"id": doc_id, "text": rec["text"]} for doc_id, _, rec in read_cluster_set(ECB_DEV)]
    one = stream_records(records, OPTIONS).events
    assert len(set(one)) > 30 and None not in one
    for runs in (3, 10):
        assert stream_records(records, OPTIONS, runs=runs).events == one, f"{runs} runs differ from one"


def test_eval_clusters_is_what_ingest_gives(tmp_path: Path) -> None:
    """``tidings eval clusters`` scores exactly the events ``tidings ingest`` of the id + text file makes."""
    rows = list(read_cluster_set(ECB_DEV))
    path = tmp_path / "ecb-id-text.jsonl"
    path.write_text("".join(json.dumps({"id": i, "text": r["text"]}) + "\n" for i, _, r in rows), encoding="utf-8")
    db = tmp_path / "user.db"
    ingest([path], Options(db=str(db), progress=False))
    with open_store(str(db), read_only=True) as store:
        event_of = {row.id: row.event_id for row in store.article_rows()}
    predicted = [event_of[article_id_of({"id": i, "text": r["text"]})] for i, _, r in rows]
    gold = [event for _, event, _ in rows]
    result = evaluate(ECB_DEV)
    assert result.predicted == predicted
    assert result.bcubed.f1 == pytest.approx(bcubed(gold, predicted).f1)
