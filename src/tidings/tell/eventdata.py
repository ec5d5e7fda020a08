"""Loading an event and its articles from the store, and the derived views every card part needs.

Why one module: cards, timelines, coverage, storylines and the report all need the
same things (resolve merged ids, load articles once, know which reports are copies,
get entities even for articles stored before the entity stage existed), and they
must agree on them.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any

from tidings.article import Article, Entity, Event
from tidings.store import Store
from tidings.text.sentences import Sentence, split_sentences

#: Entity labels that name who took part, and those that name where.
WHO_LABELS = ("PERSON", "ORG", "GPE", "NORP")
WHERE_LABELS = ("GPE", "LOC", "FAC")


#: When an article's outlet is unknown, the provenance relations that best stand in for it, in order.
OUTLET_FALLBACK_RELATIONS = ("first-published", "via", "source", "contributor")


class UnknownEvent(KeyError):
    """No event with this id (or id prefix) in the store."""


def resolve_event(store: Store, event_id: str) -> Event:
    """The live event for an id: follows ``merged_into`` links; accepts a unique id prefix (≥ 4 chars)."""
    record = store.get_record("event", event_id)
    if record is None and len(event_id) >= 4:
        matches = [(k, v) for k, v in store.iter_records("event") if k.startswith(event_id)]
        if len(matches) == 1:
            record = matches[0][1]
    if record is None:
        raise UnknownEvent(f"no event with id {event_id!r}")
    seen: set[str] = set()
    event = Event.from_dict(record)
    while event.merged_into and event.merged_into not in seen:
        seen.add(event.id)
        nxt = store.get_record("event", event.merged_into)
        if nxt is None:
            break
        event = Event.from_dict(nxt)
    return event


def iter_events(store: Store) -> Iterator[Event]:
    """Every live (not merged-away) event with at least one article, in store order."""
    for _key, record in store.iter_records("event"):
        event = Event.from_dict(record)
        if event.merged_into or not event.article_ids:
            continue
        yield event


def as_datetime(value: dt.date | None) -> dt.datetime | None:
    """Dates and datetimes on one naive UTC axis, so they sort together."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.UTC).replace(tzinfo=None)
        return value
    return dt.datetime(value.year, value.month, value.day)


@lru_cache(maxsize=1)
def _extractor() -> Any:
    """The entity stage when the understand package provides it (guarded: it may not exist yet)."""
    try:
        from tidings.understand.entities import EntityExtractor
    except ImportError:
        return None
    try:
        return EntityExtractor()
    except Exception:  # a broken optional stage must not break cards
        return None


def entities_of(article: Article) -> list[Entity]:
    """The article's entities; computed on the fly for articles stored before entities existed."""
    if article.entities:
        return article.entities
    extractor = _extractor()
    if extractor is None:
        return []
    try:
        article = extractor(article)
    except Exception:
        return []
    return list(article.entities or [])


@dataclass
class EventData:
    """An event with its articles loaded (in the event's join order) and who copies whom."""

    event: Event
    articles: list[Article]
    #: article id → id of the article it copies/translates (from the event and provenance).
    copies: dict[str, str] = field(default_factory=dict)
    entities: dict[str, list[Entity]] = field(default_factory=dict)
    _sentences: dict[str, list[Sentence]] = field(default_factory=dict, repr=False)

    def sentences(self, article: Article) -> list[Sentence]:
        """The article's sentences, split once and shared by every card part."""
        if article.id not in self._sentences:
            self._sentences[article.id] = split_sentences(article.text, self.lang(article), article.id)
        return self._sentences[article.id]

    @property
    def independent(self) -> list[Article]:
        """Articles that are not copies or translations of another article of the event."""
        return [a for a in self.articles if a.id not in self.copies]

    def lang(self, article: Article) -> str:
        return article.lang_code or "und"  # cards show "und" (undetermined, ISO 639) rather than nothing

    def outlet(self, article: Article) -> str:
        """The publishing outlet; else who the text says it came from, marked with the relation."""
        if article.outlet and article.outlet.value:
            return str(article.outlet.value)
        for relation in OUTLET_FALLBACK_RELATIONS:
            for link in article.provenance:
                if link.relation == relation and link.name:
                    return f"{link.name} ({relation})"
        return "unknown outlet"

    def title(self, article: Article) -> str:
        return article.title.value if article.title and article.title.value else ""


def name_resolver(store: Store) -> Any:
    """The store's alias lexicon (norm → canonical norm, display name), or None when unavailable.

    Norms handed out early may since have been linked to another name (普京 ↔ Putin);
    the lexicon's ``canonical`` maps them to today's representative so a card counts
    one person once.
    """
    try:
        from tidings.understand.aliases import AliasLexicon
    except ImportError:
        return None
    try:
        return AliasLexicon.load(store)
    except Exception:
        return None


def canonical_entities(entities: list[Entity], names: Any) -> list[Entity]:
    """Entities with ``norm`` mapped to its canonical form and a ``display`` name set."""
    out = []
    if names is None:
        return [replace(ent, display=display_name(ent)) if ent.norm else ent for ent in entities]
    for ent in entities:
        norm = ent.norm
        if not norm:
            out.append(ent)
            continue
        try:
            canon, display = names.canonical(norm), names.display(norm)
        except Exception:
            canon, display = norm, ""
        if not display or display in (canon, norm):
            display = display_name(ent)
        out.append(replace(ent, norm=canon, display=display))
    return out


def display_name(entity: Entity) -> str:
    """A readable name when no lexicon knows one: a Latin norm title-cased ("marco rubio" → "Marco Rubio")."""
    norm = entity.norm
    if norm and all(ch.isascii() or (unicodedata.category(ch).startswith("L") and ord(ch) < 0x250) for ch in norm):
        text = entity.text
        if text.casefold() == norm.casefold():
            return text  # the article's own spelling ("CNN", "McCain")
        if entity.label == "ORG" and len(norm) <= 4 and " " not in norm:
            return norm.upper()  # acronyms: cnn → CNN
        return " ".join(w[:1].upper() + w[1:] for w in norm.split(" "))
    return entity.display or entity.text or norm


def load_event(store: Store, event_id: str, names: Any = None) -> EventData:
    """Resolve the event and load its articles (missing ones are skipped, not fatal).

    ``names`` is an alias lexicon (see :func:`name_resolver`); loaded from the store when None.
    """
    event = resolve_event(store, event_id)
    if names is None:
        names = name_resolver(store)
    articles: list[Article] = []
    seen: set[str] = set()
    for aid in event.article_ids:
        if aid in seen:
            continue
        seen.add(aid)
        article = store.get_article(aid)
        if article is not None:
            articles.append(article)
    present = {a.id for a in articles}
    copies = {k: v for k, v in event.duplicates.items() if k in present and v in present and k != v}
    data = EventData(event=event, articles=articles, copies=copies)
    # extract on the fly only for events stored before the entity stage existed: when some article has
    # entities, the others simply have none (re-extracting them for every card would be slow)
    stored = any(a.entities for a in articles)
    data.entities = {a.id: canonical_entities(a.entities if stored else entities_of(a), names) for a in articles}
    return data
