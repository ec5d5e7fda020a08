"""Storylines: events linked into longer threads by the people, organisations and places they share.

Two events belong to one storyline when the *salient, specific* entities of one are
largely those of the other — the Nov 2022 New START consultations and the Feb 2025
Riyadh talks share Lavrov, Putin, Russia, the United States, Ukraine — however far
apart in time. Weights, and why:

* specificity: smoothed inverse event frequency (scikit-learn's ``smooth_idf``) times
  a label prior (a person says more than a country), because "United States" is in
  every other event and must not carry a thread on its own;
* salience: the share of an event's independent articles naming the entity, and only
  the event's top entities, so one passing mention does not link two events;
* topic: when the clusterer left a centroid vector on both events (``extra["centroid"]``),
  its cosine adds to the score; otherwise the words of their titles do, within a language.

Events are linked greedily by average link (a storyline joins another only when the
mean similarity between their events passes the threshold), which avoids the chaining
of single-link clustering through ubiquitous figures.

This module is the linking algorithm only: it works on :class:`EventProfile` values and
imports nothing from the store, the read model or ``tell``. Profiles are made from the
store, and storylines built, saved and read, in :mod:`tidings.tell.threads`.
"""

from __future__ import annotations

import hashlib
import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from tidings.article import Storyline
from tidings.text.tokens import cosine
from tidings.understand.labels import THREAD_SPECIFICITY

#: Centroid cosine below which two events' topics count as unrelated. Calibrated with multilingual USE
#: (the clusterer's fast encoder) on SemEval-2022 dev: 90th percentile over the first 150 dissimilar pairs
#: (overall >= 3.5) is 0.45; the median of 150 similar pairs (overall <= 1.5) is 0.69.
TOPIC_FLOOR = 0.45
#: Entities in more events than this (or 5% of events, whichever is larger) do not generate candidate pairs.
MIN_POSTING_CAP = 200


@dataclass
class StorylineOptions:
    """Knobs of storyline building.

    ``threshold`` was checked on the seeds (their two events score well above it)
    and on ECB+ dev gold events (``tidings.eval.bench_cards`` reports the share of
    storyline links that cross ECB+ topics; at 0.3 it is low). ``top_entities``
    keeps each event's profile to its main actors.
    """

    threshold: float = 0.25
    top_entities: int = 30
    min_shared: int = 2
    topic_weight: float = 0.25


@dataclass
class EventProfile:
    """What storyline building needs from one event."""

    event_id: str
    entities: dict[str, float]  # canonical norm → salience (0..1)
    labels: dict[str, str]
    names: dict[str, str]  # canonical norm → display name
    date: str | None
    title: str = ""
    lang: str = ""
    centroid: list[float] | None = None
    title_tokens: Counter[str] = field(default_factory=Counter)


