"""Scale-out over existing engines: the read side of ingest on a Ray cluster (bulk backfill).

The grouping writer stays one process (:class:`tidings.engine.Engine`); what scales out is the
stateless part in front of it — the read stages and whatever the engine lets run ahead
(:func:`tidings.workers.ahead`) — which :class:`RayReaders` hands to Ray actors instead of local
worker processes. See ``docs/scaling.md`` for the measured capacity model.
"""

from __future__ import annotations

from tidings.scale.ray_readers import RayReaders, RayRunner, RayUnavailable

__all__ = ["RayReaders", "RayRunner", "RayUnavailable"]
