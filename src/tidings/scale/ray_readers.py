"""Read workers as Ray actors: the engine's read side on a Ray cluster, results in input order.

The same contract as the local read workers (:class:`tidings.workers.ReadRunner`), which this
mirrors:

* Every actor is set up as a local worker process is (:func:`tidings.workers.init_worker`) and
  reads a chunk with the same function (:func:`tidings.workers.read_chunk`): the read stages, then
  the ``prepare`` of every later stage the engine lets run ahead (:func:`tidings.workers.ahead`) —
  today the entity stage's lexicon-free part, tomorrow a dense encoder stage. Nothing here names a
  stage, so whatever runs in local workers runs on Ray.
* Results come back in input order (chunks are collected oldest first, whichever actor read them),
  so the single grouping writer in this process sees exactly the stream the local engine sees, and
  makes the same events.
* A chunk lost with its actor (killed, out of memory, its node gone) or unanswered for
  ``stall_seconds`` is read again one input at a time on a fresh actor, and the chunks queued on
  the lost actor go to the others; an input that loses a worker a second time becomes a dead letter
  with the reason. Every position of the stream is handed over exactly once: nothing lost, nothing
  twice. One difference: a local worker shows its progress input by input (a shared counter), a Ray
  actor answers a whole chunk at once, so a chunk of several inputs that each run near their own
  budget may be taken for hung; it is then read again input by input, each with the full
  ``stall_seconds`` (at least twice an input's budget, :func:`tidings.engine.stall_seconds`), so only
  a truly hung input becomes a dead letter.
* Actors that keep failing before anything comes back (Tidings not installed on a node, a node
  without memory) are given up after :data:`~tidings.workers.MAX_RESTARTS` replacements in a row:
  the rest is read in this process, with a warning that says why.

What is *not* distributed, and why: unpacking sources into raw documents (reading files,
decoding, JSONL/WARC records) stays in this process, in front of the runner. It is cheap next to
the writer (measured by ``tidings bench scale``: ~0.06 ms per JSONL article against ~8 ms the
writer spends on each), it needs the store (sources already done, unchanged content are skipped
before anything is shipped), and it keeps Ray nodes free of any shared filesystem: they receive
raw texts, not paths.

Ray is imported lazily (an optional extra, ``pip install 'tidings[ray]'``, and ~1 s to import).
"""

from __future__ import annotations

import logging
import os
import socket
import time
import warnings
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any

from tidings.article import Article
from tidings.engine import stall_seconds as stall_rule
from tidings.options import Options
from tidings.pipeline import Pipeline
from tidings.workers import (
    DEPTH,
    MAX_RESTARTS,
    STALL_SECONDS,
    ahead,
    given_up,
    hand_over,
    init_worker,
    read_chunk,
    run_local,
    warm,
)

#: Articles per chunk sent to an actor: as the local read workers (a chunk of 64 takes ~0.2 s to
#: read, far above Ray's ~1 ms per call).
CHUNK = 64
#: Most actors the automatic worker count starts. Past the point where the workers read faster
#: than the single grouping writer absorbs, more actors only hold memory (each loads the read and
#: entity tables); see ``docs/scaling.md`` for the measured rates behind this.
MAX_AUTO_WORKERS = 4
#: Object store of a local Ray started here: chunks in flight are a few MB (the default takes 30%
#: of the machine's memory for nothing).
LOCAL_OBJECT_STORE_BYTES = 256 * 1024 * 1024


class RayUnavailable(RuntimeError):
    """Ray is not installed, or the cluster cannot be reached; the message says which and what to do."""


def _ray() -> Any:
    try:
        import ray  # lazy: an optional extra, and ~1 s to import
    except ImportError as exc:
        raise RayUnavailable("--engine ray needs Ray: pip install 'tidings[ray]'") from exc
    return ray


def _lost_errors(ray: Any) -> tuple[type[BaseException], ...]:
    """Ray's errors for work lost with its worker (as opposed to an exception raised by the work)."""
    ex = ray.exceptions
    return (ex.RayActorError, ex.WorkerCrashedError, ex.ObjectLostError, ex.NodeDiedError, ex.OutOfMemoryError)


