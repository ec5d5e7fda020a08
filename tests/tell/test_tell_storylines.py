"""Storylines on the seeds: the 2022 Cairo consultations and the 2025 Riyadh talks are one thread.

Reading storylines never writes: they are read from the store, or computed in memory when none
are saved; only ``rebuild_storylines`` saves them.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import CAIRO, RIYADH, copy_store

from tidings.group.storylines import EventProfile, StorylineBuilder
from tidings.store import Store, open_store
from tidings.tell.report import write_report
from tidings.tell.threads import build_storylines, get_storyline, load_storylines, rebuild_storylines
from tidings.views.events import UnknownId


def test_cairo_and_riyadh_share_a_storyline(seed_store: Store) -> None:
    storylines = build_storylines(seed_store)
    assert len(storylines) == 1
    story = storylines[0]
    assert story.event_ids == [CAIRO, RIYADH]  # in date order: Nov 2022, then Feb 2025
    assert any("lavrov" in name.lower() for name in story.entities)
    assert story.title
    assert [s.to_dict() for s in load_storylines(seed_store)] == [story.to_dict()]
    assert get_storyline(seed_store, story.id[:8]).event_ids == story.event_ids
    with pytest.raises(UnknownId):
        get_storyline(seed_store, "st-")  # shorter than the prefix floor


def test_reading_storylines_and_writing_the_report_never_write_the_store(seed_db: Path, tmp_path: Path) -> None:
    db = copy_store(seed_db, tmp_path / "copy.db")
    with open_store(str(db), read_only=True) as store:  # any write would fail here
        story = load_storylines(store)[0]
        assert story.event_ids == [CAIRO, RIYADH]
        assert get_storyline(store, story.id).id == story.id
        page = write_report(store, tmp_path / "r.html").read_text(encoding="utf-8")
        assert "Storylines (1)" in page
    with open_store(str(db)) as store:
        assert list(store.iter_records("storyline")) == []


def test_rebuild_saves_what_readers_then_read(seed_db: Path, tmp_path: Path) -> None:
    db = copy_store(seed_db, tmp_path / "copy.db")
    with open_store(str(db)) as store:
        built = rebuild_storylines(store)
    with open_store(str(db), read_only=True) as store:
        assert [k for k, _ in store.iter_records("storyline")] == [s.id for s in built]
        assert [s.to_dict() for s in load_storylines(store)] == [s.to_dict() for s in built]


def test_events_sharing_only_countries_stay_apart() -> None:
    def profile(eid: str, people: list[str]) -> EventProfile:
        ents = {"united states": 1.0, "russia": 1.0, **{p: 1.0 for p in people}}
        labels = {k: ("GPE" if k in ("united states", "russia") else "PERSON") for k in ents}
        return EventProfile(eid, ents, labels, {k: k for k in ents}, None)

    a = profile("a", ["alice one", "bob two"])
    b = profile("b", ["carol three", "dan four"])
    c = profile("c", ["alice one", "bob two", "erin five"])
    groups = StorylineBuilder().group([a, b, c])
    assert groups == [[0, 2]]
