"""Hashed character n-gram TF-IDF with IDF learned online from the stream.

Why hand-written rather than scikit-learn's ``HashingVectorizer`` + ``TfidfTransformer``:
Tidings sees articles one at a time and must not fit on data it has not seen yet, so
the IDF has to grow with the stream (sklearn's transformer is fitted once, in batch),
and a whole-array numpy rolling hash is ~10× faster than per-gram Python hashing for
the one-document-at-a-time case. Character n-grams need no tokenizer, so the same
code serves Chinese, Arabic and Vietnamese, and catch transliterated names.
"""

from __future__ import annotations

import io
import json
import threading
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from tidings.learner import Learner


@dataclass(frozen=True)
class SparseVector:
    """An L2-normalised sparse vector: sorted unique ``indices`` and their ``values``."""

    indices: np.ndarray
    values: np.ndarray

    def dot(self, other: SparseVector) -> float:
        _, ia, ib = np.intersect1d(self.indices, other.indices, assume_unique=True, return_indices=True)
        return float(np.dot(self.values[ia], other.values[ib]))

    @property
    def nnz(self) -> int:
        return int(self.indices.size)


_EMPTY = SparseVector(np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32))
_MULT = np.uint64(0x9E3779B97F4A7C15)  # Fibonacci hashing constant: spreads codepoint mixes over 64 bits


def char_ngram_hashes(text: str, sizes: Sequence[int], n_features: int) -> np.ndarray:
    """Hashes (in ``[0, n_features)``) of every character n-gram of lowercased ``text``.

    Deterministic across processes (unlike Python's ``hash``), so cached vectors and
    learned document frequencies stay valid between runs.
    """
    flat = " " + " ".join(text.lower().split()) + " "
    cps = np.frombuffer(flat.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    parts = []
    for n in sizes:
        if cps.size < n:
            continue
        h = np.full(cps.size - n + 1, np.uint64(n), dtype=np.uint64)
        for k in range(n):
            h = (h ^ cps[k:cps.size - n + 1 + k]) * _MULT
        h ^= h >> np.uint64(29)
        parts.append(h % np.uint64(n_features))
    if not parts:
        return np.zeros(0, dtype=np.int64)
    return np.concatenate(parts).astype(np.int64)


class LexicalEncoder(Learner):
    """Sublinear-TF × online-IDF vectors over hashed character n-grams.

    ``learn_idf=True`` adds every encoded text to the document frequencies before
    weighting it (a stream's view: IDF from everything seen so far, itself included).
    The document frequencies are its learned state: :meth:`to_bytes` / :meth:`from_bytes`.
    """

    name = "lexical"
    languages = None  # character n-grams need no language

    # sizes=(3, 4, 5): picked on SemEval-2022 dev (lexical-only Pearson) over (2..4), (3..5), (4..6).
    def __init__(self, sizes: Sequence[int] = (3, 4, 5), n_features: int = 2**20, learn_idf: bool = True,
                 max_chars: int | None = 3000) -> None:
        self.sizes = tuple(sizes)
        self.n_features = n_features
        self.learn_idf = learn_idf
        self.max_chars = max_chars
        self._df = np.zeros(n_features, dtype=np.uint32)
        self._n_docs = 0
        self._lock = threading.Lock()

    @property
    def dim(self) -> int:
        """Width of :meth:`encode`'s rows: one per hash bucket."""
        return self.n_features

    @property
    def n_docs(self) -> int:
        return self._n_docs

    def to_bytes(self) -> bytes:
        """Params and document frequencies (``.npz``, compressed: the table is mostly zeros)."""
        buf = io.BytesIO()
        params = json.dumps({**self.get_params(), "sizes": list(self.sizes)})
        np.savez_compressed(buf, params=np.frombuffer(params.encode(), dtype=np.uint8), df=self._df,
                            n_docs=np.int64(self._n_docs))
        return buf.getvalue()

    @classmethod
    def from_bytes(cls, raw: bytes) -> LexicalEncoder:
        """The encoder :meth:`to_bytes` wrote, document frequencies included."""
        arrays = np.load(io.BytesIO(raw))
        enc = cls(**json.loads(arrays["params"].tobytes().decode()))
        enc._df = arrays["df"].astype(np.uint32)
        enc._n_docs = int(arrays["n_docs"])
        return enc

    def observe(self, texts: Sequence[str]) -> None:
        """Count ``texts`` in the document frequencies without vectorising them."""
        for text in texts:
            self._count(self._grams(text))

    def _grams(self, text: str) -> np.ndarray:
        return char_ngram_hashes(text[: self.max_chars] if self.max_chars else text, self.sizes, self.n_features)

    def _count(self, grams: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        uniq, counts = np.unique(grams, return_counts=True)
        with self._lock:
            self._df[uniq] += 1
            self._n_docs += 1
        return uniq, counts

    def vectorize(self, texts: Sequence[str]) -> list[SparseVector]:
        """Sparse L2-normalised TF-IDF vectors (what the similarity uses)."""
        out = []
        for text in texts:
            grams = self._grams(text)
            if grams.size == 0:
                out.append(_EMPTY)
                continue
            if self.learn_idf:
                uniq, counts = self._count(grams)
            else:
                uniq, counts = np.unique(grams, return_counts=True)
            with self._lock:
                idf = np.log((1.0 + self._n_docs) / (1.0 + self._df[uniq])) + 1.0
            vals = (1.0 + np.log(counts)) * idf
            vals = (vals / np.linalg.norm(vals)).astype(np.float32)
            out.append(SparseVector(uniq, vals))
        return out

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Dense rows of width ``n_features`` (for the :class:`Encoder` protocol; small batches only)."""
        out = np.zeros((len(texts), self.n_features), dtype=np.float32)
        for i, vec in enumerate(self.vectorize(texts)):
            out[i, vec.indices] = vec.values
        return out
