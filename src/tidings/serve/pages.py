"""The web app: server-rendered pages over the same :mod:`tidings.api` calls as the JSON API.

Pages are Jinja2 templates with autoescaping on, so every text that comes from an article is
shown as text; the only URLs made from article data are an article's own ``http(s)`` URL after
validation (:func:`tidings.tell.report.safe_url`) and our own paths, whose parts are
percent-encoded. JavaScript (``static/app.js``) only adds live updates and keyboard shortcuts:
every page works without it.
"""

from __future__ import annotations

import re
from dataclasses import asdict
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote, urlencode

import jinja2
from fastapi import FastAPI, Query, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.templating import Jinja2Templates

from tidings import __version__, api
from tidings.serve import charts
from tidings.serve.library import Library, ServeOptions
from tidings.tell.report import safe_url
from tidings.tell.types import EventCard

TEMPLATES = Path(__file__).parent / "templates"
_LANG = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})?$")
Day = Annotated[str | None, Query(pattern=r"^(\d{4}-\d{2}-\d{2})?$")]
Lang = Annotated[str | None, Query(pattern=r"^([A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})?)?$")]
#: Events per page of the stream.
PAGE = 30


def lang_code(value: Any) -> str:
    """A language code fit for a ``lang`` attribute, else empty (the attribute is then left out)."""
    text = str(value or "")
    return text if _LANG.match(text) else ""


def path_part(value: Any) -> str:
    """One percent-encoded path segment (``/`` and everything else encoded)."""
    return quote(str(value), safe="")


def _blank(value: str | None) -> str | None:
    return value or None


class Pages:
    """The app's routes and its error page."""

    def __init__(self, library: Library, options: ServeOptions) -> None:
        self.library = library
        self.options = options
        # autoescape for every template: article text is shown as text, whatever it holds
        env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=True)
        self.templates = Jinja2Templates(env=env)
        env.filters["langcode"] = lang_code
        env.filters["part"] = path_part
        env.filters["safe_url"] = safe_url
        env.globals["version"] = __version__
        env.globals["poll_s"] = options.poll_s

    def render(self, request: Request, name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
        return self.templates.TemplateResponse(request, name, context, status_code=status_code)

    def error(self, request: Request, status: int, message: str) -> Response:
        return self.render(request, "error.html", status, status=status, message=message)

    def install(self, app: FastAPI) -> None:
        library, lang_of = self.library, self.options.display_lang

        @app.get("/", include_in_schema=False)
        def stream(request: Request, lang: Lang = None, sort: Annotated[str, Query(pattern="^(size|recent|published)$")]
                   = "recent", since: Day = None, until: Day = None, place: str | None = None,
                   entity: str | None = None, after: str | None = None) -> Response:
            query = api.EventQuery(_blank(lang), _blank(since), _blank(until), _blank(place), _blank(entity), 1,
                                   sort, _blank(after), PAGE, lang_of)
            library.asked(query)
            with library.store() as store:
                listing = library.listing(store, query)
                languages = sorted(store.article_counts("lang").items(), key=lambda kv: (-kv[1], kv[0]))
                articles = store.count_articles()
            filters = {k: v for k, v in (("lang", query.lang), ("sort", sort), ("since", query.since),
                                         ("until", query.until), ("place", query.place),
                                         ("entity", query.entity)) if v}
            api_query = urlencode({**filters, "limit": PAGE, "display_lang": lang_of})
            return self.render(request, "stream.html", listing=listing, filters=filters, languages=languages,
                               articles=articles, sort=sort, api_query=api_query, first_page=after is None,
                               next_url="/?" + urlencode({**filters, "after": listing.next}) if listing.next else None)

        @app.get("/events/{event_id:path}", include_in_schema=False)
        def event(request: Request, event_id: str, lang: Lang = None) -> Response:
            with library.store() as store:
                card = library.card(store, event_id, _blank(lang) or lang_of)
                rows = {r.id: r for r in api.event_articles(store, card.event_id)}
                stories = [s for s in api.list_storylines(store) if card.event_id in s.event_ids]
                revision = library.refresh(store).revision
            return self.render(request, "event.html", card=card, rows=rows, stories=stories, revision=revision,
                               timeline=charts.timeline_svg(card), coverage=charts.coverage_svg(card),
                               map=charts.map_svg(card.where), outlets=charts.outlets_table(card.coverage.by_lang),
                               names=_names(card))

        @app.get("/storylines", include_in_schema=False)
        def storylines(request: Request) -> Response:
            with library.store() as store:
                items = api.list_storylines(store)
                related = api.list_related(store)
            return self.render(request, "storylines.html", storylines=items, related=related)

        @app.get("/storylines/{storyline_id:path}", include_in_schema=False)
        def storyline(request: Request, storyline_id: str) -> Response:
            with library.store() as store:
                story = api.get_storyline(store, storyline_id)
                catalog = library.refresh(store)
                live = {eid: catalog.get(eid) for eid in story.event_ids}
            dates = story.extra.get("dates", {}) if isinstance(story.extra, dict) else {}
            titles = story.extra.get("event_titles", {}) if isinstance(story.extra, dict) else {}
            return self.render(request, "storyline.html", story=story, dates=dates, titles=titles, live=live)

        @app.get("/entities/{name:path}", include_in_schema=False)
        def entity(request: Request, name: str) -> Response:
            with library.store() as store:
                page = api.get_entity(store, name, lang=lang_of, catalog=library.refresh(store),
                                      lexicon=library.lexicon(store))
            return self.render(request, "entity.html", page=page)

        @app.get("/articles", include_in_schema=False)
        def articles(request: Request, lang: Lang = None, after: Annotated[str | None, Query(pattern=r"^\d*$")] = None,
                     since: Day = None, until: Day = None) -> Response:
            where = api.ArticleFilter(lang=_blank(lang), since=_blank(since), until=_blank(until))
            with library.store() as store:
                page = api.find_articles(store, where, after=_blank(after), limit=50)
            filters = {k: v for k, v in (("lang", where.lang), ("since", where.since), ("until", where.until)) if v}
            next_url = "/articles?" + urlencode({**filters, "after": page.next}) if page.next else None
            return self.render(request, "articles.html", page=page, filters=filters, next_url=next_url)

        @app.get("/articles/{article_id:path}", include_in_schema=False)
        def article(request: Request, article_id: str) -> Response:
            with library.store() as store:
                detail = api.article_detail(store, article_id)
            art = detail.article
            fields = [(name, getattr(art, name)) for name in ("title", "lang", "script", "published", "outlet")]
            paragraphs = [p for p in art.text.split("\n") if p.strip()]
            return self.render(request, "article.html", detail=detail, art=art, fields=fields, paragraphs=paragraphs)

        @app.get("/search", include_in_schema=False)
        def search(request: Request, q: Annotated[str, Query(max_length=2000)] = "", lang: Lang = None,
                   since: Day = None, until: Day = None) -> Response:
            result = None
            if q.strip():
                query = api.SearchQuery(q, _blank(lang), _blank(since), _blank(until), 30)
                result = library.answer_search(query, lang_of)
            return self.render(request, "search.html", q=q, result=result, lang=lang or "", since=since or "",
                               until=until or "")


def _names(card: EventCard) -> dict[str, Any]:
    """What the card template shows of who/where/when (plain data, escaped by the template)."""
    return {"when": asdict(card.when)}
