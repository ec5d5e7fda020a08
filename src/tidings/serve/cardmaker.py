"""Cards made in a child process at low CPU priority, for the server's keeper.

Why a process: a card reads up to 60 reports and holds the interpreter 0.1-1 s on the 100k-article
bench store. Made by a thread of the server, it shared the interpreter with the requests: on
``tidings bench serve`` (200 clients, a writer) every card the keeper made raised that second's p95 of
every endpoint from ~15 to 80-160 ms, and the event loop itself waited (clients saw twice the server's
own latency). A child process has its own interpreter, and its priority (``nice``) leaves a core to
the readers first: the server only waits, without the interpreter, for the bytes.

The child opens the store read-only and keeps its own alias lexicon, loaded again when the server's
moved on (the ``lexicon`` stamp each call passes: the revision the server loaded its own at), so a
card made here names people exactly as one made in the server does.
"""

from __future__ import annotations

import contextlib
import json
import multiprocessing as mp
import os
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool
from dataclasses import replace
from typing import Any

from tidings import api
from tidings.engine import pin_blas
from tidings.store import Store, open_store
from tidings.tell.cards import headline_of_card
from tidings.tell.types import EventCard
from tidings.understand import towns
from tidings.understand.aliases import AliasLexicon
from tidings.views.events import Headline

#: CPU priority (``nice``) of the card maker: background work beside a server's readers, as the
#: writer of ``tidings bench serve`` is (:data:`tidings.eval.bench_serve.WRITER_NICE`).
MAKER_NICE = 10
#: Seconds one card may take in the child before it is taken for hung (the largest card of the 100k-article
#: bench store takes ~2 s).
CARD_TIMEOUT_S = 120.0


class MakerGone(RuntimeError):
    """The card maker process died or hung: the server makes its cards itself from now on."""


def card_json(data: Any) -> bytes:
    """JSON as the API writes it (Starlette's ``JSONResponse`` settings)."""
    return json.dumps(data, ensure_ascii=False, allow_nan=False, indent=None, separators=(",", ":")).encode()


def card_parts(card: EventCard) -> tuple[Headline, bytes]:
    """A built card as the server keeps it: its headline and its JSON as the API sends it, without
    ``related`` (read fresh on each request)."""
    data = replace(card, related=[]).to_dict()
    del data["related"]
    return headline_of_card(card), card_json(data)


# -- the child process ------------------------------------------------------------------------------
_store: Store | None = None
_lexicon: AliasLexicon | None = None
_lexicon_stamp: Any = None


def _start(db: str, nice: int) -> None:
    """The child's initializer: lower its priority, one BLAS thread, the store and the town table."""
    global _store
    if nice:
        with contextlib.suppress(OSError):  # a platform without nice: the child runs at the server's priority
            os.nice(nice)
    pin_blas(1)
    _store = open_store(db, read_only=True)
    towns.warm()


def _make(event_id: str, lang: str, lexicon: Any) -> tuple[Headline, bytes]:
    global _lexicon, _lexicon_stamp
    assert _store is not None, "the card maker's initializer did not run"
    if _lexicon is None or lexicon != _lexicon_stamp:
        _lexicon, _lexicon_stamp = AliasLexicon.load(_store), lexicon
    return card_parts(api.build_card(_store, event_id, lang, names=_lexicon))


# -- the server's side -------------------------------------------------------------------------------
class CardMaker:
    """One child process making cards on request (:meth:`make` waits for it without the interpreter)."""

    def __init__(self, db: str, *, nice: int = MAKER_NICE, timeout_s: float = CARD_TIMEOUT_S) -> None:
        self.db = db
        self.nice = nice
        self.timeout_s = timeout_s
        self._pool: ProcessPoolExecutor | None = None

    def _started(self) -> ProcessPoolExecutor:
        if self._pool is None:
            self._pool = ProcessPoolExecutor(
                1, mp_context=mp.get_context("spawn"), initializer=_start, initargs=(self.db, self.nice)
            )
        return self._pool

    def make(self, event_id: str, lang: str, lexicon: Any) -> tuple[Headline, bytes]:
        """The card of an event as :func:`card_parts` gives it; ``lexicon``: a stamp of the server's
        lexicon (the child reloads its own when it differs). Raises ``UnknownId`` as ``build_card`` does,
        and :class:`MakerGone` when the child died or hung (it is stopped then)."""
        try:
            return self._started().submit(_make, event_id, lang, lexicon).result(timeout=self.timeout_s)
        except (BrokenProcessPool, FutureTimeout) as exc:
            self.close()
            raise MakerGone(f"the card maker stopped ({type(exc).__name__}) making the card of {event_id}") from exc

    def close(self) -> None:
        pool, self._pool = self._pool, None
        if pool is None:
            return
        for process in list(getattr(pool, "_processes", {}).values()):  # a hung child does not stop by itself
            if process.is_alive():
                process.terminate()
        pool.shutdown(wait=False, cancel_futures=True)
