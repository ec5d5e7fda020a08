"""Article–article similarity: the pair model ``tidings eval pairs`` scores against human ratings.

Grouping does not use it: the event clusterer (:mod:`tidings.group`) scores an
article against an event's running sums with its own signals (words, names, time,
numbers, USE in the accurate profile). This model is the measured alternative that
lives beside the benchmark; making grouping use it would be a decision of its own,
with new measurements.

An article is embedded once into a :class:`Representation` (a unit vector per
neural encoder, a sparse lexical vector, entity norms). :class:`ArticleSimilarity`
turns the cosines that are meaningful for the pair (USE only when both languages
are USE languages; lexical overlap mostly within a language), calibrated by two
facts about the pair (whether the languages differ, how unequal the texts' lengths
are), into one score in ``[0, 1]``: a linear model of the SemEval-2022 "overall" rating (1 = same
event … 4 = unrelated) mapped to ``(4 - rating) / 3``. So 1.0 reads "same event",
~0.67 "same story, different angle", 0 "unrelated". The few weights are (censored)
least-squares fits on SemEval-2022 dev (cross-validated, see :func:`tidings.eval.pairs.fit`),
one set per combination of features that can be present, so a missing encoder never
silently counts as 0.
"""

from __future__ import annotations

import functools
import json
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from tidings.read.language import _fasttext, normalise_lang
from tidings.understand.encoders import PROFILES, SparseVector, covers, get_encoder
from tidings.understand.entities import EntityExtractor


@dataclass(frozen=True)
class Representation:
    """What the similarity needs of one article, computed once."""

    lang: str | None
    vectors: Mapping[str, np.ndarray] = field(default_factory=dict)
    lexical: SparseVector | None = None
    entities: frozenset[str] | None = None
    #: characters of the whitespace-collapsed text (``None`` = unknown): how much text the encoders saw
    chars: int | None = None


def detect_lang(text: str) -> str | None:
    """ISO 639-1 code from the bundled fastText model; ``None`` when it cannot tell."""
    try:
        result = _fasttext().detect(" ".join(text[:1500].split()), model="lite", k=1)
        return normalise_lang(result[0]["lang"])[0] if result else None
    except Exception:  # language is a hint here: without it every encoder is used
        return None


class RepresentationBuilder:
    """Embeds articles for a profile (``"fast"`` or ``"accurate"``) or an explicit encoder list.

    ``encoders`` maps names to encoder objects to override :func:`get_encoder` (tests,
    custom caches). ``entities=True`` adds the entity extractor's norms.
    """

    def __init__(self, profile: str = "accurate", encoders: Mapping[str, Any] | None = None,
                 entities: bool = False) -> None:
        if profile not in PROFILES:
            raise ValueError(f"unknown profile {profile!r}; choose one of: {', '.join(PROFILES)}")
        self.profile = profile
        self.encoders = encoders
        self.entities = entities
        self._extractor: Any = None
        self._lock = threading.Lock()

    def _encoder(self, name: str) -> Any:
        if self.encoders is not None and name in self.encoders:
            return self.encoders[name]
        return get_encoder(name)

    def build(self, texts: Sequence[str], langs: Sequence[str | None] | None = None) -> list[Representation]:
        """One representation per text; ``langs`` (ISO 639-1) are detected when not given."""
        texts = list(texts)
        langs = list(langs) if langs is not None else [detect_lang(t) for t in texts]
        if len(langs) != len(texts):
            raise ValueError("texts and langs differ in length")
        vectors: list[dict[str, np.ndarray]] = [{} for _ in texts]
        lexical: list[SparseVector | None] = [None] * len(texts)
        for name in PROFILES[self.profile].pairs:
            enc = self._encoder(name)
            if name == "lexical":
                lexical = list(enc.vectorize(texts))
                continue
            idx = [i for i, lang in enumerate(langs) if covers(enc, lang)]
            if not idx:
                continue
            mat = enc.encode([texts[i] for i in idx])
            for row, i in enumerate(idx):
                vectors[i][name] = mat[row]
        ents: list[frozenset[str] | None] = [None] * len(texts)
        if self.entities:
            with self._lock:
                if self._extractor is None:
                    self._extractor = EntityExtractor()
            ents = [frozenset(e.norm for e in self._extractor.extract(t, lang))
                    for t, lang in zip(texts, langs, strict=True)]
        chars = [text_chars(t) for t in texts]
        return [Representation(lang, vec, lex, ent, n)
                for lang, vec, lex, ent, n in zip(langs, vectors, lexical, ents, chars, strict=True)]


