"""The event card: what a user reads about one event, built from its parts.

``build_card(store, event_id, lang)`` gathers the parts (title, extractive summary,
who, where, when, quotes, outcomes, timeline, coverage), each computed by its own
small module in ``tidings.tell`` over the read model (:mod:`tidings.views.events`).
Every text a card shows is verbatim from the event's own articles and carries the
article it came from, so a reader can check it. The card types live in
:mod:`tidings.tell.types`.
"""

from __future__ import annotations

from tidings.options import DISPLAY_LANG
from tidings.store import Store
from tidings.tell.coverage import build_coverage
from tidings.tell.quotes import find_quotes
from tidings.tell.summary import choose_title, find_outcomes, summarise
from tidings.tell.timeline import build_timeline
from tidings.tell.titles import compose_title
from tidings.tell.types import EventCard
from tidings.tell.when import event_date
from tidings.tell.where import rank_places
from tidings.tell.who import rank_actors
from tidings.views.events import EventData, Headline, load_event


def build_card(store: Store, event_id: str, lang: str = DISPLAY_LANG) -> EventCard:
    """The card of one event (merged ids resolve to the live event); ``UnknownId`` if absent."""
    return card_from_data(load_event(store, event_id), lang)


def card_from_data(data: EventData, lang: str = DISPLAY_LANG) -> EventCard:
    """The card of an already loaded event (lets the report share loading with storylines)."""
    who = rank_actors(data, lang=lang)
    where = rank_places(data)
    when = event_date(data)
    title = choose_title(data, lang, who)
    original = None
    if title is None or title.lang != lang:
        composed = compose_title(data, lang, who, where, when)
        if composed is not None:
            original, title = title, composed
    summary = summarise(data, who, exclude=frozenset([original.text if original else title.text]) if title
                        else frozenset())
    outcomes = find_outcomes(data, exclude=frozenset(s.text for s in summary))
    coverage = build_coverage(data)
    langs = sorted({data.lang(a) for a in data.articles})
    outlets = sorted({data.outlet(a) for a in data.articles})
    return EventCard(
        event_id=data.event.id,
        title=title,
        title_lang_matches=title is not None and title.lang == lang,
        original_title=original,
        summary=summary,
        who=who,
        where=where,
        when=when,
        quotes=find_quotes(data),
        outcomes=outcomes,
        timeline=build_timeline(data, outcomes),
        coverage=coverage,
        languages=langs,
        outlets=outlets,
        article_count=len(data.articles),
        display_lang=lang,
    )


def headline(data: EventData, lang: str = DISPLAY_LANG) -> Headline:
    """The card's title (in ``lang`` where one exists), own date and main place, without the rest of the card.

    The chooser :func:`tidings.views.events.list_events` takes, so a listing row says what the card says.
    """
    title = choose_title(data, lang)
    places = rank_places(data, limit=1)
    when = event_date(data)
    if title is None or title.lang != lang:
        title = compose_title(data, lang, rank_actors(data, lang=lang), places, when) or title
    return Headline(
        title=title.text if title else None,
        title_lang=title.lang if title else None,
        date=when.start,
        date_confidence=when.confidence,
        where=places[0].name if places else None,
    )
