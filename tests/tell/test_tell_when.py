"""When: background and birth dates do not vote; a year the read stage only guessed is not the event's."""

from __future__ import annotations

import datetime as dt

from tidings.article import Article, Block, Event, Field
from tidings.tell.when import date_votes, event_date
from tidings.views.events import EventData


def test_birth_and_background_dates_do_not_vote() -> None:
    line = "Smith, who was born on March 3, 1970, and has led the club since January 5, 2019, resigned on Feb. 18."
    days = [v.day for v in date_votes(line, dt.date(2025, 2, 20), "en")]
    assert days == [dt.date(2025, 2, 18)]
    # a step of the story more than a year back is told again, not reported
    assert date_votes("Horton was shot on Oct. 21, 2011.", dt.date(2013, 4, 12), "en") == []


def _event(published: Field[dt.date] | None, text: str) -> EventData:
    article = Article("a1", "u", text, blocks=[Block(text)], published=published, lang=Field("en", "t", 1.0))
    return EventData(Event("e", ["a1"], "t", "t"), [article])


def test_a_guessed_year_is_no_date_and_an_inferred_one_is_unsure() -> None:
    guessed = Field(dt.date(2026, 4, 28), "inferred-year", 0.3, "APR 28 [header-dateline; year: most recent such date]")
    when = event_date(_event(guessed, "Officials announced the rules on Tuesday."))
    assert when.start is None and when.evidence and "APR 28" in when.evidence  # the year says nothing
    inferred = Field(dt.date(2022, 11, 10), "inferred-year", 0.467,
                     "Thursday, November 10th [body; year: weekday matches]")
    when = event_date(_event(inferred, "On Thursday, November 10th, the camp was bombed."))
    assert when.start == "2022-11-10" and when.confidence <= 0.467 and "year inferred" in when.source
    assert when.sentence == "On Thursday, November 10th, the camp was bombed."