def text_chars(text: str) -> int:
    """Length of ``text`` with whitespace collapsed (what :func:`prepare_text` would keep uncut)."""
    return len(" ".join(text.split()))


def pair_features(a: Representation, b: Representation) -> dict[str, float]:
    """The raw signals for a pair: a cosine per shared encoder, lexical cosine, entity overlap."""
    feats: dict[str, float] = {}
    for name, va in a.vectors.items():
        vb = b.vectors.get(name)
        if vb is not None and np.any(va) and np.any(vb):
            feats[name] = float(np.dot(va, vb))
    if a.lexical is not None and b.lexical is not None and a.lexical.nnz and b.lexical.nnz:
        feats["lexical"] = a.lexical.dot(b.lexical)
    if a.entities and b.entities:
        feats["entities"] = len(a.entities & b.entities) / len(a.entities | b.entities)
    for name in SQUARED:
        if name in feats:
            feats[name + "^2"] = feats[name] ** 2
    if "lexical" in feats and "use" in feats:
        feats[USE_GAP] = feats["lexical"] * (1.0 - feats["use"])
    if a.chars and b.chars:
        feats[LENGTH_GAP] = abs(min(a.chars, LENGTH_CAP) - min(b.chars, LENGTH_CAP)) / LENGTH_CAP
    if a.lang and b.lang:
        # cosines of translations sit lower than of same-language texts: a bias shift fixes that
        feats["cross"] = float(a.lang != b.lang)
    return feats


#: Encoder cosines that also enter squared: the rating is convex in them (near 1 they
#: separate "same event" from "same story" more sharply). On SemEval-2022 dev, 5-fold CV
#: Pearson 0.775 → 0.776 overall, 0.780 → 0.786 cross-language; cross-products and
#: per-language slopes added nothing.
SQUARED = ("e5", "use")

#: Shared wording *without* shared meaning (lexical × (1 − USE cosine)): pages built on one
#: site's template, which SemEval raters call different stories. With it, 5-fold CV on
#: SemEval-2022 dev rises 0.776 → 0.789 overall, 0.786 → 0.789 cross-language. It is 0 for
#: identical texts, and the fit pins identical texts to "same event" (see eval.pairs.fit).
USE_GAP = "lexical*(1-use)"

#: How unequal the two texts are in length, counting each up to :data:`LENGTH_CAP` characters
#: (0 = both at least that long, or equally long; 0 for identical texts). Why: a short text (a
#: title and a line, a failed scrape) against a full one gets systematically lower cosines than
#: its rating says, so the score is calibrated on how much text each side gave the encoders.
#: For two full-length articles it is 0 and changes nothing. On SemEval-2022 dev, 5-fold CV
#: Pearson of the unclipped rating 0.789 → 0.795 overall, 0.789 → 0.809 cross-language, 0.789 →
#: 0.790 same-language. Its weight is free (either sign): it calibrates, it is no similarity.
LENGTH_GAP = "length_gap"

#: Characters counted per text for :data:`LENGTH_GAP`: USE's window (UseEncoder.max_chars).
#: Calibrated on SemEval-2022 dev (texts ~1,000 chars): caps 600/800/1000/1200/1500 give 5-fold
#: CV Pearson 0.794/0.795/0.795/0.794/0.794 overall, 0.804/0.808/0.809/0.805/0.803 cross-language.
LENGTH_CAP = 1000

