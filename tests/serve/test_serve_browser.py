"""The web app in a real browser: Playwright for Python driving Debian's Chromium, against ``tidings serve``.

The store holds the seeds (through ``tidings ingest``) and two hostile articles. The tests open
the app, search in English, Chinese and Arabic, open the Riyadh event and check its card, watch
the event list update while an ingest adds articles, use it by keyboard and on a phone-sized
screen, and check that hostile article text stays inert text: no script runs, no element or
handler is injected, no style leaks, and the pages themselves never trip their own strict CSP.

Chromium comes from Debian (``scripts/install_chromium.sh``; never ``playwright install``). Without
it the tests skip with a reason, except in CI (``CI`` set), where a missing browser is a failure.
Screenshots land in the test's temporary folder (``TIDINGS_KEEP_SCREENSHOTS=DIR`` copies them).
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from serve_helpers import HOSTILE_EVENT, add_hostile, ingest_seeds, live_server

from tidings import api
from tidings.options import Options

#: How Chromium starts here: headless, no sandbox (we run as root), and none of the background
#: connections this offline machine would refuse (see the machine notes).
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-extensions",
    "--mute-audio",
]
#: Milliseconds Playwright waits for a page or an element on a busy 2-core machine.
TIMEOUT_MS = 60_000

#: Counts the page's CSP violations (our own pages must not trip their policy).
#: What an injection would leave in the page: scripts in the body, handler attributes, javascript: URLs,
#: frames, images, <base>, <meta http-equiv>, <style> and foreign stylesheets, SVG that is not ours.
INJECTED = """() => ({
    scripts: document.querySelectorAll('body script').length,
    handlers: [...document.querySelectorAll('*')]
        .filter(el => [...el.attributes].some(a => a.name.startsWith('on'))).length,
    jsLinks: document.querySelectorAll('[href^="javascript:" i], [src^="javascript:" i]').length,
    frames: document.querySelectorAll(
        'iframe, img, object, embed, base, meta[http-equiv], style, link:not([href="/static/app.css"])').length,
    foreignSvg: [...document.querySelectorAll('svg')].filter(s => !s.classList.contains('chart')).length,
    bodyShown: getComputedStyle(document.body).display !== 'none',
})"""
CSP_WATCH = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));
"""


def chromium_path() -> str:
    for name in ("chromium", "chromium-browser"):
        path = shutil.which(name)
        if path:
            return path
    if os.environ.get("CI"):
        pytest.fail("chromium not found in CI: run scripts/install_chromium.sh")
    pytest.skip("chromium not found (install it with scripts/install_chromium.sh)")


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = str(tmp_path_factory.mktemp("browser") / "app.db")
    ingest_seeds(path)
    add_hostile(path)
    return path


@pytest.fixture(scope="module")
def base_url(db: str) -> Iterator[str]:
    with live_server(db, poll_s=2.0, refresh_s=0.2) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    executable = chromium_path()
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Any, base_url: str) -> Iterator[Any]:
    context = browser.new_context(base_url=base_url, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    context.add_init_script(CSP_WATCH)
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda exc: errors.append(str(exc)))
    yield tab
    assert tab.evaluate("window.__csp") == [], "a page tripped its own Content-Security-Policy"
    assert errors == [], errors
    context.close()


def shot(page: Any, tmp_path: Path, name: str, *, full: bool = True) -> Path:
    path = tmp_path / f"{name}.png"
    page.screenshot(path=str(path), full_page=full)
    assert path.stat().st_size > 10_000
    keep = os.environ.get("TIDINGS_KEEP_SCREENSHOTS")
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        shutil.copy(path, Path(keep) / path.name)
    return path


def riyadh_event(db: str) -> str:
    with api.open_store(db, read_only=True) as store:
        rows = api.find_events(store, api.EventQuery(sort="size")).rows
    return next(r.id for r in rows if r.where == "Riyadh")


