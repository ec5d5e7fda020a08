"""Micro-benchmark of the read step's language, dates and provenance stages (not a test).

Usage::

    .venv/bin/python benchmarks/read_stages.py [--limit N]

Prints, for the seeds, the noisy extraction dev pages and SemEval-2022 dev texts:
per-article cost of each stage (after a warm-up), language accuracy against the
SemEval ``lang1``/``lang2`` labels, and how many articles got a date/outlet/link.
Figures depend on the machine's load; run it on an idle machine to compare.
"""

from __future__ import annotations

import argparse
import json
import time
from collections import Counter
from pathlib import Path

from tidings.article import Article, RawDocument
from tidings.read import article_from_raw
from tidings.read.clean import Cleaner
from tidings.read.dates import DateFinder
from tidings.read.language import LanguageDetector
from tidings.read.provenance import ProvenanceFinder

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "benchmarks" / "data"


def _docs(limit: int) -> list[tuple[RawDocument, str | None]]:
    docs: list[tuple[RawDocument, str | None]] = []
    for path in sorted((ROOT / "examples" / "seeds").glob("*.txt")):
        docs.append((RawDocument(uri=str(path), text=path.read_text(encoding="utf-8"), format="text"), None))
    with open(DATA / "extraction" / "noisy.jsonl", encoding="utf-8") as fh:
        for i, line in enumerate(fh):
            if i >= limit:
                break
            row = json.loads(line)
            docs.append((RawDocument(uri=row["id"], text=row["text"], format="text", url=row.get("url")), None))
    with open(DATA / "semeval2022" / "dev.jsonl", encoding="utf-8") as fh:
        for i, line in enumerate(fh):
            if i >= limit:
                break
            row = json.loads(line)
            for k in ("1", "2"):
                docs.append(
                    (RawDocument(uri=f"{row['pair_id']}/{k}", text=row["text" + k], format="text"), row["lang" + k])
                )
    return docs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=400, help="rows read from each dev file")
    args = parser.parse_args()

    docs = _docs(args.limit)
    cleaner = Cleaner()
    articles: list[tuple[Article, str | None]] = [(cleaner(article_from_raw(d)), gold) for d, gold in docs]
    stages = [LanguageDetector(), DateFinder(), ProvenanceFinder()]
    for stage in stages:  # warm-up: model load, regex compilation
        stage(articles[0][0])
    totals = Counter[str]()
    for stage in stages:
        start = time.process_time()
        for art, _ in articles:
            stage(art)
        totals[stage.name] = time.process_time() - start
    n = len(articles)
    print(f"articles={n} (seeds, extraction/noisy, semeval2022/dev texts)")
    for name, secs in totals.items():
        print(f"{name}: {1e3 * secs / n:.3f} ms CPU/article")
    print(f"three stages: {1e3 * sum(totals.values()) / n:.3f} ms/article")

    labelled = [(a, g) for a, g in articles if g]
    right = sum(1 for a, g in labelled if a.lang is not None and a.lang.value == g)
    print(f"lang accuracy (semeval dev, {len(labelled)} texts): {right / max(1, len(labelled)):.4f}")
    wrong = Counter((g, a.lang.value if a.lang else None) for a, g in labelled if not a.lang or a.lang.value != g)
    if wrong:
        print("confusions:", ", ".join(f"{g}->{p}:{c}" for (g, p), c in wrong.most_common(8)))
    dated = Counter(a.published.source for a, _ in articles if a.published)
    print("published by source:", dict(dated), f"none={sum(1 for a, _ in articles if not a.published)}")
    print("provenance links:", dict(Counter(link.relation for a, _ in articles for link in a.provenance)))
    print("outlet by source:", dict(Counter(a.outlet.source for a, _ in articles if a.outlet)))


if __name__ == "__main__":
    main()
