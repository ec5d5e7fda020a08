"""Ingest tunes the garbage collector for its run only: settings are restored afterwards."""

from __future__ import annotations

import gc
from pathlib import Path

from conftest import SEEDS

from tidings.api import ingest
from tidings.options import Options


def test_ingest_restores_gc_settings(tmp_path: Path) -> None:
    before = gc.get_threshold()
    report = ingest([SEEDS], Options(db=str(tmp_path / "t.db"), workers=0), progress=False)
    assert report.new == 5
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0  # nothing left in the permanent generation
