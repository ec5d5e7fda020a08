"""The running sums an event is scored with: :class:`EventSums`.

Why sums: the score of an article against an event is its average-link similarity
to all the members (a·Σ/n), which the sums give at the cost of one centroid
comparison; two events' average link over all member pairs is Σa·Σb/(|a||b|).
Every signal of :mod:`tidings.group.scoring` reads these sums, nothing else.

Three ways the sums grow, each one verb: :meth:`EventSums.add` (an article's
features into the sums: a batch's provisional clusters), :meth:`EventSums.admit`
(a new member of a real event: the sums plus the copy check and the recent-members
window) and :meth:`EventSums.fold` / :meth:`EventSums.absorb` (another cluster's
sums; an event merge).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from tidings.article import Event
from tidings.group.duplicates import RecentMembers
from tidings.group.features import ArticleFeatures
from tidings.group.params import ClusterParams

#: Names listed on an event record, most named first (what ``get_event`` shows): enough for
#: the actors and places of a story, and a record stays small however large the event grows.
LISTED_ENTITIES = 30


@dataclass
class EventSums:
    """The running sums of one event (or of a provisional cluster in a batch)."""

    id: str
    created_seq: int
    last_seq: int
    members: list[str] = field(default_factory=list)
    term_sum: dict[int, float] = field(default_factory=dict)
    #: ``term_sum`` as sorted arrays for event-to-event dot products; None once ``term_sum`` changed.
    terms_cache: tuple[np.ndarray, np.ndarray] | None = field(default=None, repr=False, compare=False)
    lang_counts: Counter[str] = field(default_factory=Counter)
    #: Sum and count of the members' USE vectors.
    dense_sum: np.ndarray | None = None
    n_dense: int = 0
    #: Sum and count of the members' static vectors, and of those of members that have a USE vector
    #: too (the difference: members only static can compare with, see scoring.dense_parts).
    static_sum: np.ndarray | None = None
    n_static: int = 0
    static_use_sum: np.ndarray | None = None
    n_static_use: int = 0
    entity_counts: Counter[str] = field(default_factory=Counter)
    #: Sum over members of their total entity weight (for the overlap coefficient).
    entity_mass: float = 0.0
    #: Label weight of each entity (see ``features.LABEL_WEIGHTS``), for event-to-event scores.
    entity_weight: dict[str, float] = field(default_factory=dict)
    year_counts: Counter[int] = field(default_factory=Counter)
    n_with_years: int = 0
    #: Members' eras (see :func:`~tidings.group.features.article_era`): of undated members (the
    #: latest year their lead names) and of dated ones (the publication year).
    era_counts: Counter[int] = field(default_factory=Counter)
    dated_years: Counter[int] = field(default_factory=Counter)
    #: Members per hashed quantity, and the members' total count of quantities.
    number_counts: Counter[int] = field(default_factory=Counter)
    number_mass: int = 0
    date_min: dt.date | None = None
    date_max: dt.date | None = None
    #: The latest members, for the copy check.
    recent: RecentMembers = field(default_factory=RecentMembers, compare=False)
    #: Member → the member it copies or translates.
    duplicates: dict[str, str] = field(default_factory=dict)
    #: Ids of the events merged into this one (they resolve here).
    lineage: list[str] = field(default_factory=list)

    @property
    def n(self) -> int:
        return len(self.members)

    def add(self, f: ArticleFeatures, weights: dict[int, float], max_terms: int) -> None:
        """Add one article to the sums (``weights``: its TF-IDF terms; ``max_terms``: see ClusterParams)."""
        self.members.append(f.article_id)
        for k, w in weights.items():
            self.term_sum[k] = self.term_sum.get(k, 0.0) + w
        self.terms_cache = None
        if len(self.term_sum) > max_terms * 2:
            # Keep the heaviest terms: the tail carries little of a·Σ and would grow without bound.
            top = sorted(self.term_sum.items(), key=lambda kv: (-kv[1], kv[0]))[:max_terms]
            self.term_sum = dict(top)
        if f.lang:
            self.lang_counts[f.lang] += 1
        if f.dense is not None:
            self.dense_sum = _plus(self.dense_sum, f.dense)
            self.n_dense += 1
        if f.static is not None:
            self.static_sum = _plus(self.static_sum, f.static)
            self.n_static += 1
            if f.dense is not None:
                self.static_use_sum = _plus(self.static_use_sum, f.static)
                self.n_static_use += 1
        self.entity_mass += sum(f.entities.values())
        for e, w in f.entities.items():
            self.entity_counts[e] += 1
            if w > self.entity_weight.get(e, 0.0):
                self.entity_weight[e] = w
        if f.years:
            self.n_with_years += 1
            self.year_counts.update(f.years)
        if f.era is not None:
            (self.dated_years if f.date is not None else self.era_counts)[f.era] += 1
        self.number_counts.update(f.numbers)
        self.number_mass += len(f.numbers)
        if f.date is not None:
            self.date_min = f.date if self.date_min is None else min(self.date_min, f.date)
            self.date_max = f.date if self.date_max is None else max(self.date_max, f.date)

    def admit(self, f: ArticleFeatures, weights: dict[int, float], seq: int, p: ClusterParams) -> None:
        """A new member: flag it if it copies a recent member, add it to the sums and the window."""
        dup_of = self.recent.duplicate_of(f, p)
        if dup_of is not None:
            self.duplicates[f.article_id] = dup_of
        self.last_seq = seq
        self.add(f, weights, p.max_terms)
        self.recent.add(f)

    def fold(self, other: EventSums) -> None:
        """Add ``other``'s running sums (members, words, vectors, names, years, numbers, dates)."""
        self.members.extend(other.members)
        for k, w in other.term_sum.items():
            self.term_sum[k] = self.term_sum.get(k, 0.0) + w
        self.terms_cache = None
        self.lang_counts.update(other.lang_counts)
        if other.dense_sum is not None:
            self.dense_sum = _plus(self.dense_sum, other.dense_sum)
            self.n_dense += other.n_dense
        if other.static_sum is not None:
            self.static_sum = _plus(self.static_sum, other.static_sum)
            self.n_static += other.n_static
        if other.static_use_sum is not None:
            self.static_use_sum = _plus(self.static_use_sum, other.static_use_sum)
            self.n_static_use += other.n_static_use
        self.entity_counts.update(other.entity_counts)
        self.entity_mass += other.entity_mass
        for e, w in other.entity_weight.items():
            if w > self.entity_weight.get(e, 0.0):
                self.entity_weight[e] = w
        self.year_counts.update(other.year_counts)
        self.n_with_years += other.n_with_years
        self.era_counts.update(other.era_counts)
        self.dated_years.update(other.dated_years)
        self.number_counts.update(other.number_counts)
        self.number_mass += other.number_mass
        dates = [d for d in (self.date_min, self.date_max, other.date_min, other.date_max) if d is not None]
        self.date_min, self.date_max = (min(dates), max(dates)) if dates else (None, None)

    def absorb(self, other: EventSums) -> None:
        """Merge another event into this one: its sums, recent members, copies and lineage."""
        self.fold(other)
        self.recent.extend(other.recent)
        self.duplicates.update(other.duplicates)
        self.lineage.extend([other.id, *other.lineage])
        self.last_seq = max(self.last_seq, other.last_seq)

    def sorted_terms(self) -> tuple[np.ndarray, np.ndarray]:
        """``term_sum`` as (sorted keys, values), cached until the sums change."""
        if self.terms_cache is None:
            keys = np.fromiter(self.term_sum.keys(), dtype=np.int64, count=len(self.term_sum))
            vals = np.fromiter(self.term_sum.values(), dtype=np.float64, count=len(self.term_sum))
            order = np.argsort(keys)
            self.terms_cache = (keys[order], vals[order])
        return self.terms_cache

    def mean_dense(self) -> np.ndarray | None:
        """The members' mean USE vector (None without vectors)."""
        return None if self.dense_sum is None else self.dense_sum / max(self.n_dense, 1)

    def mean_static(self) -> np.ndarray | None:
        """The members' mean static vector (None without vectors)."""
        return None if self.static_sum is None else self.static_sum / max(self.n_static, 1)

    def to_event(self) -> Event:
        """The event record the store keeps (members, lineage, copies, and a summary in ``extra``)."""
        extra: dict[str, Any] = {
            "n_articles": self.n,
            "languages": dict(sorted(self.lang_counts.items())),
            "date_span": [d.isoformat() if d else None for d in (self.date_min, self.date_max)],
            "entities": [
                e for e, _ in sorted(self.entity_counts.items(), key=lambda kv: (-kv[1], kv[0]))[:LISTED_ENTITIES]
            ],
        }
        if self.dense_sum is not None and self.n_dense:
            centroid = self.dense_sum / (np.linalg.norm(self.dense_sum) or 1.0)
            extra["centroid"] = [round(float(x), 4) for x in centroid]
        return Event(
            id=self.id,
            article_ids=list(self.members),
            merged_into=None,
            lineage=list(self.lineage),
            duplicates=dict(self.duplicates),
            extra=extra,
        )


def _plus(total: np.ndarray | None, vec: np.ndarray) -> np.ndarray:
    """``total + vec`` in a new array (a sum never aliases a member's vector)."""
    return vec.astype(np.float32, copy=True) if total is None else total + vec
