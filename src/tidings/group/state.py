"""The event clusterer's saved state: one versioned blob layout, and the check of saved params.

Every blob is one JSON header line, ``{"format": FORMAT, "kind": …, "meta": …}``, then
the arrays as ``.npz``. ``FORMAT`` changes whenever what a blob holds changes; a blob
of another format is refused with :class:`UnknownStateFormat` (never read as if it
were this one). An empty value (``b""``) is no blob: an event that left memory.

What the clusterer saves, under these store keys (``Store.put_state``):

* :data:`KEY_GLOBAL` — arrival count, document frequencies, the active and merged
  ids, the params in force (read back on load: see :func:`check_params`), and the
  assignments not yet handed to the caller;
* :data:`KEY_EVENT` + id — one active event's running sums (:class:`EventSums`);
* :data:`KEY_REGROUP` — the articles the next batch may regroup (see ``revisit``).
"""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from tidings.group.batch import Arrival
from tidings.group.duplicates import Member, RecentMembers
from tidings.group.features import ArticleFeatures, OnlineIdf
from tidings.group.params import ClusterParams
from tidings.group.sums import EventSums

#: The layout of every blob this module writes (1: the first versioned layout; 2: static vector
#: sums beside the USE ones, and the learned pair model's params).
FORMAT = 2
#: Store keys (unchanged from before blobs carried a format, so an older store is recognised).
KEY_GLOBAL = "group.events.global"
KEY_EVENT = "group.events.ev:"
KEY_REGROUP = "group.events.soft"


class StateError(ValueError):
    """Saved state this code cannot continue from."""


class UnknownStateFormat(StateError):
    """A blob written in another layout (an older or newer Tidings)."""


class StateMismatch(StateError):
    """Saved state was grown with other params than the learner's own."""

    def __init__(self, message: str, differences: Mapping[str, tuple[Any, Any]]) -> None:
        super().__init__(message)
        #: param → (saved value, own value)
        self.differences = dict(differences)


# -- the blob layout ---------------------------------------------------------------------------
def frame(kind: str, meta: Any, arrays: Mapping[str, np.ndarray] | None = None, *, compressed: bool = False) -> bytes:
    """A state blob: the JSON header line (format, kind, metadata), then the arrays as ``.npz``."""
    buf = io.BytesIO()
    if compressed:
        # np.savez_compressed deflates at level 6: 120 ms for the 1 MB document-frequency array that
        # every batch's save writes; level 1 takes 17 ms for an 11% larger blob (np.load reads both)
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
            for name, array in (arrays or {}).items():
                with zf.open(f"{name}.npy", "w", force_zip64=True) as fh:
                    np.lib.format.write_array(fh, np.asanyarray(array), allow_pickle=False)
    else:
        np.savez(buf, **dict(arrays or {}))
    head = json.dumps({"format": FORMAT, "kind": kind, "meta": meta}, ensure_ascii=False)
    return head.encode() + b"\n" + buf.getvalue()


def unframe(blob: bytes, kind: str) -> tuple[Any, Any]:
    """The metadata and the arrays of a blob :func:`frame` wrote; :class:`UnknownStateFormat` otherwise."""
    line, _, body = blob.partition(b"\n")
    try:
        head = json.loads(line)
    except ValueError:
        head = None
    fmt = head.get("format") if isinstance(head, dict) else None
    if fmt is None:
        raise UnknownStateFormat(
            f"saved {kind} state has no format version: it was written by an earlier Tidings; "
            "group the articles again into a new store"
        )
    if fmt != FORMAT or head.get("kind") != kind:
        raise UnknownStateFormat(
            f"saved state is {head.get('kind')!r} in format {fmt!r}; this Tidings reads {kind!r} in format {FORMAT}"
        )
    return head["meta"], np.load(io.BytesIO(body))


