"""Script detection on the seeds: one set of named ranges answers "is this Chinese?" for every stage."""

from __future__ import annotations

from conftest import SEEDS

from tidings.text.scripts import BIGRAM_RUN, CJK_CHAR, EAST_ASIAN_CHAR, count_scripts, has_han, is_cjk_text


def _seed(prefix: str) -> str:
    return next(SEEDS.glob(f"{prefix}_*.txt")).read_text(encoding="utf-8")


def test_seed_scripts() -> None:
    zh, vi, ar = _seed("000"), _seed("002"), _seed("003")
    assert is_cjk_text(zh) and not is_cjk_text(vi) and not is_cjk_text(ar)
    assert count_scripts(zh).most_common(1)[0][0] == "Hani"
    assert count_scripts(ar).most_common(1)[0][0] == "Arab"
    assert count_scripts(vi).most_common(1)[0][0] == "Latn"
    assert count_scripts("abc абв 中文")["Cyrl"] == 3
    assert has_han(zh[:200]) and not has_han(vi)


def test_named_sets_differ_on_purpose() -> None:
    # Hangul and Thai are cut into bigrams by grouping, but are not "CJK" to the layout cues
    assert BIGRAM_RUN.fullmatch("서울") and BIGRAM_RUN.fullmatch("ไทย")
    assert not CJK_CHAR.search("서울ไทย")
    # full-width forms and CJK punctuation count only for judging a decoding
    assert EAST_ASIAN_CHAR.match("，") and not CJK_CHAR.match("，")
