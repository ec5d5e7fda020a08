"""The event clusterer's knobs: :class:`ClusterParams`, resolved once from a profile and the given values.

A profile (``fast``, ``accurate``) names a set of calibrated values
(:data:`PROFILE_SETTINGS`) and a dense encoder (:data:`tidings.understand.encoders.PROFILES`);
a constructor argument left at ``None`` takes the profile's value. Resolving happens
once, when the clusterer is built, so scoring reads plain attributes in its hot loops,
and the resolved values are what the clusterer saves with its state and checks on load.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from tidings.understand.encoders import PROFILES

#: Calibrated settings per profile (a constructor argument left at None takes these; the dense
#: blend shifts the score scale, so each profile has its own). All from ECB+ dev in file order,
#: checked on the seeds in all 120 orders:
#: * ``threshold`` — the join score;
#: * ``late_penalty`` — for a publication date 1 week to 1 year off the event's span (grid 0.1-0.5
#:   against the former hard veto at 7 days: fast 0.852 -> 0.859, accurate 0.833 -> 0.836);
#: * ``era_penalty``, ``number_weight``, ``event_merge_threshold``, ``entity_weight`` — the era and
#:   quantity signals, event-to-event merging (and with it best-pair-first batches in
#:   ``learn_many``), the weight of shared names. Fast, batches of 200 (ingest's commit size):
#:   0.859 -> 0.917 (one at a time: 0.862); grid merge 0.31-0.39, names 0.5-1.25, era 0.5-1,
#:   numbers 0.2-0.4; merge 0.35-0.37 score alike, 0.36 is the middle. Accurate (USE-blended
#:   scores run higher): the same era, numbers and names, merge 0.48 (grid 0.36-0.58): 0.842 ->
#:   0.904. Its join threshold stays at 0.35: a higher one breaks the seeds' Vietnamese report
#:   (USE does not cover Vietnamese); cross-lingual pair scores are shifted by merge - join.
#: * fast, with ``revisit`` and the English entity fixes: merge 0.37, chosen on the mean over
#:   ECB+ dev in 12 topic orders (``tidings eval clusters FILE --orders 12``), batches of 200:
#:   0.36/0.37/0.38/0.40 -> 0.9233/0.9282/0.9270/0.9242 (worst 0.9120/0.9239/0.9229/0.9151);
#:   batches of 100/150/250 in 6 orders agree (0.9236/0.9292/0.9279). Numbers 0.3 stays
#:   (0.25/0.35 at merge 0.38: 0.9244/0.9285, worst 0.9209/0.9171).
#: * accurate, with ``revisit`` and the English entity fixes: ``dense_weight`` 0.2 (grid 0.1-0.3;
#:   the fast profile has no dense vectors, its 0.3 only matters with an explicit encoder),
#:   merge 0.46 (grid 0.42-0.56), late penalty 0.1 (0.3 scored 0.016 lower), chosen on the
#:   mean over ECB+ dev in 3 topic orders × batches of 150-250: 0.9355 (file order, batches of
#:   200: 0.9343).
#: The profile a new store is grouped with when none is asked for.
DEFAULT_PROFILE = "fast"
PROFILE_SETTINGS: dict[str, dict[str, float]] = {
    "fast": {"threshold": 0.32, "late_penalty": 0.1, "era_penalty": 1.0, "number_weight": 0.3,
             "event_merge_threshold": 0.37, "entity_weight": 1.0, "dense_weight": 0.3},
    "accurate": {"threshold": 0.35, "late_penalty": 0.1, "era_penalty": 1.0, "number_weight": 0.3,
                 "event_merge_threshold": 0.46, "entity_weight": 1.0, "dense_weight": 0.2},
}


@dataclass(frozen=True)
class ClusterParams:
    """Every knob of the event clusterer, with the value in force (see :class:`EventClusterer`).

    Calibration: ``threshold``, ``dense_weight``, ``entity_weight``, ``year_weight``
    and ``merge_threshold`` were grid-searched on ECB+ dev in file order (fast
    profile); the ``cross_lingual_*`` weights and ``translation_dense`` on the five
    seeds (all 120 arrival orders must give the two true events; 003/004, two
    Arabic AP relays, one of them machine-translated, score 0.68 with USE and share
    87% of their entities, while independent reports of that event share 74-75%).
    ``max_gap_days`` = 7: a news event is reported within days; the seeds' two
    events are 27 months apart (beyond ``veto_days`` = 365). ``late_penalty``: see
    :data:`PROFILE_SETTINGS`; follow-ups weeks later and misread publication dates
    were split off by the former hard veto at ``max_gap_days``. ``era_penalty``,
    ``number_weight``, ``event_merge_threshold``: see :data:`PROFILE_SETTINGS`.
    """

    profile: str
    #: The dense encoder's name (None: no dense vectors).
    encoder: str | None
    #: Score an article needs to join an event.
    threshold: float
    #: Score against a *second* event (above the join) that makes the two events one.
    merge_threshold: float
    #: Share of the dense cosine in the same-language content score (the rest: TF-IDF words).
    dense_weight: float
    #: Across languages: ``scale * (dense cosine - offset)`` + ``entity_weight`` × name overlap.
    cross_lingual_scale: float
    cross_lingual_offset: float
    cross_lingual_entity_weight: float
    #: Weight of the share of names an article shares with an event (same language).
    entity_weight: float
    #: Bonus for years the article's text mentions and the members' texts do too.
    year_weight: float
    #: Taken off per share of members whose era is 2+ years off the article's.
    era_penalty: float
    #: Scale of the shared-quantities signal (0: off).
    number_weight: float
    #: Event-to-event average-link score that merges two events (``inf``: never).
    event_merge_threshold: float
    #: A batch first takes apart the events the previous batch opened and nothing older joined.
    revisit: bool
    #: Dated articles further than this from an event's date span pay ``late_penalty``...
    max_gap_days: int
    late_penalty: float
    #: ... and beyond this they never join it.
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
    def resolve(cls, profile: str, encoder: Any = None, **given: Any) -> ClusterParams:
        """The values in force: ``given`` where not None, else ``profile``'s calibrated ones.

        ``encoder`` may be None (the profile's), an encoder name or an encoder object
        (recorded by its ``name``). An unknown profile is a ``ValueError``.
        """
        if profile not in PROFILE_SETTINGS:
            raise ValueError(f"unknown profile {profile!r}; choose one of: {', '.join(PROFILE_SETTINGS)}")
        preset = PROFILE_SETTINGS[profile]
        values = {
            name: float(preset[name]) if value is None and name in preset else value for name, value in given.items()
        }
        for name in preset.keys() & values.keys():  # given as a number: float, as the presets are
            values[name] = float(values[name])
        if encoder is None:
            name = PROFILES[profile].dense
        elif isinstance(encoder, str):
            name = encoder
        else:
            name = str(getattr(encoder, "name", type(encoder).__name__))
        return cls(profile=profile, encoder=name, **values)

    @property
    def merges_events(self) -> bool:
        """Whether two whole events can merge (and batches agglomerate best pair first)."""
        return self.event_merge_threshold < float("inf")

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ClusterParams:
        names = {f.name for f in dataclasses.fields(cls)}
        missing = sorted(names - set(data))
        if missing:
            raise ValueError(f"saved clusterer params lack {', '.join(missing)}")
        return cls(**{k: v for k, v in data.items() if k in names})

    def differences(self, other: ClusterParams) -> dict[str, tuple[Any, Any]]:
        """Name → (this value, the other's value), for every param that differs."""
        mine, theirs = self.to_dict(), other.to_dict()
        return {k: (mine[k], theirs[k]) for k in mine if mine[k] != theirs[k]}
