"""``tidings bench read``: throughput of ingest + clean + metadata (the read pipeline).

Builds a corpus of real texts from benchmarks/data (SemEval-2022 texts, ECB+
documents, the extraction benchmark's whole-page texts) in a temporary folder —
mostly JSONL files, a tenth as plain ``.txt`` files, so both readers are timed —
and runs :func:`tidings.api.ingest` on it into a temporary SQLite store with
clustering off. Every article gets its own URL, so texts reused to reach ``n``
still go through the whole pipeline (an unchanged article would be skipped).

Printed: articles/s, ms/article, peak RSS, and a breakdown of where the time goes
(readers, article ids, each read stage, the store), measured in a second pass
over the same documents. Last line: ``articles_per_s=…``.
"""

from __future__ import annotations

import json
import resource
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parents[3] / "benchmarks" / "data"

#: Share of the corpus written as single ``.txt`` files instead of JSONL lines.
TEXT_FILE_SHARE = 0.1
#: JSONL lines per file (a crawler's daily dump is usually split like this).
LINES_PER_FILE = 500
#: Documents ingested before timing, so model loading is reported apart.
WARMUP_DOCS = 20


def real_texts(data: Path = DATA) -> list[str]:
    """Distinct real texts from the benchmark files, in file order."""
    texts: list[str] = []
    semeval = data / "semeval2022" / "dev.jsonl"
    if semeval.exists():
        with open(semeval, encoding="utf-8") as fh:
            for line in fh:
                pair = json.loads(line)
                texts += [pair.get("text1", ""), pair.get("text2", "")]
    for name in ("ecbplus/dev.jsonl", "extraction/noisy.jsonl"):
        path = data / name
        if path.exists():
            with open(path, encoding="utf-8") as fh:
                texts += [json.loads(line).get("text", "") for line in fh]
    return [t for t in dict.fromkeys(t.strip() for t in texts) if t]


def build_corpus(folder: Path, n: int, texts: list[str]) -> int:
    """Write ``n`` documents (cycling through ``texts``) as JSONL and text files; returns the byte count."""
    folder.mkdir(parents=True, exist_ok=True)
    n_files = int(n * TEXT_FILE_SHARE)
    size = 0
    lines: list[str] = []
    for i in range(n):
        text = texts[i % len(texts)]
        if i < n_files and i < len(texts):  # a text file has no URL: only distinct texts, or they would merge
            path = folder / "pages" / f"{i:05d}.txt"
            path.parent.mkdir(exist_ok=True)
            path.write_text(text, encoding="utf-8")
            size += path.stat().st_size
            continue
        lines.append(json.dumps({"text": text, "url": f"https://bench.example/{i}"}, ensure_ascii=False))
    for start in range(0, len(lines), LINES_PER_FILE):
        path = folder / f"batch-{start // LINES_PER_FILE:04d}.jsonl"
        path.write_text("\n".join(lines[start : start + LINES_PER_FILE]) + "\n", encoding="utf-8")
        size += path.stat().st_size
    return size


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def breakdown(folder: Path, store_path: Path) -> dict[str, float]:
    """Seconds spent per step over the whole corpus: readers, ids, each stage, the store."""
    from tidings.engine import default_pipeline
    from tidings.read import article_from_raw
    from tidings.store.sqlite import SQLiteStore

    pipeline = default_pipeline()
    times: dict[str, float] = {"read files": 0.0, "article ids": 0.0}
    times.update({stage.name: 0.0 for stage in pipeline.stages})
    times["store"] = 0.0
    store = SQLiteStore(store_path)
    t0 = time.perf_counter()
    docs = _documents(folder)
    times["read files"] = time.perf_counter() - t0
    for doc in docs:
        t = time.perf_counter()
        article = article_from_raw(doc)
        times["article ids"] += time.perf_counter() - t
        failed = False
        for stage in pipeline.stages:
            t = time.perf_counter()
            try:
                article = stage(article)
            except Exception:  # a failing article is a dead letter in ingest; here it just stops
                failed = True
            times[stage.name] += time.perf_counter() - t
            if failed:
                break
        if not failed:
            t = time.perf_counter()
            store.put_article(article)
            times["store"] += time.perf_counter() - t
    t = time.perf_counter()
    store.close()
    times["store"] += time.perf_counter() - t
    return times


def _documents(folder: Path) -> list[Any]:
    """Every document the sources under ``folder`` hold (files read, nothing else done)."""
    from tidings.ingest import iter_sources

    return [d for s in iter_sources([folder]) if hasattr(s, "read") for d in s.read() if hasattr(d, "text")]


