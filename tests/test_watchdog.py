"""The time budget gives up work that runs too long, in this process and in a read worker.

No timing is asserted: the busy loops below would run for a minute, and the tests
check that they end early with "gave up after N s" and that the caller goes on.
"""

from __future__ import annotations

import contextlib
import multiprocessing as mp
import pickle
import threading
import time

import pytest

from tidings.article import Article
from tidings.pipeline import Pipeline, StageError
from tidings.watchdog import TimeBudgetExceeded, time_budget

LONG = 60.0  # what the stuck work would take without a budget


def spin(seconds: float) -> int:
    """Pure Python work, as a slow parser would do (interruptible between bytecodes)."""
    end, n = time.monotonic() + seconds, 0
    while time.monotonic() < end:
        n += 1
    return n


class Stuck:
    """A stage that hides the interruption in ``except Exception`` as trafilatura's fallbacks do."""

    name = "clean"
    reads = ("raw_text",)
    sets = ("blocks",)

    def __call__(self, article: Article) -> Article:
        with contextlib.suppress(Exception):  # must not swallow the budget
            spin(LONG)
        return article


def test_work_past_its_budget_is_given_up_and_the_caller_goes_on() -> None:
    with pytest.raises(TimeBudgetExceeded, match=r"^gave up after 0\.3 s$"), time_budget(0.3):
        spin(LONG)
    with time_budget(5):  # a region that ends in time leaves nothing behind
        spin(0.05)
    assert spin(0.6) > 0  # no stray interruption after the regions closed


def test_a_stage_past_the_budget_is_a_stage_error_that_names_it() -> None:
    pipeline = Pipeline([Stuck()], seconds=0.3)
    with pytest.raises(StageError) as caught:
        pipeline(Article(id="a", uri="slow.html", raw_text="x", format="text", content_hash="h"))
    assert str(caught.value) == "clean: gave up after 0.3 s"
    assert caught.value.uri == "slow.html"
    again = pickle.loads(pickle.dumps(caught.value))  # read workers send it back
    assert (again.stage, str(again)) == ("clean", "clean: gave up after 0.3 s")


def test_no_budget_outside_the_main_thread() -> None:
    """A request thread cannot receive signals; its work runs unbudgeted rather than interrupting main."""
    done: list[int] = []
    worker = threading.Thread(target=lambda: done.append(_budgeted_spin(0.2, 0.8)))
    worker.start()
    worker.join()
    assert done and done[0] > 0


def _budgeted_spin(seconds: float, work: float) -> int:
    with time_budget(seconds):
        return spin(work)


def _in_worker(seconds: float) -> str:
    try:
        _budgeted_spin(seconds, LONG)
    except TimeBudgetExceeded as exc:
        return str(exc)
    return "ran to the end"


def test_the_budget_holds_inside_a_spawned_read_worker() -> None:
    """Read workers are spawned pool processes: the watchdog starts in each on first use."""
    with mp.get_context("spawn").Pool(1) as pool:
        assert pool.map(_in_worker, [0.3, 0.3]) == ["gave up after 0.3 s"] * 2
