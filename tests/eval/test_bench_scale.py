"""``tidings bench scale``: its writer measurement runs the writer's real work (no timings asserted).

The writer's ceiling is measured by feeding ``Engine.ingest`` articles read beforehand (a
replaying runner); that is only a measurement of the writer if the store it makes is the one
``tidings ingest`` makes from the same files.
"""

from __future__ import annotations

import pickle
from pathlib import Path

from tidings.api import ingest
from tidings.eval.bench_events import stream
from tidings.eval.bench_scale import _engine_stages, _fresh, sizes, write_jsonl, writer_ceiling
from tidings.options import Options
from tidings.store.sqlite import SQLiteStore
from tidings.workers import ahead


def _events(db: Path) -> tuple[list[tuple[str, str | None]], dict[str, list[str]]]:
    store = SQLiteStore(db)
    try:
        articles = [(a.id, a.event_id) for a in store.iter_articles()]
        events = {k: sorted(r["article_ids"]) for k, r in store.iter_records("event") if not r.get("merged_into")}
        return articles, events
    finally:
        store.close()


def test_writer_fed_read_articles_makes_the_store_ingest_makes(tmp_path: Path) -> None:
    records = stream(80)
    folder = write_jsonl(records, tmp_path / "stream")
    options = Options(db=str(tmp_path / "plain.db"), profile="lexical", workers=0, commit_every=30)
    ingest([folder], options, progress=False)
    with _engine_stages("lexical", tmp_path) as (reader, later):
        preparers = ahead(later)[1]
        read, payloads = {}, {}
        for article in _fresh(records):
            done = reader(article)
            read[done.id] = pickle.dumps(done)
            payloads[done.id] = {name: p.prepare(done) for name, p in preparers}
    url = str(tmp_path / "writer.db")
    stats = writer_ceiling(folder, read, payloads, url, "lexical", commit_every=30)
    assert stats["n"] == 80
    assert _events(Path(url)) == _events(tmp_path / "plain.db")
    measured = sizes(url)
    assert measured["total"] > measured["articles"] > 80 * 1000  # every article's row is there
