"""Storylines on the seeds: the 2022 Cairo consultations and the 2025 Riyadh talks are one thread."""

from __future__ import annotations

from conftest import CAIRO, RIYADH

from tidings.group.storylines import (
    EventProfile,
    StorylineBuilder,
    build_storylines,
    get_storyline,
    load_storylines,
)
from tidings.store import Store


def test_cairo_and_riyadh_share_a_storyline(seed_store: Store) -> None:
    storylines = build_storylines(seed_store)
    assert len(storylines) == 1
    story = storylines[0]
    assert story.event_ids == [CAIRO, RIYADH]  # in date order: Nov 2022, then Feb 2025
    assert any("lavrov" in name.lower() for name in story.entities)
    assert story.title
    assert [s.id for s in load_storylines(seed_store)] == [story.id]
    assert get_storyline(seed_store, story.id[:8]).event_ids == story.event_ids


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
