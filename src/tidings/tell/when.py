"""When the event itself happened — not when it was published.

Reports date their event in three ways, all handled here for zh, ar, vi and en:
an explicit date ("2月18日", "18 فبراير", "ngày 18/2", "February 18"), a weekday
relative to the publication date ("يوم الثلاثاء", "thứ Ba", "on Tuesday", "周二"), or
both ("周二(2月18日)"). Each mention is a vote weighted by where it stands (the lead
dates the event; later sentences date background: a phone call last week) and by how
explicit it is; the votes of all independent articles are summed per calendar day.

Why hand-written rather than ``dateparser.search_dates``: that searches every span
in every language and is both slow on long bodies and noisy (it reads "2" or "May"
anywhere as dates); the few patterns news uses for its own event are precise.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass

from tidings.tell.types import When
from tidings.views.events import EventData

#: Vote weight by sentence position: lead, next two, later (calibrated by eye on the seeds).
POSITION_WEIGHTS = (1.0, 0.6, 0.2)
#: Vote weight by kind of evidence.
KIND_WEIGHTS = {"explicit+weekday": 1.0, "explicit": 0.8, "weekday": 0.7, "published": 0.3}
#: Only the first sentences are searched: later ones date background, and this keeps cards fast.
MAX_SENTENCES = 8

_WEEKDAYS: dict[str, int] = {}
for names in (
    ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"),
    ("الاثنين", "الثلاثاء", "الأربعاء", "الخميس", "الجمعة", "السبت", "الأحد"),
    ("thứ hai", "thứ ba", "thứ tư", "thứ năm", "thứ sáu", "thứ bảy", "chủ nhật"),
    ("周一", "周二", "周三", "周四", "周五", "周六", "周日"),
    ("星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日"),
):
    for i, name in enumerate(names):
        _WEEKDAYS[name] = i
_WEEKDAYS.update({"周天": 6, "星期天": 6, "الإثنين": 0, "الاربعاء": 2, "thứ 2": 0, "thứ 3": 1, "thứ 4": 2,
                  "thứ 5": 3, "thứ 6": 4, "thứ 7": 5})
_DIGIT = re.compile(r"\d")
#: Substrings one of which every weekday name above contains (a fast pre-test before the regex).
_WEEKDAY_HINTS = ("day", "周", "星期", "thứ", "chủ nhật", "الاثنين", "الإثنين", "الثلاثاء", "الأربعاء", "الاربعاء",
                  "الخميس", "الجمعة", "السبت", "الأحد")
_WEEKDAY_RE = re.compile("|".join(sorted(map(re.escape, _WEEKDAYS), key=len, reverse=True)), re.IGNORECASE)

_MONTHS: dict[str, int] = {}
for i, name in enumerate(
    ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
     "november", "december"), 1):
    _MONTHS[name] = i
    _MONTHS[name[:3]] = i
_MONTHS["sept"] = 9
for i, name in enumerate(("يناير", "فبراير", "مارس", "أبريل", "مايو", "يونيو", "يوليو", "أغسطس", "سبتمبر",
                          "أكتوبر", "نوفمبر", "ديسمبر"), 1):
    _MONTHS[name] = i
_MONTH_NAMES = "|".join(sorted(map(re.escape, _MONTHS), key=len, reverse=True))

_DATE_PATTERNS: list[tuple[re.Pattern[str], tuple[str, str, str]]] = [
    # 2025年2月18日, 2月18日
    (re.compile(r"(?:(?P<y>\d{4})\s*年\s*)?(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*[日号]"), ("y", "m", "d")),
    # ngày 18/2, ngày 18/2/2025, (18/2/2025)
    (re.compile(r"(?:ngày|Ngày|hôm)\s+(?P<d>\d{1,2})\s*[/-]\s*(?P<m>\d{1,2})(?:\s*[/-]\s*(?P<y>\d{4}))?"),
     ("y", "m", "d")),
    # ngày 18 tháng 2 năm 2025
    (re.compile(r"(?:ngày|Ngày)\s+(?P<d>\d{1,2})\s+tháng\s+(?P<m>\d{1,2})(?:\s+năm\s+(?P<y>\d{4}))?"),
     ("y", "m", "d")),
    # 18 February 2025, 18 فبراير
    (re.compile(rf"\b(?P<d>\d{{1,2}})\s+(?P<mn>{_MONTH_NAMES})\.?(?:,?\s+(?P<y>\d{{4}}))?", re.IGNORECASE),
     ("y", "mn", "d")),
    # February 18, 2025 / Feb. 18
    (re.compile(rf"\b(?P<mn>{_MONTH_NAMES})\.?\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+(?P<y>\d{{4}}))?",
                re.IGNORECASE), ("y", "mn", "d")),
]


#: A range continuing an explicit date: "至20日", "–20", " to 20", "đến 20".
_RANGE_AFTER = re.compile(
    r"\s*(?:至|到|—|–|-|to|until|through|đến)\s*(?:(?P<m>\d{1,2})\s*月\s*)?(?P<d>\d{1,2})(?![\d/])"
)
#: A range ending in an explicit date: "18–" before "20 February".
_RANGE_BEFORE = re.compile(r"(?<![\d/])(?P<d>\d{1,2})\s*(?:—|–|-|to|đến)\s*$")
#: Longest span we read as one event (a summit, a trial week); longer "ranges" are something else.
MAX_SPAN_DAYS = 31


def _range(sentence: str, m: re.Match[str], date: dt.date) -> tuple[dt.date, dt.date | None]:
    """(start, end) when an explicit date is one end of a range, else (date, None)."""
    after = _RANGE_AFTER.match(sentence, m.end())
    try:
        if after:
            end = date.replace(month=int(after.group("m") or date.month), day=int(after.group("d")))
            if 0 < (end - date).days <= MAX_SPAN_DAYS:
                return date, end
        before = _RANGE_BEFORE.search(sentence[: m.start()])
        if before:
            start = date.replace(day=int(before.group("d")))
            if 0 < (date - start).days <= MAX_SPAN_DAYS:
                return start, date
    except ValueError:
        pass
    return date, None


@dataclass(frozen=True)
class DateMention:
    """A date found in a sentence: resolved to a day when it can be, or only a weekday."""

    day: dt.date | None
    weekday: int | None
    kind: str
    evidence: str
    end: dt.date | None = None  # last day, when the text gives a range ("2月18日至20日", "18-20 February")


def _pub_date(value: object) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return None


def _closest_year(month: int, day: int, anchor: dt.date) -> dt.date | None:
    """The (month, day) nearest to the anchor: a December date read in January is last year's."""
    best: dt.date | None = None
    for year in (anchor.year - 1, anchor.year, anchor.year + 1):
        try:
            cand = dt.date(year, month, day)
        except ValueError:
            continue
        if best is None or abs((cand - anchor).days) < abs((best - anchor).days):
            best = cand
    return best


