"""Micro-benchmark of the read step's language, dates and provenance stages (not a test).

Usage::

    .venv/bin/python benchmarks/read_stages.py [--limit N]
    .venv/bin/python benchmarks/read_stages.py --dates-vs-htmldate
    .venv/bin/python benchmarks/read_stages.py --year-inference

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


def dates_vs_htmldate() -> None:
    """Dates read from the noisy *text* of the extraction dev pages vs htmldate on the same pages' HTML.

    No gold dates exist in the benchmark data; htmldate on the raw HTML (page metadata)
    is an independent reference. Disagreements are printed: many are time zones
    (a page's "Nov 19, 10:31 pm CST" is Nov 20 in UTC).
    """
    import datetime as dt

    from htmldate import find_date

    from tidings.read.language import LanguageDetector

    html = {}
    with open(DATA / "extraction" / "html.jsonl", encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            html[row["id"]] = row["html"]
    cleaner, lang, dates = Cleaner(), LanguageDetector(), DateFinder()
    tally = Counter[str]()
    with open(DATA / "extraction" / "noisy.jsonl", encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            try:
                ref = (
                    find_date(html[row["id"]], original_date=True, extensive_search=False)
                    if row["id"] in html
                    else None
                )
            except Exception:
                ref = None
            art = dates(lang(cleaner(article_from_raw(RawDocument(uri=row["id"], text=row["text"], format="text")))))
            value = art.published.value if art.published else None
            mine = value.date() if isinstance(value, dt.datetime) else value
            if ref and mine:
                same = str(mine) == ref
                tally["agree" if same else "disagree"] += 1
                if not same:
                    print(f"  htmldate={ref} text={mine} ({art.published.source}): {art.published.evidence}")
            else:
                tally["text only" if mine else "htmldate only" if ref else "neither"] += 1
    print("dates vs htmldate:", dict(tally))
    print(f"date_agreement={tally['agree'] / max(1, tally['agree'] + tally['disagree']):.4f}")


def year_inference() -> None:
    """How often :func:`infer_year` recovers a year it is not shown.

    For every extraction dev page (noisy text) whose header carries a full date, the
    year is hidden and re-inferred from the page's other year clues, once with "now"
    as the only bound and once with a capture 30 days after the date (a crawl).
    """
    import datetime as dt

    from tidings.read.dates import COPYRIGHT, infer_year
    from tidings.read.language import LanguageDetector
    from tidings.text.dates import DateMention, find_years

    cleaner, lang, dates = Cleaner(), LanguageDetector(), DateFinder()
    tally = Counter[str]()
    with open(DATA / "extraction" / "noisy.jsonl", encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            art = dates(lang(cleaner(article_from_raw(RawDocument(uri=row["id"], text=row["text"], format="text")))))
            if not art.published or art.published.source != "header-dateline":
                continue
            truth = art.published.value
            truth = truth.date() if isinstance(truth, dt.datetime) else truth
            hidden = DateMention(0, 0, "", truth.month, truth.day)
            clues = [
                y
                for b in art.blocks
                if b.role in ("title", "body", "caption") and not COPYRIGHT.search(b.text)
                for y in find_years(b.text)
            ]
            for label, latest in (("now", dt.date.today()), ("capture+30d", truth + dt.timedelta(days=30))):
                got = infer_year(hidden, clues, latest, 1990)
                tally[f"{label} right" if got and got[0] == truth.year else f"{label} wrong"] += 1
    print("year inference:", dict(tally))
    for label in ("now", "capture+30d"):
        right, wrong = tally[f"{label} right"], tally[f"{label} wrong"]
        print(f"year_inference_accuracy[{label}]={right / max(1, right + wrong):.4f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=400, help="rows read from each dev file")
    parser.add_argument("--dates-vs-htmldate", action="store_true", help="compare text dates with htmldate instead")
    parser.add_argument("--year-inference", action="store_true", help="hide known years and re-infer them instead")
    args = parser.parse_args()
    if args.dates_vs_htmldate:
        dates_vs_htmldate()
        return
    if args.year_inference:
        year_inference()
        return

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
    print(f"three stages: {1e3 * sum(totals.values()) / n:.3f} ms CPU/article")

    labelled = [(a, g) for a, g in articles if g]
    right = sum(1 for a, g in labelled if a.lang is not None and a.lang.value == g)
    print(f"lang accuracy (semeval dev, {len(labelled)} texts): {right / max(1, len(labelled)):.4f}")
    wrong = Counter((g, a.lang_code) for a, g in labelled if not a.lang or a.lang.value != g)
    if wrong:
        print("confusions:", ", ".join(f"{g}->{p}:{c}" for (g, p), c in wrong.most_common(8)))
    dated = Counter(a.published.source for a, _ in articles if a.published)
    print("published by source:", dict(dated), f"none={sum(1 for a, _ in articles if not a.published)}")
    print("provenance links:", dict(Counter(link.relation for a, _ in articles for link in a.provenance)))
    print("outlet by source:", dict(Counter(a.outlet.source for a, _ in articles if a.outlet)))


if __name__ == "__main__":
    main()
