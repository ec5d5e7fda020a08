"""The two tokenisers: grouping's hashed terms (frozen: saved state is counted over them) and card tokens."""

from __future__ import annotations

from collections import Counter

import pytest

from tidings.text.tokens import N_BUCKETS, bigrams, cosine, hashed_terms, word_counts


def test_grouping_terms_are_frozen() -> None:
    # The clusterer saves document frequencies per bucket: these values must never change.
    assert hashed_terms("Rubio met Lavrov in 利雅得 서울에서") == [
        139189, 247053, 67142, 214962, 55959, 46229, 160730, 104681
    ]
    assert all(0 <= t < N_BUCKETS for t in hashed_terms("ภาษาไทย ｆｕｌｌ　ｗｉｄｔｈ"))
    # stop words, one-letter words and bare numbers are not terms; full-width letters fold (NFKC)
    assert hashed_terms("The 2025 a of") == []
    assert hashed_terms("ＲＵＢＩＯ") == hashed_terms("rubio")


def test_card_tokens_are_words_and_han_kana_bigrams() -> None:
    assert word_counts("Rubio and Lavrov met in 利雅得; Rubio left.") == Counter(
        {"rubio": 2, "and": 1, "lavrov": 1, "met": 1, "left": 1, "利雅": 1, "雅得": 1}
    )
    # Hangul is cut into bigrams for grouping only (see the module docstring)
    assert word_counts("서울에서") == Counter({"서울에서": 1})
    assert list(bigrams("利")) == ["利"]


def test_cosine() -> None:
    a, b = word_counts("talks in Riyadh"), word_counts("Riyadh talks resume")
    assert cosine(a, a) == pytest.approx(1.0)
    assert 0.0 < cosine(a, b) < 1.0
    assert cosine(a, Counter()) == 0.0
