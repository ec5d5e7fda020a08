"""The product's ingest gives the same articles and events in SQLite and in PostgreSQL."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tidings.api import ingest
from tidings.options import Options
from tidings.store import Store, open_store

SEEDS = Path(__file__).resolve().parents[2] / "examples" / "seeds"


def _ingested(store: Store) -> tuple[list[Any], dict[str, Any]]:
    report = ingest([str(SEEDS)], Options(), store=store, progress=False)
    assert (report.new, report.failed) == (5, 0)
    rows = [r.to_dict() for r in store.article_rows()]
    # Everything but the wall-clock times of writing.
    events = {k: {f: v for f, v in e.items() if not f.endswith("_at")} for k, e in store.iter_records("event")}
    return rows, events


def test_the_seeds_make_the_same_articles_and_events_in_both_backends(postgres_url: str, tmp_path: Path) -> None:
    with open_store(str(tmp_path / "seeds.db")) as lite, open_store(postgres_url) as server:
        lite_rows, lite_events = _ingested(lite)
        server_rows, server_events = _ingested(server)
        assert server_rows == lite_rows
        assert server_events == lite_events
        assert len({r["event_id"] for r in lite_rows}) == 2  # the Riyadh talks and the Cairo talks
        assert [a.to_dict() for a in server.iter_articles()] == [a.to_dict() for a in lite.iter_articles()]
        for key in ("clusterer", "aliases"):
            assert (server.get_state(key) is None) == (lite.get_state(key) is None)
