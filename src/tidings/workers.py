"""Run the read stages in worker processes while the main process stores, in order.

Why processes: the read stages are pure Python/C calls that hold the GIL, so threads
would not help; two cores read twice as many articles. Why only the *read* stages:
everything after them is stateful and order-dependent (the alias lexicon learns
from the stream, the clusterer assigns events as articles arrive, the store
commits checkpoints), so it stays in the main process, fed in input order. Results
come back in input order (``imap``), which keeps ingest deterministic and keeps a
source's "done" checkpoint behind its last article.
"""

from __future__ import annotations

import multiprocessing as mp
import os
from collections.abc import Iterable, Iterator
from typing import Any

from tidings.article import Article
from tidings.pipeline import Pipeline, StageError

#: Below this much input, starting workers (each loads the language model and
#: friends, ~1–2 s) costs more than it saves. Calibrated on the seeds (5 files,
#: 50 KB: sequential wins) and `tidings bench read` (5 MB: two workers win).
AUTO_PARALLEL_BYTES = 2_000_000
#: Articles sent to a worker at a time: amortises pickling round trips.
CHUNKSIZE = 8

_worker_pipeline: Pipeline | None = None


def _init_worker() -> None:
    global _worker_pipeline
    from tidings.read import read_pipeline

    _worker_pipeline = read_pipeline()


def _run_one(item: Any) -> Any:
    if not isinstance(item, Article):
        return item  # markers pass through untouched, in order
    assert _worker_pipeline is not None
    try:
        return _worker_pipeline(item)
    except StageError as err:
        return err


def choose_workers(requested: int, input_bytes: int, *, main_busy: bool) -> int:
    """How many worker processes read; 0 means the read stages run in this process.

    ``requested`` ≥ 0 is taken as it is; -1 (automatic) gives none for small
    inputs and otherwise one per core — minus one when the main process has work
    of its own (entities, grouping), since it is then the bottleneck and extra
    readers would only take CPU from it. Calibrated with ``tidings bench events``
    and ``tidings bench read`` on 2 cores: 1 reader + a busy main beat 2 readers
    (109 vs 99 articles/s end-to-end); 2 readers win when main only stores.
    """
    if requested >= 0:
        return requested
    if input_bytes < AUTO_PARALLEL_BYTES:
        return 0
    cores = os.cpu_count() or 1
    return max(1, min(cores - 1 if main_busy else cores, 4))


class ReadRunner:
    """Applies the read pipeline to a stream of Articles (and markers), in order.

    With workers, the stream is cut into chunks; chunk *n+1* is read by the
    workers while the caller stores chunk *n* (double buffering). The input
    iterator is only ever advanced from the caller's thread, so it may touch the
    store (the unchanged-content check) without locking.
    """

    def __init__(self, pipeline: Pipeline, workers: int = 0, chunk: int = 64) -> None:
        self.pipeline = pipeline
        self.workers = workers
        self.chunk = chunk
        self._pool: Any = None

    def map(self, items: Iterable[Any]) -> Iterator[Any]:
        if self.workers <= 0:
            for item in items:
                yield self._run_local(item)
            return
        # spawn, not fork: the parent holds a SQLite connection and may hold threads
        self._pool = mp.get_context("spawn").Pool(self.workers, initializer=_init_worker)
        waiting: Any = None
        for batch in _chunks(items, self.chunk):
            running = self._pool.map_async(_run_one, batch, chunksize=CHUNKSIZE)
            if waiting is not None:
                yield from waiting.get()
            waiting = running
        if waiting is not None:
            yield from waiting.get()

    def _run_local(self, item: Any) -> Any:
        if not isinstance(item, Article):
            return item
        try:
            return self.pipeline(item)
        except StageError as err:
            return err

    def close(self) -> None:
        if self._pool is not None:
            self._pool.terminate()
            self._pool.join()
            self._pool = None


def _chunks(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    batch: list[Any] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch
