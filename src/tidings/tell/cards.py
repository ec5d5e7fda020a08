"""The event card: what a user reads about one event, built from its parts.

``build_card(store, event_id, lang)`` gathers the parts (title, extractive summary,
who, where, when, quotes, outcomes, timeline, coverage), each computed by its own
small module in ``tidings.tell`` over the read model (:mod:`tidings.views.events`).
Every text a card shows is verbatim from the event's own articles and carries the
article it came from, so a reader can check it. The card types live in
:mod:`tidings.tell.types`.
"""

from __future__ import annotations

from collections.abc import Iterable

from tidings.group.storylines import RelatedEvents
from tidings.options import DISPLAY_LANG
from tidings.store import Store
from tidings.tell.coverage import build_coverage
from tidings.tell.quotes import find_quotes
from tidings.tell.summary import choose_title, find_outcomes, summarise
from tidings.tell.threads import related_events
from tidings.tell.timeline import build_timeline
from tidings.tell.titles import compose_title
from tidings.tell.types import EventCard, RelatedEvent
from tidings.tell.when import event_date
from tidings.tell.where import rank_places
from tidings.tell.who import rank_actors, shown_to
from tidings.views.events import UNKNOWN_OUTLET, EventData, Headline, load_event
from tidings.views.names import NameResolver

#: How many actors a card shows, and how many it reads to attribute quotes (a speaker quoted once is
#: rarely among the most reported actors).
WHO_SHOWN, ACTORS_FOR_QUOTES = 12, 60


def build_card(store: Store, event_id: str, lang: str = DISPLAY_LANG, *,
               names: NameResolver | None = None) -> EventCard:
    """The card of one event (merged ids resolve to the live event); ``UnknownId`` if absent.

    With the store at hand the card also lists its related events, as the last storyline build saved them.
    ``names``: the alias lexicon to show names through, when the caller keeps one loaded (a server).
    """
    card = card_from_data(load_event(store, event_id, names=names), lang)
    card.related = related_of(card.event_id, related_events(store, card.event_id), lang)
    return card


def related_of(event_id: str, relations: Iterable[RelatedEvents], lang: str = DISPLAY_LANG) -> list[RelatedEvent]:
    """One event's relations as the card shows them: the other event, its date and title, shared names (as a
    reader of ``lang`` sees them), reason."""
    out = []
    for rel in relations:
        if event_id not in rel.event_ids:
            continue
        k = 1 if rel.event_ids[0] == event_id else 0
        labels = rel.shared_labels or ("",) * len(rel.shared)
        shared = tuple(shown_to(name, label, lang) for name, label in zip(rel.shared, labels, strict=True))
        out.append(RelatedEvent(rel.event_ids[k], rel.titles[k], rel.dates[k], shared, rel.reason, rel.score))
    return sorted(out, key=lambda r: (-r.score, r.event_id))


def card_from_data(data: EventData, lang: str = DISPLAY_LANG) -> EventCard:
    """The card of an already loaded event (lets the report share loading with storylines)."""
    actors = rank_actors(data, limit=ACTORS_FOR_QUOTES, lang=lang)
    who = actors[:WHO_SHOWN]
    people = {form: a.name for a in actors if a.label == "PERSON" for form in (a.name, *a.surfaces)}
    where = rank_places(data)
    when = event_date(data)
    title = choose_title(data, lang, who)
    original = None
    if title is None or title.lang != lang:
        composed = compose_title(data, lang, who, where, when)
        if composed is not None:
            original, title = title, composed
    # what was decided is told once, under outcomes; the summary tells the rest, never the title again
    outcomes = find_outcomes(data)
    shown = {o.text for o in outcomes} | ({original.text if original else title.text} if title else set())
    summary = summarise(data, who, exclude=frozenset(shown), lang=lang, day=when.start)
    coverage = build_coverage(data)
    langs = sorted({data.lang(a) for a in data.articles} | {r.lang or "und" for r in data.unread})
    outlets = sorted({data.outlet(a) for a in data.articles} | {r.outlet or UNKNOWN_OUTLET for r in data.unread})
    return EventCard(
        event_id=data.event.id,
        title=title,
        title_lang_matches=title is not None and title.lang == lang,
        original_title=original,
        summary=summary,
        who=who,
        where=where,
        when=when,
        quotes=find_quotes(data, people=people),
        outcomes=outcomes,
        timeline=build_timeline(data, outcomes, lang, actors),
        coverage=coverage,
        languages=langs,
        outlets=outlets,
        article_count=data.article_count,
        articles_read=len(data.articles),
        display_lang=lang,
    )


def headline(data: EventData, lang: str = DISPLAY_LANG) -> Headline:
    """The card's title (in ``lang`` where one exists), own date and main place, without the rest of the card.

    The chooser :func:`tidings.views.events.list_events` takes, so a listing row says what the card says.
    """
    actors = rank_actors(data, limit=WHO_SHOWN, lang=lang)  # once, for the title chosen and the one composed
    title = choose_title(data, lang, actors)
    places = rank_places(data)  # all the card ranks: a composed title names the first town among them
    when = event_date(data)
    if title is None or title.lang != lang:
        title = compose_title(data, lang, actors, places, when) or title
    return Headline(
        title=title.text if title else None,
        title_lang=title.lang if title else None,
        date=when.start,
        date_confidence=when.confidence,
        where=places[0].name if places else None,
    )


def headline_of_card(card: EventCard) -> Headline:
    """:func:`headline` read off a built card (a server that keeps cards makes its listings' rows from them)."""
    return Headline(
        title=card.title.text if card.title else None,
        title_lang=card.title.lang if card.title else None,
        date=card.when.start,
        date_confidence=card.when.confidence,
        where=card.where[0].name if card.where else None,
    )
