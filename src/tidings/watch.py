"""Live ingestion: watch folders that keep filling and poll RSS/Atom feeds, into the engine.

``tidings watch FOLDER… --feeds FILE`` runs cycles: each finds the files that are new or changed
(and have stopped changing for ``settle`` seconds) and the feeds that are due, fetches the feeds
with a conditional GET (``If-None-Match`` / ``If-Modified-Since``: an unchanged feed costs one
small request), and ingests what is new in one engine run (:class:`tidings.engine.Engine`), so
the writer lock is held only while there is work and other writers (an upload through the HTTP
API, an analyst's ``tidings ingest``) interleave between cycles.

Crash safety: a feed's new validators and error state are written in the transaction of the
articles they describe; killed before that commit, the next cycle fetches the feed again and
finds the stored articles unchanged. Files are checkpointed by the engine as in ``ingest``.
A failing feed backs off exponentially (``backoff`` × 2^failures, at most ``max_backoff``); its
error is kept in the store (``tidings feeds`` would show it; :func:`feed_states` returns it) and
the first failure of a streak is a dead letter.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gzip
import hashlib
import io
import time
import urllib.error
import urllib.request
import zlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from tidings import __version__
from tidings.engine import Engine, IngestReport
from tidings.ingest import open_source, walk
from tidings.ingest.base import IngestError, Limits, Source
from tidings.ingest.readers import read_feed
from tidings.options import Options
from tidings.store import DeadLetter, Store, StoreBusy, open_store

#: Record kind of a feed's polling state (``store.put_record("feed", url, …)``).
FEED_RECORD = "feed"
#: Seconds a fetch may take before it counts as failed.
FETCH_TIMEOUT = 20.0


@dataclass
class WatchOptions:
    """How often and how patiently to look. ``interval``: seconds between cycles (and the base
    polling period of a healthy feed); ``settle``: a file modified this recently may still be being
    written, it waits for the next cycle; ``backoff``/``max_backoff``: seconds before a failing feed is
    tried again, doubled per consecutive failure."""

    interval: float = 60.0
    settle: float = 2.0
    backoff: float = 60.0
    max_backoff: float = 6 * 3600.0


@dataclass
class CycleReport:
    """What one cycle did."""

    files: int = 0
    feeds_fetched: int = 0
    feeds_unchanged: int = 0
    feeds_failed: int = 0
    ingest: IngestReport = field(default_factory=IngestReport)


def read_feed_list(path: str | Path) -> list[str]:
    """Feed URLs from a file: one per line; blank lines and ``#`` comments skipped; http(s) only."""
    urls = []
    for n, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        url = line.split("#", 1)[0].strip()
        if not url:
            continue
        if not url.startswith(("http://", "https://")):
            raise ValueError(f"{path}, line {n}: not an http(s) URL: {url!r}")
        urls.append(url)
    return list(dict.fromkeys(urls))


def feed_states(store: Store) -> dict[str, dict[str, Any]]:
    """Every polled feed's state: validators, last success, consecutive failures, last error, next poll."""
    return dict(store.iter_records(FEED_RECORD))


class Watcher:
    """Cycles of: changed files + due feeds → one engine run. See the module docstring."""

    def __init__(
        self,
        db: str,
        folders: Sequence[str | Path] = (),
        feeds: Sequence[str] = (),
        options: Options | None = None,
        watch: WatchOptions | None = None,
        *,
        on_error: Callable[[DeadLetter], None] | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.db = db
        self.folders = list(folders)
        self.feeds = list(feeds)
        self.options = options or Options()
        self.watch = watch or WatchOptions()
        self.on_error = on_error
        self.clock = clock
        self._seen: dict[str, tuple[int, int]] = {}  # file → (size, mtime) already ingested
        self._refused: set[str] = set()  # what walk could not read, said once
        self._roots = {Path(f).absolute() for f in self.folders}
        with open_store(db) as store:  # the store's own files are never inputs, even in a watched folder
            self._own_files = list(store.own_files())

    def run(self, *, cycles: int | None = None, stop: Callable[[], bool] | None = None) -> None:
        """Cycle until ``stop()`` says so (or ``cycles`` have run); a cycle that finds the store busy waits."""
        done = 0
        while cycles is None or done < cycles:
            started = self.clock()
            with contextlib.suppress(StoreBusy):  # another writer holds the store: the next cycle
                self.cycle()
            done += 1
            if (stop is not None and stop()) or (cycles is not None and done >= cycles):
                return
            rest = max(0.0, self.watch.interval - (self.clock() - started))
            while rest > 0 and not (stop is not None and stop()):  # a stop is heard within half a second
                time.sleep(min(0.5, rest))
                rest -= 0.5

    def cycle(self) -> CycleReport:
        """One look at the folders and the due feeds; ingests whatever is new in one engine run."""
        report = CycleReport()
        limits = Limits(max_bytes=self.options.max_file_bytes, seconds=self.options.input_seconds)
        found = list(self._changed_files())
        changed = [p for p in found if isinstance(p, Path)]
        sources: list[Source | IngestError] = [
            p if isinstance(p, IngestError) else open_source(p, limits=limits) for p in found
        ]
        size = sum(s.size for s in sources if isinstance(s, Source))
        report.files = len(changed)
        with open_store(self.db) as store:
            states = feed_states(store)
            updates: dict[str, dict[str, Any]] = {}
            letters: list[DeadLetter] = []
            now = self.clock()
            for url in self.feeds:
                state = states.get(url, {})
                if state.get("next_poll", 0) > now:
                    continue
                fetched = self._fetch(url, state, now)
                updates[url] = fetched.state
                if fetched.error:
                    report.feeds_failed += 1
                    if fetched.state["failures"] == 1:  # the first failure of a streak
                        letters.append(DeadLetter(url, "fetch", fetched.error))
                elif fetched.body is None:
                    report.feeds_unchanged += 1
                else:
                    report.feeds_fetched += 1
                    sources.append(Source(url, fetched.fingerprint, partial(read_feed, url, fetched.body),
                                          size=len(fetched.body)))
                    size += len(fetched.body)
            if not sources and not updates:
                return report
            engine = Engine(store, self.options, on_error=self.on_error, progress=False)
            for letter in letters:
                engine.fail(letter.uri, letter.stage, letter.reason)
            for url, state in updates.items():  # committed with the articles they describe
                store.put_record(FEED_RECORD, url, state)
            report.ingest = engine.ingest_sources(sources, size)
        for path in changed:  # read (or refused, with a dead letter): not again until it changes
            try:
                st = path.stat()
            except OSError:
                continue
            self._seen[str(path)] = (st.st_size, st.st_mtime_ns)
        return report

    # -- folders -----------------------------------------------------------------------------
    def _changed_files(self) -> Iterator[Path | IngestError]:
        """Files new or changed since the last cycle that have stopped changing (the engine's
        checkpoints skip, after a restart, what an earlier process already stored), and, once each,
        what cannot be read in the folders (a broken link, a FIFO)."""
        now = time.time()
        if not self.folders:
            return
        for item in walk(self.folders, follow_links=self.options.follow_links, skip=self._own_files):
            if isinstance(item, IngestError):
                # a watched folder that does not exist yet may appear later; the rest is said once
                if Path(item.uri) not in self._roots and item.uri not in self._refused:
                    self._refused.add(item.uri)
                    yield item
                continue
            try:
                st = item.stat()
            except OSError:
                continue
            if self._seen.get(str(item)) == (st.st_size, st.st_mtime_ns) or now - st.st_mtime < self.watch.settle:
                continue
            yield item

    # -- feeds -------------------------------------------------------------------------------
    def _fetch(self, url: str, state: dict[str, Any], now: float) -> _Fetched:
        """A conditional GET of one feed, and its next state (validators, failures, next poll)."""
        request = urllib.request.Request(url, headers={
            "User-Agent": f"Tidings/{__version__} (+feed reader)",
            "Accept": "application/rss+xml, application/atom+xml, application/xml;q=0.9, */*;q=0.5",
            "Accept-Encoding": "gzip, deflate",
        })
        if state.get("etag"):
            request.add_header("If-None-Match", state["etag"])
        if state.get("last_modified"):
            request.add_header("If-Modified-Since", state["last_modified"])
        stamp = dt.datetime.fromtimestamp(now, dt.UTC).isoformat(timespec="seconds")
        healthy = {**state, "failures": 0, "last_ok": stamp, "last_error": None, "next_poll": now + self.watch.interval}
        try:
            with urllib.request.urlopen(request, timeout=FETCH_TIMEOUT) as response:
                body = _read_body(response, self.options.max_file_bytes)
                healthy["etag"] = response.headers.get("ETag") or state.get("etag")
                healthy["last_modified"] = response.headers.get("Last-Modified") or state.get("last_modified")
        except urllib.error.HTTPError as exc:
            if exc.code == 304:
                return _Fetched(healthy, None)
            return self._failed(state, f"HTTP {exc.code} {exc.reason}", now, stamp)
        except (urllib.error.URLError, OSError, ValueError) as exc:
            reason = getattr(exc, "reason", exc)
            return self._failed(state, f"cannot fetch: {reason}", now, stamp)
        fingerprint = "sha1:" + hashlib.sha1(body, usedforsecurity=False).hexdigest()
        return _Fetched(healthy, body, fingerprint)

    def _failed(self, state: dict[str, Any], error: str, now: float, stamp: str) -> _Fetched:
        failures = int(state.get("failures", 0)) + 1
        wait = min(self.watch.max_backoff, self.watch.backoff * 2 ** (failures - 1))
        return _Fetched({**state, "failures": failures, "last_error": error, "last_failed": stamp,
                         "next_poll": now + wait}, None, error=error)


@dataclass
class _Fetched:
    state: dict[str, Any]
    body: bytes | None
    fingerprint: str = ""
    error: str | None = None


def _read_body(response: Any, limit: int) -> bytes:
    """The response body, decompressed, refused beyond ``limit`` bytes (a feed is not a bomb)."""
    raw = response.read(limit + 1)
    if len(raw) > limit:
        raise ValueError(f"feed larger than {limit} bytes")
    encoding = (response.headers.get("Content-Encoding") or "").lower()
    if encoding == "gzip":
        out = gzip.GzipFile(fileobj=io.BytesIO(raw)).read(limit + 1)
    elif encoding == "deflate":
        out = zlib.decompressobj().decompress(raw, limit + 1)
    else:
        return raw
    if len(out) > limit:
        raise ValueError(f"feed larger than {limit} bytes once decompressed")
    return out
