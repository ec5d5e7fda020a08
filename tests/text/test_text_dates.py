"""The one date grammar's parts that tell uses: weekdays on their own, day ranges, a year from an anchor."""

from __future__ import annotations

import datetime as dt

from tidings.text.dates import day_range, find_dates, find_weekdays


def test_weekdays_on_their_own() -> None:
    assert [w.weekday for w in find_weekdays("Officials met on Tuesday and again on Friday.", "en")] == [1, 4]
    assert [w.weekday for w in find_weekdays("والتقى الوفدان يوم الثلاثاء والأربعاء", "ar")] == [1, 2]
    assert [w.weekday for w in find_weekdays("Hôm thứ Ba và thứ 5, hai bên gặp nhau", "vi")] == [1, 3]
    assert [w.weekday for w in find_weekdays("周二和星期四", "zh")] == [1, 3]
    # abbreviations and names that are common words are weekdays only right before a date
    assert find_weekdays("The sun sat low; they wed in May.", "en") == []
    assert find_weekdays("окружающая среда", "ru") == []
    (ru,) = find_dates("в среду, 19 февраля 2025 года", "ru")
    assert ru.weekday == 2 and ru.text.startswith("среду")


def test_day_ranges() -> None:
    text = "The summit ran 18-20 February in Riyadh."
    (m,) = find_dates(text, "en")
    assert (m.day, m.month) == (20, 2)
    assert day_range(text, m, dt.date(2025, 2, 20), 31) == (dt.date(2025, 2, 18), dt.date(2025, 2, 20))
    # "COVID-19 March" is not 19 March
    assert find_dates("COVID-19 March madness", "en") == []


def test_weekday_in_brackets_and_year_from_the_anchor() -> None:
    (m,) = find_dates("周二(2月18日),美俄高级官员正在会谈")
    assert m.text == "周二(2月18日)" and m.weekday == 1
    (dec,) = find_dates("12月30日,双方通话。")
    assert dec.day_near(dt.date(2025, 1, 2)) == dt.date(2024, 12, 30)
    assert dec.day_near(None) is None
    (leap,) = find_dates("29 February 2023")
    assert leap.day_near(dt.date(2023, 3, 1)) is None