# -- params ------------------------------------------------------------------------------------
def check_params(
    saved: Mapping[str, Any], own: Mapping[str, Any], *, what: str = "this store", hint: str = ""
) -> dict[str, tuple[Any, Any]]:
    """The params that differ (name → (saved, own)); :class:`StateMismatch` when any do.

    Why refuse: a store's state was grown with its params; continuing it with others
    (another profile, another threshold) gives results neither setting would give, silently.
    """
    diff = {k: (saved.get(k), own.get(k)) for k in {**saved, **own} if saved.get(k) != own.get(k)}
    if diff:
        listed = ", ".join(f"{k} {a!r} -> {b!r}" for k, (a, b) in diff.items() if k != "profile")
        if "profile" in saved and "profile" in own:
            head = f"{what} was grouped with profile {saved['profile']}; this clusterer uses profile {own['profile']}"
        else:
            head = f"{what} was saved with other params"
        raise StateMismatch(head + (f" ({listed})" if listed else "") + f". {hint}".rstrip(), diff)
    return diff


# -- the global state --------------------------------------------------------------------------
@dataclass
class GlobalState:
    """What the clusterer saves beside its events."""

    seq: int
    idf: OnlineIdf
    active: list[str]
    merged: dict[str, str]
    params: ClusterParams
    #: Article → event assignments not yet handed out by ``pop_assignments``.
    unreported: dict[str, str]
    #: ``seq`` at the last look for idle events: a restart must sweep when one run would.
    swept_at: int = 0


def pack_global(state: GlobalState) -> bytes:
    meta = {
        "seq": state.seq,
        "n_docs": state.idf.n_docs,
        "active": state.active,
        "merged": state.merged,
        "params": state.params.to_dict(),
        "unreported": state.unreported,
        "swept_at": state.swept_at,
    }
    return frame("global", meta, {"df": state.idf.df}, compressed=True)


def unpack_global(blob: bytes) -> GlobalState:
    meta, arrays = unframe(blob, "global")
    return GlobalState(
        seq=int(meta["seq"]),
        idf=OnlineIdf(arrays["df"].astype(np.int32), int(meta["n_docs"])),
        active=list(meta["active"]),
        merged=dict(meta["merged"]),
        params=ClusterParams.from_dict(meta["params"]),
        unreported=dict(meta["unreported"]),
        swept_at=int(meta.get("swept_at", 0)),
    )


# -- one event ---------------------------------------------------------------------------------
def pack_event(ev: EventSums) -> bytes:
    recent = list(ev.recent)
    meta = {
        "id": ev.id,
        "created_seq": ev.created_seq,
        "last_seq": ev.last_seq,
        "members": ev.members,
        "lang_counts": dict(ev.lang_counts),
        "n_dense": ev.n_dense,
        "n_static": ev.n_static,
        "n_static_use": ev.n_static_use,
        "entity_counts": dict(ev.entity_counts),
        "entity_mass": ev.entity_mass,
        "entity_weight": ev.entity_weight,
        "year_counts": {str(k): v for k, v in ev.year_counts.items()},
        "n_with_years": ev.n_with_years,
        "era_counts": {str(k): v for k, v in ev.era_counts.items()},
        "dated_years": {str(k): v for k, v in ev.dated_years.items()},
        "number_counts": {str(k): v for k, v in ev.number_counts.items()},
        "number_mass": ev.number_mass,
        "date_min": ev.date_min.isoformat() if ev.date_min else None,
        "date_max": ev.date_max.isoformat() if ev.date_max else None,
        "duplicates": ev.duplicates,
        "lineage": ev.lineage,
        "recent": [
            {
                "id": m.id,
                "terms": sorted(m.terms),
                "sources": sorted(m.sources),
                "lang": m.lang,
                "entities": sorted(m.entities),
            }
            for m in recent
        ],
    }
    arrays: dict[str, np.ndarray] = {
        "term_keys": np.fromiter(ev.term_sum.keys(), dtype=np.int64, count=len(ev.term_sum)),
        "term_vals": np.fromiter(ev.term_sum.values(), dtype=np.float64, count=len(ev.term_sum)),
    }
    for name in ("dense_sum", "static_sum", "static_use_sum"):
        value = getattr(ev, name)
        if value is not None:
            arrays[name] = value
    for i, m in enumerate(recent):
        if m.dense is not None:
            arrays[f"recent_{i}"] = m.dense
    return frame("event", meta, arrays)


