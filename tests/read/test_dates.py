"""Publication dates: the date patterns, year inference, the never-future rule, and the seeds."""

from __future__ import annotations

import datetime as dt

import pytest

from tidings.article import Article, Block, Field
from tidings.read.dates import DateFinder, infer_year, parse_declared
from tidings.text.dates import find_dates, find_years

NOW = dt.datetime(2026, 11, 23, 12, 0)


def _article(*blocks: tuple[str, str] | tuple[str, str, str], lang: str = "en", **meta: object) -> Article:
    art = Article(id="t", uri="test", raw_text="", meta=dict(meta))
    art.blocks = [Block(b[1], b[0], b[2] if len(b) > 2 else None) for b in blocks]  # type: ignore[misc]
    art.lang = Field(lang, "test", 1.0)
    return art


def _date(value: dt.date | None) -> dt.date | None:
    return value.date() if isinstance(value, dt.datetime) else value


# -- patterns -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        ("WASHINGTON, Feb. 18, 2025 — The talks", "en", (2025, 2, 18)),
        ("Published February 18 2025 at noon", "en", (2025, 2, 18)),
        ("Updated 18 February 2025", "en", (2025, 2, 18)),
        ("Publié le 18 février 2025 à 10h", "fr", (2025, 2, 18)),
        ("Stand: 18. Februar 2025", "de", (2025, 2, 18)),
        ("Madrid, 18 de febrero de 2025", "es", (2025, 2, 18)),
        ("Москва, 18 февраля 2025 г.", "ru", (2025, 2, 18)),
        ("الرياض في 18 فبراير 2025", "ar", (2025, 2, 18)),
        ("دمشق ١٨ شباط ٢٠٢٥", "ar", (2025, 2, 18)),
        ("Hà Nội, ngày 18 tháng 2 năm 2025", "vi", (2025, 2, 18)),
        ("Cập nhật 18/02/2025 09:00", "vi", (2025, 2, 18)),
        ("Posted 02/18/2025", "en", (2025, 2, 18)),
        ("新华社利雅得2025年2月18日电", "zh", (2025, 2, 18)),
        ("بتاريخ:2025-02-18 18:10:00", "ar", (2025, 2, 18)),
    ],
)
def test_full_dates_in_many_languages(text: str, lang: str, expected: tuple[int, int, int]) -> None:
    found = [m for m in find_dates(text, lang) if m.year is not None]
    assert found, text
    assert (found[0].year, found[0].month, found[0].day) == expected


def test_dates_without_year_keep_their_weekday() -> None:
    (zh,) = find_dates("周二(2月18日),美俄高级官员正在会谈")
    assert (zh.year, zh.month, zh.day, zh.weekday) == (None, 2, 18, 1)
    (en,) = find_dates("RIYADH, Tuesday, Feb. 18 (AP) — Talks", "en")
    assert (en.month, en.day, en.weekday) == (2, 18, 1)
    (vi,) = find_dates("Ngày 12/2, Tổng thống Nga", "vi")
    assert (vi.year, vi.month, vi.day) == (None, 2, 12)


def test_time_is_kept() -> None:
    (m,) = find_dates("2025-02-18 00:25:51 · example.com")
    assert m.resolve() == dt.datetime(2025, 2, 18, 0, 25, 51)


def test_numbers_that_are_not_dates() -> None:
    assert find_dates("损失约3,000亿美元; 1,5 giờ; score 3-0; 18 out of 20 people", "en") == []


def test_year_cues() -> None:
    years = {y.year: y for y in find_years("有效期至2026年2月5日。上一次会议于2021年10月举行。")}
    assert years[2026].cue == "future" and years[2026].with_month
    assert years[2021].cue == "" and years[2021].with_month
    assert find_years("The treaty expires in February 2026")[0].cue == "future"
    assert find_years("relations have soured since 2014")[0].cue == "past"


# -- year inference ---------------------------------------------------------------------


def test_weekday_pins_the_year() -> None:
    (m,) = find_dates("周二(2月18日)")
    year, conf, _ = infer_year(m, [], NOW.date(), 1990) or (0, 0.0, "")
    assert year == 2025 and conf >= 0.6
    (m,) = find_dates("Tuesday, Feb. 18", "en")
    assert (infer_year(m, [], NOW.date(), 1990) or (0,))[0] == 2025


