"""The read benchmark runs end to end on a small corpus and ends with its headline line."""

from __future__ import annotations

import pytest

from tidings.eval import bench_read


@pytest.mark.slow
def test_bench_read_smoke() -> None:
    lines: list[str] = []
    result = bench_read.main(n=40, echo=lines.append)
    assert result["articles"] == 40 and result["failed"] == 0
    assert lines[-1] == f"articles_per_s={result['articles_per_s']}"
    assert set(result["breakdown_ms_per_article"]) >= {"read files", "article ids", "clean", "store"}


def test_corpus_texts_are_distinct_and_real() -> None:
    texts = bench_read.real_texts()
    assert len(texts) > 2500 and len(set(texts)) == len(texts)
