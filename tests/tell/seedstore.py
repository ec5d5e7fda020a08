"""Test helper: the five seed articles in a store, with the seeds' two events written by hand.

Only tests know which seed reports which event; product code never does.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from tidings.article import Event
from tidings.store import Store, open_store

SEEDS = Path(__file__).resolve().parents[2] / "examples" / "seeds"
RIYADH, CAIRO = "ev-riyadh", "ev-cairo"


def seed_ids(store: Store) -> dict[str, str]:
    """Seed number ("000" …) → article id."""
    return {Path(a.uri).name[:3]: a.id for a in store.iter_articles()}


def build_seed_store(db: Path) -> Store:
    from tidings.api import ingest
    from tidings.options import Options

    ingest([str(SEEDS)], Options(db=str(db), cluster=False), progress=False)
    store = open_store(str(db))
    ids = seed_ids(store)
    riyadh = Event(RIYADH, [ids[k] for k in ("000", "002", "003", "004")], "t0", "t0")
    cairo = Event(CAIRO, [ids["001"]], "t0", "t0")
    for event in (riyadh, cairo):
        store.put_record("event", event.id, event.to_dict())
    store.put_record("event", "ev-old", Event("ev-old", [], "t0", "t0", merged_into=RIYADH).to_dict())
    store.commit()
    return store


def copy_store(db: Path, target: Path) -> Path:
    """A private copy of a store, for tests that write (SQLite's backup: committed pages, WAL included)."""
    with sqlite3.connect(db) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    return target
