"""The data model: what flows through Tidings, and nothing else.

One :class:`Article` travels through named stages (read, understand, group, tell),
as a spaCy ``Doc`` travels through its pipeline. Every value a stage *derives*
is wrapped in a :class:`Field` that records where it came from and how sure we
are, because an analyst must be able to ask "why does Tidings think this was
published on 18 February?" and get an answer ("dateline", 0.9, the line itself).

This module has no logic beyond (de)serialisation, so that every other module can
import it without pulling in heavy dependencies.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

T = TypeVar("T")

#: Roles a block of an article's text can play. ``body`` blocks make the clean
#: text; the others are kept so that later stages can look at them on purpose
#: (a provenance line lives in the footer, a dateline in the header) instead of
#: re-parsing the raw text.
BLOCK_ROLES = ("title", "header", "body", "caption", "footer", "boilerplate")


@dataclass(frozen=True)
class Field(Generic[T]):
    """A derived value with where it came from and how sure we are of it.

    ``source`` names the evidence kind (``"jsonl"``, ``"html-meta"``,
    ``"dateline"``, ``"inferred-year"`` …); ``evidence`` quotes the snippet it was
    read from, when there is one, so a user can check it.
    """

    value: T
    source: str
    confidence: float
    evidence: str | None = None

    def to_dict(self) -> dict[str, Any]:
        value: Any = self.value
        if isinstance(value, (dt.date, dt.datetime)):
            value = value.isoformat()
        out: dict[str, Any] = {"value": value, "source": self.source, "confidence": round(self.confidence, 3)}
        if self.evidence is not None:
            out["evidence"] = self.evidence
        return out


@dataclass(frozen=True)
class Block:
    """One paragraph-like unit of an article's text and the role it plays."""

    text: str
    role: str = "body"
    #: Why a non-body block was set aside (e.g. ``"link-list"``, ``"copyright"``).
    reason: str | None = None


@dataclass(frozen=True)
class ProvenanceLink:
    """One step of where an article's content came from.

    ``relation`` is one of ``"source"`` (来源: X — the content is X's),
    ``"via"`` (Theo X — relayed from X), ``"first-published"`` (first appeared at
    X), ``"contributor"`` (agency X contributed), ``"translated"`` (a
    machine or human translation of another report; ``name`` is the service).
    """

    relation: str
    name: str
    evidence: str
    confidence: float = 0.8
    url: str | None = None
    date: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in dataclasses.asdict(self).items() if v is not None}


@dataclass(frozen=True)
class EntityPlace:
    """Where a place entity is: the gazetteer entry the entity stage resolved it to."""

    name_en: str
    country_code: str | None = None
    lat: float | None = None
    lon: float | None = None
    #: "city", "admin", "region", "country" … (the gazetteer's kinds).
    kind: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"name_en": self.name_en, "country_code": self.country_code, "lat": self.lat, "lon": self.lon,
                "kind": self.kind}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> EntityPlace:
        return cls(str(d.get("name_en") or ""), d.get("country_code"), d.get("lat"), d.get("lon"), d.get("kind"))


