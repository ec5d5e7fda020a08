"""When the event itself happened — not when it was published.

Reports date their event in three ways: an explicit date ("2月18日", "18 فبراير",
"ngày 18/2", "February 18", "18 février"), a weekday relative to the publication
date ("يوم الثلاثاء", "thứ Ba", "on Tuesday", "周二"), or both ("周二(2月18日)").
Each mention is a vote weighted by where it stands (the lead dates the event; later
sentences date background: a phone call last week) and by how explicit it is; the
votes of all independent articles are summed per calendar day.

This module only votes. Reading dates, weekdays and ranges out of a sentence is
:mod:`tidings.text.dates`' job, the same grammar the read stage dates articles with
(month names in en/fr/de/es/it/pt/ru/ar/vi/tr/pl, numeric, CJK and Korean forms).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass

from tidings.article import Article
from tidings.tell.types import When
from tidings.text.dates import day_range, find_dates, find_weekdays
from tidings.views.events import EventData

#: Vote weight by sentence position: lead, next two, later (calibrated by eye on the seeds).
POSITION_WEIGHTS = (1.0, 0.6, 0.2)
#: Vote weight by kind of evidence.
KIND_WEIGHTS = {"explicit+weekday": 1.0, "explicit": 0.8, "weekday": 0.7, "published": 0.3}
#: Only the first sentences are searched: later ones date background, and this keeps cards fast.
MAX_SENTENCES = 8
#: Longest span we read as one event (a summit, a trial week); longer "ranges" are something else.
MAX_SPAN_DAYS = 31
#: A weekday this close to a date (in characters, either side) is written with it: "周二(2月18日)",
#: "Tuesday, Feb. 18", "18 فبراير الثلاثاء".
WEEKDAY_REACH = 8


#: Words right before a date that make it background, not the event's day: a birth, a founding, a
#: start ("since"), an earlier step ("previous", "last year"). English, the language of the cue words
#: of the date grammar's other languages is left to position weighting.
_BACKGROUND = re.compile(r"\b(?:born|birth|died|founded|established|since|anniversary|previous|previously|prior|"
                         r"earlier|former|ago|last year|first (?:published|aired)|dating back)\b[^.;,]{0,25}$",
                         re.IGNORECASE)
#: A date this many days before the report's own day is background (an earlier step of the story told
#: again), whatever the words around it: the event is what the report is new about.
BACKGROUND_DAYS = 365


@dataclass(frozen=True)
class DateVote:
    """A date found in a line, as a vote: resolved to a day when it can be, or only a weekday."""

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


def _gap(a: tuple[int, int], b: tuple[int, int]) -> int:
    """Characters between two spans (0 when they touch or overlap)."""
    return max(0, b[0] - a[1], a[0] - b[1])


def date_votes(line: str, anchor: dt.date | None, lang: str | None = None) -> list[DateVote]:
    """The dates and weekdays of one line as votes; a weekday next to a date confirms it.

    ``anchor`` (the publication day) places a date written without its year and a bare
    weekday (news reports a weekday of the past week, or the publication day itself).
    """
    out: list[DateVote] = []
    weekdays = find_weekdays(line, lang)
    used: list[tuple[int, int]] = []
    for m in find_dates(line, lang):
        date = m.day_near(anchor)
        if date is None:
            continue
        span = (m.start, m.end)
        used.append(span)
        if _BACKGROUND.search(line[max(0, m.start - 60):m.start]) or (
                anchor is not None and (anchor - date).days > BACKGROUND_DAYS):
            continue  # "born March 3, 1970", "since 2021", a step of the story a year back
        written = m.weekday if m.weekday is not None else next(
            (w.weekday for w in weekdays if _gap(span, (w.start, w.end)) <= WEEKDAY_REACH), None
        )
        kind = "explicit+weekday" if written == date.weekday() else "explicit"
        start, end = day_range(line, m, date, MAX_SPAN_DAYS)
        out.append(DateVote(start, start.weekday(), kind, m.text, end))
    for w in weekdays:
        if any(_gap(span, (w.start, w.end)) <= WEEKDAY_REACH for span in used):
            continue  # already counted as confirmation of an explicit date
        day = None if anchor is None else anchor - dt.timedelta(days=(anchor.weekday() - w.weekday) % 7)
        out.append(DateVote(day, w.weekday, "weekday", line[max(0, w.start - 8) : w.end + 8]))
    return out


def _anchor(article: Article) -> tuple[dt.date | None, float]:
    """The day an article was written, to place its year-less dates and weekdays, and how sure its year is.

    A publication date whose year the read stage only guessed (source ``inferred-year``) anchors with its
    own confidence; one guessed with no clue at all ("most recent such date": an undated text dated
    "APR 28" becomes this year's 28 April) does not anchor: its year says nothing.
    """
    if not article.published:
        return None, 0.0
    day = _pub_date(article.published.value)
    if article.published.source != "inferred-year":
        return day, 1.0
    if "most recent such date" in (article.published.evidence or ""):
        return None, 0.0
    return day, float(article.published.confidence or 0.0)


def event_date(data: EventData) -> When:
    """The event's own day, voted over the leads of its independent articles."""
    votes: dict[dt.date, float] = defaultdict(float)
    evidence: dict[dt.date, tuple[float, str, str, str, str]] = {}  # weight, kind, snippet, article, line
    ends: dict[dt.date, dt.date] = {}  # start day → end day of the strongest range that starts there
    floating: dict[int, float] = defaultdict(float)  # weekday votes with no publication date to anchor them
    trust: dict[dt.date, float] = defaultdict(float)  # how sure the year of each voted day is
    for article in data.articles:
        share = 0.5 if article.id in data.copies else 1.0
        anchor, sure = _anchor(article)
        lines = ([data.title(article)] if data.title(article) else []) + [
            s.text for s in data.sentences(article)[:MAX_SENTENCES]
        ]
        for index, line in enumerate(lines):
            pos = POSITION_WEIGHTS[0] if index <= 1 else POSITION_WEIGHTS[1] if index <= 3 else POSITION_WEIGHTS[2]
            for mention in data.remember(date_votes, line, anchor, data.lang(article)):
                weight = share * pos * KIND_WEIGHTS[mention.kind]
                if mention.day is None:
                    if mention.weekday is not None:
                        floating[mention.weekday] += weight
                    continue
                year_written = mention.kind.startswith("explicit") and str(mention.day.year) in mention.evidence
                weight *= 1.0 if year_written else sure  # a day placed by a guessed year is as sure as the guess
                trust[mention.day] = max(trust[mention.day], 1.0 if year_written else sure)
                votes[mention.day] += weight
                if weight > evidence.get(mention.day, (0.0, "", "", "", ""))[0]:
                    evidence[mention.day] = (weight, mention.kind, mention.evidence, article.id, line)
                    if mention.end is not None:
                        ends[mention.day] = mention.end
        if anchor is not None:
            day = anchor
            votes[day] += share * KIND_WEIGHTS["published"] * sure
            trust[day] = max(trust[day], sure)
            if day not in evidence:
                published = article.published
                assert published is not None
                evidence[day] = (0.0, "published", published.evidence or str(published.value), article.id, "")
    for day in list(votes):
        votes[day] += floating.get(day.weekday(), 0.0)
    if not votes:
        guessed = next((a for a in data.articles if a.published and a.published.source == "inferred-year"), None)
        if guessed is not None and guessed.published is not None:  # say why there is no date
            return When(start=None, confidence=0.0, source="unknown",
                        evidence=f"{guessed.published.evidence} (no year: not dated)", article_id=guessed.id)
        return When(start=None, confidence=0.0, source="unknown")
    total = sum(votes.values())
    best = max(votes, key=lambda d: (votes[d], -abs((d - min(votes)).days)))
    _w, kind, ev, aid, line = evidence[best]
    confidence = min(0.95, (votes[best] / total) * min(1.0, votes[best] / 1.5), trust[best] or 1.0)
    if 0 < trust[best] < 1.0:
        kind += " (year inferred)"
    end = ends.get(best)
    return When(start=best.isoformat(), end=end.isoformat() if end else None, confidence=round(confidence, 3),
                source=kind, evidence=ev, article_id=aid, sentence=line or None)
