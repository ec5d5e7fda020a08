"""Find calendar dates written in running text, in the forms news sites use.

Hand-written regular expressions rather than ``dateparser.search``: the read step
must stay above 300 articles/s on two cores, ``search_dates`` costs tens of
milliseconds per article and happily reads "1,5" or "3-0" as dates, and we need
to know *how* a date was written (with or without a year, with a weekday, at the
start of a paragraph) to weigh it as evidence. The month-name lexicon covers
en/fr/de/es/it/pt/ru/ar/vi/tr/pl; numeric, CJK and Korean forms are language-neutral.

Everything here is pure text → mentions; deciding which mention is the
publication date is :mod:`tidings.read.dates`' job, and which day an event
happened on is :mod:`tidings.tell.when`'s. Both read dates with this one grammar,
so an event card in French or Russian can use the dates its reports write.
Besides dates: weekdays written on their own ("on Tuesday", "يوم الثلاثاء",
"周二", :func:`find_weekdays`), day ranges ("18–20 February", "2月18日至20日",
:func:`day_range`), years with a past/future cue (:func:`find_years`) and
relative times ("3 hours ago", :func:`find_relative`).
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

_NON_ASCII_DIGITS = re.compile("[٠-٩۰-۹０-９：／]")


def _ascii_digits(text: str) -> str:
    """``text`` with Eastern Arabic/Persian/full-width digits made ASCII (a no-op scan when there are none)."""
    return text.translate(_DIGITS) if _NON_ASCII_DIGITS.search(text) else text


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
# Turkish and Polish (genitive, as written in dates).
_add(1, "ocak", "stycznia", "styczeń")
_add(2, "şubat", "lutego", "luty")
_add(3, "mart", "marca", "marzec")
_add(4, "nisan", "kwietnia", "kwiecień")
_add(5, "mayıs", "maja", "maj")
_add(6, "haziran", "czerwca", "czerwiec")
_add(7, "temmuz", "lipca", "lipiec")
_add(8, "ağustos", "sierpnia", "sierpień")
_add(9, "eylül", "września", "wrzesień")
_add(10, "ekim", "października", "październik")
_add(11, "kasım", "listopada", "listopad")
_add(12, "aralık", "grudnia", "grudzień")
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

#: Weekday names by language, Monday first: the forms news writes (Russian also in the
#: accusative of "в среду", "в пятницу", "в субботу"; Vietnamese also as numbers, "thứ 2").
_WEEKDAY_NAMES: dict[str, tuple[tuple[str, ...], ...]] = {
    "en": (("monday",), ("tuesday",), ("wednesday",), ("thursday",), ("friday",), ("saturday",), ("sunday",)),
    "fr": (("lundi",), ("mardi",), ("mercredi",), ("jeudi",), ("vendredi",), ("samedi",), ("dimanche",)),
    "de": (("montag",), ("dienstag",), ("mittwoch",), ("donnerstag",), ("freitag",), ("samstag",), ("sonntag",)),
    "es": (("lunes",), ("martes",), ("miércoles",), ("jueves",), ("viernes",), ("sábado",), ("domingo",)),
    "it": (("lunedì",), ("martedì",), ("mercoledì",), ("giovedì",), ("venerdì",), ("sabato",), ("domenica",)),
    "ru": (
        ("понедельник",), ("вторник",), ("среда", "среду"), ("четверг",), ("пятница", "пятницу"),
        ("суббота", "субботу"), ("воскресенье",),
    ),
    "ar": (
        ("الاثنين", "الإثنين"), ("الثلاثاء",), ("الأربعاء", "الاربعاء"), ("الخميس",), ("الجمعة",), ("السبت",),
        ("الأحد", "الاحد"),
    ),
    "vi": (
        ("thứ hai", "thứ 2"), ("thứ ba", "thứ 3"), ("thứ tư", "thứ 4"), ("thứ năm", "thứ 5"), ("thứ sáu", "thứ 6"),
        ("thứ bảy", "thứ 7"), ("chủ nhật",),
    ),
}  # fmt: skip
#: English abbreviations: read only right before a date ("Tue, 18 Feb"), where they cannot be
#: the words "sun", "sat" or "wed".
_WEEKDAY_ABBREVIATIONS = (("mon",), ("tue", "tues"), ("wed",), ("thu", "thur"), ("fri",), ("sat",), ("sun",))
#: Names that are also common words, so never a weekday on their own ("окружающая среда": environment).
_NOT_ALONE = frozenset({"среда"})

#: Every weekday name and abbreviation → weekday (0 = Monday), for a weekday written before a date.
_WEEKDAYS: dict[str, int] = {
    name: i
    for table in (*_WEEKDAY_NAMES.values(), _WEEKDAY_ABBREVIATIONS)
    for i, names in enumerate(table)
    for name in names
}
_CJK_WEEKDAY = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6}

_TIME = r"(?:[ T,]+(?P<H>[01]?\d|2[0-3])[:h](?P<M>[0-5]\d)(?::(?P<S>[0-5]\d))?)?"

#: Numeric and CJK forms, each with cheap substrings one of which must be present (checked before
#: the regex runs: most paragraphs hold no date, and the check costs far less than a scan).
_PATTERNS: list[tuple[str, tuple[str, ...], re.Pattern[str]]] = [
    # 2025-02-18, 2025/02/18, 2025.02.18 (optionally with a time).
    (
        "ymd",
        (),
        re.compile(
            r"(?<!\d)(?P<y>(?:19|20)\d\d)[-/.](?P<m>0?[1-9]|1[0-2])[-/.](?P<d>0?[1-9]|[12]\d|3[01])(?!\d)" + _TIME
        ),
    ),
    # 2025年2月18日, 2月18日 (a weekday before it, 周二/星期二/週二, is read separately).
    (
        "cjk",
        ("月",),
        re.compile(
            r"(?:(?P<y>(?:19|20)\d\d)\s*年\s*)?(?<!\d)(?P<m>1[0-2]|0?[1-9])\s*月\s*(?P<d>3[01]|[12]\d|0?[1-9])\s*[日号號]"
            + _TIME
        ),
    ),
    # Korean 2025년 2월 18일.
    (
        "ko",
        ("월",),
        re.compile(
            r"(?:(?P<y>(?:19|20)\d\d)\s*년\s*)?(?<!\d)(?P<m>1[0-2]|0?[1-9])\s*월\s*(?P<d>3[01]|[12]\d|0?[1-9])\s*일"
            + _TIME
        ),
    ),
    # 18/02/2025, 18.02.2025, 18-02-2025 (day first unless the language writes month first).
    (
        "dmy",
        (),
        re.compile(r"(?<![\d./-])(?P<a>\d{1,2})[./-](?P<b>\d{1,2})[./-](?P<y>(?:19|20)\d\d)(?![\d./-])" + _TIME),
    ),
    # Vietnamese "ngày 18/2", "hôm 18/2", "ngày 18/2/2025", "ngày 18 tháng 2 năm 2025".
    (
        "vi",
        ("gày", "ôm"),
        re.compile(
            r"(?i)\b(?:ngày|hôm)\s+(?P<d>3[01]|[12]\d|0?[1-9])\s*(?:/|-|\s+tháng\s+)(?P<m>1[0-2]|0?[1-9])"
            r"(?:\s*(?:/|-|\s+năm\s+)(?P<y>(?:19|20)\d\d))?(?![\d/])"
        ),
    ),
]

#: Month names are matched around day numbers, then looked up in :data:`_MONTHS`:
#: one regex alternation of ~200 names costs ~3 ms per 1,000 characters, the lookup ~0.1.
_DAY = re.compile(
    r"(?:(?<![\d.,:/-])|(?<=(?<![\w.,:/-])\d-)|(?<=(?<![\w.,:/-])\d\d-))"  # after "18-" of "18-20 February"
    r"(?P<d>3[01]|[12]\d|0?[1-9])(?![\d:/]|[.,]\d)"
)
_WORDS_AFTER = re.compile(r"(?:er|st|nd|rd|th)?\.?\s*(?:de\s+)?(?P<w1>[^\W\d_]+)(?:\s+(?P<w2>[^\W\d_]+))?")
_YEAR_AFTER = re.compile(r"\.?\s*(?:de\s+|,\s*)?(?P<y>(?:19|20)\d\d)(?!\d)")
_WEEKDAY_BEFORE = re.compile(r"(?:(?P<w2>[^\W\d_]+)\s+)?(?P<w1>[^\W\d_]+)[\s,،]*(?:,\s*)?[（(]?\s*$")
_ORDINAL = re.compile(r"st|nd|rd|th")
_CJK_WEEKDAY_NAME = r"(?:周|星期|週|禮拜|礼拜)(?P<wd>[一二三四五六日天])"
_CJK_WEEKDAY_BEFORE = re.compile(_CJK_WEEKDAY_NAME + r"\s*[（(]?\s*$")

#: Opening quotes and brackets a month name may follow ("(August 4)", "«18 février»").
_OPENERS = "([（«“\"'"
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

    def day_near(self, anchor: dt.date | None) -> dt.date | None:
        """The calendar day meant: in its own year when written, else the (month, day) nearest to ``anchor``.

        News writes this year's dates without the year, so a date is read in the year that
        puts it closest to when the text was written: "30 December" read on 2 January is
        last year's. None when the day cannot exist or there is neither a year nor an anchor.
        """
        if self.year is not None:
            try:
                return dt.date(self.year, self.month, self.day)
            except ValueError:
                return None
        if anchor is None:
            return None
        best: dt.date | None = None
        for year in (anchor.year - 1, anchor.year, anchor.year + 1):
            try:
                cand = dt.date(year, self.month, self.day)
            except ValueError:
                continue
            if best is None or abs((cand - anchor).days) < abs((best - anchor).days):
                best = cand
        return best


def _close_bracket(norm: str, weekday_start: int, date_start: int, end: int) -> int:
    """``end``, past the bracket a weekday opened before the date: "周二(2月18日)", "Sunday (August 4)"."""
    between = norm[weekday_start:date_start]
    if norm[end : end + 1] in (")", "）") and ("(" in between or "（" in between):
        return end + 1
    return end


def _int(x: str | None) -> int | None:
    return int(x) if x else None


def _weekday_before(norm: str, start: int, cjk: bool) -> tuple[int | None, int]:
    """The weekday written just before ``start`` ("Tuesday, ", "周二(", "الثلاثاء ") and where it starts."""
    window = norm[max(0, start - 24) : start]
    if cjk:
        m = _CJK_WEEKDAY_BEFORE.search(window)
        return (_CJK_WEEKDAY[m.group("wd")], start - len(window) + m.start()) if m else (None, start)
    m = _WEEKDAY_BEFORE.search(window)
    if not m:
        return None, start
    w1, w2 = m.group("w1").lower(), (m.group("w2") or "").lower()
    if w2 and f"{w2} {w1}" in _WEEKDAYS:
        return _WEEKDAYS[f"{w2} {w1}"], start - len(window) + m.start()
    if w1 in _WEEKDAYS:
        return _WEEKDAYS[w1], start - len(window) + m.start("w1")
    return None, start


def _month_word(w1: str, w2: str | None) -> tuple[int, bool] | None:
    """(month, used both words) for "février" or "كانون الثاني"; None if not a month name."""
    if w1 == "may":  # the English verb; the month is written "May"
        return None
    if w2:
        two = f"{w1} {w2}".lower()
        if two in _MONTHS:
            return _MONTHS[two], True
    one = w1.lower()
    return (_MONTHS[one], False) if one in _MONTHS else None


def _named_months(norm: str) -> list[tuple[int, int, int, int, int | None]]:
    """(start, end, month, day, year) of "18 February 2025" and "Feb. 18, 2025" forms."""
    out: list[tuple[int, int, int, int, int | None]] = []
    for dm in _DAY.finditer(norm):
        day = int(dm.group("d"))
        after = _WORDS_AFTER.match(norm, dm.end())
        if after:
            found = _month_word(after.group("w1"), after.group("w2"))
            if found:
                end = after.end() if found[1] else after.end("w1")
                ym = _YEAR_AFTER.match(norm, end)
                year = int(ym.group("y")) if ym else None
                out.append((dm.start(), ym.end() if ym else end, found[0], day, year))
                continue
        window = norm[max(0, dm.start() - 30) : dm.start()]
        if not window or not (window[-1] in " .\u00a0" or window[-1].isalpha()):
            continue
        words = window.split()
        if not words:
            continue
        w1 = words[-1].rstrip(".").lstrip(_OPENERS)  # "(August 4)"
        w2 = words[-2] if len(words) > 1 else None
        found, first = None, w1
        if w2:
            two = _month_word(w2, w1)
            if two and two[1]:
                found, first = two, w2
        found = found or _month_word(w1, None)
        if found:
            ordinal = _ORDINAL.match(norm, dm.end())
            end = ordinal.end() if ordinal else dm.end()
            ym = _YEAR_AFTER.match(norm, end)
            year = int(ym.group("y")) if ym else None
            start = max(0, dm.start() - 30) + window.rfind(first)
            out.append((start, ym.end() if ym else end, found[0], day, year))
    return out


def find_dates(text: str, lang: str | None = None) -> list[DateMention]:
    """Every date mention in ``text``, in text order, overlapping matches removed (first, longest wins)."""
    norm = _ascii_digits(text)
    found: list[DateMention] = []
    for form, needles, pattern in _PATTERNS:
        if needles and not any(needle in norm for needle in needles):
            continue
        for m in pattern.finditer(norm):
            g = m.groupdict()
            if form == "dmy":
                a, b = int(g["a"]), int(g["b"])
                day, month = (b, a) if (lang in _MONTH_FIRST and a <= 12) or b > 12 else (a, b)
            else:
                month, day = int(g["m"]), int(g["d"])
            if not (1 <= month <= 12 and 1 <= day <= 31):
                continue
            weekday, start = _weekday_before(norm, m.start(), cjk=form == "cjk")
            end = _close_bracket(norm, start, m.start(), m.end()) if weekday is not None else m.end()
            if form == "dmy" and weekday is not None and a <= 12 and b <= 12:
                # "Tuesday, 02/03/2025": the written weekday tells day-first from month-first.
                for d_, m_ in ((day, month), (month, day)):
                    try:
                        if dt.date(int(g["y"]), m_, d_).weekday() == weekday:
                            day, month = d_, m_
                            break
                    except ValueError:
                        continue
            found.append(
                DateMention(
                    start=start,
                    end=end,
                    text=text[start:end],
                    month=month,
                    day=day,
                    year=_int(g.get("y")),
                    weekday=weekday,
                    hour=_int(g.get("H")),
                    minute=_int(g.get("M")),
                    second=_int(g.get("S")),
                    form=form,
                )
            )
    for start, end, month, day, year in _named_months(norm):
        weekday, wstart = _weekday_before(norm, start, cjk=False)
        end = _close_bracket(norm, wstart, start, end) if weekday is not None else end
        found.append(DateMention(wstart, end, text[wstart:end], month, day, year, weekday, form="named"))
    found.sort(key=lambda d: (d.start, -(d.end - d.start)))
    out: list[DateMention] = []
    for d in found:
        if out and d.start < out[-1].end:
            continue
        out.append(d)
    return out


@dataclass(frozen=True)
class WeekdayMention:
    """A weekday written in a text ("on Tuesday", "يوم الثلاثاء", "周二", "thứ Ba"), with where it is."""

    start: int
    end: int
    weekday: int  # 0 = Monday, as datetime.weekday()


#: Standalone weekday names per language (no abbreviations, no names that are common words).
_ALONE: dict[str, dict[str, int]] = {
    lang: {name: i for i, names in enumerate(table) for name in names if name not in _NOT_ALONE}
    for lang, table in _WEEKDAY_NAMES.items()
}
_ALONE_ANY = {name: i for names in _ALONE.values() for name, i in names.items()}
#: Any weekday name of a table as a substring: most lines name none, and one C-level search tells so before
#: the word-by-word look-up (a name with its Arabic clitic, or a two-word name, holds the name as written).
_ANY_NAME = {
    id(table): re.compile("|".join(sorted(map(re.escape, table), key=len, reverse=True)))
    for table in (*_ALONE.values(), _ALONE_ANY)
}
_LETTERS = re.compile(r"[^\W\d_]+")
_CJK_WEEKDAY_RE = re.compile(_CJK_WEEKDAY_NAME)
_VI_NUMBERED_WEEKDAY = re.compile(r"(?i)\bthứ\s+(?P<n>[2-7])(?!\d)")
#: Arabic conjunctions and prepositions written onto the next word ("والثلاثاء", "بالأمس").
_AR_CLITICS = "وفبل"


def find_weekdays(text: str, lang: str | None = None) -> list[WeekdayMention]:
    """Weekdays written anywhere in ``text``, in text order.

    Names of ``lang`` when it is one the lexicon covers, else of every language it
    covers; the CJK forms (周二, 星期二, 週二, 禮拜二) always. Words are looked up whole
    (one dictionary lookup per word, not one regex alternation of every name), with
    Arabic clitics (و, ف, ب, ل) allowed in front.
    """
    base = (lang or "").split("-")[0].lower()
    names = _ALONE.get(base, _ALONE_ANY)
    out: list[WeekdayMention] = []
    low = text.lower()
    words = list(_LETTERS.finditer(low)) if _ANY_NAME[id(names)].search(low) else []
    i = 0
    while i < len(words):
        w = words[i]
        if i + 1 < len(words) and w.end() + 1 == words[i + 1].start():
            pair = low[w.start() : words[i + 1].end()]
            if pair in names:  # "thứ hai", "chủ nhật"
                out.append(WeekdayMention(w.start(), words[i + 1].end(), names[pair]))
                i += 2
                continue
        word = w.group()
        if word in names:
            out.append(WeekdayMention(w.start(), w.end(), names[word]))
        elif len(word) > 3 and word[0] in _AR_CLITICS and word[1:] in names:
            out.append(WeekdayMention(w.start() + 1, w.end(), names[word[1:]]))
        i += 1
    if base == "vi" or base not in _ALONE:
        out += [WeekdayMention(m.start(), m.end(), int(m.group("n")) - 2) for m in _VI_NUMBERED_WEEKDAY.finditer(text)]
    out += [WeekdayMention(m.start(), m.end(), _CJK_WEEKDAY[m.group("wd")]) for m in _CJK_WEEKDAY_RE.finditer(text)]
    out.sort(key=lambda w: w.start)
    return out


#: A range continuing a date: "2月18日至20日", "February 18–20", " to 20", "đến 20".
_RANGE_AFTER = re.compile(
    r"\s*(?:至|到|—|–|-|to|until|through|đến)\s*(?:(?P<m>\d{1,2})\s*月\s*)?(?P<d>\d{1,2})(?![\d/])"
)
#: A range ending in a date: "18–" before "20 February", "18 au " before "20 février", "18. bis " before
#: "20. Februar", "del 18 al " before "20 de febrero", "с 18 по " before "20 февраля", "od 18 do ".
_RANGE_BEFORE = re.compile(r"(?<![\d/])(?P<d>\d{1,2})\.?\s*(?:—|–|-|to|đến|au|bis|al|a|по|до|do)\s*$")


def day_range(text: str, mention: DateMention, day: dt.date, max_days: int) -> tuple[dt.date, dt.date | None]:
    """(first, last) day when the date ``mention`` (read as ``day``) is one end of a written range, else (day, None).

    Ranges longer than ``max_days`` are not read as one (they are something else: "18 to
    30" may be a count); the other end takes the mention's month and year unless written.
    """
    norm = _ascii_digits(text)
    after = _RANGE_AFTER.match(norm, mention.end)
    try:
        if after:
            end = day.replace(month=int(after.group("m") or day.month), day=int(after.group("d")))
            if 0 < (end - day).days <= max_days:
                return day, end
        before = _RANGE_BEFORE.search(norm[: mention.start])
        if before:
            start = day.replace(day=int(before.group("d")))
            if 0 < (day - start).days <= max_days:
                return start, day
    except ValueError:
        pass
    return day, None


#: A year on its own: "2021年", "in 2021", "عام 2022", "năm 2024".
_YEAR = re.compile(r"(?<!\d)(?P<y>(?:19|20)\d\d)(?!\d)(?!,\d{3})")

#: Words right before a year (or a date holding one) that mark it as *later* than the
#: text ("valid until 2026", "有效期至2026年", "expires in 2026") or *earlier* ("since
#: 2014", "上一次…2021年"). Written from the seeds and SemEval-2022 dev texts; kept short
#: on purpose. Spaced languages are matched on whole words, CJK on the preceding characters.
_FUTURE_WORDS = frozenset(
    [
        "until",
        "till",
        "by",
        "next",
        "will",
        "expire",
        "expires",
        "expiring",
        "expiry",
        "jusqu'en",
        "jusqu'au",
        "bis",
        "hasta",
        "до",
        "حتى",
        "بحلول",
        "đến",
        "tới",
    ]
)
_PAST_WORDS = frozenset(["since", "last", "earlier", "depuis", "seit", "desde", "с", "منذ", "từ"])
#: Words that make a year a future one when they stand within a few words before it
#: ("will arrive in early 2020", "sẽ diễn ra vào năm 2026", "prévue en 2026").
_FUTURE_NEAR = frozenset(
    [
        "will",
        "shall",
        "expected",
        "scheduled",
        "planned",
        "due",
        "upcoming",
        "coming",
        "sera",
        "prévu",
        "prévue",
        "wird",
        "soll",
        "será",
        "previsto",
        "prevista",
        "будет",
        "планируется",
        "sẽ",
        "سوف",
        "المقرر",
        "المقبل",
    ]
)
_FUTURE_CJK = ("至", "到", "直到", "截至", "将于", "將於", "将在", "预计", "預計", "计划于", "届时", "明年")
_PAST_CJK = ("上一次", "去年", "曾于", "曾在", "自", "从")
#: Words that may stand between a cue and its year ("until the end of 2026", "expires in 2026").
_FILLERS = frozenset(
    ["the", "end", "of", "in", "on", "early", "late", "mid", "năm", "عام", "année", "jahr", "año", "года", "г.", "a"]
)
_TRIM = ".,;:()\"'“”«»"
_NUMERIC_TAIL = re.compile(r"\d{1,2}[./-]\d{1,2}[./-]$")
_DAY_TOKEN = re.compile(r"\d{1,2}(?:st|nd|rd|th|er|\.)?")
_CJK_MONTH_AFTER = re.compile(r"\s*(?:年\s*(?:1[0-2]|0?[1-9])\s*月|[-/.]\d)")


def _cue(head: str) -> str:
    """ "future", "past" or "" from the text right before a year (month/day already removed)."""
    stripped = head.rstrip()
    if stripped.endswith(_FUTURE_CJK):
        return "future"
    if stripped.endswith(_PAST_CJK):
        return "past"
    tokens = [t.strip(_TRIM).lower() for t in stripped.split()[-5:]]
    while tokens and (tokens[-1] in _FILLERS or not tokens[-1]):
        tokens.pop()
    if not tokens:
        return ""
    if tokens[-1] in _FUTURE_WORDS:
        return "future"
    if tokens[-1] in _PAST_WORDS:
        return "past"
    if any(t in _FUTURE_NEAR for t in tokens):
        return "future"
    return ""


def _strip_month_day(before: str) -> tuple[str, bool]:
    """Remove a month and day written right before a year ("February 5, ", "5 de febrero de ") → (rest, had month)."""
    numeric = _NUMERIC_TAIL.search(before)
    if numeric:
        return before[: numeric.start()], True
    tokens = before.split(" ")
    month = False
    for _ in range(4):
        while tokens and not tokens[-1].strip():
            tokens.pop()
        if not tokens:
            break
        word = tokens[-1].strip(_TRIM).lower()
        if word in _MONTHS and word != "may":
            month = True
        elif not (word in ("de", "") or _DAY_TOKEN.fullmatch(word)):
            break
        tokens.pop()
    return (" ".join(tokens) + " " if month else before), month


@dataclass(frozen=True)
class YearMention:
    """A year written in a text and which side of the writing date it seems to lie on."""

    year: int
    text: str
    #: "future", "past" or "" (no cue).
    cue: str
    #: True when a month is written with the year (2021年10月, October 2021, 18/2/2025).
    with_month: bool
    #: True for the CJK "2021年10月" form: Chinese news writes this year's dates without
    #: the year ("今年8月", "11月8日"), so a written year there means another year.
    cjk: bool = False


def find_years(text: str) -> list[YearMention]:
    """Years in ``text`` with a past/future cue read from the few words before them."""
    norm = _ascii_digits(text)
    out: list[YearMention] = []
    for m in _YEAR.finditer(norm):
        before = norm[max(0, m.start() - 24) : m.start()]
        after = norm[m.end() : m.end() + 6]
        cjk_after = _CJK_MONTH_AFTER.match(after)
        cjk = bool(cjk_after) and "年" in cjk_after.group(0)
        head, named = _strip_month_day(before)
        cue = _cue(head)
        snippet = text[max(0, m.start() - 12) : m.end() + 4]
        out.append(YearMention(int(m.group("y")), snippet, cue, bool(cjk_after) or named, cjk))
    return out


#: "3 hours ago", "2天前", "5 giờ trước", "منذ 3 ساعات", "vor 2 Tagen" … → unit of the delta.
_REL_UNITS = {
    "minute": 60, "min": 60, "hour": 3600, "hr": 3600, "day": 86400,
    "分钟": 60, "分鐘": 60, "小时": 3600, "小時": 3600, "天": 86400,
    "phút": 60, "giờ": 3600, "ngày": 86400,
    "دقيقة": 60, "دقائق": 60, "ساعة": 3600, "ساعات": 3600, "يوم": 86400, "أيام": 86400, "ايام": 86400,
    "минут": 60, "минуту": 60, "минуты": 60, "час": 3600, "часа": 3600, "часов": 3600,
    "день": 86400, "дня": 86400, "дней": 86400,
    "minutes": 60, "heure": 3600, "heures": 3600, "jour": 86400, "jours": 86400,
    "minuten": 60, "stunde": 3600, "stunden": 3600, "tag": 86400, "tagen": 86400,
    "minuto": 60, "minutos": 60, "hora": 3600, "horas": 3600, "día": 86400, "días": 86400,
}  # fmt: skip
_RELATIVE = re.compile(
    r"(?i)(?P<n>\d{1,3})\s*(?P<u>minutes?|mins?|hours?|hrs?|days?)\s+ago"
    r"|(?P<n2>\d{1,3})\s*(?P<u2>分钟|分鐘|小时|小時|天)前"
    r"|(?P<n3>\d{1,3})\s*(?P<u3>phút|giờ|ngày)\s+trước"
    r"|منذ\s+(?P<n4>\d{1,3})\s+(?P<u4>دقيقة|دقائق|ساعة|ساعات|يوم|أيام|ايام)"
    r"|(?P<n5>\d{1,3})\s+(?P<u5>минуты|минуту|минут|часов|часа|час|дней|дня|день)\s+назад"
    r"|il\s+y\s+a\s+(?P<n6>\d{1,3})\s+(?P<u6>minutes?|heures?|jours?)"
    r"|vor\s+(?P<n7>\d{1,3})\s+(?P<u7>minuten|stunden?|tagen|tag)"
    r"|hace\s+(?P<n8>\d{1,3})\s+(?P<u8>minutos?|horas?|días?)"
)
_YESTERDAY = re.compile(r"(?i)\b(?:yesterday|hier|gestern|ayer|вчера|hôm qua)\b|昨天|昨日|أمس")


def find_relative(text: str) -> dt.timedelta | None:
    """How long before the *capture* a line says it was published ("3 hours ago", "昨天"), or None."""
    norm = _ascii_digits(text)
    m = _RELATIVE.search(norm)
    if m:
        groups = m.groupdict()
        for i in ("", "2", "3", "4", "5", "6", "7", "8"):
            if groups.get("n" + i):
                unit = groups["u" + i].lower()
                seconds = _REL_UNITS.get(unit) or _REL_UNITS.get(unit.rstrip("s")) or 86400
                return dt.timedelta(seconds=int(groups["n" + i]) * seconds)
    if _YESTERDAY.search(norm):
        return dt.timedelta(days=1)
    return None
