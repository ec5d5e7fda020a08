"""Ingest with the read side on Ray (``tidings ingest --engine ray``): the same store as the local engine.

One local Ray with 2 CPUs is started for the module the way the command starts one
(:meth:`RayReaders.start`); every test reads real articles (the seeds, ECB+ dev) and compares
with the local engine on the same input: the same articles in the same order, the same entities,
the same events — also when a Ray worker is killed mid-run, and through the command line against
that running cluster (``--address``). Ray is in the dev extra, so CI runs these.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
import ray
from conftest import ECB_DEV, ROOT, SEED_FILES

from tidings.article import Article, RawDocument
from tidings.engine import Engine, IngestReport
from tidings.options import Options
from tidings.pipeline import Pipeline, StageError
from tidings.read import article_from_raw, read_pipeline
from tidings.scale import RayReaders, RayRunner
from tidings.scale.ray_readers import _chunks
from tidings.store.sqlite import SQLiteStore

#: Articles per store batch in these runs: the ~150 articles make full batches and a provisional one.
COMMIT_EVERY = 50


@pytest.fixture(scope="module")
def local_ray() -> Iterator[str]:
    """A local Ray with 2 CPUs, started as ``tidings ingest --engine ray`` starts one; its address."""
    readers = RayReaders(num_cpus=2)
    readers.start()
    # the saboteur stage below lives in this test module, which Ray workers cannot import
    ray.cloudpickle.register_pickle_by_value(sys.modules[__name__])
    try:
        yield ray.get_runtime_context().gcs_address
    finally:
        ray.cloudpickle.unregister_pickle_by_value(sys.modules[__name__])
        readers.close()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seeds as text files, 150 ECB+ dev texts as three JSONL files, and an empty file (a dead letter)."""
    folder = tmp_path_factory.mktemp("corpus")
    for path in SEED_FILES:
        (folder / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    with open(ECB_DEV, encoding="utf-8") as fh:
        texts = [json.loads(line)["text"] for _, line in zip(range(150), fh, strict=False)]
    for part in range(3):
        lines = [json.dumps({"text": t, "url": f"https://ecb.example/{part}/{i}"})
                 for i, t in enumerate(texts[part * 50 : (part + 1) * 50])]
        (folder / f"part-{part}.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (folder / "zz-empty.txt").write_text("", encoding="utf-8")
    return folder


def _ingest(corpus: Path, db: Path, runner: Any = None) -> tuple[IngestReport, dict[str, Any]]:
    store = SQLiteStore(db)
    try:
        options = Options(db=str(db), workers=0, commit_every=COMMIT_EVERY)
        report = Engine(store, options, progress=False, runner=runner).ingest([corpus])
        return report, _snapshot(store)
    finally:
        store.close()


def _snapshot(store: SQLiteStore) -> dict[str, Any]:
    """What a user sees: articles in storage order with their entities and event, the live events."""
    articles = [(a.id, a.event_id, a.entities, a.lang_code, a.published) for a in store.iter_articles()]
    events = {key: sorted(rec["article_ids"]) for key, rec in store.iter_records("event")
              if not rec.get("merged_into")}
    letters = sorted((d.uri, d.stage) for d in store.dead_letters())
    return {"articles": articles, "events": events, "dead_letters": letters}


@pytest.fixture(scope="module")
def local_result(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[IngestReport, dict[str, Any]]:
    return _ingest(corpus, tmp_path_factory.mktemp("local") / "local.db")


def test_ray_ingest_equals_local(local_ray: str, corpus: Path, local_result: Any, tmp_path: Path) -> None:
    """Two Ray workers, small chunks (so they finish out of order): the same store as the local engine."""
    report, seen = _ingest(corpus, tmp_path / "ray.db", RayReaders(workers=2, chunk=16))
    expected_report, expected = local_result
    assert len(expected["articles"]) == 155 and len(expected["events"]) > 10
    assert expected["dead_letters"] == [(str(corpus / "zz-empty.txt"), "ingest")]
    assert seen == expected
    assert report.to_dict() == expected_report.to_dict()


class _KillingReaders(RayReaders):
    """Ray readers that SIGKILL their first worker's process once ``after`` articles were handed to the runner."""

    def __init__(self, after: int, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.after = after
        self.killed: list[int] = []
        self.runners: list[RayRunner] = []

    def __call__(self, pipeline: Pipeline, later: Sequence[Any] = (), input_bytes: int = 0) -> RayRunner:
        runner = super().__call__(pipeline, later, input_bytes)
        self.runners.append(runner)
        plain = runner.map

        def killing(items: Iterable[Any]) -> Iterator[Any]:
            count = 0
            for item in items:
                count += isinstance(item, Article)
                if count == self.after and not self.killed:
                    pid = runner.pids()[0]
                    os.kill(pid, signal.SIGKILL)
                    self.killed.append(pid)
                yield item

        runner.map = lambda items: plain(killing(items))  # type: ignore[method-assign]
        return runner


def test_a_worker_killed_mid_run_loses_and_duplicates_nothing(
    local_ray: str, corpus: Path, local_result: Any, tmp_path: Path
) -> None:
    """Kill a Ray worker while chunks are queued on it: its share is read again, the store is the local one."""
    readers = _KillingReaders(after=40, workers=2, chunk=8)
    report, seen = _ingest(corpus, tmp_path / "killed.db", readers)
    assert readers.killed, "no worker was killed"
    assert readers.runners[0].replaced == 1  # the killed one, nothing else
    expected_report, expected = local_result
    assert seen == expected
    assert report.new == expected_report.new == 155 and report.failed == 1


class _Saboteur:
    """A read stage that kills its worker process on every input that says KILL, and hangs on HANG."""

    name = "saboteur"
    reads = ("raw_text",)
    sets = ()

    def __call__(self, article: Article) -> Article:
        if "KILL" in article.raw_text:
            os.kill(os.getpid(), signal.SIGKILL)
        if "HANG" in article.raw_text:
            time.sleep(3600)
        return article


def _explode() -> Any:
    raise RuntimeError("this stage cannot be loaded on a Ray node")


class _Unloadable(_Saboteur):
    """A stage that works here but cannot be unpickled in an actor (as if Tidings were missing on a node)."""

    def __reduce__(self) -> tuple[Any, ...]:
        return (_explode, ())


def _run(marks: dict[int, str], stage: Any, **kwargs: Any) -> tuple[RayRunner, list[Any]]:
    with open(ECB_DEV, encoding="utf-8") as fh:
        texts = [json.loads(line)["text"] for _, line in zip(range(12), fh, strict=False)]
    for i, mark in marks.items():
        texts[i] += "\n" + mark
    docs = [article_from_raw(RawDocument(uri=f"doc{i}", text=t, format="text")) for i, t in enumerate(texts)]
    runner = RayRunner(Pipeline([*read_pipeline().stages, stage]), workers=1, chunk=4, **kwargs)
    try:
        return runner, list(runner.map(docs))
    finally:
        runner.close()


@pytest.mark.parametrize(("mark", "reason"), [("KILL", "died on this input twice"), ("HANG", "gave up after 3 s")])
def test_an_input_that_kills_or_hangs_its_worker_twice_is_a_dead_letter(local_ray: str, mark: str, reason: str) -> None:
    runner, out = _run({5: mark}, _Saboteur(), stall_seconds=3)
    assert runner.replaced == 2  # once for the chunk, once for the input alone
    assert len(out) == 12
    errors = [a for a in out if isinstance(a, StageError)]
    assert [e.uri for e in errors] == ["doc5"] and reason in str(errors[0])
    assert [a.uri for a in out if not isinstance(a, StageError)] == [f"doc{i}" for i in range(12) if i != 5]


def test_workers_that_cannot_start_are_given_up_for_reading_here(local_ray: str) -> None:
    with pytest.warns(RuntimeWarning, match="failed 4 times in a row .*cannot be loaded on a Ray node"):
        _, out = _run({}, _Unloadable())
    assert [a.uri for a in out] == [f"doc{i}" for i in range(12)]
    assert all(isinstance(a, Article) and a.lang is not None for a in out)


def test_cli_against_a_running_cluster(local_ray: str, tmp_path: Path) -> None:
    """``tidings ingest --engine ray --address`` joins the cluster, groups the seeds as the local engine does."""
    db = tmp_path / "cli.db"
    env = {**os.environ, "TIDINGS_DB": str(db)}
    done = subprocess.run(
        [sys.executable, "-m", "tidings", "ingest", str(ROOT / "examples" / "seeds"), "--engine", "ray",
         "--address", local_ray, "--json"],
        capture_output=True, text=True, env=env, timeout=300, check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert json.loads(done.stdout)["new"] == 5
    listing = subprocess.run([sys.executable, "-m", "tidings", "events", "--json"], capture_output=True,
                             text=True, env=env, timeout=120, check=True)
    assert sorted(e["articles"] for e in json.loads(listing.stdout)) == [1, 4]  # Riyadh (4 seeds), Cairo (1)


def test_cli_refuses_an_address_without_ray_and_an_unreachable_cluster(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from tidings.cli import main

    db = str(tmp_path / "x.db")
    seeds = str(ROOT / "examples" / "seeds")
    res = CliRunner().invoke(main, ["--db", db, "ingest", seeds, "--address", "127.0.0.1:9"])
    assert res.exit_code == 2 and "use it with --engine ray" in res.output
    res = CliRunner().invoke(main, ["--db", db, "ingest", seeds, "--engine", "ray", "--address", "127.0.0.1:9"])
    assert res.exit_code == 1 and "cannot reach the Ray cluster at 127.0.0.1:9" in res.output
    assert "Traceback" not in res.output


def test_chunks_count_articles_and_keep_markers_in_place() -> None:
    arts = [article_from_raw(RawDocument(uri=f"d{i}", text=f"text {i}", format="text")) for i in range(5)]
    items = ["start", arts[0], arts[1], "m1", arts[2], arts[3], arts[4], "end"]
    assert [[getattr(x, "uri", x) for x in c] for c in _chunks(items, 2)] == [
        ["start", "d0", "d1"], ["m1", "d2", "d3"], ["d4", "end"]]
