"""Storylines over a store: event profiles from the read model, built, saved and read back.

The linking itself is :class:`tidings.group.storylines.StorylineBuilder` (pure: profiles
in, storylines out). This module gives it what it links — each event's salient entities,
named as cards name them, with the card's title and date for the events that end up in a
thread — and keeps reading apart from writing:

* :func:`build_storylines` computes them and writes nothing;
* :func:`rebuild_storylines` computes them and replaces the saved ones (the writer's job:
  after an ingest run, or ``tidings storylines --rebuild``);
* :func:`load_storylines` / :func:`get_storyline` read the saved ones, and compute them in
  memory when none are saved, so a reader never writes.

Events that share actors without continuing one story (same kind, years apart) are *related*
(:class:`tidings.group.storylines.RelatedEvents`): built with the storylines, saved beside them one
record per event (:data:`RELATED_KIND`), and read back by :func:`related_events` (an event's card)
and :func:`load_threads` (the report, ``tidings storylines``).

Each event's profile is made from what its articles say (:class:`ProfileSource`: its reports'
entities as extracted, its language, a title, and once asked its date, kind and card title), saved
per event (:data:`SOURCE_KIND`) under its articles' digest, and named through the alias lexicon of
the day when the storylines are built. Why: a rebuild read every article of the store to remake
every profile, on every ingest run; on the 100k-article bench store that was ~35 s of the 57 s an
ingest of 400 new articles took. A rebuild now reads only the events that changed since, and gives
the same storylines as reading them all (the lexicon, which changes on every run, is applied to
the saved names, never saved with them).
"""

from __future__ import annotations

from collections import Counter, OrderedDict, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from tidings.article import Entity, Event, Storyline
from tidings.group.storylines import EventProfile, RelatedEvents, StorylineBuilder, StorylineOptions
from tidings.store import Store
from tidings.tell.summary import choose_title
from tidings.tell.titles import event_kind
from tidings.tell.when import event_date
from tidings.text.tokens import word_counts
from tidings.understand.labels import THREAD_SPECIFICITY
from tidings.views.catalog import members_digest
from tidings.views.events import EventData, iter_events, load_event, match_id
from tidings.views.names import NameResolver, canonical_entities, name_resolver, shown_name

#: Record kind of saved storylines (``store.put_record("storyline", id, …)``).
RECORD_KIND = "storyline"
#: Record kind of saved related events: one record per event id, the list of its relations.
RELATED_KIND = "related"
#: Record kind of saved profile sources (:class:`ProfileSource`), one per live event, by event id.
SOURCE_KIND = "storyline-source"
#: Events a rebuild keeps loaded after reading them (a run changes a few; the first one reads all).
KEPT_LOADED = 16


@dataclass
class Threads:
    """Storylines (continuing stories) and related events (similar, not one story), built together."""

    storylines: list[Storyline] = field(default_factory=list)
    related: list[RelatedEvents] = field(default_factory=list)


@dataclass
class ProfileSource:
    """What an event's storyline profile is made of, before the lexicon names it; saved per event.

    ``named``: each distinct name its read reports give (as the entity stage gave it: text, norm, label,
    display, the first report's spelling) with the copy groups naming it (indexes into ``groups``, the
    reports' originals) and its mentions in all; ``described``: the date, kind and card title
    :func:`describe_profile` chose, once the event was similar to another (None until then).
    """

    digest: str
    independent: int
    lang: str
    title: str
    groups: list[str]
    named: list[tuple[tuple[str, str, str, str | None], list[int], int]]  # (text, norm, label, display), groups, count
    described: dict[str, Any] | None = None

    @classmethod
    def of(cls, data: EventData, digest: str = "") -> ProfileSource:
        """The source of a loaded event: its reports' entities as extracted (not as ``data`` named them)."""
        group_of = {a.id: data.copies.get(a.id, a.id) for a in data.articles}
        groups = list(dict.fromkeys(group_of.values()))
        index = {g: i for i, g in enumerate(groups)}
        first: dict[str, Entity] = {}  # by the name's own key, in the reports' order
        members: dict[str, set[int]] = defaultdict(set)
        mentions: Counter[str] = Counter()
        for article in data.articles:
            for ent in article.entities or []:
                key = ent.identity
                if not key or ent.label not in THREAD_SPECIFICITY:
                    continue
                first.setdefault(key, ent)
                members[key].add(index[group_of[article.id]])
                mentions[key] += ent.count
        titled = next((a for a in data.articles if data.title(a)), None)  # cheap topic words for the lexical fallback
        return cls(digest, max(1, len(groups)), data.lang(titled) if titled else "",
                   data.title(titled) if titled else "", groups,
                   [((e.text, e.norm, e.label, e.display), sorted(members[key]), mentions[key])
                    for key, e in first.items()])

    def to_dict(self) -> dict[str, Any]:
        return {"digest": self.digest, "independent": self.independent, "lang": self.lang, "title": self.title,
                "groups": self.groups, "described": self.described,
                "named": [[*name, m, n] for name, m, n in self.named]}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> ProfileSource:
        named = [((text, norm, label, display), m, n) for text, norm, label, display, m, n in d["named"]]
        return cls(d["digest"], d["independent"], d["lang"], d["title"], d["groups"], named, d.get("described"))