class ReadWorker:
    """A Ray actor: one read worker process, set up and reading exactly as a local one."""

    def __init__(self, plan: tuple[Pipeline, list[tuple[str, Any]], int]) -> None:
        init_worker(*plan)
        self.calls = 0
        self.busy = (0.0, 0)  # CPU seconds and articles, after the first call

    def read(self, batch: list[Article]) -> list[Any]:
        start = time.process_time()
        try:
            return read_chunk(batch)
        finally:
            self.calls += 1
            if self.calls > 1:  # the first call loads the stages' lazy tables: start-up, not per article
                self.busy = (self.busy[0] + time.process_time() - start, self.busy[1] + len(batch))

    def cpu(self) -> tuple[float, int]:
        """CPU seconds spent reading and articles read, after the first chunk: what a capacity plan needs."""
        return self.busy

    def pid(self) -> int:
        return os.getpid()


@dataclass
class _Chunk:
    """A run of the caller's items (markers included) and where its articles are being read."""

    items: list[Any]
    slot: int = -1  # the actor reading it (-1: nothing in flight)
    ref: Any = None  # Ray's reference to the results
    done: list[Any] = field(default_factory=list)  # results already here (read in this process)

    @property
    def articles(self) -> list[Article]:
        return [item for item in self.items if isinstance(item, Article)]

    def splice(self, results: list[Any]) -> list[Any]:
        """The items with each article replaced by its result, in order."""
        out = iter(results)
        return [next(out) if isinstance(item, Article) else item for item in self.items]