@pytest.mark.parametrize(
    ("body", "lang"),
    [
        ("11月11日，副外长证实将举行磋商。条约有效期至2026年2月5日。上一次会议于2021年10月举行。", "zh"),
        (
            "Nov. 11 — The minister confirmed talks. The treaty runs until February 2026. "
            "It is the first session since October 2021.",
            "en",
        ),
        (
            "11 ноября замминистра подтвердил переговоры. Договор действует до февраля 2026 года. "
            "Это первая сессия с октября 2021 года.",
            "ru",
        ),
    ],
)
def test_past_and_future_years_bound_the_year(body: str, lang: str) -> None:
    art = DateFinder(now=NOW)(_article(("title", "Talks"), ("body", body), lang=lang))
    assert art.published is not None
    assert art.published.value == dt.date(2022, 11, 11)
    assert art.published.source == "inferred-year"
    assert art.published.confidence < 0.6


def test_copyright_year_is_no_evidence() -> None:
    art = DateFinder(now=NOW)(
        _article(
            ("body", "11月11日，副外长证实将举行磋商。上一次会议于2021年10月举行。"),
            ("footer", "联系我们隐私协议©2024 example.news", "copyright"),
            ("footer", "Copyright 2024 Example Media"),
            lang="zh",
        )
    )
    assert art.published is not None and art.published.value == dt.date(2022, 11, 11)


def test_without_clues_the_most_recent_past_date() -> None:
    art = DateFinder(now=dt.datetime(2025, 6, 1))(_article(("body", "12月25日，市民庆祝圣诞。"), lang="zh"))
    assert art.published is not None
    assert art.published.value == dt.date(2024, 12, 25)
    assert art.published.confidence <= 0.3


# -- never future, never a list ---------------------------------------------------------


def test_never_a_future_date() -> None:
    finder = DateFinder(now=dt.datetime(2025, 3, 1))
    art = finder(_article(("header", "2031-05-01 · example.com"), ("body", "Text.")))
    assert art.published is None
    art = finder(_article(("body", "Text."), published="2030-01-01T00:00:00Z"))
    assert art.published is None
    art = finder(_article(("header", "Feb. 18, 2025"), ("body", "Text."), published="2030-01-01"))
    assert art.published is not None and art.published.value == dt.date(2025, 2, 18)
    assert art.published.source == "header-dateline"


def test_never_a_date_from_a_related_list() -> None:
    art = DateFinder(now=NOW)(
        _article(
            ("body", "Trước đó, ông Peskov khẳng định."),
            ("boilerplate", "Tin cùng chuyên mục", "related"),
            ("body", "- Châu Âu trải qua 5 mùa hè nóng nhất 20.07.2022 | 11:00 AM"),
            ("boilerplate", "- 10 năm sau thảm họa kép 11.03.2021 | 09:43 AM", "link-list"),
            lang="vi",
        )
    )
    assert art.published is None


# -- metadata ---------------------------------------------------------------------------


def test_declared_dates_win_and_are_parsed() -> None:
    finder = DateFinder(now=NOW)
    art = finder(_article(("header", "2025-02-17"), ("body", "x"), published="Tue, 18 Feb 2025 10:00:00 +0000"))
    assert art.published is not None and art.published.source == "meta"
    assert _date(art.published.value) == dt.date(2025, 2, 18) and art.published.confidence > 0.9
    art = finder(_article(("body", "x"), published="not a date", html={"date": "2025-02-18"}))
    assert art.published is not None and art.published.source == "html-meta"
    assert parse_declared("2025-02-18T10:00:00Z") == dt.datetime(2025, 2, 18, 10, tzinfo=dt.UTC)


def test_warc_date_is_an_upper_bound_and_a_weak_fallback() -> None:
    finder = DateFinder(now=NOW)
    art = finder(_article(("header", "March 3, 2025"), ("body", "x"), warc_date="2025-02-20T08:00:00Z"))
    assert art.published is not None and art.published.source == "warc-date"
    assert art.published.confidence <= 0.3
    art = finder(_article(("header", "Feb. 18, 2025"), ("body", "x"), warc_date="2025-02-20T08:00:00Z"))
    assert art.published is not None and art.published.value == dt.date(2025, 2, 18)


# -- the seeds --------------------------------------------------------------------------


