"""serve: the HTTP API and the web app over :mod:`tidings.api` (``tidings serve``).

* :mod:`.app` — the FastAPI application: JSON API, ``POST /api/ingest``, ``/healthz``, ``/metrics``, ``/docs``;
* :mod:`.pages` — the web app's server-rendered pages (templates in ``templates/``, ``static/``);
* :mod:`.library` — what the server keeps between requests (read-only stores, the event catalog,
  the alias lexicon, built cards);
* :mod:`.charts` — the event page's inline SVG timeline, coverage and map;
* :mod:`.uploads` — where uploads land (the server's own temporary folder);
* :mod:`.metrics` — Prometheus instruments.
"""
