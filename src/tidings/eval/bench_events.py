"""``tidings bench events``: end-to-end ingest → event throughput, latency and memory.

The stream: the real texts of the benchmark files (ECB+ dev, SemEval-2022 dev
texts, the seeds), cycled until it holds ``n`` articles. Copy *r* of a text is
perturbed so it is a new article (a sentence dropped, a distinct URL) and is
dated ``r`` × 45 days after the first copy (texts of one round share a date
window of a few days), so repeated texts form *new* events, as the same kind of
story does months later, instead of growing one giant event forever.

Both measurements run the engine (:mod:`tidings.engine`), into a temporary SQLite file:

* one article at a time — ``Engine.add`` per article (read, understand, store, and at every
  ``Options.commit_every`` articles the batch's grouping, alias feedback, save and commit), in
  this process, no read workers: latency per article (a batch's grouping lands on the article
  that completes it), time per article per slice of the stream (it must not grow with the
  store), memory;
* the product path — ``tidings.api.ingest`` on JSONL files, with its read workers: the
  throughput a user gets. Last line: ``articles_per_s=…``.

Speed figures depend on the BLAS library and its threads: the run prints both (threadpoolctl).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import resource
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parents[3] / "benchmarks" / "data"
SEEDS = Path(__file__).resolve().parents[3] / "examples" / "seeds"
#: Days between two copies of the same text (beyond the clusterer's date gap).
ROUND_DAYS = 45
#: Articles timed after warm-up (model loading) are reported apart.
WARMUP = 20


def base_texts() -> list[str]:
    texts: list[str] = []
    ecb = DATA / "ecbplus" / "dev.jsonl"
    if ecb.exists():
        texts += [json.loads(line)["text"] for line in ecb.read_text(encoding="utf-8").splitlines() if line.strip()]
    semeval = DATA / "semeval2022" / "dev.jsonl"
    if semeval.exists():
        for line in semeval.read_text(encoding="utf-8").splitlines():
            if line.strip():
                pair = json.loads(line)
                texts += [pair.get("text1", ""), pair.get("text2", "")]
    texts += [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    return [t for t in dict.fromkeys(t.strip() for t in texts) if len(t) > 200]


def stream(n: int, seed: int = 0) -> list[dict[str, Any]]:
    """``n`` JSON records (text, url, published) built from the real texts as documented above."""
    texts = base_texts()
    rng = random.Random(seed)
    start = dt.date(2020, 1, 1)
    out = []
    for i in range(n):
        r, k = divmod(i, len(texts))
        text = texts[k]
        if r:
            sentences = text.split(". ")
            if len(sentences) > 3:
                del sentences[rng.randrange(1, len(sentences))]
            text = ". ".join(sentences)
        day = start + dt.timedelta(days=r * ROUND_DAYS + (k * 5) // len(texts))
        out.append({"text": text, "url": f"https://bench.example/{i}", "published": day.isoformat()})
    return out


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run(n: int, profile: str = "default", *, echo: Callable[[str], Any] = print) -> dict[str, Any]:
    """The stream one article at a time through :class:`~tidings.engine.Engine` (see the module docstring)."""
    from tidings.engine import Engine
    from tidings.ingest.readers import record_to_document
    from tidings.options import Options
    from tidings.read import article_from_raw
    from tidings.store.sqlite import SQLiteStore

    records = stream(n)
    with tempfile.TemporaryDirectory() as tmp:
        # A fresh embedding cache: vectors cached by earlier runs would flatter the accurate profile.
        old_cache = os.environ.get("TIDINGS_CACHE")
        os.environ["TIDINGS_CACHE"] = str(Path(tmp) / "cache")
        store = SQLiteStore(Path(tmp) / "bench.db")
        engine = Engine(store, Options(db=str(Path(tmp) / "bench.db"), profile=profile, workers=0), progress=False)
        latencies: list[float] = []
        slices: list[tuple[int, float, float]] = []
        slice_size = max(100, n // 10)
        t0 = time.perf_counter()
        t_slice = t0
        t_warm = t0
        for i, rec in enumerate(records, 1):
            t = time.perf_counter()
            engine.add(article_from_raw(record_to_document(rec, f"bench#{i}", f"record {i}")))  # type: ignore[arg-type]
            latencies.append(time.perf_counter() - t)
            if i == WARMUP:
                t_warm = time.perf_counter()
            if i % slice_size == 0:
                now = time.perf_counter()
                slices.append((i, (now - t_slice) / slice_size * 1000, peak_rss_mb()))
                t_slice = now
                active = len(engine.clusterer.active_) if engine.clusterer is not None else 0
                echo(f"  {i:>7} articles: {slices[-1][1]:.1f} ms/article over the last {slice_size}, "
                     f"active events {active}, peak RSS {slices[-1][2]:.0f} MB")  # fmt: skip
        engine.finish()
        total = time.perf_counter() - t0
        timed = time.perf_counter() - t_warm
        events = sum(1 for _, r in store.iter_records("event") if not r.get("merged_into"))
        store.close()
        if old_cache is None:
            os.environ.pop("TIDINGS_CACHE", None)
        else:
            os.environ["TIDINGS_CACHE"] = old_cache
    steady = latencies[WARMUP:] or latencies
    return {
        "n": n,
        "profile": profile,
        "seconds": total,
        "articles_per_s": (len(steady)) / timed if timed > 0 else 0.0,
        "p50_ms": statistics.median(steady) * 1000,
        "p95_ms": sorted(steady)[int(0.95 * (len(steady) - 1))] * 1000,
        "peak_rss_mb": peak_rss_mb(),
        "events": events,
        "slices": slices,
    }


def run_ingest(n: int, profile: str = "default", workers: int = -1) -> dict[str, Any]:
    """The same stream through the product's own path, ``tidings.api.ingest``, from JSONL files.

    Unlike :func:`run`, this lets ingest use its read workers (see
    :func:`tidings.workers.choose_workers`; they also do the entity stage's
    lexicon-free part), so it is the end-to-end throughput a user gets; worker
    start-up and model loading are included in the time. ``workers``: read workers (-1: as ingest chooses).
    """
    from tidings.api import ingest
    from tidings.options import Options

    records = stream(n)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "stream"
        folder.mkdir()
        for start in range(0, len(records), 500):
            lines = (json.dumps(r, ensure_ascii=False) for r in records[start : start + 500])
            (folder / f"part-{start // 500:05d}.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
        old_cache = os.environ.get("TIDINGS_CACHE")
        os.environ["TIDINGS_CACHE"] = str(Path(tmp) / "cache")
        options = Options(db=str(Path(tmp) / "ingest.db"), profile=profile, workers=workers)
        t0 = time.perf_counter()
        report = ingest([folder], options, progress=False)
        seconds = time.perf_counter() - t0
        if old_cache is None:
            os.environ.pop("TIDINGS_CACHE", None)
        else:
            os.environ["TIDINGS_CACHE"] = old_cache
    done = report.new + report.updated
    return {"articles": done, "seconds": seconds, "articles_per_s": done / seconds if seconds else 0.0}


def main(n: int = 2000, profile: str = "default", workers: int = -1, sequential: bool = True,
         echo: Callable[[str], Any] = print) -> float:
    """Both measurements (``sequential=False``: the product path only); returns ingest's articles/s."""
    from tidings.eval.machine import describe_blas

    echo(f"stream: {n} articles from {len(base_texts())} real texts (copies perturbed, dated {ROUND_DAYS} days apart)")
    echo(describe_blas())
    echo(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f} (speed figures need < 1)")
    if sequential:
        _sequential(n, profile, echo)
    product = run_ingest(n, profile, workers)
    chosen = "as ingest chooses" if workers < 0 else str(workers)
    echo(
        f"tidings ingest (read workers: {chosen}; start-up included): {product['articles']} articles in"
        f" {product['seconds']:.1f} s = {product['articles_per_s']:.1f} articles/s"
    )
    echo(f"articles_per_s={product['articles_per_s']:.1f}")
    return float(product["articles_per_s"])


def _sequential(n: int, profile: str, echo: Callable[[str], Any]) -> None:
    echo("one article at a time (latency, time per article as the store grows, memory):")
    res = run(n, profile, echo=echo)
    echo(f"profile {profile}: {res['n']} articles in {res['seconds']:.1f} s → {res['events']} events")
    echo(f"latency per article (read+understand+store+group): p50 {res['p50_ms']:.1f} ms, p95 {res['p95_ms']:.1f} ms")
    first, last = res["slices"][0][1], res["slices"][-1][1]
    echo(f"time per article, first vs last slice: {first:.1f} → {last:.1f} ms; peak RSS {res['peak_rss_mb']:.0f} MB")
    echo(f"sequential path: {res['articles_per_s']:.1f} articles/s")
