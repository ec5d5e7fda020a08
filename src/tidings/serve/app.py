"""The FastAPI application: the HTTP API, the web app, health and metrics, over :mod:`tidings.api`.

Thin, like the command line: every endpoint borrows a read-only store from the :class:`Library`,
calls one :mod:`tidings.api` function and returns its typed answer as JSON (or renders it as a
page). The only write is ``POST /api/ingest``, through :func:`tidings.api.ingest`, with a bearer
token (``TIDINGS_TOKEN``); without a token the server is read-only.

Errors are JSON ``{"error": …}`` with a 4xx status for what a client can fix (a bad parameter:
400, an unknown id: 404, a busy store: 409, a large upload: 413) and a bare 500 otherwise; the
traceback goes to the server's log, never to the client. Every response carries a strict
Content-Security-Policy and the usual hardening headers (see :data:`SECURITY_HEADERS`).
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import os
import threading
import time
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import asdict, replace
from pathlib import Path
from typing import Annotated, Any

from fastapi import FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
from fastapi.staticfiles import StaticFiles
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import MutableHeaders, UploadFile
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tidings import __version__, api
from tidings.options import Options
from tidings.serve.library import SEARCHES_AT_ONCE, Library, ServeOptions
from tidings.serve.metrics import Metrics
from tidings.serve.pages import Pages
from tidings.serve.uploads import TooLarge, UploadArea, suffix_for
from tidings.store import StoreBusy

log = logging.getLogger("tidings.serve")

STATIC = Path(__file__).parent / "static"

#: The pages' policy: scripts and styles only from this server's own files (no inline code, no
#: eval), images only from here or data: URLs, requests only to here, no plugins, no framing,
#: no <base> rewriting, forms only to here. Untrusted article text can therefore never run.
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
#: Swagger UI (``/docs``) sets inline style attributes; it is our own page, not article text.
DOCS_CSP = CSP.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}
#: Seconds ``POST /api/ingest`` waits for another writer (an ingest in another process) to finish.
INGEST_WAIT_S = 30.0

Limit = Annotated[int, Query(ge=1, le=api.MAX_PAGE)]
Day = Annotated[str | None, Query(pattern=r"^\d{4}-\d{2}-\d{2}$", description="ISO day, inclusive")]
Lang = Annotated[str | None, Query(pattern=r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})?$", description="language code")]
DisplayLang = Annotated[str | None, Query(pattern=r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})?$",
                                          description="language of titles, where one exists")]


def error(status: int, message: str, **extra: Any) -> JSONResponse:
    return JSONResponse({"error": message, **extra}, status_code=status)


def ok(data: Any) -> JSONResponse:
    """An answer as JSON, as it is (our types are JSON-ready: FastAPI's re-encoding of them costs milliseconds)."""
    return JSONResponse(data)


class HardenAndMeasure:
    """ASGI middleware: security headers and cache policy on every response, latency and status in metrics.

    Plain ASGI rather than ``@app.middleware("http")``, whose request/response wrapping costs every
    request a task and a copy of the body.
    """

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        status = [500]

        def route() -> str:
            return str(getattr(scope.get("route"), "path", "unmatched"))

        async def send_hardened(message: Message) -> None:
            if message["type"] == "http.response.start":
                status[0] = message["status"]
                headers = MutableHeaders(scope=message)
                path = route()
                headers["Content-Security-Policy"] = DOCS_CSP if path == "/docs" else CSP
                for key, value in SECURITY_HEADERS.items():
                    headers.setdefault(key, value)
                if path.startswith("/static") or path.startswith("/docs-static"):
                    headers["Cache-Control"] = "public, max-age=3600"
                else:
                    headers.setdefault("Cache-Control", "no-store")
            await send(message)

        try:
            await self.app(scope, receive, send_hardened)
        finally:
            self.metrics.observe(scope.get("method", ""), route(), status[0], time.perf_counter() - start)


#: A job that runs beside the server for its whole life (``tidings serve --watch``: the folder and
#: feed watcher), given an event that is set when the server stops.
BackgroundJob = Callable[[threading.Event], None]


def create_app(options: ServeOptions, ingest_options: Options | None = None,
               background: Sequence[BackgroundJob] = ()) -> FastAPI:
    """The application over the store ``options.db`` (which must exist).

    ``background``: jobs started in their own threads when the server starts and told to stop
    (their event set, then joined) when it stops. A job that writes to the store (a watcher)
    is just another writer: the server shows what it commits within ``options.refresh_s``.

    Ids and names in paths take the rest of the path (``{…:path}``): an entity may be called
    "AC/DC", and any id a store holds must be reachable (its ``/`` arrives percent-encoded).
    """
    library = Library(options)
    search_turns = asyncio.Semaphore(SEARCHES_AT_ONCE)  # new searches made at once (see Library.answer_search)
    uploads = UploadArea(options.max_upload_bytes)
    ingest_lock = threading.Lock()
    ingest_options = ingest_options or Options()

    def store_figures() -> dict[str, float]:
        with library.store() as store:
            catalog = library.refresh(store)
            articles = store.count_articles()
            return {"articles": articles, "events": len(catalog), "revision": catalog.revision,
                    "ingest_articles_per_second": library.ingest_rate(articles)}

    metrics = Metrics(store_figures)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        await run_in_threadpool(library.open)
        stop = threading.Event()
        jobs = [threading.Thread(target=job, args=(stop,), name=f"tidings-job-{n}", daemon=True)
                for n, job in enumerate(background)]
        for thread in jobs:
            thread.start()
        try:
            yield
        finally:
            stop.set()
            for thread in jobs:
                thread.join(timeout=60)
            library.close()
            uploads.close()

    app = FastAPI(
        title="Tidings", version=__version__, lifespan=lifespan, docs_url=None, redoc_url=None,
        description="What happened, across languages and outlets: articles, events, cards, storylines, "
        "entities and cross-lingual search over a Tidings store. Reading needs nothing; "
        "`POST /api/ingest` needs `Authorization: Bearer $TIDINGS_TOKEN`.",
    )
    app.state.library = library
    pages = Pages(library, options)

    app.add_middleware(HardenAndMeasure, metrics=metrics)

    # -- errors: JSON for the API, pages for the app -------------------------------------------------
    def wants_page(request: Request) -> bool:
        return not request.url.path.startswith(("/api/", "/healthz", "/metrics", "/openapi"))

    @app.exception_handler(RequestValidationError)
    async def bad_parameter(request: Request, exc: RequestValidationError) -> Response:
        problems = [{"parameter": ".".join(str(p) for p in e.get("loc", ())[1:]) or "body", "problem": e.get("msg")}
                    for e in exc.errors()]
        message = "bad parameter: " + "; ".join(f"{p['parameter']}: {p['problem']}" for p in problems)
        if wants_page(request):
            return pages.error(request, 400, message)
        return error(400, message, problems=problems)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        message = str(exc.detail) if exc.detail else "error"
        if wants_page(request):
            return pages.error(request, exc.status_code, "no such page" if exc.status_code == 404 else message)
        return error(exc.status_code, message)

    @app.exception_handler(api.UnknownId)
    async def unknown(request: Request, exc: api.UnknownId) -> Response:
        message = str(exc.args[0]) if exc.args else "not found"
        return pages.error(request, 404, message) if wants_page(request) else error(404, message)

    @app.exception_handler(ValueError)
    async def bad_value(request: Request, exc: ValueError) -> Response:
        return pages.error(request, 400, str(exc)) if wants_page(request) else error(400, str(exc))

    @app.exception_handler(Exception)
    async def crash(request: Request, exc: Exception) -> Response:
        log.exception("error answering %s %s", request.method, request.url.path)
        return pages.error(request, 500, "internal error") if wants_page(request) else error(500, "internal error")

    # -- the API -------------------------------------------------------------------------------
    lang_of = options.display_lang

    @app.get("/api/articles", tags=["articles"], summary="Articles, newest stored first, filtered, one page at a time")
    def articles(lang: Lang = None, outlet: str | None = None, since: Day = None, until: Day = None,
                 event: str | None = None, after: Annotated[str | None, Query(pattern=r"^\d+$")] = None,
                 limit: Limit = 50) -> Response:
        with library.store() as store:
            event_id = api.resolve_event_id(store, event) if event else None
            page = api.find_articles(store, api.ArticleFilter(lang, outlet, since, until, event_id),
                                     after=after, limit=limit)
        return ok({"articles": [r.to_dict() for r in page.rows], "next": page.next})

    @app.get("/api/articles/{article_id:path}", tags=["articles"],
             summary="One article: clean text, every field with source and confidence, provenance, removed boilerplate")
    def article(article_id: str) -> Response:
        with library.store() as store:
            return ok(api.article_detail(store, article_id).to_dict())

    @app.get("/api/events", tags=["events"], summary="Events, filtered and sorted, one page at a time")
    def events(lang: Lang = None, since: Day = None, until: Day = None, place: str | None = None,
               entity: str | None = None, min_articles: Annotated[int, Query(ge=1)] = 1,
               sort: Annotated[str, Query(pattern="^(size|recent|published)$")] = "size",
               after: str | None = None, limit: Limit = 50, display_lang: DisplayLang = None) -> Response:
        query = api.EventQuery(lang, since, until, place, entity, min_articles, sort, after, limit,
                               display_lang or lang_of)
        library.asked(query)
        with library.store() as store:
            listing = library.listing(store, query)
        return ok({"events": [r.to_dict() for r in listing.rows], "next": listing.next, "total": listing.total,
                   "revision": listing.revision})

    @app.get("/api/events/{event_id}/articles", tags=["events"], summary="One event's articles")
    def event_articles(event_id: str) -> Response:
        with library.store() as store:
            return ok({"articles": [r.to_dict() for r in api.event_articles(store, event_id)]})

    @app.get("/api/events/{event_id}/timeline", tags=["events"], summary="One event's timeline")
    def event_timeline(event_id: str, lang: DisplayLang = None) -> Response:
        with library.store() as store:
            card = library.card(store, event_id, lang or lang_of)
        timeline = [asdict(t) for t in card.timeline]
        return ok({"event_id": card.event_id, "when": asdict(card.when), "timeline": timeline})

    @app.get("/api/events/{event_id:path}", tags=["events"],
             summary="One event's card (title in ?lang= where one exists)")
    def event(event_id: str, lang: DisplayLang = None) -> Response:
        with library.store() as store:
            # "stale": built before the event's latest change; the server is making the new card
            return Response(library.card_body(store, event_id, lang or lang_of), media_type="application/json")

    @app.get("/api/storylines", tags=["storylines"],
             summary="Storylines: events linked into threads over time; related: events that share actors "
                     "without continuing one story (same kind, years apart), with why")
    def storylines() -> Response:
        with library.store() as store:
            return ok({"storylines": [s.to_dict() for s in api.list_storylines(store)],
                       "related": [r.to_dict() for r in api.list_related(store)]})

    @app.get("/api/storylines/{storyline_id:path}", tags=["storylines"], summary="One storyline")
    def storyline(storyline_id: str) -> Response:
        with library.store() as store:
            return ok(api.get_storyline(store, storyline_id).to_dict())

    @app.get("/api/entities/{name:path}", tags=["entities"],
             summary="An entity in any script (Lavrov, 拉夫罗夫, لافروف) and every event that names it")
    def entity(name: str, lang: DisplayLang = None, limit: Limit = 100) -> Response:
        with library.store() as store:
            page = api.get_entity(store, name, lang=lang or lang_of, catalog=library.refresh(store),
                                  lexicon=library.lexicon(store), limit=limit)
        return ok(page.to_dict())

    @app.get("/api/search", tags=["search"],
             summary="Cross-lingual search: articles and events in every language (words, names, vectors)")
    async def search(q: Annotated[str, Query(min_length=1, max_length=2000)], lang: Lang = None,
                     since: Day = None, until: Day = None, limit: Limit = 20,
                     display_lang: DisplayLang = None) -> Response:
        # a search asked before is answered here, on the event loop (a lookup); a new one waits its turn
        # here too, not in the thread pool: ~100 new searches at once held every pool thread, and the
        # cheap requests (a listing, a kept card) queued behind them for a second
        query, shown = api.SearchQuery(q, lang, since, until, limit), display_lang or lang_of
        result = library.reused_search(query, shown)
        if result is None:
            async with search_turns:
                result = await run_in_threadpool(library.answer_search, query, shown)
        return ok(result.to_dict())

    @app.get("/api/changes", tags=["live"],
             summary="What changed since a revision (cheap: poll it to update a page live)")
    def changes(since: Annotated[int, Query(ge=0)] = 0) -> Response:
        with library.store() as store:
            return ok(api.changes(store, since).to_dict())

    @app.post("/api/ingest", tags=["ingest"], status_code=200,
              summary="Ingest uploaded files (multipart) or one body (JSONL, HTML, text, feed); needs the token")
    async def ingest(request: Request) -> Response:
        if not options.token:
            return error(403, "this server is read-only: start it with TIDINGS_TOKEN set to accept ingestion")
        given = request.headers.get("authorization", "")
        if not hmac.compare_digest(given.encode(), f"Bearer {options.token}".encode()):
            return error(401, "missing or wrong token (Authorization: Bearer …)")
        length = request.headers.get("content-length")
        if length is None or not length.isdigit():
            return error(411, "a Content-Length is required")
        if int(length) > options.max_upload_bytes:
            return error(413, f"upload larger than {options.max_upload_bytes} bytes")
        batch = uploads.new_batch()
        try:
            content_type = request.headers.get("content-type", "")
            if content_type.startswith("multipart/form-data"):
                form = await request.form(max_files=1000, max_fields=20)
                for _key, value in form.multi_items():
                    if isinstance(value, UploadFile):
                        out = batch.open(suffix_for(value.filename, value.content_type))
                        try:
                            while chunk := await value.read(1 << 16):
                                out.write(chunk)
                        finally:
                            out.close()
            else:
                out = batch.open(suffix_for(request.query_params.get("name"), content_type))
                try:
                    async for chunk in request.stream():
                        out.write(chunk)
                finally:
                    out.close()
            if not batch.files or batch.written == 0:
                return error(400, "nothing to ingest: send files (multipart/form-data) or a non-empty body")
            report = await run_in_threadpool(_ingest, batch.folder)
        except TooLarge as exc:
            return error(413, str(exc))
        except StoreBusy as exc:
            return error(409, f"the store is busy: {exc}")
        finally:
            batch.remove()
        metrics.ingested.inc(report.stored)
        return JSONResponse({**report.to_dict(), "new_ids": report.new_ids})

    def _ingest(folder: Path) -> api.IngestReport:
        if not ingest_lock.acquire(timeout=INGEST_WAIT_S):
            raise StoreBusy("another upload is being ingested")
        try:
            run = replace(ingest_options, db=options.db, wait=INGEST_WAIT_S)
            report = api.ingest([folder], run, progress=False)
        finally:
            ingest_lock.release()
        with library.store() as store:
            library.refresh(store, force=True)
        return report

    # -- health, metrics, docs --------------------------------------------------------------------
    @app.get("/healthz", tags=["operations"], summary="The store answers")
    def healthz() -> Response:
        with library.store() as store:
            catalog = library.refresh(store)
            return ok({"status": "ok", "articles": store.count_articles(), "events": len(catalog),
                       "revision": catalog.revision, "writable": bool(options.token),
                       "cards_to_make": library.cards_queued()})

    @app.get("/metrics", tags=["operations"], summary="Prometheus metrics", response_class=PlainTextResponse)
    def prometheus() -> Response:
        return Response(generate_latest(metrics.registry), media_type=CONTENT_TYPE_LATEST)

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon() -> Response:
        return Response(status_code=204)

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return HTMLResponse(
            '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Tidings API</title>'
            '<link rel="stylesheet" href="/docs-static/swagger-ui.css"></head><body><div id="swagger-ui"></div>'
            '<script src="/docs-static/swagger-ui-bundle.js"></script><script src="/static/docs.js"></script>'
            "</body></html>"
        )

    _mount_docs_assets(app)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    pages.install(app)
    return app


#: Environment variable that hands ``tidings serve --workers N`` settings to each worker process.
SETTINGS_ENV = "TIDINGS_SERVE_SETTINGS"


def settings_to_environment(options: ServeOptions, config: str | None) -> None:
    """Put the server's settings where :func:`app_from_environment` finds them (never the token: it stays
    in ``TIDINGS_TOKEN``, which the workers inherit)."""
    os.environ[SETTINGS_ENV] = json.dumps({"serve": {**asdict(options), "token": None}, "config": config})


def app_from_environment() -> FastAPI:
    """The app of one worker process of ``tidings serve --workers N`` (uvicorn's ``factory``)."""
    settings = json.loads(os.environ[SETTINGS_ENV])
    options = ServeOptions(**settings["serve"])
    options.token = os.environ.get("TIDINGS_TOKEN") or None
    return create_app(options, Options.load(settings["config"], db=options.db))


def _mount_docs_assets(app: FastAPI) -> None:
    """Swagger UI's files, from the ``fastapi-offline`` package (no CDN: the server may be offline)."""
    try:
        import fastapi_offline
    except ImportError:  # pragma: no cover - a dependency; /docs then shows the raw schema link only
        return
    folder = Path(fastapi_offline.__file__).parent / "static"
    app.mount("/docs-static", StaticFiles(directory=folder), name="docs-static")
