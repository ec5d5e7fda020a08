"""``tidings eval search``: the query rule and a small run on the SemEval-2022 dev pairs."""

from __future__ import annotations

import pytest
from conftest import SEMEVAL_DEV

from tidings.eval.search import QUERY_WORDS, evaluate, first_words


def test_first_words() -> None:
    assert first_words("one two  three\nfour", 2) == "one two"
    assert first_words("short text", 25) == "short text"
    assert first_words("美国和俄罗斯官员在利雅得举行会谈", 3) == "美国和俄罗斯"  # two Han characters a word
    assert len(first_words(" ".join(f"w{i}" for i in range(40))).split()) == QUERY_WORDS


@pytest.mark.slow
def test_a_small_run_prints_every_mode(capsys: pytest.CaptureFixture[str]) -> None:
    lines: list[str] = []
    results = evaluate(SEMEVAL_DEV, vectors="none", limit=60, echo=lines.append)
    assert set(results) == {"words (BM25 only)", "names (lexicon)", "words+names"}  # no vectors asked for
    words = results["words (BM25 only)"]
    assert words.ranks["all"] and words.recall("same") > 0.8  # same-language pairs share their words
    assert any(line.startswith("words (BM25 only)") and "recall@10" in line for line in lines)
