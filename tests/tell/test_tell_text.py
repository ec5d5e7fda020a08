"""Sentence splitting and date reading in zh, ar, vi, en — on lines of the real seed articles."""

from __future__ import annotations

import datetime as dt

from conftest import SEEDS

from tidings.tell.when import date_votes
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
    (zh,) = date_votes("周二(2月18日),美俄高级官员正在沙特阿拉伯首都利雅得举行会谈", pub)
    assert zh.day == dt.date(2025, 2, 18) and zh.kind == "explicit+weekday"
    (ar,) = date_votes("التقى كبار المسؤولين الروسيين والأمريكيين في المملكة العربية السعودية يوم الثلاثاء", pub)
    assert ar.day == dt.date(2025, 2, 18) and ar.kind == "weekday"
    (ar_late,) = date_votes("وقال يوم الاثنين إن كييف لن يقبل النتيجة", dt.date(2025, 2, 19))
    assert ar_late.day == dt.date(2025, 2, 17)
    (vi,) = date_votes("Ngày 12/2, Tổng thống Nga Vladimir Putin và người đồng cấp Mỹ Donald Trump đã điện đàm", pub)
    assert vi.day == dt.date(2025, 2, 12)
    (en,) = date_votes("The talks were held on February 18, 2025 in Riyadh.", None)
    assert en.day == dt.date(2025, 2, 18)
    (floating,) = date_votes("Officials met on Tuesday.", None)
    assert floating.day is None and floating.weekday == 1
    (dec,) = date_votes("12月30日,双方通话。", dt.date(2025, 1, 2))
    assert dec.day == dt.date(2024, 12, 30)  # a late-December date read in January is last year's


def test_date_ranges_give_a_span() -> None:
    pub = dt.date(2025, 2, 20)
    (zh,) = date_votes("2月18日至20日,各方在利雅得举行会谈。", pub)
    assert (zh.day, zh.end) == (dt.date(2025, 2, 18), dt.date(2025, 2, 20))
    (en,) = date_votes("The summit ran 18-20 February in Riyadh.", pub)
    assert (en.day, en.end) == (dt.date(2025, 2, 18), dt.date(2025, 2, 20))
    (single,) = date_votes("On February 18, 2025, 300 people met.", pub)
    assert single.end is None


def test_event_dates_in_every_language_the_date_grammar_reads() -> None:
    """The card's "when" reads dates with the read stage's grammar: French, German, Russian, Spanish too."""
    pub = dt.date(2025, 2, 20)
    (fr,) = date_votes("Les délégations se sont réunies le mardi 18 février à Riyad.", pub, "fr")
    assert fr.day == dt.date(2025, 2, 18) and fr.kind == "explicit+weekday"
    (de,) = date_votes("Die Gespräche fanden am 18. Februar 2025 in Riad statt.", pub, "de")
    assert de.day == dt.date(2025, 2, 18) and de.kind == "explicit"
    (ru,) = date_votes("Переговоры прошли во вторник в Эр-Рияде.", pub, "ru")
    assert ru.day == dt.date(2025, 2, 18) and ru.kind == "weekday"
    (es,) = date_votes("La cumbre se celebró del 18 al 20 de febrero en Riad.", pub, "es")
    assert (es.day, es.end) == (dt.date(2025, 2, 18), dt.date(2025, 2, 20))
    (ar,) = date_votes("عقد الاجتماع في ١٨ فبراير في الرياض", pub, "ar")  # Eastern Arabic digits
    assert ar.day == dt.date(2025, 2, 18)
    (vi,) = date_votes("Hôm 18/2, hai phái đoàn đã gặp nhau tại Riyadh.", pub, "vi")
    assert vi.day == dt.date(2025, 2, 18)
    assert date_votes("Die Umwelt, russisch окружающая среда, ist ein Thema.", pub, "ru") == []
