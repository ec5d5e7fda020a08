"""Vector checks shared by the stores, and the exact cosine search of the embedded store.

Distances are cosine distances (``1 - cosine similarity``, 0 = same direction, 2 = opposite),
the measure pgvector's ``<=>`` computes, so both stores answer in the same units.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping, Sequence

import numpy as np

#: What a caller may pass as one vector.
VectorLike = Sequence[float] | np.ndarray


def as_vector(vector: VectorLike, *, what: str = "vector") -> np.ndarray:
    """One float32 vector; a clear error for an empty, non-finite or all-zero one (no direction)."""
    arr = np.asarray(vector, dtype=np.float32)
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError(f"{what}: expected a non-empty 1-D vector, got shape {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{what}: contains NaN or infinity")
    if not np.any(arr):
        raise ValueError(f"{what}: all zeros (a zero vector has no cosine distance)")
    return arr


def as_vectors(vectors: Mapping[str, VectorLike]) -> tuple[dict[str, np.ndarray], int | None]:
    """Checked vectors and their common dimension (None when there are none)."""
    checked = {key: as_vector(vec, what=f"vector {key!r}") for key, vec in vectors.items()}
    dims = {v.size for v in checked.values()}
    if len(dims) > 1:
        raise ValueError(f"vectors of one kind must have one dimension; got {sorted(dims)}")
    return checked, (dims.pop() if dims else None)


def check_dim(kind: str, dim: int, stored: int | None) -> None:
    """Refuse a vector whose dimension differs from the kind's stored one."""
    if stored is not None and dim != stored:
        raise ValueError(f"vectors of kind {kind!r} have {stored} dimensions; got {dim}")


def exact_nearest(ids: Sequence[str], matrix: np.ndarray, query: np.ndarray, k: int) -> list[tuple[str, float]]:
    """The ``k`` rows of ``matrix`` closest to ``query`` by cosine distance, ties by id."""
    if not ids or k <= 0:
        return []
    unit = matrix / np.linalg.norm(matrix, axis=1, keepdims=True)
    distances = 1.0 - unit @ (query / np.linalg.norm(query))
    order = np.lexsort((np.asarray(ids), distances))[:k]
    return [(ids[i], float(distances[i])) for i in order]


def _top(ids: Sequence[str], distances: np.ndarray, k: int) -> list[tuple[str, float]]:
    """The ``k`` smallest distances, ties by id (as :func:`exact_nearest`), without sorting every row."""
    if k <= 0 or distances.size == 0:
        return []
    if k < distances.size:
        cut = np.partition(distances, k - 1)[k - 1]
        rows = np.flatnonzero(distances <= cut)  # every row tied at the cut, so ties still go by id
    else:
        rows = np.arange(distances.size)
    order = rows[np.lexsort((np.asarray([ids[r] for r in rows]), distances[rows]))][:k]
    return [(ids[i], float(distances[i])) for i in order]


class VectorMatrix:
    """The unit vectors of one kind, held in memory and brought up to date by storage position.

    Why: the embedded store has no vector index, and reading every vector of a kind from SQLite
    for each query costs what the search can afford only for small stores (100k articles: ~200 MB
    of rows per query). A reading process keeps one matrix per store file and kind, and before
    each query reads only the rows stored since its last look (rows are never deleted; a replaced
    vector is stored anew, further on). Searching stays exact.
    """

    def __init__(self, dim: int) -> None:
        self.dim = dim
        self.ids: list[str] = []
        self.row_of: dict[str, int] = {}
        self._matrix = np.zeros((0, dim), dtype=np.float32)
        #: The storage position (SQLite rowid) and id of the last row read; rows from it on are read
        #: again, and a different row there means the file is another store now (start again).
        self.seen = 0
        self.last_id: str | None = None
        self.lock = threading.Lock()

    def add(self, rows: Sequence[tuple[int, str, bytes]]) -> None:
        """Rows ``(position, id, float32 bytes)`` in storage order: new ids appended, known ones replaced."""
        if not rows:
            return
        fresh = [r for r in rows if r[1] not in self.row_of]
        need = len(self.ids) + len(fresh)
        if need > self._matrix.shape[0]:
            grown = np.zeros((max(need, 2 * self._matrix.shape[0], 1024), self.dim), dtype=np.float32)
            grown[: len(self.ids)] = self._matrix[: len(self.ids)]
            self._matrix = grown  # searches still running keep the old array
        for position, key, blob in rows:
            vector = np.frombuffer(blob, dtype=np.float32)
            row = self.row_of.get(key)
            if row is None:
                row = self.row_of[key] = len(self.ids)
                self.ids.append(key)
            self._matrix[row] = vector / np.linalg.norm(vector)
            if position >= self.seen:
                self.seen, self.last_id = position, key

    def nearest(self, query: np.ndarray, k: int, ids_filter: Iterable[str] | None = None) -> list[tuple[str, float]]:
        """As :func:`exact_nearest` over every row (or the rows of ``ids_filter``).

        The rows as they are when the query starts (taken under the lock, so never a row half
        added); ``ids`` only grows, so its first ``n`` entries stay the rows' ids without a copy.
        """
        with self.lock:
            ids, matrix = self.ids, self._matrix[: len(self.ids)]
            wanted = None if ids_filter is None else sorted(
                {r for i in ids_filter if (r := self.row_of.get(i)) is not None})
        unit = query / np.linalg.norm(query)
        if wanted is None:
            return _top(ids, 1.0 - matrix @ unit, k)
        if not wanted:
            return []
        return _top([ids[r] for r in wanted], 1.0 - matrix[wanted] @ unit, k)
