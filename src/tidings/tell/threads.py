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
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field

from tidings.article import Storyline
from tidings.group.storylines import EventProfile, RelatedEvents, StorylineBuilder, StorylineOptions
from tidings.store import Store
from tidings.tell.summary import choose_title
from tidings.tell.titles import event_kind
from tidings.tell.when import event_date
from tidings.text.tokens import word_counts
from tidings.understand.labels import THREAD_SPECIFICITY
from tidings.views.events import EventData, iter_events, load_event, match_id
from tidings.views.names import name_resolver, shown_name

#: Record kind of saved storylines (``store.put_record("storyline", id, …)``).
RECORD_KIND = "storyline"
#: Record kind of saved related events: one record per event id, the list of its relations.
RELATED_KIND = "related"


@dataclass
class Threads:
    """Storylines (continuing stories) and related events (similar, not one story), built together."""

    storylines: list[Storyline] = field(default_factory=list)
    related: list[RelatedEvents] = field(default_factory=list)


def event_profile(data: EventData, top: int = StorylineOptions.top_entities) -> EventProfile:
    """One event's salient entities (share of its independent reports naming each), topic words, centroid.

    The date and title are left empty: only events that join a storyline need them, and they cost a
    card's title and date choice (:func:`describe_profile` fills them in).
    """
    groups = {a.id: data.copies.get(a.id, a.id) for a in data.articles}
    independent = max(1, len(set(groups.values())))
    seen: dict[str, set[str]] = defaultdict(set)
    mentions: Counter[str] = Counter()
    labels: dict[str, str] = {}
    display: dict[str, str] = {}
    for article in data.articles:
        for ent in data.entities.get(article.id, []):
            label, key = ent.label, ent.identity
            if not key or label not in THREAD_SPECIFICITY:
                continue
            seen[key].add(groups[article.id])
            mentions[key] += ent.count
            labels.setdefault(key, label)
            if key not in display:
                display[key] = shown_name(ent.display or key, label, Counter({ent.text: 1}))
    ranked = sorted(seen, key=lambda k: (-len(seen[k]), -mentions[k], k))[:top]
    centroid = data.event.extra.get("centroid") if isinstance(data.event.extra, dict) else None
    first = next((a for a in data.articles if data.title(a)), None)  # cheap topic words for the lexical fallback
    return EventProfile(
        event_id=data.event.id,
        entities={k: len(seen[k]) / independent for k in ranked},
        labels={k: labels[k] for k in ranked},
        names={k: display[k] for k in ranked},
        date=None,
        lang=data.lang(first) if first else "",
        centroid=centroid if isinstance(centroid, list) else None,
        title_tokens=word_counts(data.title(first)) if first else Counter(),
    )


def describe_profile(profile: EventProfile, data: EventData) -> None:
    """Fill in the event's own date, its kind and its card title (costly: only for events similar to another)."""
    title = choose_title(data, actors=[])  # the first plausible title of an independent report: no who needed
    when = event_date(data)
    profile.date = when.start
    profile.date_confidence = when.confidence
    profile.kind = event_kind(data)
    profile.title = title.text if title else ""


def build_threads(store: Store, options: StorylineOptions | None = None, *,
                  loaded: Mapping[str, EventData] | None = None) -> Threads:
    """Storylines and related events over every live event, computed now; nothing is written.

    ``loaded``: events the caller has already loaded (the report passes those it loaded for the cards);
    the others are loaded one at a time and not kept.
    """
    options = options or StorylineOptions()
    names = name_resolver(store)
    loaded = loaded or {}

    def data_of(event_id: str) -> EventData:
        return loaded.get(event_id) or load_event(store, event_id, names=names)

    profiles = [event_profile(data_of(event.id), options.top_entities) for event in iter_events(store)]
    builder = StorylineBuilder(options)
    sims = builder.similar_pairs(profiles)
    for i in sorted({i for pair in sims for i in pair}):
        describe_profile(profiles[i], data_of(profiles[i].event_id))  # dates and kinds decide continuity
    groups = builder.group(profiles, sims)
    return Threads(builder.build(profiles, groups), builder.related(profiles, sims, groups))


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
        threads = build_threads(store, options)
        for kind in (RECORD_KIND, RELATED_KIND):
            for key, _value in list(store.iter_records(kind)):
                store.delete_record(kind, key)
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
