"""The card types: what a user reads about one event, as typed, JSON-ready objects.

Kept apart from the code that builds them (``tidings.tell.cards`` and its parts) so
every part imports its types from here and ``cards`` imports the parts: one direction,
no import circle.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

from tidings.options import DISPLAY_LANG


@dataclass(frozen=True)
class SourcedText:
    """A verbatim sentence (or title) and the article, language and outlet it comes from."""

    text: str
    article_id: str
    lang: str
    outlet: str
    kind: str = ""  # for an outcome: "verdict", "charge", "agreement" or "decision"


@dataclass(frozen=True)
class Actor:
    """Someone who took part: one normalised name, counted over independent articles."""

    name: str
    label: str  # PERSON | ORG | GPE | NORP
    articles: int  # independent articles naming it
    mentions: int
    surfaces: tuple[str, ...] = ()
    evidence: str | None = None  # id of the first article naming it
    lead_articles: int = 0  # of its independent articles, those naming it in their title or lead


@dataclass(frozen=True)
class Place:
    """Where it happened, with gazetteer coordinates when known."""

    name: str
    country: str | None = None
    country_code: str | None = None
    lat: float | None = None
    lon: float | None = None
    kind: str | None = None
    articles: int = 0
    evidence: str | None = None  # the most prominent line naming it: a dateline, a title, a lead sentence
    article_id: str | None = None


@dataclass(frozen=True)
class When:
    """The event's own date (or span), which may differ from publication dates."""

    start: str | None  # ISO date
    end: str | None = None
    confidence: float = 0.0
    source: str = "unknown"  # "explicit", "weekday", "explicit+weekday", "published"
    evidence: str | None = None
    article_id: str | None = None
    sentence: str | None = None  # the whole line (title or sentence) the evidence was read in


@dataclass(frozen=True)
class Quote:
    """Words someone said, with the speaker when we can tell."""

    text: str
    speaker: str | None
    article_id: str
    lang: str
    outlet: str
    sentence: str = ""
    confidence: float = 0.5


@dataclass(frozen=True)
class TimelineEntry:
    """One article of the event in publication order and what it adds."""

    article_id: str
    published: str | None  # ISO, None when undated
    dated: bool
    lang: str
    outlet: str
    title: str
    role: str  # "first report" | "follow-up" | "outcome" | "copy" | "translation"
    adds: str = ""
    copy_of: str | None = None
    via: tuple[str, ...] = ()  # provenance notes, e.g. "translated: machine", "source: 大纪元"
    url: str | None = None  # as stored; validate before making a link of it


@dataclass(frozen=True)
class CoverageItem:
    """One outlet's report(s) in one language."""

    lang: str
    outlet: str
    article_ids: tuple[str, ...]
    first_published: str | None
    relations: tuple[str, ...] = ()  # e.g. "translation of 0a1b… (AP)", "source: Epoch Times"


@dataclass
class Coverage:
    """Who covered the event, in which language, when, and who copied whom."""

    by_lang: dict[str, list[CoverageItem]] = field(default_factory=dict)
    copies: dict[str, str] = field(default_factory=dict)  # article id → original article id
    syndication: list[dict[str, str]] = field(default_factory=list)  # provenance links per article
    first_reporter: str | None = None  # article id


@dataclass(frozen=True)
class RelatedEvent:
    """Another event that shares this one's actors without continuing its story (same kind, years apart)."""

    event_id: str
    title: str
    date: str | None
    shared: tuple[str, ...]  # the specific names both events carry
    reason: str  # why it is not one storyline: "same kind (talks), 830 days apart"
    score: float = 0.0


@dataclass
class EventCard:
    """Everything a user reads about one event."""

    event_id: str
    title: SourcedText | None
    title_lang_matches: bool
    summary: list[SourcedText]
    who: list[Actor]
    where: list[Place]
    when: When
    quotes: list[Quote]
    outcomes: list[SourcedText]
    timeline: list[TimelineEntry]
    coverage: Coverage
    languages: list[str]
    outlets: list[str]
    article_count: int
    display_lang: str = DISPLAY_LANG
    extra: dict[str, Any] = field(default_factory=dict)
    #: When ``title`` was composed in the display language (no report has one in it): the report's own title.
    original_title: SourcedText | None = None
    #: Events that share this one's actors but are another story, read from the saved storylines
    #: (``tidings storylines --rebuild`` or the end of an ingest run): none before they are built.
    related: list[RelatedEvent] = field(default_factory=list)
    #: Articles the card was built from: all of them, or for a big event the ones read
    #: (:data:`tidings.views.events.READ_AT_MOST`); counts and coverage cover every article.
    articles_read: int = 0

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready view (``tidings event ID --json``)."""
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> EventCard:
        """The card :meth:`to_dict` (then JSON) gave: a server keeps built cards on disk (``serve.shelf``)."""
        cov = d.get("coverage") or {}
        coverage = Coverage(
            by_lang={lang: [_typed(CoverageItem, i) for i in items] for lang, items in cov.get("by_lang", {}).items()},
            copies=dict(cov.get("copies", {})),
            syndication=list(cov.get("syndication", [])),
            first_reporter=cov.get("first_reporter"),
        )
        return cls(
            event_id=d["event_id"],
            title=_typed(SourcedText, d.get("title")),
            title_lang_matches=d["title_lang_matches"],
            summary=[_typed(SourcedText, x) for x in d.get("summary", [])],
            who=[_typed(Actor, x) for x in d.get("who", [])],
            where=[_typed(Place, x) for x in d.get("where", [])],
            when=_typed(When, d["when"]),
            quotes=[_typed(Quote, x) for x in d.get("quotes", [])],
            outcomes=[_typed(SourcedText, x) for x in d.get("outcomes", [])],
            timeline=[_typed(TimelineEntry, x) for x in d.get("timeline", [])],
            coverage=coverage,
            languages=list(d.get("languages", [])),
            outlets=list(d.get("outlets", [])),
            article_count=d["article_count"],
            display_lang=d.get("display_lang", DISPLAY_LANG),
            extra=dict(d.get("extra", {})),
            original_title=_typed(SourcedText, d.get("original_title")),
            related=[_typed(RelatedEvent, x) for x in d.get("related", [])],
            articles_read=d.get("articles_read", 0),
        )


def _typed(kind: Any, d: dict[str, Any] | None) -> Any:
    """``kind(**d)`` with JSON's lists made tuples again where the field is a tuple (None stays None)."""
    if d is None:
        return None
    tuples = _TUPLE_FIELDS.get(kind)
    if tuples is None:
        tuples = _TUPLE_FIELDS[kind] = frozenset(f.name for f in dataclasses.fields(kind) if "tuple" in str(f.type))
    return kind(**{k: tuple(v) if k in tuples and isinstance(v, list) else v for k, v in d.items()})


_TUPLE_FIELDS: dict[Any, frozenset[str]] = {}
