"""Labelled records as a stream through the product's own path, for the evaluations.

An evaluation file is written out again as a JSONL file holding only each record's ``id`` and
``text`` (in the order asked for) and ingested with :func:`tidings.api.ingest` into a temporary
store, exactly as ``tidings ingest FILE`` would; then each record is mapped to the event its
article ended in. Nothing the gold labels say (titles, dates, languages of a benchmark file)
reaches the engine, and identical texts are one article, as they are for a user.
"""

from __future__ import annotations

import json
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from tidings.api import ingest
from tidings.engine import IngestReport
from tidings.ingest.readers import record_to_document
from tidings.options import Options
from tidings.read import article_from_raw
from tidings.store import Store, open_store


@dataclass
class StreamResult:
    """The event each record's article ended in (``None``: the record became a dead letter)."""

    events: list[str | None]
    seconds: float
    report: IngestReport


def article_id_of(record: dict[str, Any]) -> str:
    """The id ``tidings ingest`` gives the article of an id + text record."""
    doc = record_to_document({"id": record["id"], "text": record["text"]}, "stream", "record")
    return article_from_raw(doc).id  # type: ignore[arg-type]


def stream_records(
    records: Sequence[dict[str, Any]], options: Options | None = None, *, runs: int = 1, progress: bool = False
) -> StreamResult:
    """Ingest ``records`` (each with ``id`` and ``text``) in order, in ``runs`` consecutive runs.

    ``runs`` > 1 splits the stream into that many files ingested one after another into the
    same store: the engine's promise is that this gives the events of one run.
    """
    with streamed_store(records, options, runs=runs, progress=progress) as (result, _store):
        return result


@contextmanager
def streamed_store(
    records: Sequence[dict[str, Any]], options: Options | None = None, *, runs: int = 1, progress: bool = False
) -> Iterator[tuple[StreamResult, Store]]:
    """:func:`stream_records`, with the temporary store left open (read-only) until the block ends.

    For evaluations that read more than the event ids: ``tidings eval cards`` builds each event's
    card from the very store ``tidings ingest`` filled.
    """
    with (
        ingested(records, options, runs=runs, progress=progress) as (db, seconds, total),
        open_store(str(db), read_only=True) as store,
    ):
        event_of = {row.id: row.event_id for row in store.article_rows()}
        yield StreamResult([event_of.get(article_id_of(r)) for r in records], seconds, total), store


@contextmanager
def ingested(
    records: Sequence[dict[str, Any]], options: Options | None = None, *, runs: int = 1, progress: bool = False
) -> Iterator[tuple[Path, float, IngestReport]]:
    """The records ingested into a temporary store: ``(its path, seconds, report)``, deleted after the block.

    For evaluations that add to the store before reading it (``tidings eval search`` writes the
    article vectors the ingest path did not).
    """
    options = options or Options()
    with tempfile.TemporaryDirectory(prefix="tidings-eval-") as tmp:
        folder = Path(tmp)
        db = folder / "eval.db"
        run_options = replace(options, db=str(db))
        parts = _split(list(records), max(1, runs))
        start = time.perf_counter()
        total = IngestReport()
        for n, part in enumerate(parts):
            path = folder / f"stream-{n:03d}.jsonl"
            with open(path, "w", encoding="utf-8") as fh:
                for r in part:
                    fh.write(json.dumps({"id": str(r["id"]), "text": r["text"]}, ensure_ascii=False) + "\n")
            report = ingest([path], run_options, progress=progress)
            total.new += report.new
            total.updated += report.updated
            total.unchanged += report.unchanged
            total.failed += report.failed
            total.errors += report.errors
        yield db, time.perf_counter() - start, total


def _split(items: list[Any], n: int) -> list[list[Any]]:
    size = -(-len(items) // n) if items else 1
    return [items[i : i + size] for i in range(0, len(items), size)] or [[]]
