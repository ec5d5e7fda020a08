"""Benchmark of the ``entities`` stage (not a test).

Usage::

    .venv/bin/python benchmarks/entities_bench.py seeds            # entity lists + ms/article on the seeds
    .venv/bin/python benchmarks/entities_bench.py semeval [--limit N] [--file F]

``seeds`` streams the five seeds (read pipeline, then one shared extractor, in file
order) and prints each article's entities, then the time per article after a warm-up.

``semeval`` streams every pair's two texts through one extractor (one shared
lexicon, as in production) and correlates the similarity of the two entity sets
(cosine of canonical-norm counts) with the annotators' ``entities`` score (1 = same
entities … 4 = different; so the correlation is taken with its negative). The
headline figure, on the last line, is the Pearson correlation over all pairs.
Figures depend on the machine's load; run on an idle machine to compare speed.
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import time
from collections import Counter
from pathlib import Path

from tidings.article import RawDocument
from tidings.read import article_from_raw, read_pipeline
from tidings.understand.entities import EntityExtractor

ROOT = Path(__file__).resolve().parents[1]


def _pearson(xs: list[float], ys: list[float]) -> float:
    if len(xs) < 3:
        return float("nan")
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True))
    sxx = sum((x - mx) ** 2 for x in xs)
    syy = sum((y - my) ** 2 for y in ys)
    return sxy / math.sqrt(sxx * syy) if sxx and syy else float("nan")


def seeds(repeats: int) -> None:
    rp = read_pipeline()
    arts = []
    for path in sorted((ROOT / "examples" / "seeds").glob("*.txt")):
        doc = RawDocument(uri=str(path), text=path.read_text(encoding="utf-8"), format="text")
        arts.append(rp(article_from_raw(doc)))
    ex = EntityExtractor()
    t0 = time.perf_counter()
    ex.extract("warm-up", "en")
    ex.gazetteer.lookup("Paris")
    print(f"cold start (gazetteer index): {time.perf_counter() - t0:.2f} s")
    first = []
    for a in arts:
        t = time.perf_counter()
        ex(a)
        first.append(time.perf_counter() - t)
    for a, dt in zip(arts, first, strict=True):
        print(f"== {Path(a.uri).name[:3]} lang={a.lang_code or '?'} chars={len(a.text)} "
              f"first={dt * 1000:.1f} ms")
        for e in a.entities:
            where = f" @{e['place']['lat']:.2f},{e['place']['lon']:.2f}" if "place" in e else ""
            print(f"   {e['label']:6} {ex.lexicon.canonical(e['norm'])!r:28} {e['text']}  x{e['count']} "
                  f"{e['source']} {e['confidence']}{where}")
    times, cpu = [], []
    for a in arts:
        lang = a.lang_code
        t, c = time.perf_counter(), time.process_time()
        for _ in range(repeats):
            ex.extract(a.text, lang)
        times.append((time.perf_counter() - t) / repeats * 1000)
        cpu.append((time.process_time() - c) / repeats * 1000)
    print("steady wall ms/article: " + " ".join(f"{t:.1f}" for t in times))
    print("steady CPU ms/article:  " + " ".join(f"{t:.1f}" for t in cpu) + "  (CPU time: stable on a busy machine)")
    print(f"cpu_ms_per_article_median={statistics.median(cpu):.2f}")


def semeval(path: Path, limit: int | None) -> None:
    ex = EntityExtractor()
    ex.extract("warm-up", "en")
    ex.gazetteer.lookup("Paris")
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    if limit:
        rows = rows[:limit]
    pairs = []
    spent, n = 0.0, 0
    for r in rows:
        ents = []
        for k in ("1", "2"):
            t = time.process_time()
            ents.append(ex.extract(r["text" + k], r["lang" + k]))
            spent += time.process_time() - t
            n += 1
        pairs.append((r, ents))
    sims, gold_ent, gold_all, kinds = [], [], [], []
    for r, (e1, e2) in pairs:
        c1 = Counter({ex.lexicon.canonical(e.norm): e.count for e in e1})
        c2 = Counter({ex.lexicon.canonical(e.norm): e.count for e in e2})
        dot = sum(c1[k] * c2[k] for k in c1.keys() & c2.keys())
        norm = math.sqrt(sum(v * v for v in c1.values())) * math.sqrt(sum(v * v for v in c2.values()))
        sims.append(dot / norm if norm else 0.0)
        gold_ent.append(-float(r["entities"]))
        gold_all.append(-float(r["overall"]))
        kinds.append("same" if r["lang1"] == r["lang2"] else "cross")
    print(f"pairs={len(pairs)} texts={n} cpu_ms_per_text={spent / max(n, 1) * 1000:.2f}")
    for kind in ("same", "cross"):
        idx = [i for i, k in enumerate(kinds) if k == kind]
        print(f"{kind}-language pairs={len(idx)} pearson_entities="
              f"{_pearson([sims[i] for i in idx], [gold_ent[i] for i in idx]):.4f}")
    langs = sorted({(r["lang1"], r["lang2"]) for r, _ in pairs})
    for l1, l2 in langs:
        idx = [i for i, (r, _) in enumerate(pairs) if (r["lang1"], r["lang2"]) == (l1, l2)]
        print(f"  {l1}-{l2} n={len(idx)} pearson_entities="
              f"{_pearson([sims[i] for i in idx], [gold_ent[i] for i in idx]):.4f}")
    print(f"pearson_overall_score={_pearson(sims, gold_all):.4f}")
    print(f"pearson={_pearson(sims, gold_ent):.4f}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("seeds")
    s.add_argument("--repeats", type=int, default=10)
    m = sub.add_parser("semeval")
    m.add_argument("--file", type=Path, default=ROOT / "benchmarks" / "data" / "semeval2022" / "dev.jsonl")
    m.add_argument("--limit", type=int, default=None)
    args = ap.parse_args()
    if args.cmd == "seeds":
        seeds(args.repeats)
    else:
        semeval(args.file, args.limit)


if __name__ == "__main__":
    main()
