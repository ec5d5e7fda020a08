"""``tidings eval extraction FILE``: how well the clean stage finds an article's body.

The score is the one of Zyte's article-extraction-benchmark (MIT), reimplemented
here so that figures compare with its public table: per page, the 4-token
shingles (tokens are ``\\w+`` runs) of the predicted body are matched against the
gold body; tp/fp/fn are normalised to sum 1 per page so long pages do not weigh
more; precision is averaged over pages with a non-empty prediction or gold
(``tp + fp > 0``), recall over pages with ``tp + fn > 0``; F1 comes from the two
averages. A text with fewer than 4 tokens yields one shorter shingle, as upstream.

Each record goes through the very :class:`~tidings.read.clean.Cleaner` the
product uses (``html`` records as format "html", ``text`` records as "text"), so
the figure measures the product, not a side path.
"""

from __future__ import annotations

import re
import statistics
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from tidings.article import Article
from tidings.eval.datasets import iter_json_lines

_TOKEN_RE = re.compile(r"\w+", re.UNICODE)
NGRAM_N = 4


class ExtractionDataError(ValueError):
    """The file is not in the extraction format; the message says which line and why
    (the CLI prefixes the file name)."""


def _shingles(text: str, n: int = NGRAM_N) -> Counter[tuple[str, ...]]:
    tokens = _TOKEN_RE.findall(text or "")
    out: Counter[tuple[str, ...]] = Counter()
    for i in range(max(1, len(tokens) - n + 1)):
        shingle = tuple(tokens[i : i + n])
        if shingle:
            out[shingle] += 1
    return out


def shingle_match(true: str, pred: str, n: int = NGRAM_N) -> tuple[float, float, float]:
    """tp, fp, fn of ``pred`` against ``true``, normalised to sum 1 (all 0 when both are empty)."""
    t, p = _shingles(true, n), _shingles(pred, n)
    tp = fp = fn = 0.0
    for key in t.keys() | p.keys():
        tc, pc = t.get(key, 0), p.get(key, 0)
        tp += min(tc, pc)
        fp += max(0, pc - tc)
        fn += max(0, tc - pc)
    s = tp + fp + fn
    if s > 0:
        return tp / s, fp / s, fn / s
    return tp, fp, fn


def _precision(tp: float, fp: float, fn: float) -> float:
    if fp == fn == 0:
        return 1.0
    if tp == fp == 0:
        return 0.0
    return tp / (tp + fp)


def _recall(tp: float, fp: float, fn: float) -> float:
    if fp == fn == 0:
        return 1.0
    if tp == fn == 0:
        return 0.0
    return tp / (tp + fn)


def metrics_from_counts(counts: list[tuple[float, float, float]]) -> dict[str, float]:
    """Page-averaged precision and recall, and F1 from the two averages (as upstream)."""
    precs = [_precision(*c) for c in counts if c[0] + c[1] > 0]
    recs = [_recall(*c) for c in counts if c[0] + c[2] > 0]
    precision = statistics.mean(precs) if precs else 0.0
    recall = statistics.mean(recs) if recs else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall > 0 else 0.0
    return {"f1": f1, "precision": precision, "recall": recall}


def iter_records(path: str | Path) -> Iterator[dict[str, Any]]:
    """Records of an extraction file, checked; bad input raises :class:`ExtractionDataError`."""
    p = Path(path)
    if not p.is_file():
        raise ExtractionDataError("no such file")
    for lineno, rec in iter_json_lines(p, ExtractionDataError):
        if "body" not in rec or not ("html" in rec or "text" in rec):
            raise ExtractionDataError(f"line {lineno}: an extraction record needs 'body' and 'html' or 'text'")
        yield rec


def extract_body(rec: dict[str, Any], cleaner: Callable[[Article], Article]) -> str:
    """The body the product extracts from one benchmark record."""
    fmt = "html" if rec.get("html") is not None else "text"
    raw = rec["html"] if fmt == "html" else rec["text"]
    article = Article(id=str(rec.get("id", "")), uri=str(rec.get("url") or rec.get("id") or ""),
                      raw_text=raw or "", format=fmt, url=rec.get("url"))
    return cleaner(article).text


def evaluate(path: str | Path, *, progress: bool = True) -> dict[str, Any]:
    """Score the clean stage on an extraction file; returns metrics and per-page counts."""
    from tidings.read.clean import Cleaner

    cleaner = Cleaner()
    records = list(iter_records(path))
    if not records:
        raise ExtractionDataError("no records")
    it: Any = records
    if progress:
        from tqdm import tqdm

        it = tqdm(records, desc="extraction", unit="page", leave=False)
    counts: list[tuple[float, float, float]] = []
    pages: list[dict[str, Any]] = []
    start = time.perf_counter()
    for rec in it:
        pred = extract_body(rec, cleaner)
        c = shingle_match(rec.get("body") or "", pred)
        counts.append(c)
        pages.append({"id": rec.get("id"), "tp": c[0], "fp": c[1], "fn": c[2]})
    elapsed = time.perf_counter() - start
    out: dict[str, Any] = metrics_from_counts(counts)
    out.update({"pages": len(records), "seconds": elapsed, "per_page": pages})
    return out


def main(path: str, echo: Callable[[str], Any] = print) -> dict[str, Any]:
    """Print the metrics for ``path``, the headline ``f1=`` last."""
    m = evaluate(path, progress=True)
    echo(f"pages={m['pages']}  seconds={m['seconds']:.1f}  ({m['pages'] / max(m['seconds'], 1e-9):.0f} pages/s)")
    echo(f"precision={m['precision']:.4f}")
    echo(f"recall={m['recall']:.4f}")
    echo(f"f1={m['f1']:.4f}")
    return m
