"""Nearest-neighbour search over the centroids of the *active* events, exact and order-free.

Why exact, not an HNSW graph: the engine promises that a store grown by N runs holds the same
events as one run (:mod:`tidings.engine`). A graph index answers after its insertion history,
and a restart rebuilds it in another order, so an approximate index would let where runs
start and stop change which candidates an article sees. The active set is bounded
(``max_active`` events; about 1,000 on a 100k-article stream), so one matrix–vector product
over it costs well under a millisecond, and ties are broken by event id, not by slot.
"""

from __future__ import annotations

import numpy as np

#: Rows allocated at a time as the active set grows.
_GROW = 256


class CentroidIndex:
    """Event id → unit vector, with exact top-k cosine search."""

    def __init__(self, ndim: int) -> None:
        self.ndim = ndim
        self._matrix = np.zeros((_GROW, ndim), dtype=np.float32)
        self._live = np.zeros(_GROW, dtype=bool)
        self._slot_of: dict[str, int] = {}
        self._id_at: list[str | None] = [None] * _GROW
        self._free: list[int] = list(range(_GROW - 1, -1, -1))

    def __len__(self) -> int:
        return len(self._slot_of)

    def __contains__(self, event_id: str) -> bool:
        return event_id in self._slot_of

    def upsert(self, event_id: str, vector: np.ndarray) -> None:
        """Add or move an event's centroid (the vector is normalised here; a zero vector removes it)."""
        vec = np.asarray(vector, dtype=np.float32)
        norm = float(np.linalg.norm(vec))
        if norm == 0.0:
            self.remove(event_id)
            return
        slot = self._slot_of.get(event_id)
        if slot is None:
            if not self._free:
                self._grow()
            slot = self._free.pop()
            self._slot_of[event_id] = slot
            self._id_at[slot] = event_id
            self._live[slot] = True
        self._matrix[slot] = vec / norm

    def remove(self, event_id: str) -> None:
        slot = self._slot_of.pop(event_id, None)
        if slot is not None:
            self._live[slot] = False
            self._id_at[slot] = None
            self._matrix[slot] = 0.0
            self._free.append(slot)

    def search(self, vector: np.ndarray, k: int) -> list[tuple[str, float]]:
        """The ``k`` most similar events as (event id, cosine), best first; equal scores by event id."""
        if not self._slot_of or k <= 0:
            return []
        vec = np.asarray(vector, dtype=np.float32)
        norm = float(np.linalg.norm(vec))
        if norm == 0.0:
            return []
        # numpy's own row-by-row product (einsum), not a BLAS product: a BLAS kernel may sum a row
        # in another order depending on where the row sits, and slots differ between runs. einsum
        # gives each row the same sum wherever it sits (checked for row and memory offsets), and
        # costs a third of the elementwise product and sum it replaced (no n × 512 temporary).
        sims = np.einsum("ij,j->i", self._matrix, vec / norm)
        sims[~self._live] = -np.inf
        k = min(k, len(self._slot_of))
        top = np.argpartition(-sims, k - 1)[:k] if k < len(sims) else np.arange(len(sims))
        # the k-th score may be shared by slots left out above: take every slot that ties with it
        cut = sims[top].min()
        top = np.flatnonzero(sims >= cut)
        found = [(self._id_at[i], float(sims[i])) for i in top if self._live[i]]
        found.sort(key=lambda x: (-x[1], x[0]))
        return [(eid, sim) for eid, sim in found[:k] if eid is not None]

    def _grow(self) -> None:
        n = len(self._live)
        self._matrix = np.vstack([self._matrix, np.zeros((_GROW, self.ndim), dtype=np.float32)])
        self._live = np.concatenate([self._live, np.zeros(_GROW, dtype=bool)])
        self._id_at.extend([None] * _GROW)
        self._free.extend(range(n + _GROW - 1, n - 1, -1))