class RayRunner:
    """Applies the read pipeline (and the later stages' ``prepare``) on Ray actors, in order.

    Needs a connected Ray (:class:`RayReaders` connects). ``workers``: actors; ``chunk``: articles
    per call; ``depth``: chunks queued per actor ahead of the one being consumed;
    ``stall_seconds``: how long the oldest chunk may go unanswered before its actor counts as hung.
    """

    def __init__(
        self, pipeline: Pipeline, later: Iterable[Any] = (), *, workers: int = 1, chunk: int = CHUNK,
        depth: int = DEPTH, blas_threads: int = 1, stall_seconds: float = STALL_SECONDS,
    ) -> None:
        self.pipeline = pipeline
        self.later = list(later)
        self.workers = workers
        self.chunk = chunk
        self.depth = depth
        self.blas_threads = blas_threads
        self.stall_seconds = stall_seconds
        self._ray: Any = None
        self._remote: Any = None
        self._plan: Any = None
        self._actors: list[Any] = []
        self._load: list[int] = []  # chunks in flight per actor
        self._in_flight: deque[_Chunk] = deque()
        #: Actors replaced in this run (lost or hung), for the run's log and the tests.
        self.replaced = 0
        self._restarts = 0  # actors replaced since a chunk last came back
        self._worked = False  # an actor has read something (a later loss is then an input's doing)

    def map(self, items: Iterable[Any]) -> Iterator[Any]:
        consumers, preparers = ahead(self.later)
        self._start(preparers)
        in_flight = self._in_flight
        for batch in _chunks(items, self.chunk):
            in_flight.append(self._submit(_Chunk(batch)))
            if len(in_flight) == 1:
                warm(self.later)  # the actors take seconds to start: load this side's tables meanwhile
            if len(in_flight) > self.depth * max(1, len(self._actors)):
                yield from hand_over(self._collect(), consumers)
        while in_flight:
            yield from hand_over(self._collect(), consumers)

    def pids(self) -> list[int]:
        """The process ids of the actors (for tests that kill one; answered after the chunks queued on them)."""
        return [self._ray.get(a.pid.remote()) for a in self._actors]

    def cpu_ms_per_article(self) -> float:
        """CPU ms per article the current actors spent reading, start-up apart (for ``tidings bench scale``)."""
        answers = self._ray.get([a.cpu.remote() for a in self._actors])
        articles = sum(n for _, n in answers)
        return sum(s for s, _ in answers) / articles * 1000 if articles else 0.0

    # -- actors --------------------------------------------------------------------------------
    def _start(self, preparers: list[tuple[str, Any]]) -> None:
        ray = self._ray = _ray()
        if not ray.is_initialized():
            raise RayUnavailable("Ray is not connected: use tidings.scale.RayReaders (or ray.init()) first")
        self._plan = ray.put((self.pipeline, preparers, self.blas_threads))
        # Ray's own retries are off: a lost chunk is redone here, one input at a time, so an input that
        # kills its worker is found and dead-lettered instead of killing actor after actor.
        self._remote = ray.remote(ReadWorker).options(
            num_cpus=1, max_restarts=0, max_task_retries=0, scheduling_strategy="SPREAD")
        self._actors = [self._remote.remote(self._plan) for _ in range(max(1, self.workers))]
        self._load = [0] * len(self._actors)

    def _replace(self, slot: int, exc: BaseException) -> None:
        """A new actor in ``slot`` (its old one died or hung); the chunks queued on the old one go again."""
        self._ray.kill(self._actors[slot], no_restart=True)
        self.replaced += 1
        self._restarts += 1
        if self._restarts > MAX_RESTARTS:
            last = (str(exc).strip().splitlines() or [type(exc).__name__])[-1]
            warnings.warn(f"Ray read workers failed {self._restarts} times in a row (last: {last}); "
                          "reading in this process", RuntimeWarning, stacklevel=2)
            self._kill()
            lost = [c for c in self._in_flight if c.ref is not None]
        else:
            self._actors[slot] = self._remote.remote(self._plan)
            lost = [c for c in self._in_flight if c.ref is not None and c.slot == slot]
        for chunk in lost:
            if self._actors:
                self._load[chunk.slot] -= 1
            self._submit(chunk)

    def _submit(self, chunk: _Chunk) -> _Chunk:
        chunk.ref, chunk.slot, chunk.done = None, -1, []
        articles = chunk.articles
        if not articles:
            return chunk
        if not self._actors:  # given up on Ray: read here, now
            chunk.done = [self._run_local(a) for a in articles]
            return chunk
        chunk.slot = min(range(len(self._actors)), key=self._load.__getitem__)
        chunk.ref = self._actors[chunk.slot].read.remote(articles)
        self._load[chunk.slot] += 1
        return chunk

    def _collect(self) -> list[Any]:
        """The oldest chunk's results; a chunk lost with its actor is read again one input at a time."""
        chunk = self._in_flight.popleft()
        if chunk.ref is None:
            return chunk.splice(chunk.done)
        self._load[chunk.slot] -= 1
        try:
            results = self._ray.get(chunk.ref, timeout=self.stall_seconds)
            self._restarts, self._worked = 0, True
            return chunk.splice(results)
        except self._ray.exceptions.GetTimeoutError as exc:
            why, err = "hung", exc
        except _lost_errors(self._ray) as exc:
            why, err = "died", exc
        self._replace(chunk.slot, err)
        return chunk.splice(self._one_by_one(chunk.articles, why))

    def _one_by_one(self, articles: list[Article], why: str) -> list[Any]:
        out: list[Any] = []
        lost = (self._ray.exceptions.GetTimeoutError, *_lost_errors(self._ray))
        for item in articles:
            while True:
                if not self._actors:  # given up on Ray: this input too is read here
                    out.append(self._run_local(item))
                    break
                slot = min(range(len(self._actors)), key=self._load.__getitem__)
                try:
                    out.extend(self._ray.get(self._actors[slot].read.remote([item]), timeout=self.stall_seconds))
                    self._restarts, self._worked = 0, True
                    break
                except lost as exc:
                    self._replace(slot, exc)
                    if not self._actors or not self._worked:
                        continue  # nothing read yet: the actors are at fault, not the input
                    hung = isinstance(exc, self._ray.exceptions.GetTimeoutError)
                    out.append(given_up(item, hung, self.stall_seconds, why))
                    break
        return out

    def _run_local(self, item: Article) -> Any:
        return run_local(self.pipeline, item)

    def close(self) -> None:
        self._kill()
        self._in_flight.clear()
        self._plan = None

    def _kill(self) -> None:
        actors, self._actors, self._load = self._actors, [], []
        for actor in actors:
            self._ray.kill(actor, no_restart=True)


