"""Find calendar dates written in running text, in the forms news sites use.

Hand-written regular expressions rather than ``dateparser.search``: the read step
must stay above 300 articles/s on two cores, ``search_dates`` costs tens of
milliseconds per article and happily reads "1,5" or "3-0" as dates, and we need
to know *how* a date was written (with or without a year, with a weekday, at the
start of a paragraph) to weigh it as evidence. The month-name lexicon covers
en/fr/de/es/it/pt/ru/ar/vi; numeric and CJK forms are language-neutral.

Everything here is pure text → mentions; deciding which mention is the
publication date is :mod:`tidings.read.dates`' job.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

#: Eastern Arabic, Persian and full-width digits → ASCII, one char for one char so
#: spans stay valid in the original text.
_DIGITS = str.maketrans(
    "٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹０１２３４５６７８９：／",
    "012345678901234567890123456789:/",
)

_MONTHS: dict[str, int] = {}


def _add(month: int, *names: str) -> None:
    for name in names:
        _MONTHS[name.lower()] = month


# English, French, German, Spanish, Italian, Portuguese (full names and common abbreviations).
_add(1, "january", "jan", "janvier", "janv", "januar", "jän", "enero", "ene", "gennaio", "janeiro")
_add(2, "february", "feb", "février", "fevrier", "févr", "fev", "februar", "febrero", "febbraio", "fevereiro")
_add(3, "march", "mar", "mars", "märz", "marz", "marzo", "março")
_add(4, "april", "apr", "avril", "avr", "abril", "abr", "aprile")
_add(5, "may", "mai", "mayo", "maggio", "maio")
_add(6, "june", "jun", "juin", "juni", "junio", "giugno", "junho")
_add(7, "july", "jul", "juillet", "juil", "juli", "julio", "luglio", "julho")
_add(8, "august", "aug", "août", "aout", "agosto")
_add(9, "september", "sep", "sept", "septembre", "septiembre", "setiembre", "settembre", "setembro")
_add(10, "october", "oct", "octobre", "oktober", "okt", "octubre", "ottobre", "outubro")
_add(11, "november", "nov", "novembre", "noviembre", "novembro")
_add(
    12, "december", "dec", "décembre", "decembre", "déc", "dezember", "dez", "diciembre", "dic", "dicembre", "dezembro"
)
# Russian (genitive as used in dates, nominative, and prepositional as in "в октябре 2021").
_add(1, "января", "январь", "январе", "янв")
_add(2, "февраля", "февраль", "феврале", "фев")
_add(3, "марта", "март", "марте")
_add(4, "апреля", "апрель", "апреле", "апр")
_add(5, "мая", "май", "мае")
_add(6, "июня", "июнь", "июне")
_add(7, "июля", "июль", "июле")
_add(8, "августа", "август", "августе", "авг")
_add(9, "сентября", "сентябрь", "сентябре", "сен")
_add(10, "октября", "октябрь", "октябре", "окт")
_add(11, "ноября", "ноябрь", "ноябре", "ноя")
_add(12, "декабря", "декабрь", "декабре", "дек")
# Arabic: Egyptian/Gulf transliterations and the Levantine/Iraqi (Syriac) names.
_add(1, "يناير", "كانون الثاني", "جانفي")
_add(2, "فبراير", "شباط", "فيفري")
_add(3, "مارس", "آذار", "اذار")
_add(4, "أبريل", "ابريل", "إبريل", "نيسان", "أفريل")
_add(5, "مايو", "أيار", "ايار", "ماي")
_add(6, "يونيو", "حزيران", "جوان")
_add(7, "يوليو", "تموز", "جويلية")
_add(8, "أغسطس", "اغسطس", "آب", "أوت")
_add(9, "سبتمبر", "أيلول", "ايلول")
_add(10, "أكتوبر", "اكتوبر", "تشرين الأول", "تشرين الاول")
_add(11, "نوفمبر", "تشرين الثاني")
_add(12, "ديسمبر", "كانون الأول", "كانون الاول")

_MONTH_ALT = "|".join(sorted((re.escape(m) for m in _MONTHS), key=len, reverse=True))

_WEEKDAYS: dict[str, int] = {}
for _i, _names in enumerate(
    (
        ("monday", "mon", "lundi", "montag", "lunes", "lunedì", "понедельник", "الاثنين", "الإثنين", "thứ hai"),
        ("tuesday", "tue", "tues", "mardi", "dienstag", "martes", "martedì", "вторник", "الثلاثاء", "thứ ba"),
        (
            "wednesday",
            "wed",
            "mercredi",
            "mittwoch",
            "miércoles",
            "mercoledì",
            "среда",
            "الأربعاء",
            "الاربعاء",
            "thứ tư",
        ),
        ("thursday", "thu", "thur", "jeudi", "donnerstag", "jueves", "giovedì", "четверг", "الخميس", "thứ năm"),
        ("friday", "fri", "vendredi", "freitag", "viernes", "venerdì", "пятница", "الجمعة", "thứ sáu"),
        ("saturday", "sat", "samedi", "samstag", "sábado", "sabato", "суббота", "السبت", "thứ bảy"),
        ("sunday", "sun", "dimanche", "sonntag", "domingo", "domenica", "воскресенье", "الأحد", "الاحد", "chủ nhật"),
    )
):
    for _n in _names:
        _WEEKDAYS[_n] = _i
_WEEKDAY_ALT = "|".join(sorted((re.escape(w) for w in _WEEKDAYS), key=len, reverse=True))
_CJK_WEEKDAY = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6}

_TIME = r"(?:[ T,]+(?P<H>[01]?\d|2[0-3])[:h](?P<M>[0-5]\d)(?::(?P<S>[0-5]\d))?)?"

_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    # 2025-02-18, 2025/02/18, 2025.02.18 (optionally with a time).
    (
        "ymd",
        re.compile(
            r"(?<!\d)(?P<y>(?:19|20)\d\d)[-/.](?P<m>0?[1-9]|1[0-2])[-/.](?P<d>0?[1-9]|[12]\d|3[01])(?!\d)" + _TIME
        ),
    ),
    # 2025年2月18日, 2月18日, optionally preceded by 周二/星期二/週二 and brackets.
    (
        "cjk",
        re.compile(
            r"(?:(?:周|星期|週|禮拜|礼拜)(?P<wd>[一二三四五六日天])\s*[（(]?\s*)?"
            r"(?:(?P<y>(?:19|20)\d\d)\s*年\s*)?(?P<m>1[0-2]|0?[1-9])\s*月\s*(?P<d>3[01]|[12]\d|0?[1-9])\s*[日号號]"
            + _TIME
        ),
    ),
    # 18/02/2025, 18.02.2025, 18-02-2025 (day first unless the language writes month first).
    ("dmy", re.compile(r"(?<![\d./-])(?P<a>\d{1,2})[./-](?P<b>\d{1,2})[./-](?P<y>(?:19|20)\d\d)(?![\d./-])" + _TIME)),
    # Vietnamese "ngày 18/2", "ngày 18/2/2025", "ngày 18 tháng 2 năm 2025".
    (
        "vi",
        re.compile(
            r"(?i)\bngày\s+(?P<d>3[01]|[12]\d|0?[1-9])\s*(?:/|-|\s+tháng\s+)(?P<m>1[0-2]|0?[1-9])"
            r"(?:\s*(?:/|-|\s+năm\s+)(?P<y>(?:19|20)\d\d))?(?![\d/])"
        ),
    ),
    # 18 February 2025, 18. Februar 2025, 18 de febrero de 2025, 18 فبراير 2025, 18 февраля 2025 г.
    (
        "d-month",
        re.compile(
            r"(?i)(?:(?P<wd>" + _WEEKDAY_ALT + r")[\s,،]+)?(?<!\d)(?P<d>3[01]|[12]\d|0?[1-9])(?:er|\.)?\s*"
            r"(?:de\s+)?(?P<mn>" + _MONTH_ALT + r")\.?(?![^\W\d_])(?:\s*(?:de\s+|,\s*)?(?P<y>(?:19|20)\d\d))?"
            r"(?!\d)"
        ),
    ),
    # Feb. 18, 2025; February 18 2025; Tuesday, Feb 18.
    (
        "month-d",
        re.compile(
            r"(?i)(?:(?P<wd>"
            + _WEEKDAY_ALT
            + r")[\s,]+)?(?<![^\W\d_])(?P<mn>"
            + _MONTH_ALT
            + r")\.?\s+(?P<d>3[01]|[12]\d|0?[1-9])(?:st|nd|rd|th)?(?!\d)(?:,?\s*(?P<y>(?:19|20)\d\d))?"
            r"(?!\d)"
        ),
    ),
]

#: Languages that write numeric dates month first (02/18/2025).
_MONTH_FIRST = {"en"}


@dataclass(frozen=True)
class DateMention:
    """One date written in a text: its parts, where it is, and how it was written."""

    start: int
    end: int
    text: str
    month: int
    day: int
    year: int | None = None
    weekday: int | None = None  # 0 = Monday, as datetime.weekday()
    hour: int | None = None
    minute: int | None = None
    second: int | None = None
    form: str = ""

    def resolve(self, year: int | None = None) -> dt.date | None:
        """The date (or datetime when a time was written) in ``year`` or its own year; None if impossible."""
        y = self.year if self.year is not None else year
        if y is None:
            return None
        try:
            if self.hour is not None and self.minute is not None:
                return dt.datetime(y, self.month, self.day, self.hour, self.minute, self.second or 0)
            return dt.date(y, self.month, self.day)
        except ValueError:
            return None


def _int(x: str | None) -> int | None:
    return int(x) if x else None


def find_dates(text: str, lang: str | None = None) -> list[DateMention]:
    """Every date mention in ``text``, in text order, overlapping matches removed (first, longest wins)."""
    norm = text.translate(_DIGITS)
    found: list[DateMention] = []
    for form, pattern in _PATTERNS:
        for m in pattern.finditer(norm):
            g = m.groupdict()
            year = _int(g.get("y"))
            if form == "dmy":
                a, b = int(g["a"]), int(g["b"])
                day, month = (b, a) if (lang in _MONTH_FIRST and a <= 12) or b > 12 else (a, b)
            elif form in ("d-month", "month-d"):
                month = _MONTHS[g["mn"].lower()]
                day = int(g["d"])
            else:
                month, day = int(g["m"]), int(g["d"])
            if not (1 <= month <= 12 and 1 <= day <= 31):
                continue
            wd_text = g.get("wd")
            weekday = None
            if wd_text:
                weekday = _CJK_WEEKDAY.get(wd_text) if form == "cjk" else _WEEKDAYS.get(wd_text.lower())
            found.append(
                DateMention(
                    start=m.start(),
                    end=m.end(),
                    text=text[m.start() : m.end()],
                    month=month,
                    day=day,
                    year=year,
                    weekday=weekday,
                    hour=_int(g.get("H")),
                    minute=_int(g.get("M")),
                    second=_int(g.get("S")),
                    form=form,
                )
            )
    found.sort(key=lambda d: (d.start, -(d.end - d.start)))
    out: list[DateMention] = []
    for d in found:
        if out and d.start < out[-1].end:
            continue
        out.append(d)
    return out


#: A year on its own: "2021年", "in 2021", "عام 2022", "năm 2024".
_YEAR = re.compile(r"(?<!\d)(?P<y>(?:19|20)\d\d)(?!\d)(?!,\d{3})")

#: Words right before a year (or a date holding one) that mark it as *later* than
#: the text ("valid until 2026", "有效期至2026年", "expires in 2026"). Calibrated by
#: reading the seed and SemEval-2022 dev texts; kept short on purpose.
_FUTURE_BEFORE = re.compile(
    r"(?i)(?:至|到|直到|截至|将于|將於|将在|预计|預計|计划于|届时|明年|until|till|through|by|expire[sd]?\s+(?:in|on)|"
    r"next|will|scheduled\s+for|jusqu'(?:en|au)|bis|hasta|до|حتى|بحلول|đến|tới)\s*(?:the\s+|end\s+of\s+|năm\s+|عام\s+)?$"
)
#: Words right before a year that mark it as *earlier* than the text.
_PAST_BEFORE = re.compile(
    r"(?i)(?:since|last|earlier|depuis|seit|desde|с|منذ|từ|上一次|去年|曾于|曾在|自|从)\s*"
    r"(?:the\s+|عام\s+|năm\s+)?$"
)


@dataclass(frozen=True)
class YearMention:
    """A year written in a text and which side of the writing date it seems to lie on."""

    year: int
    text: str
    #: "future", "past" or "" (no cue).
    cue: str
    #: True when a month is written with the year (2021年10月, October 2021, 18/2/2025):
    #: news style then usually means "not this year".
    with_month: bool


def find_years(text: str) -> list[YearMention]:
    """Years in ``text`` with a past/future cue read from the few words before them."""
    norm = text.translate(_DIGITS)
    out: list[YearMention] = []
    month_alt = re.compile(r"(?i)(?:" + _MONTH_ALT + r")\.?\s*(?:de\s+|,\s*)?$")
    for m in _YEAR.finditer(norm):
        before = norm[max(0, m.start() - 24) : m.start()]
        after = norm[m.end() : m.end() + 6]
        with_month = (
            bool(re.match(r"\s*(?:年\s*(?:1[0-2]|0?[1-9])\s*月|[-/.]\d)", after))
            or bool(month_alt.search(before))
            or bool(re.search(r"\d{1,2}[./-]\d{1,2}[./-]$", before))
        )
        # Strip a month/day written before the year so the cue word is reached.
        head = re.sub(r"(?i)(?:\d{1,2}\s*)?(?:" + _MONTH_ALT + r")\.?\s*(?:\d{1,2}\s*)?,?\s*(?:de\s+)?$", "", before)
        head = re.sub(r"\d{1,2}[./-]\d{1,2}[./-]$", "", head)
        cue = "future" if _FUTURE_BEFORE.search(head) else "past" if _PAST_BEFORE.search(head) else ""
        out.append(YearMention(int(m.group("y")), text[max(0, m.start() - 12) : m.end() + 4], cue, with_month))
    return out
