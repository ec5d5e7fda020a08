"""The read model on the seed store: one id rule for every kind of id, one listing row.

(Kept beside the tell tests because it reads their seed store, with its hand-written events.)
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest
from conftest import CAIRO, RIYADH, seed_ids

from tidings.article import Event
from tidings.store import Store, open_store
from tidings.tell.cards import build_card, headline
from tidings.views.events import (
    MIN_PREFIX,
    UnknownId,
    list_events,
    load_event,
    match_id,
    resolve_event,
    resolve_id,
)


def test_one_id_rule_for_events_and_articles(seed_store: Store) -> None:
    assert resolve_id(seed_store, "event", RIYADH) == RIYADH
    assert resolve_id(seed_store, "event", RIYADH[:MIN_PREFIX]) == RIYADH  # "ev-r"
    assert resolve_event(seed_store, "ev-old").id == RIYADH  # a merged id leads to the event it joined
    article = seed_ids(seed_store)["001"]
    assert resolve_id(seed_store, "article", article[:MIN_PREFIX]) == article
    for kind, short in (("event", RIYADH[: MIN_PREFIX - 1]), ("article", article[: MIN_PREFIX - 1])):
        with pytest.raises(UnknownId, match="at least 4"):
            resolve_id(seed_store, kind, short)  # type: ignore[arg-type]
    with pytest.raises(UnknownId, match="no event"):
        resolve_id(seed_store, "event", "ev-nowhere")


def test_an_ambiguous_prefix_names_its_candidates() -> None:
    with pytest.raises(UnknownId, match="ambiguous: ev-ab12, ev-ab34"):
        match_id("ev-ab", ["ev-ab12", "ev-ab34"], "event")
    assert match_id("ev-ab", ["ev-ab", "ev-ab34"], "event") == "ev-ab"  # a whole id beats a longer one


def test_listing_rows_say_what_the_cards_say(seed_store: Store) -> None:
    rows = list_events(seed_store, "en", headline=headline)
    assert [r.id for r in rows] == [RIYADH, CAIRO]  # largest first; the merged-away id is not listed
    riyadh = rows[0]
    card = build_card(seed_store, RIYADH, "en")
    assert riyadh.articles == card.article_count == 4
    assert list(riyadh.languages) == card.languages == ["ar", "vi", "zh"]
    assert (riyadh.date, riyadh.where) == (card.when.start, card.where[0].name) == ("2025-02-18", "Riyadh")
    assert card.title is not None and (riyadh.title, riyadh.title_lang) == (card.title.text, card.title.lang)
    assert riyadh.first_published == riyadh.last_published == "2025-02-18"
    assert json.loads(json.dumps(riyadh.to_dict(), ensure_ascii=False))["languages"] == ["ar", "vi", "zh"]
    cheap = list_events(seed_store, limit=1)  # no chooser: counts only, no article decoded
    assert [(r.id, r.articles, r.title) for r in cheap] == [(RIYADH, 4, None)]


def test_an_article_stored_without_entities_simply_has_none(seed_store: Store, tmp_path: Path) -> None:
    seed = load_event(seed_store, CAIRO).articles[0]
    assert seed.entities  # the seeds were understood at ingest
    with open_store(str(tmp_path / "bare.db")) as store:
        store.put_article(dataclasses.replace(seed, entities=[]))
        store.put_record("event", "ev-bare", Event("ev-bare", [seed.id]).to_dict())
        store.commit()
        assert load_event(store, "ev-bare").entities == {seed.id: []}
        card = build_card(store, "ev-bare")
    assert card.who == [] and card.summary  # nothing is extracted at display time; the text is still told


def test_listing_counts_copies_as_the_card_does(seed_store: Store) -> None:
    """A copy flag needs shared content in the listing too: seeds 003 and 004 are two AP reports."""
    ids = seed_ids(seed_store)
    event = Event("ev-flags", [ids["000"], ids["003"], ids["004"]], "t0", "t0",
                  duplicates={ids["004"]: ids["003"], ids["003"]: ids["000"]})
    seed_store.put_record("event", event.id, event.to_dict())
    seed_store.commit()
    try:
        row = next(r for r in list_events(seed_store) if r.id == event.id)
        card = build_card(seed_store, event.id)
    finally:
        seed_store.delete_record("event", event.id)
        seed_store.commit()
    assert card.coverage.copies == {ids["003"]: ids["000"]}  # 003 translates 000 (another language)
    assert row.articles == 3 and row.independent == 3 - len(card.coverage.copies) == 2