def read_stages_cpu(folder: Path, repeats: int = 3) -> float:
    """CPU ms per article of the read stages alone, in this process, best of ``repeats``.

    The breakdown's second pass runs every stage of ingest one article after the other, so the read
    stages there share the CPU caches with the vectors stage (a neural encoder), which makes them look
    ~20% slower than they are; this is the figure to compare across versions (hostile-input budgets
    must cost nothing on normal input).
    """
    from tidings.read import article_from_raw, read_pipeline

    pipeline = read_pipeline()
    docs = _documents(folder)
    best = float("inf")
    for _ in range(repeats):
        articles = [article_from_raw(d) for d in docs]
        t = time.process_time()
        for article in articles:
            try:
                pipeline(article)
            except Exception:
                continue
        best = min(best, time.process_time() - t)
    return 1000 * best / max(1, len(docs))


def _read_stages() -> list[Any]:
    from tidings.read import read_pipeline

    return read_pipeline().stages


def main(n: int = 3000, echo: Callable[[str], Any] = print, *, detail: bool = True) -> dict[str, Any]:
    """Run the benchmark and return its figures (also echoed, last line ``articles_per_s=…``)."""
    from tidings.api import ingest
    from tidings.options import Options
    from tidings.store.sqlite import SQLiteStore

    texts = real_texts()
    if not texts:
        raise SystemExit(f"no benchmark texts under {DATA}")
    with tempfile.TemporaryDirectory(prefix="tidings-bench-read-") as tmp:
        root = Path(tmp)
        warm = root / "warmup"
        build_corpus(warm, WARMUP_DOCS, texts[-WARMUP_DOCS:])
        t0 = time.perf_counter()
        with SQLiteStore(root / "warmup.db") as store:
            ingest(
                [warm],
                Options(db=str(root / "warmup.db"), cluster=False, understand=False),
                store=store,
                progress=False,
            )
        startup = time.perf_counter() - t0

        corpus = root / "corpus"
        size = build_corpus(corpus, n, texts)
        db = root / "bench.db"
        t0, c0 = time.perf_counter(), time.process_time()
        with SQLiteStore(db) as store:
            report = ingest([corpus], Options(db=str(db), cluster=False, understand=False), store=store, progress=False)
        elapsed, cpu = time.perf_counter() - t0, time.process_time() - c0
        done = report.new + report.updated + report.unchanged
        result: dict[str, Any] = {
            "articles": done,
            "failed": report.failed,
            "corpus_mb": round(size / 1e6, 1),
            "seconds": round(elapsed, 2),
            "startup_s": round(startup, 2),
            "articles_per_s": round(done / elapsed, 1) if elapsed else 0.0,
            "ms_per_article": round(1000 * elapsed / max(done, 1), 2),
            # CPU time tells the code's cost apart from waiting for a shared machine
            "cpu_ms_per_article": round(1000 * cpu / max(done, 1), 2),
        }
        echo(f"corpus: {done} articles ({result['corpus_mb']} MB, {report.sources} files), {report.failed} failed")
        echo(f"warm-up (model loading, {WARMUP_DOCS} docs): {startup:.2f} s")
        echo(
            f"ingest + read pipeline + store: {elapsed:.2f} s, {result['ms_per_article']} ms/article"
            f" ({result['cpu_ms_per_article']} ms CPU/article), {result['articles_per_s']} articles/s"
        )
        if detail:
            times = breakdown(corpus, root / "breakdown.db")
            total = sum(times.values())
            result["breakdown_ms_per_article"] = {k: round(1000 * v / max(done, 1), 3) for k, v in times.items()}
            echo("where the time goes (second pass, ms/article, share):")
            for name, seconds in sorted(times.items(), key=lambda kv: -kv[1]):
                echo(f"  {name:<14} {1000 * seconds / max(done, 1):8.3f}  {100 * seconds / total:5.1f} %")
            # ingest runs the understand stages (entities) too; the read-only figure leaves them out
            read_names = {"read files", "article ids", "store", *(s.name for s in _read_stages())}
            read_ms = 1000 * sum(v for k, v in times.items() if k in read_names) / max(done, 1)
            result["read_only_ms_per_article"] = round(read_ms, 3)
            echo(f"read path only (files, ids, read stages, store): {read_ms:.2f} ms/article"
                 f" = {1000 / read_ms if read_ms else 0:.0f} articles/s per core")  # fmt: skip
            result["read_stages_cpu_ms"] = round(read_stages_cpu(corpus), 3)
            echo(f"read stages alone, one process, best of 3: {result['read_stages_cpu_ms']:.3f} CPU ms/article")
        result["peak_rss_mb"] = round(peak_rss_mb(), 1)
        echo(f"peak RSS: {result['peak_rss_mb']} MB")
        echo(f"articles_per_s={result['articles_per_s']}")
    return result


if __name__ == "__main__":
    main()