#: Features that are not similarities of the texts themselves (they only calibrate the others).
CONTEXT = ("cross", LENGTH_GAP)

#: Features computed from others, with the base features they need.
DERIVED: dict[str, tuple[str, ...]] = {**{f"{n}^2": (n,) for n in SQUARED}, USE_GAP: ("lexical", "use")}


def identical_value(name: str) -> float:
    """A feature's value for two copies of one text in one language (cosines 1, gaps 0, cross 0)."""
    return 0.0 if name in ("cross", USE_GAP, LENGTH_GAP) else 1.0


#: Linear models of the SemEval "overall" rating (1 = same event … 4 = unrelated), one per
#: set of base features that can be present (a model ignores features it was not fitted
#: with): {feature: weight, "bias": b}. Least squares on SemEval-2022 dev (1,211 pairs),
#: written by ``python -m tidings.eval.pairs FILE --fit --write``; 5-fold CV in that output.
WEIGHTS_FILE = Path(__file__).with_name("pairs_model_weights.json")


@functools.cache
def fitted_weights() -> dict[frozenset[str], dict[str, float]]:
    """The shipped combination weights (empty when the file is missing: then a plain mean is used)."""
    try:
        raw = json.loads(WEIGHTS_FILE.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {frozenset(m["features"]): dict(m["weights"]) for m in raw["models"]}


#: Used when no fitted model matches: the mean of the cosines mapped to a rating
#: (cosine 0.9 → same event, 0.2 → unrelated on SemEval dev), better than nothing.
_FALLBACK = {"bias": 4.4, "slope": -4.0}


class ArticleSimilarity:
    """Calibrated similarity of two :class:`Representation` s, in ``[0, 1]`` (1 = same event).

    ``weights`` overrides :func:`fitted_weights` (same shape), e.g. for cross-validation.
    ``use_features`` restricts which features are used (``None`` = all present).
    """

    def __init__(self, weights: Mapping[frozenset[str], Mapping[str, float]] | None = None,
                 use_features: Sequence[str] | None = None) -> None:
        self.weights = weights
        self.use_features = use_features

    def features(self, a: Representation, b: Representation) -> dict[str, float]:
        feats = pair_features(a, b)
        if self.use_features is not None:
            feats = {k: v for k, v in feats.items() if k in self.use_features}
        return feats

    def rating(self, feats: Mapping[str, float]) -> float:
        """Predicted SemEval overall rating (1 … 4) from a pair's features."""
        if all(k in CONTEXT for k in feats):
            return 4.0  # nothing to compare (e.g. an empty text): unrelated
        table = self.weights if self.weights is not None else fitted_weights()
        model = _best_model(table, frozenset(feats))
        if model is None:
            cosines = [v for k, v in feats.items() if k not in DERIVED and k not in CONTEXT] or [0.0]
            return _FALLBACK["bias"] + _FALLBACK["slope"] * float(np.mean(cosines))
        return model["bias"] + sum(w * feats[k] for k, w in model.items() if k != "bias")

    def score(self, feats: Mapping[str, float]) -> float:
        """The similarity in ``[0, 1]`` for a pair's features: the rating mapped and clipped.

        Clipping is part of the score, not cosmetics: ratings beyond 1 or 4 say "even more
        alike/unlike than the scale", which the scale cannot hold.
        """
        return float(np.clip((4.0 - self.rating(feats)) / 3.0, 0.0, 1.0))

    def __call__(self, a: Representation, b: Representation) -> float:
        return self.score(self.features(a, b))


def _best_model(table: Mapping[frozenset[str], Mapping[str, float]], present: frozenset[str]) -> Any:
    """The fitted model using the most of the present features (and nothing absent)."""
    best = None
    for keys, model in table.items():
        if keys <= present and (best is None or len(keys) > len(best[0])):
            best = (keys, model)
    return best[1] if best else None