def unpack_event(blob: bytes) -> EventSums:
    meta, arrays = unframe(blob, "event")
    ev = EventSums(meta["id"], int(meta["created_seq"]), int(meta["last_seq"]), list(meta["members"]))
    ev.term_sum = dict(zip(arrays["term_keys"].tolist(), arrays["term_vals"].tolist(), strict=True))
    ev.lang_counts = Counter(meta["lang_counts"])
    ev.n_dense = int(meta["n_dense"])
    ev.dense_sum = arrays["dense_sum"] if "dense_sum" in arrays.files else None
    ev.n_static = int(meta["n_static"])
    ev.n_static_use = int(meta["n_static_use"])
    ev.static_sum = arrays["static_sum"] if "static_sum" in arrays.files else None
    ev.static_use_sum = arrays["static_use_sum"] if "static_use_sum" in arrays.files else None
    ev.entity_counts = Counter(meta["entity_counts"])
    ev.entity_mass = float(meta["entity_mass"])
    ev.entity_weight = {k: float(v) for k, v in meta["entity_weight"].items()}
    ev.year_counts = Counter({int(k): v for k, v in meta["year_counts"].items()})
    ev.n_with_years = int(meta["n_with_years"])
    ev.era_counts = Counter({int(k): v for k, v in meta["era_counts"].items()})
    ev.dated_years = Counter({int(k): v for k, v in meta["dated_years"].items()})
    ev.number_counts = Counter({int(k): v for k, v in meta["number_counts"].items()})
    ev.number_mass = int(meta["number_mass"])
    ev.date_min = dt.date.fromisoformat(meta["date_min"]) if meta["date_min"] else None
    ev.date_max = dt.date.fromisoformat(meta["date_max"]) if meta["date_max"] else None
    ev.duplicates = dict(meta["duplicates"])
    ev.lineage = list(meta["lineage"])
    ev.recent = RecentMembers(
        Member(
            id=m["id"],
            dense=arrays[f"recent_{i}"] if f"recent_{i}" in arrays.files else None,
            terms=frozenset(m["terms"]),
            sources=frozenset(m["sources"]),
            lang=m["lang"],
            entities=frozenset(m["entities"]),
        )
        for i, m in enumerate(meta["recent"])
    )
    return ev


# -- the articles a next batch regroups --------------------------------------------------------
def pack_arrivals(arrivals: Sequence[Arrival]) -> bytes:
    """The articles a next batch may regroup: their features, term weights and arrival numbers."""
    rows = [{**a.features.to_record(), "seq": a.seq, "weights": sorted(a.weights.items())} for a in arrivals]
    arrays = {f"{name}_{i}": v for i, a in enumerate(arrivals) for name, v in a.features.arrays().items()}
    return frame("regroup", rows, arrays)


def unpack_arrivals(blob: bytes) -> list[Arrival]:
    rows, arrays = unframe(blob, "regroup")
    return [
        Arrival(
            ArticleFeatures.from_record(r, vectors_of(arrays, i)),
            {int(k): float(v) for k, v in r["weights"]},
            int(r["seq"]),
        )
        for i, r in enumerate(rows)
    ]


def vectors_of(arrays: Any, i: int) -> dict[str, np.ndarray]:
    """The vectors :meth:`ArticleFeatures.arrays` saved for the ``i``-th record as ``NAME_i``."""
    return {name: arrays[f"{name}_{i}"] for name in ("dense", "static") if f"{name}_{i}" in arrays.files}
