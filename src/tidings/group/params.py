"""The event clusterer's knobs: :class:`ClusterParams`, resolved once from a profile and the given values.

A profile names the vectors grouping compares (:data:`PROFILE_VECTORS`) and a learned pair model:
the weights of the signals of :mod:`tidings.group.scoring` and the join threshold, fitted by
``python -m tidings.eval.calibrate`` and shipped in ``pair_weights.json`` (with what they were
fitted on and their cross-validated figures). A constructor argument left at ``None`` takes the
profile's value. Resolving happens once, when the clusterer is built, so scoring reads plain
attributes in its hot loops, and the resolved values are what the clusterer saves with its state
and checks on load.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

#: The signals a pair model weighs (see :func:`tidings.group.scoring.combine`): within a language
#: (``lex`` words, ``use`` and ``static`` cosines, ``static_on`` the share of pairs only the static
#: model compares, ``ent`` shared names), across languages (``x…``: the same without words; ``xent``
#: is the overlap coefficient of names), and for both (``num`` quantities, ``era`` conflicts,
#: ``years`` mentioned, ``late`` date gaps of one week to one year); ``bias`` and ``cross`` are
#: intercepts.
SAME_SIGNALS = ("lex", "use", "static", "static_on", "ent")
CROSS_SIGNALS = ("xuse", "xstatic", "xstatic_on", "xent")
SHARED_SIGNALS = ("num", "era", "years", "late")
WEIGHT_NAMES = ("bias", "cross", *SAME_SIGNALS, *CROSS_SIGNALS, *SHARED_SIGNALS)

#: The profile a new store is grouped with when none is asked for.
DEFAULT_PROFILE = "default"
#: The article vectors (``Article.vector`` models) each profile compares. ``default``: USE for its 16
#: languages and the static model for every pair USE cannot compare; ``lexical``: none (words,
#: names, time and quantities only; the explicit choice for a machine that cannot afford USE).
PROFILE_VECTORS: dict[str, tuple[str, ...]] = {"default": ("use", "static"), "lexical": ()}
#: The shipped pair model per profile (see the module docstring).
WEIGHTS_FILE = Path(__file__).with_name("pair_weights.json")


@cache
def shipped_models() -> dict[str, Any]:
    """The ``pair_weights.json`` document: per profile, ``weights`` and ``threshold``, and how they were fitted."""
    return json.loads(WEIGHTS_FILE.read_text(encoding="utf-8"))


@dataclass(frozen=True)
class ClusterParams:
    """Every knob of the event clusterer, with the value in force (see :class:`EventClusterer`).

    Calibration: ``weights`` and ``threshold`` are the profile's learned pair model
    (``pair_weights.json``: fitted on SemEval-2022 dev and ECB+ dev pairs, the threshold chosen on
    the stream, both by cross-validation over ECB+ topics and SemEval pair groups; see
    :mod:`tidings.eval.calibrate`). ``max_gap_days`` = 7: a news event is reported within days;
    a gap beyond it is the ``late`` signal; beyond ``veto_days`` = 365 two sides never join (the
    seeds' two events are 27 months apart). ``translation_dense`` on the five seeds (003/004,
    two Arabic AP relays, one of them machine-translated, score 0.68 with USE and share 87% of
    their entities, while independent reports of that event share 74-75%).
    """

    profile: str
    #: The article vectors compared (``Article.vector`` models; empty: none).
    vectors: tuple[str, ...]
    #: Average-link log-odds an article needs to join an event.
    threshold: float
    #: Event-to-event average-link log-odds that merges two events (``inf``: never); batches
    #: agglomerate best pair first down to it.
    event_merge_threshold: float
    #: The pair model: signal name → weight (:data:`WEIGHT_NAMES`).
    weights: dict[str, float]
    #: A batch first takes apart the events the previous batch opened and nothing older joined.
    revisit: bool
    #: Dated sides further apart than this give the ``late`` signal...
    max_gap_days: int
    #: ... and beyond this they never join.
    veto_days: int
    #: Nearest events (by centroid) an article is scored against.
    candidates: int
    #: Nearest new articles each new article is scored against in a batch.
    batch_neighbours: int
    #: Events beyond this many, or not updated for ``idle_after`` articles, leave memory.
    max_active: int
    idle_after: int
    #: Heaviest terms an event keeps in its term sum (the tail carries little of a·Σ).
    max_terms: int
    #: Copy: same-language term Jaccard or dense cosine at least these.
    duplicate_dense: float
    duplicate_terms: float
    #: Translation or relay (provenance says so): dense cosine or shared names at least these.
    translation_dense: float
    translation_entities: float
    #: Fixes anything random (the ANN graph is built deterministically from the arrival order).
    seed: int

    @classmethod
    def resolve(cls, profile: str, **given: Any) -> ClusterParams:
        """The values in force: ``given`` where not None, else ``profile``'s.

        ``weights`` given as a dict overrides single weights of the profile's model. An unknown
        profile, or an unknown weight name, is a ``ValueError``.
        """
        if profile not in PROFILE_VECTORS:
            raise ValueError(f"unknown profile {profile!r}; choose one of: {', '.join(PROFILE_VECTORS)}")
        model = shipped_models()["profiles"][profile]
        weights = {k: float(model["weights"].get(k, 0.0)) for k in WEIGHT_NAMES}
        extra = given.pop("weights", None) or {}
        unknown = sorted(set(extra) - set(WEIGHT_NAMES))
        if unknown:
            raise ValueError(f"unknown pair-model weight(s): {', '.join(unknown)}; known: {', '.join(WEIGHT_NAMES)}")
        weights.update({k: float(v) for k, v in extra.items()})
        vectors = given.pop("vectors", None)
        threshold = given.pop("threshold", None)
        threshold = float(model["threshold"]) if threshold is None else float(threshold)
        merge = given.pop("event_merge_threshold", None)
        return cls(
            profile=profile,
            vectors=tuple(PROFILE_VECTORS[profile] if vectors is None else vectors),
            threshold=threshold,
            event_merge_threshold=threshold if merge is None else float(merge),
            weights=weights,
            **given,
        )

    @property
    def merges_events(self) -> bool:
        """Whether two whole events can merge (and batches agglomerate best pair first)."""
        return self.event_merge_threshold < float("inf")

    def to_dict(self) -> dict[str, Any]:
        out = dataclasses.asdict(self)
        out["vectors"] = list(self.vectors)
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ClusterParams:
        names = {f.name for f in dataclasses.fields(cls)}
        missing = sorted(names - set(data))
        if missing:
            raise ValueError(f"saved clusterer params lack {', '.join(missing)}")
        values = {k: v for k, v in data.items() if k in names}
        values["vectors"] = tuple(values["vectors"])
        return cls(**values)

    def differences(self, other: ClusterParams) -> dict[str, tuple[Any, Any]]:
        """Name → (this value, the other's value), for every param that differs."""
        mine, theirs = self.to_dict(), other.to_dict()
        return {k: (mine[k], theirs[k]) for k in mine if mine[k] != theirs[k]}
