"""Vector checks shared by the stores, and the exact cosine search of the embedded store.

Distances are cosine distances (``1 - cosine similarity``, 0 = same direction, 2 = opposite),
the measure pgvector's ``<=>`` computes, so both stores answer in the same units.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

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
