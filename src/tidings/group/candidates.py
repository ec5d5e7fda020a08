"""Which active events an article (or an event) is scored against: :class:`CandidateFinder`.

Scoring every active event would make the cost per article grow with the store;
instead candidates come from two cheap look-ups whose union is scored exactly:

* the nearest event centroids in a nearest-neighbour index
  (:class:`~tidings.group.index.CentroidIndex`) over a *retrieval vector*: the article's
  vectors of the models the profile compares (USE, static; zeros where it has none) next to
  a fixed random projection of the TF-IDF terms, so the index works without any vector;
* an inverted index from entity names to the events naming them (postings), asked for
  the rarest names only.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np

from tidings.group.features import ArticleFeatures
from tidings.group.index import CentroidIndex
from tidings.group.sums import EventSums

#: Width of the random projection of TF-IDF terms in the retrieval vector. Not tuned: by the
#: Johnson-Lindenstrauss bound 128 axes keep cosines to about ±0.1, which is all a candidate
#: look-up needs (candidates are then scored exactly), and the index's cost grows with width.
PROJ_DIM = 128
#: Names of an article asked in the postings, rarest first: the rarest actors point at the few
#: recent events naming them, and a bound keeps the look-up's cost flat for long name lists.
RAREST_NAMES = 8
#: Names of an event asked in the postings (its most named, rarest of them first): an event is
#: known by its main actors; its long tail of names would only add chance candidates.
EVENT_NAMES = 16

#: Odd 64-bit multipliers, one per projection axis (fixed seed: the projection must be the same
#: in every run and after a restart, since the index is rebuilt from it).
_MULT = np.random.default_rng(20250218).integers(1, 2**62, size=PROJ_DIM, dtype=np.uint64) | np.uint64(1)


def project(weights: dict[int, float]) -> np.ndarray:
    """A fixed random ±1 projection of hashed terms (Achlioptas): keeps cosines, needs no stored matrix.

    The sign of term *k* on axis *d* is one bit of ``k * M[d]`` (multiplicative hashing), so the
    projection is computed for any term without a 2**18 × 128 table.
    """
    if not weights:
        return np.zeros(PROJ_DIM, dtype=np.float32)
    keys = np.fromiter(weights.keys(), dtype=np.uint64, count=len(weights))
    vals = np.fromiter(weights.values(), dtype=np.float32, count=len(weights))
    bits = ((keys[:, None] * _MULT[None, :]) >> np.uint64(61)) & np.uint64(1)
    signs = bits.astype(np.float32) * 2.0 - 1.0
    return (vals @ signs) / np.float32(np.sqrt(PROJ_DIM))


class CandidateFinder:
    """The centroid index and the entity postings of the active events.

    ``dims``: model name → vector width, for the models compared (USE, static; empty: none):
    the retrieval vector is each model's axes in turn, then :data:`PROJ_DIM` projected ones.
    ``candidates`` is how many nearest centroids are asked, and how many events a name may
    point at and still count.
    """

    def __init__(self, dims: Mapping[str, int], candidates: int) -> None:
        self.dims = dict(dims)
        self.candidates = candidates
        self._index: CentroidIndex | None = None
        self._postings: dict[str, set[str]] = {}

    # -- retrieval vectors ----------------------------------------------------------------
    def probe(self, vectors: Mapping[str, np.ndarray | None], weights: dict[int, float], scale: float = 1.0
              ) -> np.ndarray | None:
        """The retrieval vector: each model's vector (or zeros) + a fixed random projection of the TF-IDF terms."""
        proj = project(weights) * np.float32(scale)
        vec = np.zeros(sum(self.dims.values()) + proj.shape[0], dtype=np.float32)
        at = 0
        for model, dim in self.dims.items():
            v = vectors.get(model)
            if v is not None and v.shape[0] == dim:
                vec[at : at + dim] = v
            at += dim
        vec[at:] = proj
        return vec if np.any(vec) else None

    def event_probe(self, ev: EventSums) -> np.ndarray | None:
        """An event's retrieval vector: its members' mean vectors and mean TF-IDF terms."""
        return self.probe({"use": ev.mean_dense(), "static": ev.mean_static()}, ev.term_sum, scale=1.0 / ev.n)

    # -- look-ups ------------------------------------------------------------------------
    def nearby(self, probe: np.ndarray | None, names: Iterable[str], active: Mapping[str, EventSums]) -> list[str]:
        """Active events with the nearest centroids to ``probe`` and events sharing the rarest ``names``."""
        found: dict[str, None] = {}
        if self._index is not None and probe is not None:
            for eid, _ in self._index.search(probe, self.candidates):
                found[eid] = None
        # An entity named by more than ``candidates`` active events ("United States") is no lead
        # and is skipped, which keeps this look-up's cost independent of how many events are active.
        rare = sorted(names, key=lambda e: (len(self._postings.get(e, ())), e))[:RAREST_NAMES]
        for e in rare:
            ids = self._postings.get(e, ())
            if len(ids) <= self.candidates:
                found.update(dict.fromkeys(sorted(ids)))
        return [eid for eid in found if eid in active]

    def for_article(
        self, f: ArticleFeatures, weights: dict[int, float], active: Mapping[str, EventSums],
        probe: np.ndarray | None = None,
    ) -> list[str]:
        """Active events an article could join (``probe``: its retrieval vector, if already computed)."""
        if probe is None:
            probe = self.probe(article_vectors(f), weights)
        return self.nearby(probe, f.entities, active)

    def for_event(self, ev: EventSums, active: Mapping[str, EventSums]) -> list[str]:
        """Events near ``ev``: nearest centroids and events sharing the rarer of its main names."""
        top = sorted(ev.entity_counts, key=lambda e: (-ev.entity_counts[e], e))[:EVENT_NAMES]
        return self.nearby(self.event_probe(ev), top, active)

    # -- upkeep --------------------------------------------------------------------------
    def upsert(self, ev: EventSums) -> None:
        """Move the event's centroid in the index to its current sums."""
        probe = self.event_probe(ev)
        if probe is None:
            return
        if self._index is None:
            self._index = CentroidIndex(probe.shape[0])
        self._index.upsert(ev.id, probe)

    def post(self, event_id: str, names: Iterable[str]) -> None:
        """List the event under each of ``names``."""
        for e in names:
            self._postings.setdefault(e, set()).add(event_id)

    def remove(self, ev: EventSums) -> None:
        """Take the event out of the index and the postings."""
        if self._index is not None:
            self._index.remove(ev.id)
        for e in ev.entity_counts:
            ids = self._postings.get(e)
            if ids is not None:
                ids.discard(ev.id)
                if not ids:
                    del self._postings[e]


def article_vectors(f: ArticleFeatures) -> dict[str, np.ndarray | None]:
    """An article's vectors by model name, as :meth:`CandidateFinder.probe` takes them."""
    return {"use": f.dense, "static": f.static}