def profile_of(event: Event, source: ProfileSource, names: NameResolver,
               top: int = StorylineOptions.top_entities) -> EventProfile:
    """The profile of ``event`` from its source, its names named through ``names``.

    The same profile as reading the event with ``names``: a name's label and shown form come from its
    first mention, its share from the copy groups naming it under any spelling the lexicon joins.
    """
    seen: dict[str, set[int]] = defaultdict(set)
    mentions: Counter[str] = Counter()
    labels: dict[str, str] = {}
    display: dict[str, str] = {}
    for (text, norm, label, shown), members, count in source.named:
        ent = canonical_entities([Entity(text, norm, label, display=shown)], names)[0]
        key = ent.identity
        if not key:
            continue
        seen[key].update(members)
        mentions[key] += count
        if key not in labels:
            labels[key] = ent.label
            display[key] = shown_name(ent.display or key, ent.label, Counter({ent.text: 1}))
    ranked = sorted(seen, key=lambda k: (-len(seen[k]), -mentions[k], k))[:top]
    centroid = event.extra.get("centroid") if isinstance(event.extra, dict) else None
    profile = EventProfile(
        event_id=event.id,
        entities={k: len(seen[k]) / source.independent for k in ranked},
        labels={k: labels[k] for k in ranked},
        names={k: display[k] for k in ranked},
        date=None,
        lang=source.lang,
        centroid=centroid if isinstance(centroid, list) else None,
        title_tokens=word_counts(source.title) if source.title else Counter(),
    )
    if source.described is not None:
        _describe(profile, source.described)
    return profile


def describe_profile(profile: EventProfile, data: EventData) -> dict[str, Any]:
    """Fill in the event's own date, its kind and its card title (costly: only for events similar to
    another); what was filled in, as :attr:`ProfileSource.described` keeps it."""
    title = choose_title(data, actors=[])  # the first plausible title of an independent report: no who needed
    when = event_date(data)
    described = {"date": when.start, "date_confidence": when.confidence, "kind": event_kind(data),
                 "title": title.text if title else ""}
    _describe(profile, described)
    return described


def _describe(profile: EventProfile, described: Mapping[str, Any]) -> None:
    profile.date = described["date"]
    profile.date_confidence = described["date_confidence"]
    profile.kind = described["kind"]
    profile.title = described["title"]


def build_threads(store: Store, options: StorylineOptions | None = None, *,
                  loaded: Mapping[str, EventData] | None = None) -> Threads:
    """Storylines and related events over every live event, computed now; nothing is written.

    Profiles are made from the saved sources of events unchanged since (:class:`ProfileSource`); the
    other events are read. ``loaded``: events the caller has already loaded (the report passes those it
    loaded for the cards); the others are loaded one at a time and not kept.
    """
    return _build(store, options, loaded)[0]


def _build(store: Store, options: StorylineOptions | None, loaded: Mapping[str, EventData] | None,
           ) -> tuple[Threads, dict[str, ProfileSource], set[str]]:
    """:func:`build_threads`, and what :func:`rebuild_storylines` saves: the sources made or described
    here (by event id), and the saved ones of events no longer live."""
    options = options or StorylineOptions()
    names = name_resolver(store)
    loaded = loaded or {}
    made: dict[str, ProfileSource] = {}
    events = list(iter_events(store))
    digests = _digests(store, events)
    saved = {key: value for key, value in store.iter_records(SOURCE_KIND)}

    kept: OrderedDict[str, EventData] = OrderedDict()  # events read here, the last few: a changed event
    # similar to another is read once for its source and once more to be described otherwise

    def data_of(event_id: str) -> EventData:
        data = loaded.get(event_id) or kept.get(event_id)
        if data is None:
            data = kept[event_id] = load_event(store, event_id, names=names)
            while len(kept) > KEPT_LOADED:
                kept.popitem(last=False)
        return data

    sources: list[ProfileSource] = []
    for event in events:
        record = saved.get(event.id)
        source = ProfileSource.from_dict(record) if record and record.get("digest") == digests[event.id] else None
        if source is None:
            source = made[event.id] = ProfileSource.of(data_of(event.id), digests[event.id])
        sources.append(source)
    profiles = [profile_of(event, source, names, options.top_entities)
                for event, source in zip(events, sources, strict=True)]
    builder = StorylineBuilder(options)
    sims = builder.similar_pairs(profiles)
    for i in sorted({i for pair in sims for i in pair}):
        if sources[i].described is None:  # dates and kinds decide continuity
            sources[i].described = describe_profile(profiles[i], data_of(profiles[i].event_id))
            made[events[i].id] = sources[i]
    groups = builder.group(profiles, sims)
    threads = Threads(builder.build(profiles, groups), builder.related(profiles, sims, groups))
    return threads, made, set(saved) - {e.id for e in events}


