"""Read workers: ingest gives the same articles, entities and events with or without them.

The entity stage's lexicon-free part (``EntityExtractor.prepare``) runs in the
workers; these tests check on real texts (the seeds and ECB_DEV+ dev) that doing it
ahead changes nothing, both stage-level and through ``tidings.api.ingest``.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from conftest import ECB_DEV, SEED_FILES

from tidings.api import ingest
from tidings.article import Article, RawDocument
from tidings.options import Options
from tidings.pipeline import Pipeline, StageError
from tidings.read import article_from_raw, read_pipeline
from tidings.store.sqlite import SQLiteStore
from tidings.understand.entities import EntityExtractor
from tidings.workers import ReadRunner, choose_workers


def real_texts(n_ecb: int) -> list[str]:
    texts = [p.read_text(encoding="utf-8") for p in SEED_FILES]
    with open(ECB_DEV, encoding="utf-8") as fh:
        texts += [json.loads(line)["text"] for _, line in zip(range(n_ecb), fh, strict=False)]
    return texts


def test_prepared_entities_equal_sequential() -> None:
    """Two extractors in lockstep, one fed by ``prepare`` of a lexicon-free copy: same entities."""
    reader = read_pipeline()
    plain, ahead = EntityExtractor(), EntityExtractor()
    worker = ahead.preparer()
    for i, text in enumerate(real_texts(40)):
        article = reader(article_from_raw(RawDocument(uri=f"t{i}", text=text, format="text")))
        expected = plain(copy.deepcopy(article)).entities
        ahead.use_prepared(article.id, worker.prepare(article))
        assert ahead(article).entities == expected, f"text {i}"
    assert not ahead._ahead  # every payload was consumed


def test_stale_payload_is_ignored() -> None:
    """A payload computed for another language is not used (the stage redoes the work)."""
    reader = read_pipeline()
    article = reader(article_from_raw(RawDocument(uri="s", text=real_texts(0)[0], format="text")))
    expected = EntityExtractor().extract(article.text, article.lang_code)
    stage = EntityExtractor()
    stage.use_prepared(article.id, ("xx", []))
    assert stage(article).entities == expected


def _ingest(folder: Path, db: Path, workers: int) -> dict[str, tuple[str | None, list[dict]]]:
    ingest([folder], Options(db=str(db), workers=workers), progress=False)
    store = SQLiteStore(db)
    try:
        return {a.id: (a.event_id, a.entities) for a in store.iter_articles()}
    finally:
        store.close()


@pytest.mark.slow
def test_ingest_with_workers_equals_sequential(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    texts = real_texts(150)
    for start in range(0, len(texts), 50):
        chunk = texts[start : start + 50]
        lines = [json.dumps({"text": t, "url": f"https://w.example/{start + i}"}) for i, t in enumerate(chunk)]
        (folder / f"part-{start // 50}.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    sequential = _ingest(folder, tmp_path / "seq.db", workers=0)
    parallel = _ingest(folder, tmp_path / "par.db", workers=1)
    assert len(sequential) == len(texts)
    assert parallel == sequential


def test_runner_without_workers_leaves_stages_alone() -> None:
    """With no workers nothing is prepared ahead: the stage does all its work itself."""
    stage = EntityExtractor()
    runner = ReadRunner(read_pipeline(), workers=0, later=[stage])
    article = article_from_raw(RawDocument(uri="s", text=real_texts(0)[1], format="text"))
    (read,) = list(runner.map([article]))
    assert read.lang is not None and not stage._ahead


def test_choose_workers_small_input_reads_here() -> None:
    assert choose_workers(-1, 10_000, main_busy=True) == 0
    assert choose_workers(2, 10_000, main_busy=True) == 2


class _Saboteur:
    """A read stage that kills or hangs its worker process on marked inputs (for the fault tests).

    ``KILL`` kills the worker every time; ``ONCE`` only the first time (a marker file remembers);
    ``HANG`` sleeps for ever.
    """

    name = "saboteur"
    reads = ("raw_text",)
    sets = ()

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __call__(self, article: Article) -> Article:
        import os
        import signal
        import time

        if "KILL" in article.raw_text:
            os.kill(os.getpid(), signal.SIGKILL)
        if "ONCE" in article.raw_text and not self.marker.exists():
            self.marker.touch()
            os.kill(os.getpid(), signal.SIGKILL)
        if "HANG" in article.raw_text:
            time.sleep(3600)
        return article


def _run(texts: list[str], tmp_path: Path, stall: float = 120.0) -> list[Any]:
    pipeline = Pipeline([*read_pipeline().stages, _Saboteur(tmp_path / "once")])
    runner = ReadRunner(pipeline, workers=1, chunk=4, stall_seconds=stall)
    docs = [article_from_raw(RawDocument(uri=f"doc{i}", text=t, format="text")) for i, t in enumerate(texts)]
    try:
        return list(runner.map(docs))
    finally:
        runner.close()


def test_a_worker_killed_once_loses_nothing(tmp_path: Path) -> None:
    texts = real_texts(12)
    texts[6] = texts[6] + "\nONCE"
    out = _run(texts, tmp_path)
    assert [getattr(a, "uri", None) for a in out] == [f"doc{i}" for i in range(len(texts))]
    assert not any(isinstance(a, StageError) for a in out)


def test_an_input_that_kills_its_worker_twice_is_a_dead_letter(tmp_path: Path) -> None:
    texts = real_texts(12)
    texts[5] = texts[5] + "\nKILL"
    out = _run(texts, tmp_path)
    assert len(out) == len(texts)
    errors = [a for a in out if isinstance(a, StageError)]
    assert [e.uri for e in errors] == ["doc5"] and "died" in str(errors[0])
    assert [a.uri for a in out if not isinstance(a, StageError)] == [f"doc{i}" for i in range(len(texts)) if i != 5]


def test_a_hung_worker_is_given_up_on(tmp_path: Path) -> None:
    texts = real_texts(8)
    texts[3] = texts[3] + "\nHANG"
    out = _run(texts, tmp_path, stall=3.0)
    errors = [a for a in out if isinstance(a, StageError)]
    assert [e.uri for e in errors] == ["doc3"] and "gave up after 3 s" in str(errors[0])
    assert len(out) == len(texts)


class _DiesOnArrival:
    """A read stage that kills any process it is unpickled in but the one that made it."""

    name = "dies_on_arrival"
    reads = ("raw_text",)
    sets = ()

    def __init__(self) -> None:
        import os

        self.home = os.getpid()

    def __setstate__(self, state: dict[str, Any]) -> None:
        import os
        import signal

        self.__dict__.update(state)
        if os.getpid() != self.home:
            os.kill(os.getpid(), signal.SIGKILL)

    def __call__(self, article: Article) -> Article:
        return article


def test_workers_that_cannot_start_are_given_up_for_reading_here() -> None:
    pipeline = Pipeline([*read_pipeline().stages, _DiesOnArrival()])
    runner = ReadRunner(pipeline, workers=1, chunk=4)
    texts = real_texts(6)
    docs = [article_from_raw(RawDocument(uri=f"doc{i}", text=t, format="text")) for i, t in enumerate(texts)]
    try:
        with pytest.warns(RuntimeWarning, match="reading in this process"):
            out = list(runner.map(docs))
    finally:
        runner.close()
    assert [a.uri for a in out] == [f"doc{i}" for i in range(len(texts))]
    assert not any(isinstance(a, StageError) for a in out)


def test_ingest_called_while_a_worker_starts_stops_before_touching_the_store(tmp_path: Path,
                                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """A script that calls ``tidings.ingest`` at import runs it again in every spawned worker; there it
    stops at once, saying why, before opening (or creating) the store."""
    import multiprocessing as mp

    monkeypatch.setattr(mp.current_process(), "_inheriting", True, raising=False)
    db = tmp_path / "news.db"
    with pytest.raises(RuntimeError, match="__name__ == \"__main__\""):
        ingest([str(SEED_FILES[0])], Options(db=str(db)))
    assert not db.exists()
