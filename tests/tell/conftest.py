from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from seedstore import build_seed_store

from tidings.store import Store


@pytest.fixture(scope="session")
def seed_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Path of a store holding the seeds and their two hand-written events."""
    db = tmp_path_factory.mktemp("seeds") / "seeds.db"
    build_seed_store(db).close()
    return db


@pytest.fixture(scope="session")
def seed_store(seed_db: Path) -> Iterator[Store]:
    from tidings.store import open_store

    store = open_store(str(seed_db))
    yield store
    store.close()
