"""A time budget per input: work that runs past it is given up ("gave up after N s"), the batch goes on.

Use :func:`time_budget` around the work for one input (one document unpacked, one
article read)::

    with time_budget(seconds):
        article = read(article)      # raises TimeBudgetExceeded past ``seconds``

How it works, and why this way: one daemon thread per process looks every
``TICK`` seconds at which guarded region is open; the guarded code itself only bumps
a counter when it enters and leaves (no clock read, no system call per input, so the
budget costs nothing on normal input). When the thread sees the same region still
open after its budget, it interrupts the main thread with
``_thread.interrupt_main(SIGNAL)``, and the handler installed for ``SIGNAL`` raises
:class:`TimeBudgetExceeded` there. This works in any process whose main thread runs
the work: the ingest process, and each read worker (pool workers run their tasks in
their main thread), which is why the thread is started per process, on first use.

Limits, said plainly:

* Python delivers the exception between bytecodes. One C call that never returns (a
  catastrophic regex, a C parser that loops) is not interrupted; such code is kept
  linear instead (see ``ingest/sniff.py``, ``read/cues.py``), and a worker that never
  answers is for the worker pool to kill.
* Only the innermost open region is timed.
* Outside the main thread (say, an HTTP server's request thread) no signal handler
  can be installed, and the budget is not enforced there.
* The process's handler for ``SIGNAL`` (SIGUSR2) is ours once a budget was used: a
  SIGUSR2 from outside is then ignored instead of ending the process.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from contextlib import AbstractContextManager, nullcontext
from typing import Any

#: The default budget per input, for unpacking one document (``ingest.Limits.seconds``) and for
#: reading one article (``read.read_pipeline``). A legitimate 19 MB page, the largest the default
#: ``max_file_bytes`` admits, takes ~11 s to unpack and read on a loaded 2-core machine.
DEFAULT_SECONDS = 60.0
#: The signal the watchdog thread sends to the main thread.
SIGNAL = signal.SIGUSR2
#: Longest pause between two looks of the watchdog thread; a region is given up between
#: ``seconds`` and ``seconds + TICK`` after it started (shorter budgets tick at a quarter of themselves).
TICK = 0.5


class TimeBudgetExceeded(BaseException):
    """The guarded work ran past its budget.

    A ``BaseException``, like ``KeyboardInterrupt``: libraries wrap their work in
    ``except Exception`` fallbacks (trafilatura does), which must not swallow it.
    """

    def __init__(self, seconds: float) -> None:
        super().__init__(f"gave up after {seconds:g} s")
        self.seconds = seconds

    def __reduce__(self) -> tuple[Any, ...]:
        return (TimeBudgetExceeded, (self.seconds,))


class _Watchdog:
    """One per process: the open region (number, budget) and the thread that times it."""

    def __init__(self) -> None:
        self.pid = os.getpid()
        self.main = threading.main_thread().ident or 0
        self.count = 0  # regions entered so far: the only per-input bookkeeping
        self.region: tuple[int, float] | None = None  # the innermost open region
        self.expired = 0  # the region the thread found over its budget
        signal.signal(SIGNAL, self._on_signal)
        threading.Thread(target=self._watch, name="tidings-watchdog", daemon=True).start()

    def _watch(self) -> None:
        seen, since = 0, 0.0
        while True:
            region = self.region
            time.sleep(min(TICK, region[1] / 4) if region else TICK)
            region = self.region
            if region is None:
                seen = 0
                continue
            now = time.monotonic()
            if region[0] != seen:  # a new region: time it from here (at most one tick late)
                seen, since = region[0], now
            elif now - since >= region[1]:
                self.expired = region[0]
                signal.pthread_kill(self.main, SIGNAL)
                since = now - region[1] + TICK  # if a bare ``except:`` swallowed it, ask again a tick later

    def _on_signal(self, signum: int, frame: Any) -> None:
        region = self.region
        if region is not None and region[0] == self.expired:
            raise TimeBudgetExceeded(region[1])
        # else: the region ended before the signal arrived; nothing to give up



class _Guard:
    """One guarded region (a plain object, not a generator: entering and leaving are two assignments)."""

    __slots__ = ("dog", "outer", "seconds")

    def __init__(self, dog: _Watchdog, seconds: float) -> None:
        self.dog = dog
        self.seconds = seconds
        self.outer: tuple[int, float] | None = None

    def __enter__(self) -> None:
        dog = self.dog
        dog.count += 1
        self.outer, dog.region = dog.region, (dog.count, self.seconds)

    def __exit__(self, *exc: object) -> None:
        self.dog.region = self.outer


_dog: _Watchdog | None = None


def time_budget(seconds: float | None) -> AbstractContextManager[None]:
    """A context in which work is given up (:class:`TimeBudgetExceeded`) after ``seconds``.

    ``None`` or 0: no budget. Outside the main thread: no budget (see the module doc).
    """
    global _dog
    if not seconds or threading.current_thread() is not threading.main_thread():
        return nullcontext()
    if _dog is None or _dog.pid != os.getpid():  # first use in this process (or a forked child)
        _dog = _Watchdog()
    return _Guard(_dog, seconds)
