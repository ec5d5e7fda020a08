"""The event catalog: built once, then kept fresh by the store's change numbers alone.

Every test checks the catalog against what a fresh build of the same store says, so following
changes never drifts from reading everything again.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import CAIRO, RIYADH, copy_store, seed_ids

from tidings.article import Event
from tidings.store import Store, open_store
from tidings.views.catalog import Catalog, EventFilter, decode_cursor


@pytest.fixture
def store(seed_db: Path, tmp_path: Path) -> Store:
    return open_store(str(copy_store(seed_db, tmp_path / "c.db")))


def rows(catalog: Catalog, **where: object) -> list[tuple[str, int]]:
    page = catalog.page(EventFilter(**where), "size", limit=100)  # type: ignore[arg-type]
    return [(e.row.id, e.row.articles) for e in page.entries]


def test_a_built_catalog_lists_live_events(store: Store) -> None:
    catalog = Catalog.build(store)
    assert len(catalog) == 2 and rows(catalog) == [(RIYADH, 4), (CAIRO, 1)]  # the merged ev-old is left out
    assert rows(catalog, lang="vi") == [(RIYADH, 4)]
    assert rows(catalog, min_articles=2) == [(RIYADH, 4)]
    assert rows(catalog, only=frozenset([CAIRO])) == [(CAIRO, 1)]
    ids = seed_ids(store)
    assert catalog.event_of(ids["001"]) == CAIRO and catalog.events_of(ids.values()) == {RIYADH: 4, CAIRO: 1}
    recent = catalog.page(sort="recent").entries
    assert [e.row.id for e in recent] == [RIYADH, CAIRO]  # 004 (Riyadh) was stored last


def test_refresh_follows_new_moved_and_merged_events(store: Store) -> None:
    catalog = Catalog.build(store, min_refresh_s=0)
    assert catalog.refresh(store) == set()  # nothing changed
    ids = seed_ids(store)
    # Cairo's article moves into a new event; Riyadh loses 004 to it; the old Cairo event is merged away
    store.put_record("event", "ev-new", Event("ev-new", [ids["001"], ids["004"]], "t1", "t1").to_dict())
    store.put_record("event", RIYADH, Event(RIYADH, [ids[k] for k in ("000", "002", "003")], "t0", "t1").to_dict())
    store.put_record("event", CAIRO, Event(CAIRO, [ids["001"]], "t0", "t1", merged_into="ev-new").to_dict())
    store.commit()
    assert catalog.refresh(store) == {"ev-new", RIYADH, CAIRO}
    assert rows(catalog) == [(RIYADH, 3), ("ev-new", 2)]
    assert catalog.event_of(ids["004"]) == "ev-new" and catalog.event_of(ids["001"]) == "ev-new"
    fresh = Catalog.build(store)
    assert [(e.row, e.article_ids) for e in fresh.page(limit=10).entries] == [
        (e.row, e.article_ids) for e in catalog.page(limit=10).entries]
    assert catalog.get(RIYADH).revision > fresh.get(RIYADH).revision - 1  # type: ignore[union-attr]


def test_refresh_is_rate_limited_unless_forced(store: Store) -> None:
    catalog = Catalog.build(store, min_refresh_s=3600)
    store.put_record("event", "ev-x", Event("ev-x", [seed_ids(store)["001"]], "t", "t").to_dict())
    store.commit()
    assert catalog.refresh(store) == set() and catalog.get("ev-x") is None
    assert catalog.refresh(store, force=True) == {"ev-x"} and catalog.get("ev-x") is not None


def test_cursors_page_through_a_sort_and_refuse_forgeries(store: Store) -> None:
    ids = seed_ids(store)
    for n, key in enumerate(ids):  # one event per article, besides the two
        store.put_record("event", f"ev-single-{n}", Event(f"ev-single-{n}", [ids[key]], "t", "t").to_dict())
    store.commit()
    catalog = Catalog.build(store)
    seen, after = [], None
    while True:
        page = catalog.page(sort="size", after=after, limit=2)
        seen += [e.row.id for e in page.entries]
        after = page.next
        if after is None:
            break
    assert seen == [e.row.id for e in catalog.page(sort="size", limit=100).entries] and len(seen) == 7
    assert len(set(seen)) == 7
    with pytest.raises(ValueError, match="cursor"):
        catalog.page(after="!!not base64!!")
    with pytest.raises(ValueError, match="cursor"):
        decode_cursor("e30")  # base64 of "{}": JSON, but not a cursor
    with pytest.raises(ValueError, match="sort"):
        catalog.page(sort="sideways")
