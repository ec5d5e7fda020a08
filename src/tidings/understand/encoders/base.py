"""What every encoder shares: the :class:`Encoder` interface and the text preparation around it.

An encoder turns texts into L2-normalised float32 rows; each encoder module
(:mod:`.use`, :mod:`.e5`, :mod:`.static`, :mod:`.lexical`) builds on this one
module only, so the package has no import circle.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Protocol, runtime_checkable

import numpy as np


@runtime_checkable
class Encoder(Protocol):
    """What the grouping stage needs from an encoder."""

    name: str
    dim: int

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """(n, dim) float32, rows L2-normalised (a zero row for an empty text)."""
        ...


def prepare_text(text: str, max_chars: int | None) -> str:
    """Collapse whitespace and cut to ``max_chars`` characters.

    Why cut: news puts the event in the title and lead; the tail adds related-story
    noise and (for e5) quadratic cost. A plain cut (not at a word boundary) keeps the
    prepared text, hence the cache key, a simple function of the text.
    """
    flat = " ".join(text.split())
    return flat if max_chars is None else flat[:max_chars]


def l2_normalise(mat: np.ndarray) -> np.ndarray:
    mat = np.asarray(mat, dtype=np.float32)
    norms = np.linalg.norm(mat, axis=1, keepdims=True)
    return mat / np.maximum(norms, 1e-12)


def covers(encoder: Any, lang: str | None) -> bool:
    """Whether ``encoder`` gives meaningful vectors for ``lang`` (unknown language: assume yes)."""
    langs = getattr(encoder, "languages", None)
    return langs is None or lang is None or lang in langs


def encode_nonempty(texts: list[str], dim: int, run: Callable[[list[str]], np.ndarray]) -> np.ndarray:
    """Encode the non-empty texts; empty ones get a zero row (cosine 0 with everything)."""
    out = np.zeros((len(texts), dim), dtype=np.float32)
    idx = [i for i, t in enumerate(texts) if t]
    if idx:
        out[idx] = run([texts[i] for i in idx])
    return out
