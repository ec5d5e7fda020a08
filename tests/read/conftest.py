"""Shared fixtures for the read-stage tests: the five seeds, read once per session."""

from __future__ import annotations

from pathlib import Path

import pytest

from tidings.article import Article, RawDocument
from tidings.read import article_from_raw, read_pipeline

SEEDS = Path(__file__).resolve().parents[2] / "examples" / "seeds"


@pytest.fixture(scope="session")
def seeds() -> dict[str, Article]:
    """The seeds through the whole read pipeline, keyed "000" … "004"."""
    pipeline = read_pipeline()
    out = {}
    for path in sorted(SEEDS.glob("*.txt")):
        doc = RawDocument(uri=str(path), text=path.read_text(encoding="utf-8"), format="text")
        out[path.name[:3]] = pipeline(article_from_raw(doc))
    return out