def _chunks(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    """Runs of ``size`` articles, each with the markers that came between them."""
    batch: list[Any] = []
    count = 0
    for item in items:
        batch.append(item)
        if isinstance(item, Article):
            count += 1
            if count >= size:
                yield batch
                batch, count = [], 0
    if batch:
        yield batch


#: Seconds to wait for a cluster's address to answer before saying it cannot be reached.
PROBE_SECONDS = 10.0


def _probe(address: str) -> None:
    """Fail fast on a cluster address nothing listens on.

    Why by hand: ``ray.init`` keeps retrying such an address for many minutes (measured: still
    waiting after 10 on ``127.0.0.1:9``) before it gives up, and a typo must be one line at once.
    ``auto`` (the cluster of this machine) is left to Ray, which answers at once.
    """
    target = address.removeprefix("ray://")
    host, sep, port = target.rpartition(":")
    if not sep or not port.isdigit():
        return
    try:
        socket.create_connection((host.strip("[]") or "127.0.0.1", int(port)), timeout=PROBE_SECONDS).close()
    except OSError as exc:
        raise RayUnavailable(f"cannot reach the Ray cluster at {address}: {exc.strerror or exc}") from exc


class RayReaders:
    """The engine's reader on Ray: ``Engine(store, options, runner=RayReaders(...))`` or ``api.ingest(…, runner=…)``.

    ``address``: None starts a local Ray here (``num_cpus`` CPUs, default all of this machine's;
    no dashboard; shut down by :meth:`close`); otherwise a running cluster's address (``auto``,
    ``HOST:PORT``, ``ray://HOST:10001``), left running. A Ray already connected in this process
    (a notebook, the tests) is used as it is. ``workers``: actors per run (≤ 0: the cluster's CPUs
    less one for the writer, at most :data:`MAX_AUTO_WORKERS`). Every Ray node needs the same
    Tidings installed (``pip install 'tidings[ray]'``); they read texts, not files.
    """

    def __init__(
        self, address: str | None = None, workers: int = -1, *, num_cpus: int | None = None, blas_threads: int = 1,
        chunk: int = CHUNK, depth: int = DEPTH, stall_seconds: float = STALL_SECONDS,
    ) -> None:
        self.address = address
        self.workers = workers
        self.num_cpus = num_cpus
        self.blas_threads = blas_threads
        self.chunk = chunk
        self.depth = depth
        self.stall_seconds = stall_seconds
        self._started = False

    @classmethod
    def from_options(cls, options: Options, address: str | None = None) -> RayReaders:
        """Ray readers with a run's settings: its worker count, BLAS threads and the engine's stall rule."""
        return cls(address, options.workers, blas_threads=options.blas_threads, stall_seconds=stall_rule(options))

    def __call__(self, pipeline: Pipeline, later: Sequence[Any] = (), input_bytes: int = 0) -> RayRunner:
        """A runner for one engine run (``input_bytes`` is not used: Ray was asked for)."""
        self.start()
        return RayRunner(pipeline, later, workers=self.worker_count(), chunk=self.chunk, depth=self.depth,
                         blas_threads=self.blas_threads, stall_seconds=self.stall_seconds)

    def start(self) -> None:
        """Connect to Ray (start a local one when there is no address), unless this process already is."""
        ray = _ray()
        if self.address is not None:
            _probe(self.address)
        if ray.is_initialized():
            return
        os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")  # offline: no usage report to anyone
        quiet = {"log_to_driver": False, "logging_level": logging.WARNING}
        try:
            if self.address is None:
                # a local Ray turns token authentication on by itself, and says so on every start
                logging.getLogger("ray._private.authentication.authentication_token_setup").setLevel(logging.ERROR)
                cpus = self.num_cpus or max(os.cpu_count() or 1, self.workers)
                ray.init(address="local", num_cpus=cpus, include_dashboard=False,
                         object_store_memory=LOCAL_OBJECT_STORE_BYTES, **quiet)
            else:
                ray.init(address=self.address, **quiet)
        except (ConnectionError, RuntimeError, ValueError) as exc:
            where = "start a local Ray" if self.address is None else f"reach the Ray cluster at {self.address}"
            raise RayUnavailable(f"cannot {where}: {exc}") from exc
        self._started = True

    def worker_count(self) -> int:
        if self.workers > 0:
            return self.workers
        cpus = int(_ray().cluster_resources().get("CPU", 1))
        return max(1, min(cpus - 1, MAX_AUTO_WORKERS))

    def close(self) -> None:
        """Shut down the Ray this object started (a cluster it joined, or one started by others, stays)."""
        if self._started:
            _ray().shutdown()
            self._started = False

    def __enter__(self) -> RayReaders:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.close()