def test_seed_dates(seeds_read: dict[str, Article]) -> None:
    for key in ("000", "004"):
        field = seeds_read[key].published
        assert field is not None and _date(field.value) == dt.date(2025, 2, 18), key
    assert seeds_read["000"].published.source == "header-dateline"  # type: ignore[union-attr]
    assert seeds_read["004"].published.source == "footer-first-published"  # type: ignore[union-attr]
    assert seeds_read["001"].published is not None
    assert seeds_read["001"].published.value == dt.date(2022, 11, 11)
    assert seeds_read["001"].published.source == "inferred-year"
    for key in ("002", "003"):
        field = seeds_read[key].published
        if field is not None:
            assert (field.value.year, field.value.month) == (2025, 2), key


def test_a_date_inside_prose_is_no_dateline() -> None:
    art = DateFinder(now=NOW)(_article(("body", "In a Nov. 5 letter, the doctors pleaded with the administration.")))
    assert art.published is None
    art = DateFinder(now=NOW)(_article(("body", "MOSCOW, Nov. 5 (Reuters) - Russia said on Tuesday.")))
    assert art.published is not None and (art.published.value.month, art.published.value.day) == (11, 5)


def test_a_future_year_caps_the_inferred_year() -> None:
    art = DateFinder(now=NOW)(
        _article(("header", "Nov 18"), ("body", "The service will arrive in early 2020, the company said."))
    )
    assert art.published is not None and art.published.value == dt.date(2019, 11, 18)


def test_bulleted_byline_date_is_kept_but_a_listed_headline_date_is_not() -> None:
    art = DateFinder(now=NOW)(_article(("header", "- Nov. 18th 2019 8:54 am PT"), ("body", "Text.")))
    assert art.published is not None and _date(art.published.value) == dt.date(2019, 11, 18)
    art = DateFinder(now=NOW)(
        _article(("header", "- Europe sees its hottest summers 20.07.2022 | 11:00 AM"), ("body", "x"))
    )
    assert art.published is None


def test_unix_timestamps_are_read() -> None:
    assert _date(parse_declared(1739836800)) == dt.date(2025, 2, 18)
    assert _date(parse_declared(1739836800000)) == dt.date(2025, 2, 18)


def test_korean_dates_and_weekday_resolved_day_month_order() -> None:
    (ko,) = find_dates("서울 2025년 2월 18일 오전")
    assert (ko.year, ko.month, ko.day) == (2025, 2, 18)
    # 3 February 2025 was a Monday: the weekday overrides the English month-first reading.
    (m,) = find_dates("Monday, 03/02/2025", "en")
    assert (m.month, m.day, m.weekday) == (2, 3, 0)


def test_ignored_metadata_is_explained() -> None:
    art = DateFinder(now=dt.datetime(2025, 3, 1))(
        _article(("header", "Feb. 18, 2025"), ("body", "x"), published="2030-01-01")
    )
    assert art.published is not None and "ignored" in (art.published.evidence or "")


def test_publication_date_beats_update_date() -> None:
    art = DateFinder(now=NOW)(_article(("header", "Updated Nov. 20, 2019 | Published Nov. 19, 2019"), ("body", "x")))
    assert art.published is not None and art.published.value == dt.date(2019, 11, 19)


def test_a_dateline_one_time_zone_ahead_of_the_capture_is_kept() -> None:
    art = DateFinder(now=NOW)(
        _article(("header", "2025-02-19 04:00 · example.cn"), ("body", "x"), warc_date="2025-02-18T20:00:00Z")
    )
    assert art.published is not None and art.published.source == "header-dateline"


def test_relative_dates_count_back_from_the_capture() -> None:
    art = DateFinder(now=NOW)(
        _article(("header", "Suzanne Gamboa · 1 day ago"), ("body", "x"), warc_date="2019-11-20T15:00:00Z")
    )
    assert art.published is not None and art.published.source == "relative-to-capture"
    assert art.published.value == dt.date(2019, 11, 19)
    art = DateFinder(now=NOW)(_article(("header", "3 hours ago"), ("body", "x")))
    assert art.published is None  # without a capture time "ago" means nothing


def test_turkish_and_polish_month_names() -> None:
    assert [(m.month, m.day) for m in find_dates("27 Şubat 2020 Perşembe")] == [(2, 27)]
    assert [(m.month, m.day) for m in find_dates("Warszawa, 12 kwietnia 2021")] == [(4, 12)]
    assert [m.month for m in find_dates("5 nisan 2020")] == [4]