def find_dates(sentence: str, anchor: dt.date | None) -> list[DateMention]:
    """Explicit dates and weekdays in one sentence; a weekday next to a date confirms it."""
    out: list[DateMention] = []
    used: list[tuple[int, int]] = []
    low = sentence.lower()
    weekdays = []
    if any(hint in low for hint in _WEEKDAY_HINTS):  # cheap test first: most sentences name no weekday
        weekdays = [(m.start(), m.end(), _WEEKDAYS[m.group(0).lower()]) for m in _WEEKDAY_RE.finditer(sentence)]
    has_digit = _DIGIT.search(sentence) is not None
    for pattern, (yk, mk, dk) in _DATE_PATTERNS if has_digit else ():
        for m in pattern.finditer(sentence):
            if any(m.start() < e and s < m.end() for s, e in used):
                continue
            try:
                month = int(m.group(mk)) if mk == "m" else _MONTHS[m.group(mk).lower().rstrip(".")]
                day = int(m.group(dk))
            except (KeyError, ValueError):
                continue
            year = m.group(yk)
            if not (1 <= month <= 12 and 1 <= day <= 31):
                continue
            try:
                if year:
                    date: dt.date | None = dt.date(int(year), month, day)
                else:
                    date = _closest_year(month, day, anchor) if anchor else None
            except ValueError:
                continue
            if date is None:
                continue
            used.append((m.start(), m.end()))
            near = [w for s, e, w in weekdays if abs(s - m.end()) <= 8 or abs(m.start() - e) <= 8]
            kind = "explicit+weekday" if near and near[0] == date.weekday() else "explicit"
            start, end = _range(sentence, m, date)
            out.append(DateMention(start, start.weekday(), kind, m.group(0), end))
    for start, end, wd in weekdays:
        if any(abs(start - e) <= 8 or abs(s - end) <= 8 for s, e in used):
            continue  # already counted as confirmation of an explicit date
        day = None
        if anchor is not None:
            # news reports a weekday of the past week, or the publication day itself
            day = anchor - dt.timedelta(days=(anchor.weekday() - wd) % 7)
        out.append(DateMention(day, wd, "weekday", sentence[max(0, start - 8) : end + 8]))
    return out


def event_date(data: EventData) -> When:
    """The event's own day, voted over the leads of its independent articles."""
    votes: dict[dt.date, float] = defaultdict(float)
    evidence: dict[dt.date, tuple[float, str, str, str]] = {}
    ends: dict[dt.date, dt.date] = {}  # start day → end day of the strongest range that starts there
    floating: dict[int, float] = defaultdict(float)  # weekday votes with no publication date to anchor them
    for article in data.articles:
        share = 0.5 if article.id in data.copies else 1.0
        anchor = _pub_date(article.published.value) if article.published else None
        lines = ([data.title(article)] if data.title(article) else []) + [
            s.text for s in data.sentences(article)[:MAX_SENTENCES]
        ]
        for index, line in enumerate(lines):
            pos = POSITION_WEIGHTS[0] if index <= 1 else POSITION_WEIGHTS[1] if index <= 3 else POSITION_WEIGHTS[2]
            for mention in find_dates(line, anchor):
                weight = share * pos * KIND_WEIGHTS[mention.kind]
                if mention.day is None:
                    if mention.weekday is not None:
                        floating[mention.weekday] += weight
                    continue
                votes[mention.day] += weight
                if weight > evidence.get(mention.day, (0.0, "", "", ""))[0]:
                    evidence[mention.day] = (weight, mention.kind, mention.evidence, article.id)
                    if mention.end is not None:
                        ends[mention.day] = mention.end
        if anchor is not None:
            day = anchor
            votes[day] += share * KIND_WEIGHTS["published"]
            if day not in evidence:
                evidence[day] = (0.0, "published", str(article.published.value), article.id)  # type: ignore[union-attr]
    for day in list(votes):
        votes[day] += floating.get(day.weekday(), 0.0)
    if not votes:
        return When(start=None, confidence=0.0, source="unknown")
    total = sum(votes.values())
    best = max(votes, key=lambda d: (votes[d], -abs((d - min(votes)).days)))
    _w, kind, ev, aid = evidence[best]
    confidence = min(0.95, (votes[best] / total) * min(1.0, votes[best] / 1.5))
    end = ends.get(best)
    return When(start=best.isoformat(), end=end.isoformat() if end else None, confidence=round(confidence, 3),
                source=kind, evidence=ev, article_id=aid)