@dataclass(frozen=True)
class Entity:
    """One distinct person, organisation or place an article names, as the entities stage found it.

    ``norm`` is the canonical key the name has in every script and article ("marco
    rubio" for 卢比奥, روبيو and Rubio); ``text`` the surface this article uses most;
    ``label`` PERSON, ORG, GPE or LOC; ``count`` its mentions in the article;
    ``confidence`` and ``source`` the strongest evidence ("gazetteer", "title",
    "lexicon" …); ``key`` a cross-script phonetic key; ``place`` where a place is.
    ``display`` is never set by the entity stage and never stored: the card views put
    the name a reader sees there.
    """

    text: str
    norm: str
    label: str
    count: int = 1
    confidence: float = 0.0
    source: str = ""
    key: str = ""
    place: EntityPlace | None = None
    display: str | None = None

    @property
    def identity(self) -> str:
        """The one name the entity is counted under: its ``norm``, else its surface text."""
        return (self.norm or self.text).strip()

    @functools.cached_property
    def surfaces(self) -> list[str]:
        """Every written form we know (surface text and norm), longest first.

        Cached on the instance (the fields are frozen): cards ask for it once per entity and
        sentence, ~170k times for a hundred ECB+ cards. Read it, never change it.
        """
        forms = {f for f in (self.text, self.norm) if f}
        return sorted(sorted(forms), key=len, reverse=True)

    def to_dict(self) -> dict[str, Any]:
        """The stored form (the entity stage's dict, key for key)."""
        out: dict[str, Any] = {
            "text": self.text,
            "norm": self.norm,
            "label": self.label,
            "count": self.count,
            "confidence": self.confidence,
            "source": self.source,
            "key": self.key,
        }
        if self.place is not None:
            out["place"] = self.place.to_dict()
        if self.display is not None:
            out["display"] = self.display
        return out

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Entity:
        """Inverse of :meth:`to_dict`; tolerant of missing keys (a count of 0 or none reads as 1)."""
        place = d.get("place")
        return cls(
            text=str(d.get("text") or ""),
            norm=str(d.get("norm") or ""),
            label=str(d.get("label") or ""),
            count=int(d.get("count") or 1),
            confidence=float(d.get("confidence") or 0.0),
            source=str(d.get("source") or ""),
            key=str(d.get("key") or ""),
            place=EntityPlace.from_dict(place) if isinstance(place, dict) else None,
            display=d.get("display"),
        )


@dataclass
class RawDocument:
    """What a reader found: bytes or text plus whatever metadata the container declared.

    Readers (``tidings.ingest``) only unpack containers and decode bytes; they never
    judge content. ``meta`` carries declared values (JSONL fields, feed entry
    fields, WARC headers) that the read stage turns into :class:`Field` values with
    high confidence.
    """

    uri: str
    text: str
    format: str  # "text" | "html"
    url: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    encoding: str | None = None


