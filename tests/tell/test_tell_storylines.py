"""Storylines: stories that continue. The seeds' 2022 Cairo consultations and 2025 Riyadh talks share
Lavrov and Putin but are two rounds of talks 27 months apart: related, not one storyline.

Reading storylines never writes: they are read from the store, or computed in memory when none
are saved; only ``rebuild_storylines`` saves them.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import CAIRO, RIYADH, SEED_FILES, copy_store

from tidings import api
from tidings.group.storylines import EventProfile, StorylineBuilder
from tidings.options import Options
from tidings.store import Store, open_store
from tidings.tell import threads
from tidings.tell.cards import build_card
from tidings.tell.report import write_report
from tidings.tell.threads import (
    build_threads,
    get_storyline,
    load_storylines,
    load_threads,
    rebuild_storylines,
)
from tidings.views.events import UnknownId


def test_cairo_and_riyadh_are_related_not_one_storyline(seed_store: Store) -> None:
    threads = build_threads(seed_store)
    assert threads.storylines == []
    assert len(threads.related) == 1
    rel = threads.related[0]
    assert rel.event_ids == (CAIRO, RIYADH)  # in date order: Nov 2022, then Feb 2025
    assert rel.dates == ("2022-11-11", "2025-02-18")
    assert any("lavrov" in name.lower() for name in rel.shared)
    assert "same kind (talks)" in rel.reason and "830 days apart" in rel.reason  # the Cairo year is inferred
    assert load_threads(seed_store).related == threads.related
    with pytest.raises(UnknownId):
        get_storyline(seed_store, "st-")  # shorter than the prefix floor


def test_reading_storylines_and_writing_the_report_never_write_the_store(seed_db: Path, tmp_path: Path) -> None:
    db = copy_store(seed_db, tmp_path / "copy.db")
    with open_store(str(db), read_only=True) as store:  # any write would fail here
        assert load_storylines(store) == []
        assert [r.event_ids for r in load_threads(store).related] == [(CAIRO, RIYADH)]
        page = write_report(store, tmp_path / "r.html").read_text(encoding="utf-8")
        assert "Storylines (0)" in page and "Related events, another story each (1)" in page
        assert "830 days apart" in page
    with open_store(str(db)) as store:
        assert list(store.iter_records("storyline")) == []
        assert list(store.iter_records("related")) == []


def test_rebuild_saves_what_readers_then_read(seed_db: Path, tmp_path: Path) -> None:
    db = copy_store(seed_db, tmp_path / "copy.db")
    with open_store(str(db)) as store:
        built = rebuild_storylines(store)
        related = build_threads(store).related
    with open_store(str(db), read_only=True) as store:
        assert [k for k, _ in store.iter_records("storyline")] == [s.id for s in built]
        assert [s.to_dict() for s in load_storylines(store)] == [s.to_dict() for s in built]
        assert load_threads(store).related == related
        card = build_card(store, RIYADH, "en")  # the card reads its related events from the saved ones
        assert [(r.event_id, r.date) for r in card.related] == [(CAIRO, "2022-11-11")]
        assert "830 days apart" in card.related[0].reason


def _profile(eid: str, people: list[str], date: str | None = "2025-02-18", kind: str | None = None) -> EventProfile:
    ents = {"united states": 1.0, "russia": 1.0, **{p: 1.0 for p in people}}
    labels = {k: ("GPE" if k in ("united states", "russia") else "PERSON") for k in ents}
    return EventProfile(eid, ents, labels, {k: k for k in ents}, date, kind=kind, date_confidence=0.9 if date else 0.0)


def test_a_story_continues_close_in_time_or_along_a_progression() -> None:
    people = ["alice one", "bob two"]
    builder = StorylineBuilder()
    # days apart: one story
    assert builder.group([_profile("a", people, "2025-02-18"), _profile("b", people, "2025-03-10")]) == [[0, 1]]
    # same kind years apart: related, not one story
    pair = [_profile("a", people, "2022-11-11", "talks"), _profile("b", people, "2025-02-18", "talks")]
    assert builder.group(pair) == []
    sims = builder.similar_pairs(pair)
    assert [r.reason for r in builder.related(pair, sims, [])] == ["same kind (talks), 830 days apart"]
    # a crime and its trial a year and a half later: one story, in that order only
    crime = [_profile("a", people, "2011-10-21", "shooting"), _profile("b", people, "2013-04-11", "trial")]
    assert builder.group(crime) == [[0, 1]]
    assert builder.continues(*crime) == (True, "shooting → trial, 538 days apart")
    backwards = [_profile("a", people, "2011-10-21", "trial"), _profile("b", people, "2013-04-11", "shooting")]
    assert builder.group(backwards) == []
    # undated events: nothing shows the story continues
    assert builder.group([_profile("a", people, None), _profile("b", people, None)]) == []


def test_events_sharing_only_countries_stay_apart() -> None:
    a = _profile("a", ["alice one", "bob two"])
    b = _profile("b", ["carol three", "dan four"])
    c = _profile("c", ["alice one", "bob two", "erin five"])
    groups = StorylineBuilder().group([a, b, c])
    assert groups == [[0, 2]]


def test_a_rebuild_reads_only_the_events_that_changed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each event's profile source is saved under its articles' digest: a rebuild reads no event that
    did not change, and builds what reading every event builds."""
    db = str(tmp_path / "seeds.db")
    api.ingest([str(p) for p in SEED_FILES[:4]], Options(db=db), progress=False)  # 004 (Riyadh, ar) comes later
    read: list[str] = []
    real = threads.load_event

    def counted(store: Store, event_id: str, **kwargs: object) -> object:
        read.append(event_id)
        return real(store, event_id, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(threads, "load_event", counted)
    with open_store(db) as store:
        rebuild_storylines(store)
        assert read == []  # the ingest run saved every event's source
    api.ingest([str(SEED_FILES[4])], Options(db=db), progress=False)
    with open_store(db) as store:
        riyadh = max(api.list_events(store), key=lambda r: r.articles)
        assert riyadh.articles == 4 and read == [riyadh.id]  # the one event 004 joined, read once
        built = build_threads(store)
        for key, _value in list(store.iter_records(threads.SOURCE_KIND)):
            store.delete_record(threads.SOURCE_KIND, key)
        assert build_threads(store) == built  # every event read again: the same storylines and related events