def _digests(store: Store, events: Iterable[Event]) -> dict[str, str]:
    """Each event's digest of its articles (ids and stored versions, :func:`members_digest`)."""
    events = list(events)
    rows = {r.id: r for r in store.article_rows({a for e in events for a in e.article_ids})}
    return {e.id: members_digest(rows[a] for a in dict.fromkeys(e.article_ids) if a in rows) for e in events}


def build_storylines(store: Store, options: StorylineOptions | None = None, *,
                     loaded: Mapping[str, EventData] | None = None) -> list[Storyline]:
    """Storylines over every live event, computed now; nothing is written (:func:`build_threads`)."""
    return build_threads(store, options, loaded=loaded).storylines


def rebuild_storylines(store: Store, options: StorylineOptions | None = None) -> list[Storyline]:
    """Compute storylines and related events and replace the saved ones (derived data, rebuilt whole); commits.

    Holds the store's writer lock (one writer at a time; re-entrant for an ingest that already holds
    it) and raises :class:`tidings.store.StoreBusy` when another process writes.
    """
    with store.writer_lock():
        threads, made, gone = _build(store, options, None)
        for kind in (RECORD_KIND, RELATED_KIND):
            for key, _value in list(store.iter_records(kind)):
                store.delete_record(kind, key)
        for key in gone:  # merged away or emptied since
            store.delete_record(SOURCE_KIND, key)
        for eid, source in made.items():
            store.put_record(SOURCE_KIND, eid, source.to_dict())
        for story in threads.storylines:
            store.put_record(RECORD_KIND, story.id, story.to_dict())
        by_event: dict[str, list[dict[str, object]]] = defaultdict(list)
        for rel in threads.related:
            for eid in rel.event_ids:
                by_event[eid].append(rel.to_dict())
        for eid, rels in by_event.items():
            store.put_record(RELATED_KIND, eid, {"related": rels})
        store.commit()
    return threads.storylines


def related_events(store: Store, event_id: str) -> list[RelatedEvents]:
    """The saved related events of one event (none until storylines are rebuilt: a reader never computes them)."""
    record = store.get_record(RELATED_KIND, event_id)
    return [RelatedEvents.from_dict(r) for r in (record or {}).get("related", [])]


def load_threads(store: Store, options: StorylineOptions | None = None, *,
                 loaded: Mapping[str, EventData] | None = None) -> Threads:
    """The saved storylines and related events; when neither is saved, both computed in memory."""
    saved = [Storyline.from_dict(value) for _key, value in store.iter_records(RECORD_KIND)]
    related: dict[tuple[str, str], RelatedEvents] = {}
    for _key, value in store.iter_records(RELATED_KIND):
        for r in value.get("related", []):
            rel = RelatedEvents.from_dict(r)
            related[rel.event_ids] = rel
    if not saved and not related:
        return build_threads(store, options, loaded=loaded)
    return Threads(_ordered(saved), sorted(related.values(), key=lambda r: (-r.score, r.event_ids)))


def _ordered(storylines: list[Storyline]) -> list[Storyline]:
    """Longest first, then by id: the order :class:`StorylineBuilder` gives."""
    return sorted(storylines, key=lambda s: (-len(s.event_ids), s.id))


def load_storylines(store: Store, options: StorylineOptions | None = None, *,
                    loaded: Mapping[str, EventData] | None = None) -> list[Storyline]:
    """The saved storylines; when none are saved, computed in memory (:func:`build_storylines`), never written.

    Saved storylines are as fresh as the last :func:`rebuild_storylines`.
    """
    return load_threads(store, options, loaded=loaded).storylines


def get_storyline(store: Store, storyline_id: str) -> Storyline:
    """One storyline by id or unique id prefix (:func:`tidings.views.events.match_id`); ``UnknownId`` if absent."""
    record = store.get_record(RECORD_KIND, storyline_id)
    if record is not None:
        return Storyline.from_dict(record)
    by_id = {story.id: story for story in load_storylines(store)}
    return by_id[match_id(storyline_id, by_id, "storyline")]
