"""Approximate nearest-neighbour search over the centroids of *recent* events.

A thin wrapper around usearch's HNSW index so that candidate retrieval costs
O(log n) per article however many events are active, and so that the rest of
the clusterer speaks in event ids, not integer keys. The index is rebuilt from
the centroids on load rather than serialised: it holds only active events
(bounded), rebuilding takes milliseconds, and the store then never holds an
index file that could disagree with the events it describes.
"""

from __future__ import annotations

import numpy as np
from usearch.index import Index

#: Below this many vectors, exact search is faster than the graph and exact.
EXACT_BELOW = 256


class CentroidIndex:
    """Event id → unit vector, with top-k cosine search."""

    def __init__(self, ndim: int) -> None:
        self.ndim = ndim
        self._index = Index(ndim=ndim, metric="cos", dtype="f32")
        self._key_of: dict[str, int] = {}
        self._id_of: dict[int, str] = {}
        self._vectors: dict[str, np.ndarray] = {}
        self._next_key = 0

    def __len__(self) -> int:
        return len(self._key_of)

    def __contains__(self, event_id: str) -> bool:
        return event_id in self._key_of

    def upsert(self, event_id: str, vector: np.ndarray) -> None:
        """Add or move an event's centroid (the vector is normalised here)."""
        vec = np.asarray(vector, dtype=np.float32)
        norm = float(np.linalg.norm(vec))
        if norm == 0.0:
            return
        vec = vec / norm
        if event_id in self._key_of:
            self._index.remove(self._key_of.pop(event_id))
        key = self._next_key
        self._next_key += 1
        self._index.add(key, vec)
        self._key_of[event_id] = key
        self._id_of[key] = event_id
        self._vectors[event_id] = vec

    def remove(self, event_id: str) -> None:
        key = self._key_of.pop(event_id, None)
        if key is not None:
            self._index.remove(key)
            del self._id_of[key]
            del self._vectors[event_id]

    def search(self, vector: np.ndarray, k: int) -> list[tuple[str, float]]:
        """The ``k`` most similar events as (event id, cosine), best first."""
        if not self._key_of or k <= 0:
            return []
        vec = np.asarray(vector, dtype=np.float32)
        norm = float(np.linalg.norm(vec))
        if norm == 0.0:
            return []
        vec = vec / norm
        if len(self._key_of) < EXACT_BELOW:
            ids = list(self._vectors)
            sims = np.stack([self._vectors[i] for i in ids]) @ vec
            order = np.argsort(-sims, kind="stable")[:k]
            return [(ids[i], float(sims[i])) for i in order]
        matches = self._index.search(vec, min(k, len(self._key_of)))
        return [
            (self._id_of[int(key)], 1.0 - float(dist))
            for key, dist in zip(matches.keys, matches.distances, strict=True)
            if int(key) in self._id_of
        ]
