"""Words, CJK bigrams, hashed terms and the cosine of two bags of tokens.

Two tokenisers live here, on purpose, each named for its use:

* :func:`hashed_terms` — what the event clusterer compares articles by. Its output
  is *frozen*: the clusterer saves document frequencies counted over these hashed
  terms (:class:`tidings.group.features.OnlineIdf`), so changing the tokeniser would
  silently misweigh every store grown before the change, and its thresholds were
  calibrated on ECB+ dev with it. NFKC, lower case, words of 2+ characters without
  a short stop list, bigrams of Han/kana/Hangul/Thai runs, hashed into
  :data:`N_BUCKETS` buckets.
* :func:`word_counts` — what card building compares *sentences* by (summary MMR,
  outcome de-duplication, storyline title overlap). Readable string tokens, letters
  only, 3+ characters (a cheap stand-in for a stop list in every language), bigrams
  of Han and kana runs only. Calibrated by eye on the seeds and ECB+ dev cards.

Making them one would change either the clusterer's saved state or every card;
that is a behaviour change to measure on its own, not part of sharing the code.
What they do share — how a run of CJK characters becomes bigrams — is written once.

Hand-written rather than scikit-learn's ``HashingVectorizer``: scikit-learn is not
a dependency, and the clusterer needs hash values that stay bit for bit the same
across versions (blake2b, not Python's salted ``hash``).
"""

from __future__ import annotations

import hashlib
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterator

from tidings.text.scripts import BIGRAM_RUN, HAN_KANA_RUN

#: Hash buckets for lexical terms. 2**18 keeps the document-frequency table at
#: 1 MB (cheap to save at every commit) with few collisions on news vocabularies.
N_BUCKETS = 2**18

_WORD = re.compile(r"\w+")
# A short, language-neutral list: function words of the languages USE covers
# would be the ideal, but IDF already discounts them; these are the ones so
# frequent in English news (and URLs) that they dominate short texts.
_STOP_WORDS = (
    "the a an of to in and or for on at by with from as is was were be been are that this it its his her their they"
    " he she we you said says will would has have had not but after before over about into than more also up out who"
    " which when where what http https www com html htm php index"
)
STOP_WORDS = frozenset(_STOP_WORDS.split())

#: Words of 3+ letters (no digits, no underscore) for :func:`word_counts`.
_LETTER_WORD = re.compile(r"[^\W\d_]{3,}")


def bigrams(run: str) -> Iterator[str]:
    """Character bigrams of a run written without word boundaries (one "bigram" for a single character).

    Why bigrams and not jieba: they need no dictionary, are deterministic, and match
    names that a segmenter would split differently across outlets.
    """
    return (run[i : i + 2] for i in range(max(1, len(run) - 1)))


def bucket(term: str) -> int:
    """A term's hash bucket: blake2b, stable across processes and versions."""
    return int.from_bytes(hashlib.blake2b(term.encode("utf-8"), digest_size=4).digest(), "little") % N_BUCKETS


def hashed_terms(text: str) -> list[int]:
    """Hashed lexical terms for grouping: lower-cased words, Han/kana/Hangul/Thai character bigrams."""
    text = unicodedata.normalize("NFKC", text).lower()
    out: list[int] = []
    for run in BIGRAM_RUN.findall(text):
        out.extend(bucket(b) for b in bigrams(run))
    for word in _WORD.findall(BIGRAM_RUN.sub(" ", text)):
        if len(word) > 1 and word not in STOP_WORDS and not word.isdigit():
            out.append(bucket(word))
    return out


def word_counts(text: str) -> Counter[str]:
    """Readable tokens for comparing sentences: lower-case words of 3+ letters, Han/kana bigrams."""
    out: Counter[str] = Counter()
    for run in HAN_KANA_RUN.findall(text):
        out.update(bigrams(run))
    out.update(_LETTER_WORD.findall(HAN_KANA_RUN.sub(" ", text.lower())))
    return out


def vector_norm(counts: Counter[str]) -> float:
    """Euclidean length of a bag of tokens."""
    return math.sqrt(sum(v * v for v in counts.values()))


def cosine(a: Counter[str], b: Counter[str], na: float | None = None, nb: float | None = None) -> float:
    """Cosine of two bags of tokens; pass their norms when already known (MMR reuses them)."""
    if not a or not b:
        return 0.0
    dot = sum(a[k] * b[k] for k in a.keys() & b.keys())  # set intersection runs in C: few shared keys
    if not dot:
        return 0.0
    na = vector_norm(a) if na is None else na
    nb = vector_norm(b) if nb is None else nb
    return dot / (na * nb) if na and nb else 0.0


def whole_word_spans(text: str, name: str) -> list[tuple[int, int]]:
    r"""Where ``text`` writes ``name`` as whole words: no letter, digit, ``_`` or ``-`` touches either end.

    What ``re.finditer(rf"(?<![\w-]){re.escape(name)}(?![\w-])", text)`` finds, by ``str.find``: the
    cards ask it for every name of an event over the event's whole text, where the regex (compiled per
    name, tried at every position) was the larger part of their time.
    """
    found: list[tuple[int, int]] = []
    if not name:
        return found
    size, at = len(name), text.find(name)
    while at >= 0:
        end = at + size
        before = text[at - 1] if at else " "
        after = text[end] if end < len(text) else " "
        if not (before.isalnum() or before in "_-") and not (after.isalnum() or after in "_-"):
            found.append((at, end))
            at = text.find(name, end)  # matches do not overlap, as the regex's
        else:
            at = text.find(name, at + 1)
    return found