def test_search_in_three_scripts_and_open_the_riyadh_event(page: Any, db: str, tmp_path: Path) -> None:
    riyadh = riyadh_event(db)
    page.goto("/")
    assert page.locator("h1").inner_text() == "Events"
    assert page.locator(f'li.event[data-id="{riyadh}"] .where').inner_text() == "Riyadh"
    shot(page, tmp_path, "events")
    for query, name in (("Lavrov Riyadh", "en"), ("拉夫罗夫", "zh"), ("لافروف", "ar")):
        page.goto("/")
        page.keyboard.press("/")  # the shortcut focuses the search box
        assert page.evaluate("document.activeElement.id") == "q"
        page.keyboard.type(query)
        page.keyboard.press("Enter")
        page.wait_for_url("**/search?q=*")
        first = page.locator("#event-results li.event").first
        assert first.get_attribute("data-id") == riyadh, query
        langs = set(page.locator("#article-results li").evaluate_all("els => els.map(e => e.dataset.lang)"))
        assert {"zh", "vi", "ar"} <= langs, (query, langs)
        assert "sergei lavrov" in page.locator(".names-found").inner_text()
        shot(page, tmp_path, f"search-{name}")
    page.locator("#event-results li.event a.event-title").first.click()
    page.wait_for_url(f"**/events/{riyadh}")
    assert page.locator("#event-title").inner_text().strip()
    assert "2025-02-18" in page.locator("#when").inner_text()
    assert "Riyadh" in page.locator("#where").inner_text()
    assert page.locator("#article-count").inner_text().startswith("4 in 3 languages")
    assert page.locator("ul.who li").count() >= 3
    dated = page.locator("ol.timeline time[datetime]").count()
    assert page.locator("svg.chart circle.dot").count() == dated >= 2  # each dated article on the chart
    assert (page.locator("svg.map circle.pin title").first.text_content() or "").startswith("Riyadh")
    assert set(page.locator("table.outlets tbody td:first-child").all_inner_texts()) == {"ar", "vi", "zh"}
    assert page.locator("#story-h").is_visible()
    shot(page, tmp_path, "event")
    page.locator("ol.timeline a").first.click()  # the first report's article page
    page.wait_for_url("**/articles/*")
    assert page.locator("table.fields").is_visible() and page.locator("div.body p").count() > 0


def test_the_event_list_updates_live_while_articles_arrive(page: Any, db: str, tmp_path: Path) -> None:
    page.goto("/?sort=recent")
    before = page.locator("ol#events li.event").count()
    feed = tmp_path / "new.jsonl"
    feed.write_text(
        '{"id": "live-1", "title": "Earthquake shakes Valparaíso", "published": "2025-03-02", '
        '"text": "A strong earthquake shook Valparaíso in Chile on Sunday, damaging buildings in the port city. '
        'Chilean authorities said rescue teams were searching the rubble."}\n', encoding="utf-8")
    report = api.ingest([str(feed)], Options(db=db, update_storylines=False), progress=False)
    assert report.new == 1
    page.locator("ol#events li.event").nth(before).wait_for()  # one more row, without a reload
    assert "Valparaíso" in page.locator("ol#events li.event").first.inner_text()
    assert "Updated" in page.locator("#live-status").inner_text()


def test_keyboard_and_small_screens(page: Any, tmp_path: Path) -> None:
    page.goto("/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    page.locator("select[name=sort]").focus()
    page.keyboard.press("ArrowDown")  # pick another sort with the keyboard, then submit the form
    page.locator("form.filters button").press("Enter")
    page.wait_for_url("**/?sort=*")
    page.set_viewport_size({"width": 390, "height": 844})
    for url in ("/", "/search?q=Lavrov"):
        page.goto(url)
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), url
    shot(page, tmp_path, "events-phone")


@pytest.mark.parametrize("where", ["stream", "event", "article", "search", "entity"])
def test_hostile_articles_render_inert(page: Any, db: str, where: str, tmp_path: Path) -> None:
    url = {
        "stream": "/?sort=recent",
        "event": "/events/" + quote(HOSTILE_EVENT, safe=""),
        "article": "/articles/hostile00",
        "search": "/search?q=Zanzibar",
        "entity": "/entities/zanzibar",
    }[where]
    page.goto(url)
    page.wait_for_load_state("networkidle")
    assert page.evaluate("typeof window.PWNED") == "undefined"
    assert page.title() != "PWNED"  # the injected script would have set it to exactly that
    injected = page.evaluate(INJECTED)
    assert injected == {"scripts": 0, "handlers": 0, "jsLinks": 0, "frames": 0, "foreignSvg": 0, "bodyShown": True}
    text = page.locator("main").inner_text()
    assert "<script>" in text or "<svg onload" in text or "<img src=x" in text  # shown, as text
    if where in ("event", "article"):
        shot(page, tmp_path, f"hostile-{where}")


def test_the_api_docs_render_offline(page: Any) -> None:
    page.goto("/docs")
    page.locator(".opblock").first.wait_for()  # Swagger UI from the server's own files, under its CSP
    paths = set(page.locator(".opblock-summary-path").all_inner_texts())
    assert {"/api/events", "/api/search", "/api/ingest"} <= {p.replace("\u200b", "") for p in paths}
