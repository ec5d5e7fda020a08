"""Prometheus metrics: request latency per endpoint, status counts, and the store's size and ingest rate.

One registry per app (tests run several apps in one process). Latency is labelled with the
route's path template (``/api/events/{event_id}``), never the requested path, so the number of
series stays bounded whatever clients ask for. The store figures are read when Prometheus
scrapes (a custom collector), from the catalog the server already keeps.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

#: Latency buckets (seconds): the targets are 50 ms (lists), 150 ms (cards), 200 ms (search).
BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.5, 1.0, 2.5, 5.0)


class StoreCollector(Collector):
    """Articles, events, the store revision and the ingest rate, read at scrape time."""

    def __init__(self, read: Callable[[], dict[str, float]]) -> None:
        self.read = read

    def collect(self) -> Iterator[GaugeMetricFamily]:
        figures = self.read()
        described = {
            "articles": "Articles in the store.",
            "events": "Live events (with at least one article).",
            "revision": "The store's newest change number.",
            "ingest_articles_per_second": "Articles stored per second over the last minute (any writer).",
        }
        for name, help_text in described.items():
            if name in figures:
                yield GaugeMetricFamily(f"tidings_{name}", help_text, value=figures[name])


class Metrics:
    """The app's registry and its instruments."""

    def __init__(self, read_store: Callable[[], dict[str, float]]) -> None:
        self.registry = CollectorRegistry()
        self.latency = Histogram(
            "tidings_http_request_duration_seconds", "Time to answer a request, by endpoint.",
            ["method", "route"], buckets=BUCKETS, registry=self.registry,
        )
        self.responses = Counter(
            "tidings_http_responses", "Responses sent, by endpoint and status code.",
            ["method", "route", "status"], registry=self.registry,
        )
        self.ingested = Counter(
            "tidings_ingested_articles", "Articles stored through POST /api/ingest.", registry=self.registry,
        )
        self.registry.register(StoreCollector(read_store))

    def observe(self, method: str, route: str, status: int, seconds: float) -> None:
        self.latency.labels(method, route).observe(seconds)
        self.responses.labels(method, route, str(status)).inc()