class StorylineBuilder:
    """Links event profiles into storylines (constructor only stores options)."""

    def __init__(self, options: StorylineOptions | None = None) -> None:
        self.options = options or StorylineOptions()

    def weights(self, profiles: list[EventProfile]) -> list[dict[str, float]]:
        """Per event: entity → salience × label prior × smoothed inverse event frequency."""
        df: Counter[str] = Counter()
        for p in profiles:
            df.update(p.entities)
        n = len(profiles)
        out = []
        for p in profiles:
            out.append({
                k: s * THREAD_SPECIFICITY.get(p.labels.get(k, ""), 0.3) * (1.0 + math.log((n + 1) / (df[k] + 1)))
                for k, s in p.entities.items()
            })
        return out

    def similarity(self, a: EventProfile, b: EventProfile, wa: dict[str, float], wb: dict[str, float]) -> float:
        """Weighted overlap of specific entities, plus topic similarity when available."""
        shared = set(wa) & set(wb)
        if len(shared) < self.options.min_shared or not any(
            a.labels.get(k) in ("PERSON", "ORG") for k in shared
        ):
            return 0.0
        overlap = sum(min(wa[k], wb[k]) for k in shared) / max(1e-9, min(sum(wa.values()), sum(wb.values())))
        topic = 0.0
        if a.centroid and b.centroid and len(a.centroid) == len(b.centroid):
            dot = sum(x * y for x, y in zip(a.centroid, b.centroid, strict=True))
            na = math.sqrt(sum(x * x for x in a.centroid))
            nb = math.sqrt(sum(y * y for y in b.centroid))
            cos = dot / (na * nb) if na and nb else 0.0
            topic = max(0.0, (cos - TOPIC_FLOOR) / (1.0 - TOPIC_FLOOR))
        elif a.lang and a.lang == b.lang and a.title_tokens and b.title_tokens:
            topic = cosine(a.title_tokens, b.title_tokens)
        return overlap + self.options.topic_weight * max(0.0, topic)

    def group(self, profiles: list[EventProfile]) -> list[list[int]]:
        """Average-link grouping of events whose similarity passes the threshold."""
        weights = self.weights(profiles)
        by_entity: dict[str, list[int]] = defaultdict(list)
        for i, w in enumerate(weights):
            for k in w:
                by_entity[k].append(i)
        # ubiquitous entities ("United States") still count in the similarity, but do not propose
        # candidates: their posting lists would make candidate generation quadratic in the store size
        cap = max(MIN_POSTING_CAP, len(profiles) // 20)
        sims: dict[tuple[int, int], float] = {}
        for i, w in enumerate(weights):
            candidates = {j for k in w if len(by_entity[k]) <= cap for j in by_entity[k] if j > i}
            for j in candidates:
                s = self.similarity(profiles[i], profiles[j], w, weights[j])
                if s > 0:
                    sims[(i, j)] = s
        cluster_of = list(range(len(profiles)))
        members: dict[int, list[int]] = {i: [i] for i in range(len(profiles))}
        for (i, j), s in sorted(sims.items(), key=lambda kv: -kv[1]):
            if s < self.options.threshold:
                break
            ci, cj = cluster_of[i], cluster_of[j]
            if ci == cj:
                continue
            pairs = [(x, y) for x in members[ci] for y in members[cj]]
            mean = sum(sims.get((min(x, y), max(x, y)), 0.0) for x, y in pairs) / len(pairs)
            if mean < self.options.threshold:
                continue
            for x in members[cj]:
                cluster_of[x] = ci
            members[ci].extend(members.pop(cj))
        return [sorted(m) for m in members.values() if len(m) >= 2]

    def build(self, profiles: list[EventProfile], groups: list[list[int]] | None = None) -> list[Storyline]:
        """Storylines with their events in date order and the entities that carry them."""
        weights = self.weights(profiles)
        out = []
        for group in groups if groups is not None else self.group(profiles):
            events = sorted(group, key=lambda i: (profiles[i].date is None, profiles[i].date or "", i))
            carry: Counter[str] = Counter()
            spread: Counter[str] = Counter()
            for i in group:
                for k, w in weights[i].items():
                    carry[k] += w
                    spread[k] += 1
            carriers = [k for k in sorted(carry, key=lambda k: (-spread[k], -carry[k], k)) if spread[k] >= 2]
            names = {k: n for i in group for k, n in profiles[i].names.items()}
            labels = {k: lab for i in group for k, lab in profiles[i].labels.items()}
            shown = [names.get(k, k) for k in carriers]
            # the title names the people/organisations that carry the thread, then where it is about
            people = [names.get(k, k) for k in carriers if labels.get(k) in ("PERSON", "ORG")][:3]
            places = [names.get(k, k) for k in carriers if labels.get(k) not in ("PERSON", "ORG")][:3]
            title = " · ".join(people) + (f" — {', '.join(places)}" if places else "")
            ids = [profiles[i].event_id for i in events]
            sid = "st-" + hashlib.sha1("|".join(sorted(ids)).encode()).hexdigest()[:12]
            dates = [profiles[i].date for i in events if profiles[i].date]
            out.append(Storyline(
                id=sid,
                title=title or (profiles[events[0]].title if events else ""),
                event_ids=ids,
                entities=shown[:10],
                extra={"dates": {profiles[i].event_id: profiles[i].date for i in events},
                       "span": [dates[0], dates[-1]] if dates else None,
                       "event_titles": {profiles[i].event_id: profiles[i].title for i in events}},
            ))
        out.sort(key=lambda s: (-len(s.event_ids), s.id))
        return out