@dataclass
class Article:
    """A news article as Tidings understands it.

    Stages fill the fields in order; a field left ``None`` means "unknown", never
    "not computed yet" once the pipeline has run.
    """

    id: str
    uri: str
    raw_text: str
    format: str = "text"
    url: str | None = None
    content_hash: str = ""
    meta: dict[str, Any] = field(default_factory=dict)
    encoding: str | None = None

    # read
    blocks: list[Block] = field(default_factory=list)
    title: Field[str] | None = None
    lang: Field[str] | None = None
    script: Field[str] | None = None
    #: A ``datetime`` when the source gives a time, else a ``date``.
    published: Field[dt.date] | None = None
    outlet: Field[str] | None = None
    provenance: list[ProvenanceLink] = field(default_factory=list)

    # understand / group (filled by later stages)
    entities: list[Entity] = field(default_factory=list)
    vector: Any = None
    event_id: str | None = None

    @property
    def text(self) -> str:
        """The clean body: body blocks joined as paragraphs."""
        return "\n\n".join(b.text for b in self.blocks if b.role == "body")

    @property
    def lang_code(self) -> str | None:
        """The language's ISO code (``"zh"``, ``"ar"`` …) when the read stage knows it, else None."""
        return self.lang.value if self.lang else None

    @property
    def translated(self) -> bool:
        """True when a provenance note says this text is a translation."""
        return any(link.relation == "translated" for link in self.provenance)

    def blocks_with(self, *roles: str) -> list[Block]:
        return [b for b in self.blocks if b.role in roles]

    def to_dict(self, *, with_raw: bool = False) -> dict[str, Any]:
        """A JSON-ready view, used by ``--json`` output and the store."""
        out: dict[str, Any] = {
            "id": self.id,
            "uri": self.uri,
            "url": self.url,
            "format": self.format,
            "encoding": self.encoding,
            "content_hash": self.content_hash,
            "title": self.title.to_dict() if self.title else None,
            "lang": self.lang.to_dict() if self.lang else None,
            "script": self.script.to_dict() if self.script else None,
            "published": self.published.to_dict() if self.published else None,
            "outlet": self.outlet.to_dict() if self.outlet else None,
            "provenance": [p.to_dict() for p in self.provenance],
            "translated": self.translated,
            "text": self.text,
            "blocks": [dataclasses.asdict(b) for b in self.blocks],
            "meta": self.meta,
            "event_id": self.event_id,
        }
        if self.entities:
            out["entities"] = [e.to_dict() for e in self.entities]
        if with_raw:
            out["raw_text"] = self.raw_text
        return out

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Article:
        """Inverse of :meth:`to_dict` (``raw_text`` optional)."""

        def fld(x: dict[str, Any] | None, kind: str = "str") -> Field[Any] | None:
            if not x:
                return None
            value: Any = x["value"]
            if kind == "date" and isinstance(value, str):
                value = parse_iso_date(value)
            return Field(value, x["source"], float(x["confidence"]), x.get("evidence"))

        return cls(
            id=d["id"],
            uri=d["uri"],
            raw_text=d.get("raw_text", ""),
            format=d.get("format", "text"),
            url=d.get("url"),
            content_hash=d.get("content_hash", ""),
            meta=d.get("meta") or {},
            encoding=d.get("encoding"),
            blocks=[Block(**b) for b in d.get("blocks", [])],
            title=fld(d.get("title")),
            lang=fld(d.get("lang")),
            script=fld(d.get("script")),
            published=fld(d.get("published"), "date"),
            outlet=fld(d.get("outlet")),
            provenance=[ProvenanceLink(**p) for p in d.get("provenance", [])],
            entities=[Entity.from_dict(e) for e in d.get("entities") or []],
            event_id=d.get("event_id"),
        )


def _plain(value: Any) -> Any:
    """A copy of JSON-like ``value`` (dicts, lists, tuples, scalars) as ``dataclasses.asdict`` makes it; a list of
    scalars is copied whole."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        if any(isinstance(v, dict | list | tuple) for v in value):
            return type(value)(_plain(v) for v in value)
        return type(value)(value)
    return value


def parse_iso_date(value: str) -> dt.date:
    """``2025-02-18`` → ``date``; anything with a time part → ``datetime``."""
    if len(value) <= 10:
        return dt.date.fromisoformat(value)
    return dt.datetime.fromisoformat(value)


@dataclass
class Event:
    """A real-world happening, as a group of articles that report it.

    Ids are stable: an event keeps its id as articles join it. When two events
    turn out to be one, the younger id is *merged into* the older one; the record
    of the old id stays, with ``merged_into`` set, so old links still resolve.
    ``duplicates`` maps an article id to the id of the article it copies or
    translates (those are not independent reports).
    """

    id: str
    article_ids: list[str] = field(default_factory=list)
    created_at: str = ""
    updated_at: str = ""
    merged_into: str | None = None
    lineage: list[str] = field(default_factory=list)
    duplicates: dict[str, str] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready copy (no value shared with the event).

        Not ``dataclasses.asdict``: it deep-copies value by value, and an event's ``extra`` holds its
        512-number centroid; every batch's save writes every changed event (py-spy of ``tidings
        bench events``: asdict was a third of writing an event record).
        """
        return {f.name: _plain(getattr(self, f.name)) for f in dataclasses.fields(self)}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Event:
        known = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: v for k, v in d.items() if k in known})


@dataclass
class Storyline:
    """A thread of related events over time (e.g. the US–Russia dialogue on Ukraine)."""

    id: str
    title: str = ""
    event_ids: list[str] = field(default_factory=list)
    entities: list[str] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Storyline:
        known = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: v for k, v in d.items() if k in known})
