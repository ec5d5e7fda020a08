"""End to end with the real clusterer: ingest the seeds, then every event gets a sound card and the report."""

from __future__ import annotations

from pathlib import Path

from conftest import SEEDS

from tidings.store import open_store
from tidings.tell.cards import build_card
from tidings.tell.report import write_report
from tidings.views.events import iter_events


def test_cards_for_clustered_seeds(tmp_path: Path) -> None:
    from tidings.api import ingest
    from tidings.options import Options

    db = tmp_path / "clustered.db"
    ingest([str(SEEDS)], Options(db=str(db)), progress=False)
    with open_store(str(db)) as store:
        events = list(iter_events(store))
        assert events
        assert sum(len(e.article_ids) for e in events) == 5
        for event in events:
            card = build_card(store, event.id)
            assert card.article_count == len(event.article_ids)
            own = {a for a in event.article_ids}
            assert all(s.article_id in own for s in card.summary)
            assert card.summary and card.timeline
        page = write_report(store, tmp_path / "report.html").read_text(encoding="utf-8")
        assert page.count('<article class="card"') == len(events)
