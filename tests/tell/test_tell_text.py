"""Sentence splitting and date reading in zh, ar, vi, en — on lines of the real seed articles."""

from __future__ import annotations

import datetime as dt

from conftest import SEEDS

from tidings.tell.when import find_dates
from tidings.text.sentences import split_sentences


def _seed(prefix: str) -> str:
    return next(SEEDS.glob(f"{prefix}_*.txt")).read_text(encoding="utf-8")


def test_chinese_sentences_keep_closing_quotes() -> None:
    text = (
        "在会谈前,德米特里耶夫说,川普是一位“问题解决者”。"
        "荷兰首相斯科夫表示:“每个人都感受到了巨大的紧迫感。”他表示,欧洲需要做出贡献。"
    )
    sents = [s.text for s in split_sentences(text, "zh")]
    assert sents == [
        "在会谈前,德米特里耶夫说,川普是一位“问题解决者”。",
        "荷兰首相斯科夫表示:“每个人都感受到了巨大的紧迫感。”",
        "他表示,欧洲需要做出贡献。",
    ]


def test_arabic_vietnamese_english_sentences_are_verbatim() -> None:
    for prefix, lang in (("002", "vi"), ("003", "ar"), ("004", "ar")):
        text = _seed(prefix)
        sents = split_sentences(text, lang)
        assert len(sents) > 5
        assert all(s.text in text for s in sents)
    en = split_sentences("Mr. Smith met the U.S. envoy on Tuesday. They agreed on three goals. Talks end.", "en")
    assert [s.text for s in en] == ["Mr. Smith met the U.S. envoy on Tuesday.", "They agreed on three goals."]


def test_dates_in_four_languages() -> None:
    pub = dt.date(2025, 2, 18)
    (zh,) = find_dates("周二(2月18日),美俄高级官员正在沙特阿拉伯首都利雅得举行会谈", pub)
    assert zh.day == dt.date(2025, 2, 18) and zh.kind == "explicit+weekday"
    (ar,) = find_dates("التقى كبار المسؤولين الروسيين والأمريكيين في المملكة العربية السعودية يوم الثلاثاء", pub)
    assert ar.day == dt.date(2025, 2, 18) and ar.kind == "weekday"
    (ar_late,) = find_dates("وقال يوم الاثنين إن كييف لن يقبل النتيجة", dt.date(2025, 2, 19))
    assert ar_late.day == dt.date(2025, 2, 17)
    (vi,) = find_dates("Ngày 12/2, Tổng thống Nga Vladimir Putin và người đồng cấp Mỹ Donald Trump đã điện đàm", pub)
    assert vi.day == dt.date(2025, 2, 12)
    (en,) = find_dates("The talks were held on February 18, 2025 in Riyadh.", None)
    assert en.day == dt.date(2025, 2, 18)
    (floating,) = find_dates("Officials met on Tuesday.", None)
    assert floating.day is None and floating.weekday == 1
    (dec,) = find_dates("12月30日,双方通话。", dt.date(2025, 1, 2))
    assert dec.day == dt.date(2024, 12, 30)  # a late-December date read in January is last year's


def test_date_ranges_give_a_span() -> None:
    pub = dt.date(2025, 2, 20)
    (zh,) = find_dates("2月18日至20日,各方在利雅得举行会谈。", pub)
    assert (zh.day, zh.end) == (dt.date(2025, 2, 18), dt.date(2025, 2, 20))
    (en,) = find_dates("The summit ran 18-20 February in Riyadh.", pub)
    assert (en.day, en.end) == (dt.date(2025, 2, 18), dt.date(2025, 2, 20))
    (single,) = find_dates("On February 18, 2025, 300 people met.", pub)
    assert single.end is None
