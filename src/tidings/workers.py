"""Run the read stages in worker processes while the main process stores, in order.

Why processes: the read stages are pure Python/C calls that hold the GIL, so threads
would not help; two cores read twice as many articles. Why only the *read* stages:
everything after them is stateful and order-dependent (the alias lexicon learns
from the stream, the clusterer assigns events as articles arrive, the store
commits checkpoints), so it stays in the main process, fed in input order. Results
come back in input order (``imap``), which keeps ingest deterministic and keeps a
source's "done" checkpoint behind its last article.

Later stages may still have *stateless* parts: a stage with ``preparer()`` /
``prepare(article)`` / ``use_prepared(article_id, payload)`` (the entity stage:
capitalised runs and gazetteer look-ups, no lexicon) gets its ``prepare`` run in
the workers too, and the payload handed back before the article reaches it. On
``tidings bench events`` the read stages alone take ~1.5 ms of the ~13 ms an
article costs, so without this the workers idle while the main process is the
bottleneck.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import warnings
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool
from typing import Any, Protocol

from tidings.article import Article
from tidings.pipeline import Pipeline, StageError

#: Below this much input, starting workers (each loads the language model and
#: friends, ~1–2 s) costs more than it saves. Calibrated on the seeds (5 files,
#: 50 KB: sequential wins) and `tidings bench read` (5 MB: two workers win).
AUTO_PARALLEL_BYTES = 2_000_000
#: Seconds the workers may go without reading a single input before they are taken for hung (a
#: news article reads in milliseconds; each input is cut off by its own budget, ``Options.input_seconds``,
#: long before this: the engine passes at least twice that budget).
STALL_SECONDS = 120.0
#: Pools replaced in a row, with nothing read in between, before the workers are given up on.
MAX_RESTARTS = 3
#: Chunks (of ``ReadRunner.chunk`` articles) queued for the workers ahead of the one the caller
#: consumes. With one chunk ahead, the main process of ``tidings bench events`` (3,000 articles,
#: load ~4.5 on 2 cores) waited 4.1 s of 48 s for the worker: its pace varies with the texts and
#: with the machine's load, and a deeper queue absorbs that.
DEPTH = 3


class Preparing(Protocol):
    """A stage after ``read`` whose lexicon-free part can run ahead in a worker."""

    name: str

    def preparer(self) -> Any:
        """A picklable object with ``prepare(article) -> payload`` (no shared state)."""
        ...

    def use_prepared(self, article_id: str, payload: Any) -> None: ...


_worker_pipeline: Pipeline | None = None
#: A counter shared with the parent, moved after every input read: the parent's sign of life.
_worker_beat: Any = None
_worker_preparers: list[tuple[str, Any]] = []


def ahead(later: Iterable[Any]) -> tuple[dict[str, Any], list[tuple[str, Any]]]:
    """The later stages whose stateless part runs in the read workers (by name), and their preparers.

    Decided here for every kind of read worker (these processes, Ray actors in :mod:`tidings.scale`):
    a stage is prepared ahead when it is :class:`Preparing`."""
    consumers = {s.name: s for s in later if _is_preparing(s)}
    return consumers, [(name, stage.preparer()) for name, stage in consumers.items()]


def init_worker(pipeline: Pipeline, preparers: list[tuple[str, Any]], blas_threads: int = 1,
                beat: Any = None) -> None:
    """Set up a read worker process (a pool's initializer; a Ray actor calls it when it starts)."""
    global _worker_pipeline, _worker_preparers, _worker_beat
    _worker_beat = beat
    if blas_threads > 0:  # one BLAS thread per process: see Options.blas_threads
        from threadpoolctl import threadpool_limits

        threadpool_limits(limits=blas_threads, user_api="blas")

    _worker_pipeline = pipeline  # the caller's own read stages, with its options (stages pickle)
    _worker_preparers = preparers


def read_chunk(batch: list[Any]) -> list[Any]:
    """What a read worker does with a chunk (after :func:`init_worker`), wherever it runs."""
    out = []
    for item in batch:
        out.append(_run_one(item))
        if _worker_beat is not None:
            with _worker_beat.get_lock():
                _worker_beat.value += 1
    return out


def _run_one(item: Any) -> Any:
    if not isinstance(item, Article):
        return item  # markers pass through untouched, in order
    assert _worker_pipeline is not None
    try:
        article = _worker_pipeline(item)
    except StageError as err:
        return err
    return _Prepared(article, _prepare(article, _worker_preparers)) if _worker_preparers else article


def _prepare(article: Article, preparers: list[tuple[str, Any]]) -> dict[str, Any]:
    payloads = {}
    for name, preparer in preparers:
        try:
            payloads[name] = preparer.prepare(article)
        except Exception:  # the stage itself redoes it in order and reports the error
            continue
    return payloads


class _Prepared:
    """A read article with the payloads of the later stages' ``prepare`` (worker → main process)."""

    __slots__ = ("article", "payloads")

    def __init__(self, article: Article, payloads: dict[str, Any]) -> None:
        self.article = article
        self.payloads = payloads


def choose_workers(requested: int, input_bytes: int, *, main_busy: bool) -> int:
    """How many worker processes read; 0 means the read stages run in this process.

    ``requested`` ≥ 0 is taken as it is; -1 (automatic) gives none for small
    inputs and otherwise one per core — minus one when the main process has work
    of its own (entities, grouping), since it is then the bottleneck and extra
    readers would only take CPU from it. Calibrated with ``tidings bench events``
    and ``tidings bench read`` on 2 cores: 1 reader + a busy main beat 2 readers
    (109 vs 99 articles/s end-to-end; again 54 vs 43 with the entity preparation in the
    workers, 3,000 articles at load ~4.5); 2 readers win when main only stores, and when the
    workers also run the vectors stage (the default profile), which makes them the larger part:
    56.0 vs 44.7 articles/s, ``tidings bench events -n 3000 --ingest-only --workers 2`` vs
    ``--workers 1``, load 0.4, BLAS variables unset.
    """
    if requested >= 0:
        return requested
    if input_bytes < AUTO_PARALLEL_BYTES:
        return 0
    cores = os.cpu_count() or 1
    return max(1, min(cores - 1 if main_busy else cores, 4))


def refuse_while_a_worker_starts(what: str) -> None:
    """Stop ``what`` at once when it is called while this process is being started as a worker.

    Workers are started with ``spawn`` (see :class:`ReadRunner`), which imports the caller's main
    module again in each of them: a script that calls ``tidings.ingest`` at import, outside
    ``if __name__ == "__main__":``, would run its ingest again in every worker (opening, creating or
    writing the store) before failing on its own workers. This is the check ``multiprocessing``
    makes before starting a process, made before anything is touched, with a message that says why.
    """
    if getattr(mp.current_process(), "_inheriting", False):
        raise RuntimeError(f"{what} was called while a Tidings worker process was starting: workers import the "
                           "main module again, so a script must call it under `if __name__ == \"__main__\":`")


def given_up(item: Any, hung: bool, stall_seconds: float, why: str) -> StageError:
    """The dead letter of an input a read worker hung or died on twice (``why``: what the first try saw)."""
    what = f"gave up after {stall_seconds:g} s" if hung else "the read worker died on this input twice"
    return StageError("read", getattr(item, "uri", "?"), WorkerLost(f"{what} (first: worker {why})"))


def run_local(pipeline: Pipeline, item: Any) -> Any:
    """``item`` read here, in this process (what a runner does without workers, or after giving up on
    them): an article through ``pipeline``, its StageError as the result; a marker passes unchanged."""
    if not isinstance(item, Article):
        return item
    try:
        return pipeline(item)
    except StageError as err:
        return err


class ReadRunner:
    """Applies the read pipeline to a stream of Articles (and markers), in order.

    With workers, the stream is cut into chunks; chunks *n+1* … *n+depth* are read
    by the workers while the caller stores chunk *n*. The input
    iterator is only ever advanced from the caller's thread, so it may touch the
    store (the unchanged-content check) without locking.
    """

    def __init__(
        self, pipeline: Pipeline, workers: int = 0, chunk: int = 64, later: Iterable[Any] = (), depth: int = DEPTH,
        blas_threads: int = 1, stall_seconds: float = STALL_SECONDS,
    ) -> None:
        """``later``: the stages that run after ``pipeline`` in this process; those that are
        :class:`Preparing` get their ``prepare`` done in the workers (only when there are workers).
        ``depth``: chunks handed to the workers ahead of the one being consumed; ``blas_threads``: per worker;
        ``stall_seconds``: how long the oldest chunk may go without an answer before its worker counts as hung."""
        self.pipeline = pipeline
        self.workers = workers
        self.chunk = chunk
        self.depth = depth
        self.later = list(later)
        self.blas_threads = blas_threads
        self.stall_seconds = stall_seconds
        self._pool: Any = None
        self._beat: Any = None
        self._preparers: list[tuple[str, Any]] = []
        self._restarts = 0  # pools replaced since a chunk last came back
        self._worked = False  # a worker has read something (a later death is then an input's doing)

    def map(self, items: Iterable[Any]) -> Iterator[Any]:
        if self.workers <= 0:
            for item in items:
                yield self._run_local(item)
            return
        consumers, self._preparers = ahead(self.later)
        self._start()
        in_flight: deque[tuple[list[Any], Future[list[Any]]]] = deque()
        for batch in _chunks(items, self.chunk):
            in_flight.append((batch, self._submit(batch)))
            if len(in_flight) == 1:
                warm(self.later)  # the workers take seconds to start: load this side's tables meanwhile
            if len(in_flight) > self.depth:
                yield from hand_over(self._collect(in_flight), consumers)
        while in_flight:
            yield from hand_over(self._collect(in_flight), consumers)

    # -- the pool, and what happens when a worker dies or hangs ------------------------------
    def _start(self) -> None:
        # spawn, not fork: the parent holds a SQLite connection and may hold threads
        context = mp.get_context("spawn")
        self._beat = context.Value("Q", 0)
        self._pool = ProcessPoolExecutor(
            self.workers, mp_context=context, initializer=init_worker,
            initargs=(self.pipeline, self._preparers, self.blas_threads, self._beat),
        )

    def _restart(self) -> None:
        """A new pool: the old one lost a worker (killed, out of memory, a crash in a C library) or hung.

        Pools that break again and again before reading anything (a worker that cannot even start)
        are given up after ``MAX_RESTARTS``: the rest is read in this process, slower but sure.
        """
        self._kill()
        self._restarts += 1
        if self._restarts > MAX_RESTARTS:
            hint = "" if self._worked else (" (no worker read anything; from a script, call tidings.ingest under "
                                            "`if __name__ == \"__main__\":`, or every worker runs it again)")
            warnings.warn(f"read workers failed {self._restarts} times in a row; reading in this process{hint}",
                          RuntimeWarning, stacklevel=2)
            return  # no pool: _submit reads locally from now on
        self._start()

    def _submit(self, batch: list[Any]) -> Future[list[Any]]:
        future: Future[list[Any]]
        if self._pool is None:  # given up on workers: read here, now
            future = Future()
            future.set_result([self._run_local(item) for item in batch])
            return future
        try:
            return self._pool.submit(read_chunk, batch)
        except BrokenProcessPool as exc:  # broke since the last look: let _collect treat it like any loss
            future = Future()
            future.set_exception(exc)
            return future

    def _collect(self, in_flight: deque[tuple[list[Any], Future[list[Any]]]]) -> list[Any]:
        """The results of the oldest chunk; a lost chunk is read again, then what still fails is an error.

        When a worker dies every chunk in flight is lost with it (the pool breaks), and a chunk that
        makes no progress for ``stall_seconds`` is taken for hung (an input no budget caught): either
        way the pool is replaced, the oldest chunk is read again one input at a time — so an input
        that kills or hangs a worker a second time is the only one lost, as a dead letter with the
        reason — and the later chunks are handed to the new pool. Ingest never waits forever.
        """
        batch, future = in_flight.popleft()
        try:
            results = self._wait(future)
            self._restarts, self._worked = 0, True
            return results
        except (BrokenProcessPool, FutureTimeout) as exc:
            why = "hung" if isinstance(exc, FutureTimeout) else "died"
        self._restart()
        results = self._one_by_one(batch, why)
        for i, (later, _) in enumerate(in_flight):
            in_flight[i] = (later, self._submit(later))
        return results

    def _wait(self, future: Future[list[Any]]) -> list[Any]:
        """A chunk's results, waiting as long as the workers keep reading (their shared counter moves);
        ``FutureTimeout`` once nothing has been read for ``stall_seconds``: a chunk of slow but
        progressing inputs is not taken for a hung one."""
        beat = self._beat.value if self._beat is not None else 0
        idle = 0.0
        poll = min(5.0, self.stall_seconds)
        while True:
            try:
                return future.result(timeout=poll)
            except FutureTimeout:
                now = self._beat.value if self._beat is not None else beat
                idle = 0.0 if now != beat else idle + poll
                beat = now
                if idle >= self.stall_seconds:
                    raise

    def _one_by_one(self, batch: list[Any], why: str) -> list[Any]:
        out: list[Any] = []
        for item in batch:
            while True:
                try:
                    out.extend(self._submit([item]).result(timeout=self.stall_seconds))
                    self._restarts, self._worked = 0, True
                    break
                except (BrokenProcessPool, FutureTimeout) as exc:
                    self._restart()
                    if self._pool is None:  # workers given up: this input too is read here
                        out.append(self._run_local(item))
                        break
                    if not self._worked:
                        continue  # no worker has read anything yet: the pool is at fault, not the input
                    out.append(given_up(item, isinstance(exc, FutureTimeout), self.stall_seconds, why))
                    break
        return out

    def _run_local(self, item: Any) -> Any:
        return run_local(self.pipeline, item)

    def close(self) -> None:
        self._kill()

    def _kill(self) -> None:
        """Stop the pool at once, its workers included (a hung worker never returns on its own)."""
        pool, self._pool = self._pool, None
        if pool is None:
            return
        for proc in list(getattr(pool, "_processes", {}).values()):  # the executor cannot kill a busy worker
            if proc.is_alive():
                proc.kill()
        pool.shutdown(wait=True, cancel_futures=True)


class WorkerLost(RuntimeError):
    """A read worker died or hung on an input, twice: the input becomes a dead letter with this reason."""


def _is_preparing(stage: Any) -> bool:
    return all(callable(getattr(stage, m, None)) for m in ("preparer", "use_prepared"))


def warm(stages: Iterable[Any]) -> None:
    """Load the stages' lazy tables in this process while the read workers start."""
    for stage in stages:
        load = getattr(stage, "warm", None)
        if callable(load):
            load()


def hand_over(results: Iterable[Any], consumers: dict[str, Any]) -> Iterator[Any]:
    """Give each prepared payload to its stage, then yield the article as the sequential path would."""
    for item in results:
        if isinstance(item, _Prepared):
            for name, payload in item.payloads.items():
                consumers[name].use_prepared(item.article.id, payload)
            yield item.article
        else:
            yield item


def _chunks(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    batch: list[Any] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch
