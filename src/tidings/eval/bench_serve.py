"""``tidings bench serve``: the server under many clients while a writer ingests.

Three processes, so that none steals the other's interpreter: the server (``tidings serve``, the
real command, on a free loopback port), a writer (``tidings ingest`` of new articles into the
same store, started once the clients are running), and this one, which runs the clients: each
of ``clients`` asyncio tasks (connected before the clock starts, with one small listing) asks for
an event list, a card, a search or an article, waits a random think time (exponential, mean
``think`` seconds, as people reading pages do), and asks again, until ``seconds`` have passed.
Every request has a timeout; every loop stops by itself.

Printed: requests, p50/p95/p99 latency per endpoint and errors (non-2xx answers, timeouts,
refused connections), the writer's throughput, and articles lost: every article the writer's
records stand for must be found by the server afterwards (``GET /api/articles/{id}``). The last
line is ``lost=N``. Only loopback addresses are ever contacted.

The store: ``--db`` copies an existing store to a temporary folder first (the writer adds to the
copy, never to the original), with the cards a server filed beside it (``STORE.cards``) if any;
without it, one is built from the benchmark texts (``-n`` articles,
:func:`tidings.eval.bench_events.stream`) through ``tidings ingest``. Speed figures depend on the
machine's load: measure when it is quiet.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from tidings.eval.bench_events import stream
from tidings.ingest.readers import record_to_document
from tidings.read import article_from_raw
from tidings.serve.shelf import shelf_path

#: Seconds one request may take before it counts as an error.
REQUEST_TIMEOUT_S = 30.0
#: Seconds the server may take to start (building its catalog of a large store included).
START_TIMEOUT_S = 600.0
#: CPU priority (``nice``) of the writer: an ingest beside a server runs as background work, as a
#: batch job beside an interactive service should (``nice tidings ingest``). Why: on two cores the
#: writer's three processes (itself and two read workers) took the cores from the server and the clients;
#: measured on the 100k bench store, 200 clients: p95 1.1-1.4 s at equal priority against 33-39 ms with
#: no writer. ``--writer-nice 0`` measures equal priority.
WRITER_NICE = 10
#: Seconds of each window the report gives a p95 for (the slow requests of a run fall in bursts).
WINDOW_S = 10.0
#: Share of each kind of request (an analyst browses lists and cards, and searches).
MIX = (("events", 0.4), ("card", 0.3), ("search", 0.25), ("article", 0.05))
#: Queries every run asks, in several scripts, beside words drawn from the store's titles.
FIXED_QUERIES = ("Lavrov Riyadh", "拉夫罗夫", "لافروف", "earthquake", "election results", "Obama", "police", "trial")


@dataclass
class Tally:
    """Latencies (seconds) and errors per endpoint."""

    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    examples: list[str] = field(default_factory=list)
    #: (monotonic time the answer came, seconds) of every request: where in the run the slow ones fell
    when: list[tuple[float, float]] = field(default_factory=list)

    def add(self, endpoint: str, seconds: float, ok: bool, detail: str = "") -> None:
        self.latencies[endpoint].append(seconds)
        self.when.append((time.monotonic(), seconds))
        if not ok:
            self.errors[endpoint] += 1
            if len(self.examples) < 5:
                self.examples.append(f"{endpoint}: {detail}")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] if ordered else 0.0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _write_jsonl(records: list[dict[str, Any]], path: Path) -> Path:
    with open(path, "w", encoding="utf-8") as fh:
        for r in records:
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")
    return path


def _tidings(db: str, *args: str) -> list[str]:
    return [sys.executable, "-m", "tidings", "--db", db, *args]


def prepare_store(folder: Path, db: str | None, n: int, echo: Callable[[str], Any]) -> str:
    """A store to serve, in ``folder``: a copy of ``db``, or ``n`` benchmark articles ingested."""
    target = folder / "bench.db"
    if db:
        with sqlite3.connect(db) as src, sqlite3.connect(target) as dst:
            src.backup(dst)
        echo(f"store: a copy of {db}")
        shelf = Path(shelf_path(db) or "")
        if shelf.is_file():  # the cards a server filed beside it (tidings.serve.shelf): copied with it
            with sqlite3.connect(shelf) as src, sqlite3.connect(shelf_path(str(target))) as dst:
                src.backup(dst)
            echo(f"cards: a copy of {shelf}")
        return str(target)
    records = stream(n, seed=1)
    path = _write_jsonl(records, folder / "base.jsonl")
    start = time.perf_counter()
    subprocess.run(_tidings(str(target), "ingest", str(path), "--no-progress"), check=True,
                   stdout=subprocess.DEVNULL)
    echo(f"store: {n} benchmark articles ingested in {time.perf_counter() - start:.0f} s")
    return str(target)


def new_articles(k: int, marker: str) -> list[dict[str, Any]]:
    """``k`` articles the store does not hold yet (benchmark texts with a run marker and new URLs)."""
    rng = random.Random(marker)
    base = stream(min(k, 3000), seed=2)
    out = []
    for i in range(k):
        rec = dict(base[i % len(base)])
        rec["id"] = f"{marker}-{i}"
        rec["url"] = f"https://bench.example/{marker}/{i}"
        rec["text"] = f"{rec['text']}\n\n(update {marker} {i} {rng.randrange(10**9)})"
        out.append(rec)
    return out


async def _sample(client: httpx.AsyncClient) -> tuple[list[str], list[str], list[str]]:
    """Event ids, article ids and search queries drawn from what the server lists."""
    events: list[str] = []
    after = None
    for sort in ("size", "recent"):
        for _ in range(3):
            params: dict[str, Any] = {"limit": 200, "sort": sort}
            if after:
                params["after"] = after
            page = (await client.get("/api/events", params=params)).json()
            events += [e["id"] for e in page["events"]]
            after = page["next"]
            if not after:
                break
        after = None
    rows = (await client.get("/api/articles", params={"limit": 200})).json()["articles"]
    articles = [r["id"] for r in rows]
    words = [" ".join((r["title"] or "").split()[:3]) for r in rows if r.get("title")]
    return list(dict.fromkeys(events)), articles, [*FIXED_QUERIES, *[w for w in words if w][:100]]


def _http_client(base: str) -> httpx.AsyncClient:
    """One simulated reader's connection. Plain HTTP on loopback, so no TLS context: building one per
    client cost 23 ms, and building 200 at the start of the run held the clients' event loop ~5 s,
    which showed as the server's latency in the first seconds."""
    limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
    return httpx.AsyncClient(base_url=base, timeout=REQUEST_TIMEOUT_S, limits=limits, verify=False)


async def _client(client: httpx.AsyncClient, deadline: float, think: float, seed: int, tally: Tally,
                  events: list[str], articles: list[str], queries: list[str]) -> None:
    rng = random.Random(seed)
    kinds, weights = zip(*MIX, strict=True)
    try:
        await asyncio.sleep(rng.random() * think)  # clients start spread out
        while time.monotonic() < deadline:
            kind = rng.choices(kinds, weights)[0]
            if kind == "events":
                params = {"sort": rng.choice(["size", "recent", "published"]), "limit": 30}
                if rng.random() < 0.2:
                    params["lang"] = rng.choice(["en", "de", "es", "zh", "ar"])
                url, query = "/api/events", params
            elif kind == "card" and events:
                url, query = f"/api/events/{rng.choice(events)}", {}
            elif kind == "search":
                url, query = "/api/search", {"q": rng.choice(queries)}
            else:
                url, query = f"/api/articles/{rng.choice(articles)}", {}
            start = time.perf_counter()
            try:
                response = await client.get(url, params=query)
                ok, detail = response.status_code == 200, f"{response.status_code} {url}"
            except httpx.HTTPError as exc:
                ok, detail = False, f"{type(exc).__name__} {url}"
            tally.add(kind, time.perf_counter() - start, ok, detail)
            await asyncio.sleep(rng.expovariate(1 / think) if think > 0 else 0)
    finally:
        await client.aclose()


async def _load(base: str, clients: int, seconds: float, think: float, tally: Tally,
                on_started: Callable[[], None]) -> None:
    async with httpx.AsyncClient(base_url=base, timeout=REQUEST_TIMEOUT_S) as probe:
        events, articles, queries = await _sample(probe)
    readers = [_http_client(base) for _ in range(clients)]  # made before the clock starts
    # ... and connected: 200 connections opened in the run's first second cost this process's event loop
    # (and the server's) ~1 s, which showed as every endpoint's latency there (p50 ~240 ms in second 0)
    await asyncio.gather(*(reader.get("/api/events", params={"limit": 1}) for reader in readers))
    deadline = time.monotonic() + seconds
    tasks = [asyncio.create_task(_client(reader, deadline, think, n, tally, events, articles, queries))
             for n, reader in enumerate(readers)]
    on_started()
    await asyncio.gather(*tasks)


def _wait_ready(base: str, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"the server stopped (exit {server.returncode})")
        try:
            if httpx.get(base + "/healthz", timeout=5).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise RuntimeError("the server did not start in time")


def run(*, db: str | None = None, n: int = 2000, clients: int = 200, seconds: float = 60.0, think: float = 1.0,
        writer_articles: int = 400, workers: int = 1, writer_nice: int = WRITER_NICE,
        echo: Callable[[str], Any] = print) -> dict[str, Any]:
    """Serve a store, load it with ``clients`` for ``seconds`` while a writer ingests; the figures."""
    load_before = f"{os.getloadavg()[0]:.2f}"  # speed figures mean little on a busy machine: say how busy
    with tempfile.TemporaryDirectory(prefix="tidings-bench-serve-") as tmp:
        folder = Path(tmp)
        store = prepare_store(folder, db, n, echo)
        port = _free_port()
        base = f"http://127.0.0.1:{port}"
        env = {**os.environ, "TIDINGS_TOKEN": ""}  # a read-only server: the writer is another process
        log = open(folder / "server.log", "wb")  # noqa: SIM115 - closed after the server stops
        serve = ["serve", "--port", str(port), "--log-level", "warning", "--workers", str(workers)]
        server = subprocess.Popen(_tidings(store, *serve),
                                  env=env, stdout=subprocess.DEVNULL, stderr=log)
        writer: subprocess.Popen[bytes] | None = None
        records = new_articles(writer_articles, f"w{port}") if writer_articles else []
        feed = _write_jsonl(records, folder / "writer.jsonl") if records else None
        timing: dict[str, float] = {}
        try:
            t0 = time.perf_counter()
            _wait_ready(base, server)
            echo(f"server ready in {time.perf_counter() - t0:.1f} s on {base}")

            def start_writer() -> None:
                nonlocal writer
                if feed is not None:
                    timing["writer_start"] = time.monotonic()  # the clock of Tally.when
                    timing["writer_nice"] = writer_nice
                    nice = ["nice", "-n", str(writer_nice)] if writer_nice and shutil.which("nice") else []
                    writer = subprocess.Popen([*nice, *_tidings(store, "ingest", str(feed), "--wait", "120", "--json")],
                                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)

            tally = Tally()
            asyncio.run(_load(base, clients, seconds, think, tally, start_writer))
            written: dict[str, Any] = {}
            if writer is not None:
                out, _ = writer.communicate(timeout=REQUEST_TIMEOUT_S * 20)
                timing["writer_seconds"] = time.monotonic() - timing["writer_start"]
                written = json.loads(out or b"{}")
            lost = _lost(base, records)
        finally:
            if writer is not None and writer.poll() is None:
                writer.kill()
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
            log.close()
    echo(f"server processes: {workers}; load average before/after: {load_before} / {os.getloadavg()[0]:.2f}")
    return _report(tally, seconds, clients, think, written, timing, lost, len(records), echo)


def _article_id(record: dict[str, Any]) -> str:
    """The id ``tidings ingest`` gives the article of a JSONL record (from its URL, else its text)."""
    doc = record_to_document(record, "writer.jsonl", "record")
    return article_from_raw(doc).id  # type: ignore[arg-type]


def _lost(base: str, records: list[dict[str, Any]]) -> int:
    """Articles of the writer's records the server cannot show (after it has looked at the store again)."""
    if not records:
        return 0
    time.sleep(1.5)  # one catalog refresh interval
    missing = 0
    with httpx.Client(base_url=base, timeout=REQUEST_TIMEOUT_S) as client:
        for rec in records:
            if client.get(f"/api/articles/{_article_id(rec)}").status_code != 200:
                missing += 1
    return missing


def _report(tally: Tally, seconds: float, clients: int, think: float, written: dict[str, Any],
            timing: dict[str, float], lost: int, sent: int, echo: Callable[[str], Any]) -> dict[str, Any]:
    total = sum(len(v) for v in tally.latencies.values())
    errors = sum(tally.errors.values())
    echo(f"{clients} clients, {seconds:.0f} s, think time {think:g} s: {total} requests ({total / seconds:.0f}/s), "
         f"{errors} errors")
    figures: dict[str, Any] = {"requests": total, "errors": errors, "lost": lost, "endpoints": {}}
    for kind, _share in MIX:
        values = tally.latencies.get(kind, [])
        if not values:
            continue
        row = {"n": len(values), "p50_ms": percentile(values, 0.5) * 1000, "p95_ms": percentile(values, 0.95) * 1000,
               "p99_ms": percentile(values, 0.99) * 1000, "mean_ms": statistics.fmean(values) * 1000,
               "errors": tally.errors.get(kind, 0)}
        figures["endpoints"][kind] = row
        echo(f"  {kind:<8} n={row['n']:>6}  p50 {row['p50_ms']:7.1f} ms  p95 {row['p95_ms']:7.1f} ms  "
             f"p99 {row['p99_ms']:7.1f} ms  errors {row['errors']}")
    for example in tally.examples:
        echo(f"  e.g. {example}")
    if tally.when:
        start = min(t for t, _ in tally.when)
        windows: dict[int, list[float]] = defaultdict(list)
        for t, lat in tally.when:
            windows[int((t - start) // WINDOW_S)].append(lat)
        writer_at = timing.get("writer_start")
        echo(f"  p95 by {WINDOW_S:.0f} s window (all endpoints, ms): " + " ".join(
            f"{percentile(windows[w], 0.95) * 1000:.0f}" for w in sorted(windows))
             + (f"; writer started at {writer_at - start:.0f} s" if writer_at else ""))
    if sent:
        stored = written.get("new", 0) + written.get("updated", 0)
        echo(f"writer: {stored} of {sent} articles stored in {timing.get('writer_seconds', 0):.1f} s "
             f"({stored / max(timing.get('writer_seconds', 1), 1e-9):.1f}/s, nice {timing.get('writer_nice', 0):.0f}) "
             "while serving; "
             f"failed {written.get('failed', 0)}")
    echo(f"articles lost: {lost} of {sent}")
    echo(f"lost={lost}")
    return figures


def main(*, db: str | None = None, n: int = 2000, clients: int = 200, seconds: float = 60.0, think: float = 1.0,
         writer_articles: int = 400, workers: int = 1, writer_nice: int = WRITER_NICE) -> dict[str, Any]:
    return run(db=db, n=n, clients=clients, seconds=seconds, think=think, writer_articles=writer_articles,
               workers=workers, writer_nice=writer_nice)


if __name__ == "__main__":  # pragma: no cover
    main()
