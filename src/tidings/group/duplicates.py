"""Copies and translations: which recent member of an event an arriving article repeats.

An event card counts independent reports, so a syndicated copy, an agency relay or
a machine translation must be told apart from a report of its own. The check runs
when an article joins an event, against that event's latest members only
(:data:`RECENT_MEMBERS`), each kept as the little the check needs.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import numpy as np

from tidings.group.features import ArticleFeatures
from tidings.group.params import ClusterParams

#: Latest members of an event an arriving article is checked against. A bound, not a tuned
#: value: copies and relays of a report arrive close behind it (the seeds' two Arabic relays
#: of one AP report, 003/004, are one arrival apart), and every member kept costs its
#: vector in the event's saved state.
RECENT_MEMBERS = 8


@dataclass(frozen=True)
class Member:
    """What the copy check keeps of one member (its vector as float16: it only needs to clear 0.65-0.95)."""

    id: str
    dense: np.ndarray | None
    terms: frozenset[int]
    sources: frozenset[str]
    lang: str | None
    entities: frozenset[str]

    @classmethod
    def of(cls, f: ArticleFeatures) -> Member:
        return cls(
            id=f.article_id,
            dense=None if f.dense is None else f.dense.astype(np.float16),
            terms=frozenset(f.term_counts),
            sources=f.sources,
            lang=f.lang,
            entities=frozenset(f.entities),
        )


class RecentMembers:
    """The latest :data:`RECENT_MEMBERS` members of an event, oldest first."""

    def __init__(self, members: Iterable[Member] = ()) -> None:
        self._members: deque[Member] = deque(members, maxlen=RECENT_MEMBERS)

    def __iter__(self) -> Iterator[Member]:
        return iter(self._members)

    def __len__(self) -> int:
        return len(self._members)

    def add(self, f: ArticleFeatures) -> None:
        self._members.append(Member.of(f))

    def extend(self, other: RecentMembers) -> None:
        """Another event's members after these (an event merge): the latest of both are kept."""
        self._members.extend(other._members)

    def duplicate_of(self, f: ArticleFeatures, p: ClusterParams) -> str | None:
        """The member this article copies or translates, if any.

        Same language: nearly the same words (Jaccard of terms) or nearly the same
        vector. A translation (flagged by provenance) or a relay of the same agency
        report: a high dense cosine or nearly the same people and places suffices,
        since wording differs by design.
        """
        best: tuple[float, str] | None = None
        for m in self._members:
            jac = 0.0
            if m.terms and f.term_counts and m.lang == f.lang:
                inter = len(m.terms & f.term_counts.keys())
                jac = inter / (len(m.terms) + len(f.term_counts) - inter)
            cos = 0.0
            if m.dense is not None and f.dense is not None:
                cos = float(f.dense @ m.dense.astype(np.float32))
            related = f.translated or bool(f.sources & m.sources)
            small = min(len(m.entities), len(f.entities))
            ent = len(m.entities & f.entities.keys()) / small if small else 0.0
            near = jac >= p.duplicate_terms or cos >= p.duplicate_dense
            if near or (related and (cos >= p.translation_dense or ent >= p.translation_entities)):
                score = max(jac, cos, ent)
                if best is None or score > best[0]:
                    best = (score, m.id)
        return None if best is None else best[1]
