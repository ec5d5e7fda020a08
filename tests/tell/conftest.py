from __future__ import annotations

from collections.abc import Iterator

import pytest
from seedstore import build_seed_store

from tidings.store import Store


@pytest.fixture(scope="session")
def seed_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    store = build_seed_store(tmp_path_factory.mktemp("seeds") / "seeds.db")
    yield store
    store.close()
