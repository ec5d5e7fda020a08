"""The HTTP API on the seeds, as a client sees it (FastAPI's test client, the real app and store).

The seeds go through ``tidings ingest`` itself (reading, understanding, grouping), so the events
asserted are the product's: the Riyadh talks (seeds 000, 002, 003, 004: zh, vi, ar) and the
Cairo consultations (001, zh). The listing, search and live-update tests run against SQLite and
a real PostgreSQL server (``tests/conftest.py``).
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

sys.path.insert(0, str(Path(__file__).parent))

from conftest import copy_store
from serve_helpers import HOSTILE_EVENT, ROOT, add_hostile, ingest_seeds

from tidings import api
from tidings.options import Options
from tidings.serve.app import create_app
from tidings.serve.cardmaker import CardMaker, MakerGone
from tidings.serve.library import Library, ServeOptions
from tidings.serve.shelf import CardShelf
from tidings.store import open_store

TOKEN = "s3cret-token"


@pytest.fixture(scope="module")
def seeds_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    return ingest_seeds(str(tmp_path_factory.mktemp("serve") / "seeds.db"))


@pytest.fixture(scope="module")
def client(seeds_db: str) -> Iterator[TestClient]:
    with TestClient(create_app(ServeOptions(db=seeds_db)), raise_server_exceptions=False) as c:
        yield c


@pytest.fixture
def any_client(backend: str, request: pytest.FixtureRequest, seeds_db: str, client: TestClient) -> Iterator[TestClient]:
    """The seeds served from SQLite, or from a fresh database on the PostgreSQL test server."""
    if backend == "sqlite":
        yield client
        return
    url = ingest_seeds(request.getfixturevalue("postgres_url"))
    with TestClient(create_app(ServeOptions(db=url)), raise_server_exceptions=False) as c:
        yield c


def riyadh_id(c: TestClient) -> str:
    rows = c.get("/api/events", params={"sort": "size"}).json()["events"]
    assert [r["articles"] for r in rows] == [4, 1]
    return str(rows[0]["id"])


# -- events -------------------------------------------------------------------------------------------


def test_events_filtered_sorted_and_paged(any_client: TestClient) -> None:
    c = any_client
    body = c.get("/api/events").json()
    assert body["total"] == 2 and body["next"] is None and body["revision"] > 0
    riyadh, cairo = body["events"]
    assert (riyadh["languages"], riyadh["where"], riyadh["date"]) == (["ar", "vi", "zh"], "Riyadh", "2025-02-18")
    assert (cairo["languages"], cairo["where"]) == (["zh"], "Cairo")

    def ids(**params: Any) -> list[str]:
        return [e["id"] for e in c.get("/api/events", params=params).json()["events"]]

    assert ids(lang="vi") == [riyadh["id"]]
    assert ids(lang="zh") == [riyadh["id"], cairo["id"]]
    assert ids(place="利雅得") == ids(place="الرياض") == ids(place="Riyadh") == [riyadh["id"]]
    assert ids(place="Cairo") == ids(place="开罗") == [cairo["id"]]
    assert ids(entity="لافروف") == ids(entity="Lavrov") == [riyadh["id"], cairo["id"]]  # 001 names him too
    assert ids(entity="Marco Rubio") == [riyadh["id"]]
    assert ids(entity="nobody at all") == []
    assert ids(since="2025-01-01") == [riyadh["id"]]
    assert ids(until="2022-12-31") == [cairo["id"]]
    assert ids(min_articles=2) == [riyadh["id"]]
    assert ids(sort="published") == [riyadh["id"], cairo["id"]]
    first = c.get("/api/events", params={"limit": 1}).json()
    assert [e["id"] for e in first["events"]] == [riyadh["id"]] and first["total"] == 2
    second = c.get("/api/events", params={"limit": 1, "after": first["next"]}).json()
    assert [e["id"] for e in second["events"]] == [cairo["id"]] and second["next"] is None


def test_an_event_card_timeline_and_articles(client: TestClient) -> None:
    eid = riyadh_id(client)
    card = client.get(f"/api/events/{eid[:7]}", params={"lang": "en"}).json()  # a unique prefix works
    assert card["event_id"] == eid and card["article_count"] == 4
    assert card["languages"] == ["ar", "vi", "zh"] and card["when"]["start"] == "2025-02-18"
    assert card["where"][0]["name"] == "Riyadh" and card["where"][0]["lat"] == pytest.approx(24.69, abs=0.1)
    assert {"Sergei Lavrov", "Marco Rubio"} <= {a["name"] for a in card["who"]}
    assert card["title"]["text"] and card["summary"]
    timeline = client.get(f"/api/events/{eid}/timeline").json()
    assert len(timeline["timeline"]) == 4 and timeline["when"]["start"] == "2025-02-18"
    rows = client.get(f"/api/events/{eid}/articles").json()["articles"]
    assert sorted(r["lang"] for r in rows) == ["ar", "ar", "vi", "zh"]


def test_articles_filtered_paged_and_one_in_full(client: TestClient) -> None:
    everything = client.get("/api/articles").json()
    assert len(everything["articles"]) == 5 and everything["next"] is None
    arabic = client.get("/api/articles", params={"lang": "ar"}).json()["articles"]
    assert [r["lang"] for r in arabic] == ["ar", "ar"]
    eid = riyadh_id(client)
    assert len(client.get("/api/articles", params={"event": eid}).json()["articles"]) == 4
    page = client.get("/api/articles", params={"limit": 2}).json()
    rest = client.get("/api/articles", params={"limit": 2, "after": page["next"]}).json()
    last = client.get("/api/articles", params={"limit": 2, "after": rest["next"]}).json()
    seen = [r["id"] for r in page["articles"] + rest["articles"] + last["articles"]]
    assert sorted(seen) == sorted(r["id"] for r in everything["articles"]) and last["next"] is None
    zh = next(r for r in everything["articles"] if r["uri"].endswith("000_523f7d3f5729c339.txt"))
    detail = client.get(f"/api/articles/{zh['id']}").json()
    assert detail["published"]["value"].startswith("2025-02-18") and detail["published"]["source"]
    assert detail["outlet"]["value"] == "chineseheadlinenews.com" and 0 < detail["outlet"]["confidence"] <= 1
    assert any(p["name"] == "大纪元" for p in detail["provenance"])
    assert any("来源" in b["text"] for b in detail["removed"])  # the removed boilerplate, with its role
    assert detail["versions"][0]["version"] == 1 and "拉夫罗夫" in detail["text"]
    assert {"sergei lavrov", "riyadh"} <= {e["norm"] for e in detail["entities"]}


# -- search, entities, live ------------------------------------------------------------------------------


@pytest.mark.parametrize("query", ["Lavrov Riyadh", "拉夫罗夫", "لافروف"])
def test_search_finds_the_riyadh_event_in_every_script(any_client: TestClient, query: str) -> None:
    eid = riyadh_id(any_client)
    found = any_client.get("/api/search", params={"q": query}).json()
    assert found["events"][0]["id"] == eid
    riyadh = [a for a in found["articles"] if a["event_id"] == eid]
    assert {a["lang"] for a in riyadh} == {"zh", "vi", "ar"}
    assert "sergei lavrov" in {n["norm"] for n in found["names"]}


def test_search_filters_and_bad_queries(client: TestClient) -> None:
    only_ar = client.get("/api/search", params={"q": "Lavrov", "lang": "ar"}).json()["articles"]
    assert only_ar and {a["lang"] for a in only_ar} == {"ar"}
    old = client.get("/api/search", params={"q": "Lavrov", "until": "2023-01-01"}).json()["articles"]
    assert [a["published"][:10] for a in old] == ["2022-11-11"]
    assert client.get("/api/search", params={"q": ""}).status_code == 400
    nothing = client.get("/api/search", params={"q": "zzzqqq"}).json()
    assert (nothing["articles"], nothing["events"], nothing["names"]) == ([], [], [])  # vectors find nothing close


def test_an_entity_page_across_scripts(client: TestClient) -> None:
    pages = [client.get(f"/api/entities/{name}").json() for name in ("Lavrov", "拉夫罗夫", "لافروف", "sergei lavrov")]
    assert {p["norm"] for p in pages} == {"sergei lavrov"}
    page = pages[0]
    assert page["name"] == "Sergei Lavrov" and page["label"] == "PERSON" and "拉夫罗夫" in page["spellings"]
    assert page["articles"] == 5 and page["languages"] == {"zh": 2, "ar": 2, "vi": 1}
    assert [e["articles"] for e in page["events"]] == [4, 1]
    assert client.get("/api/entities/nobody").status_code == 404


def test_changes_since_a_revision(any_client: TestClient) -> None:
    c = any_client
    everything = c.get("/api/changes", params={"since": 0}).json()
    assert everything["articles"] == 5 and len(everything["events"]) >= 2 and everything["storylines"]
    now = c.get("/api/events").json()["revision"]
    assert now == everything["revision"]
    assert c.get("/api/changes", params={"since": now}).json() == {
        "revision": now, "events": [], "articles": 0, "storylines": False}


def test_storylines(client: TestClient) -> None:
    listing = client.get("/api/storylines").json()
    # the seeds' two talks (Cairo, Nov 2022; Riyadh, Feb 2025) share their actors but are no continuing story
    assert listing["storylines"] == []
    (pair,) = listing["related"]
    assert set(pair["event_ids"]) == {e["id"] for e in client.get("/api/events").json()["events"]}
    assert "talks" in pair["reason"] and pair["shared"]


# -- errors, health, metrics, headers ------------------------------------------------------------------


@pytest.mark.parametrize(("url", "status", "says"), [
    ("/api/events?sort=oldest", 400, "sort"),
    ("/api/events?limit=0", 400, "limit"),
    ("/api/events?limit=5000", 400, "limit"),
    ("/api/events?since=yesterday", 400, "since"),
    ("/api/events?after=not-a-cursor", 400, "cursor"),
    ("/api/events?lang=%3Cscript%3E", 400, "lang"),
    ("/api/articles?after=abc", 400, "after"),
    ("/api/changes?since=-1", 400, "since"),
    ("/api/events/ev-nope", 404, "no event"),
    ("/api/events/e", 404, "prefix needs at least"),
    ("/api/articles/0000", 404, "no article"),
    ("/api/storylines/st-nope", 404, "no storyline"),
    ("/api/nothing-here", 404, "Not Found"),
])
def test_bad_requests_get_clear_json_errors(client: TestClient, url: str, status: int, says: str) -> None:
    response = client.get(url)
    assert response.status_code == status
    body = response.json()
    assert says in body["error"] and "Traceback" not in response.text


def test_a_crash_is_a_bare_500(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("secret internals at /srv/tidings")

    monkeypatch.setattr(api, "find_events", broken)
    response = client.get("/api/events")
    assert response.status_code == 500 and response.json() == {"error": "internal error"}
    assert "secret" not in response.text


def test_health_metrics_and_security_headers(client: TestClient) -> None:
    health = client.get("/healthz").json()
    assert health == {"status": "ok", "articles": 5, "events": 2, "revision": health["revision"], "writable": False,
                      "cards_to_make": health["cards_to_make"]}
    client.get("/api/events")
    metrics = client.get("/metrics").text
    assert "tidings_articles 5.0" in metrics and "tidings_events 2.0" in metrics
    assert 'tidings_http_request_duration_seconds_count{method="GET",route="/api/events"}' in metrics
    assert "tidings_ingest_articles_per_second" in metrics
    for url in ("/", "/api/events", "/healthz"):
        headers = client.get(url).headers
        assert "default-src 'none'" in headers["content-security-policy"]
        assert "script-src 'self'" in headers["content-security-policy"]
        assert headers["x-content-type-options"] == "nosniff" and headers["x-frame-options"] == "DENY"
    schema = client.get("/openapi.json").json()
    assert {"/api/events", "/api/search", "/api/ingest", "/api/changes"} <= set(schema["paths"])
    assert 'src="/docs-static/swagger-ui-bundle.js"' in client.get("/docs").text
    assert client.get("/docs-static/swagger-ui-bundle.js").status_code == 200


def test_reading_works_while_a_writer_holds_the_store(client: TestClient, seeds_db: str) -> None:
    writer = open_store(seeds_db)
    try:
        with writer.writer_lock():
            writer.put_record("note", "uncommitted", {"x": 1})  # an open write transaction
            assert client.get("/api/events").status_code == 200
            assert client.get("/api/search", params={"q": "Riyadh"}).json()["events"]
    finally:
        writer.rollback()
        writer.close()


# -- ingest ------------------------------------------------------------------------------------------


@pytest.fixture
def writable(tmp_path: Path, seeds_db: str) -> Iterator[tuple[TestClient, str]]:
    """A server that accepts ingestion, on a private copy of the seeds' store."""
    db = str(copy_store(Path(seeds_db), tmp_path / "w.db"))
    with TestClient(create_app(ServeOptions(db=db, token=TOKEN)), raise_server_exceptions=False) as c:
        yield c, db


def test_ingest_needs_the_token(client: TestClient, writable: tuple[TestClient, str]) -> None:
    assert client.post("/api/ingest", content=b"{}").status_code == 403  # a read-only server
    c, _db = writable
    assert c.post("/api/ingest", content=b"{}").status_code == 401
    assert c.post("/api/ingest", content=b"{}", headers={"Authorization": "Bearer wrong"}).status_code == 401
    empty = c.post("/api/ingest", content=b"", headers={"Authorization": f"Bearer {TOKEN}"})
    assert empty.status_code == 400


def test_uploads_are_ingested_and_shown_live(writable: tuple[TestClient, str], tmp_path: Path) -> None:
    c, _db = writable
    before = c.get("/api/events").json()["revision"]
    record = {"id": "talks-1", "title": "Lavrov and Rubio meet again in Riyadh",
              "text": "Sergei Lavrov and Marco Rubio met again in Riyadh on Thursday to continue the talks "
                      "on Ukraine that began on February 18 in the Saudi capital.", "published": "2025-02-20"}
    escape = tmp_path / "escaped.html"
    response = c.post(
        "/api/ingest", headers={"Authorization": f"Bearer {TOKEN}"},
        files=[("files", (f"../../../{escape.name}", json.dumps(record).encode(), "application/x-ndjson")),
               ("files", ("/etc/passwd.jsonl", json.dumps({**record, "id": "talks-2"}).encode(), "text/plain"))],
    )
    assert response.status_code == 200, response.text
    report = response.json()
    assert report["new"] == 2 and len(report["new_ids"]) == 2 and report["failed"] == 0
    assert not escape.exists()  # no client-given name or path reached the file system
    changes = c.get("/api/changes", params={"since": before}).json()
    assert changes["articles"] == 2 and changes["events"]
    found = c.get("/api/search", params={"q": "Rubio Riyadh Thursday"}).json()["articles"]
    assert found and found[0]["id"] in report["new_ids"]
    raw = c.post("/api/ingest?name=feed.jsonl", headers={"Authorization": f"Bearer {TOKEN}",
                                                        "Content-Type": "application/x-ndjson"},
                 content=json.dumps({**record, "id": "talks-3", "text": record["text"] + " More."}).encode())
    assert raw.status_code == 200 and raw.json()["new"] == 1
    assert c.get("/healthz").json()["articles"] == 8


def test_an_upload_too_large_is_refused(seeds_db: str, tmp_path: Path) -> None:
    db = str(tmp_path / "small.db")
    open_store(db).close()
    app = create_app(ServeOptions(db=db, token=TOKEN, max_upload_bytes=100))
    with TestClient(app) as c:
        response = c.post("/api/ingest", headers={"Authorization": f"Bearer {TOKEN}"}, content=b"x" * 1000)
        assert response.status_code == 413 and "larger" in response.json()["error"]


# -- the pages, without a browser --------------------------------------------------------------------------


def test_every_page_renders(client: TestClient) -> None:
    eid = riyadh_id(client)
    article = client.get("/api/articles").json()["articles"][0]["id"]
    for url in ("/", "/?sort=size&lang=zh", f"/events/{eid}", "/storylines",
                "/entities/Lavrov", "/articles", f"/articles/{article}", "/search?q=拉夫罗夫", "/search"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.headers["content-type"].startswith("text/html")
    assert "830 days apart" in client.get(f"/events/{eid}").text  # the Cairo talks: related, not one story
    assert "830 days apart" in client.get("/storylines").text
    missing = client.get("/events/ev-nope")
    assert missing.status_code == 404 and "no event with id" in missing.text and "<!doctype html>" in missing.text
    assert client.get("/?sort=sideways").status_code == 400


def test_hostile_text_is_escaped_in_pages(tmp_path: Path, seeds_db: str) -> None:
    db = str(tmp_path / "hostile.db")
    ingest_seeds(db)
    ids = add_hostile(db)
    with TestClient(create_app(ServeOptions(db=db))) as c:
        listing = c.get("/api/events").json()["events"]
        assert HOSTILE_EVENT in [e["id"] for e in listing]
        pages = [c.get("/").text, c.get("/events/" + api_quote(HOSTILE_EVENT)).text, c.get(f"/articles/{ids[0]}").text,
                 c.get("/search", params={"q": "Zanzibar"}).text]
    for page in pages:
        body = page.split("<body", 1)[1]
        assert "&lt;script&gt;window.PWNED" in body or "&lt;img src=x" in body or "&lt;svg" in body  # shown as text
        assert "<script>window" not in body and "<svg onload" not in body and "<img src=x" not in body
        assert 'href="javascript:' not in body and "<iframe" not in body and "<base " not in body
        assert "<style>" not in body and 'http-equiv="refresh"' not in body


def api_quote(text: str) -> str:
    from urllib.parse import quote

    return quote(text, safe="")


def test_background_jobs_run_for_the_server_s_life(tmp_path: Path, seeds_db: str) -> None:
    """The hook `tidings serve --watch` uses: a writer beside the server, whose commits the server shows."""
    db = str(copy_store(Path(seeds_db), tmp_path / "b.db"))
    feed = tmp_path / "feed.jsonl"
    feed.write_text(json.dumps({"id": "bg-1", "title": "Flood in Porto Alegre", "published": "2024-05-05",
                                "text": "Floods in Porto Alegre, Brazil, forced thousands from their homes."}) + "\n",
                    encoding="utf-8")
    seen: list[str] = []

    def watcher(stop: Any) -> None:
        seen.append("started")
        api.ingest([str(feed)], api.Options(db=db, update_storylines=False), progress=False)
        stop.wait()
        seen.append("stopped")

    with TestClient(create_app(ServeOptions(db=db, refresh_s=0.1), background=[watcher])) as c:
        deadline = time.monotonic() + 60
        while c.get("/api/events").json()["total"] < 3 and time.monotonic() < deadline:
            time.sleep(0.1)  # the keeper follows the watcher's commits
        assert c.get("/healthz").json()["articles"] == 6
        titles = [e["title"] for e in c.get("/api/events").json()["events"]]
        assert any("Porto Alegre" in (t or "") for t in titles), titles
    assert seen == ["started", "stopped"]


def test_worker_processes_get_the_settings_but_not_the_token_from_the_environment(
    seeds_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tidings.serve.app import SETTINGS_ENV, app_from_environment, settings_to_environment

    monkeypatch.setenv("TIDINGS_TOKEN", TOKEN)
    monkeypatch.delenv(SETTINGS_ENV, raising=False)
    settings_to_environment(ServeOptions(db=seeds_db, token=TOKEN, display_lang="zh"), None)
    assert TOKEN not in os.environ[SETTINGS_ENV]
    with TestClient(app_from_environment()) as c:
        assert c.get("/healthz").json()["writable"] is True  # the token came from TIDINGS_TOKEN
        titles = c.get("/api/events").json()["events"]
        assert titles[0]["title_lang"] == "zh"  # the display language came through
    monkeypatch.delenv(SETTINGS_ENV)


def test_serve_with_a_watched_folder_shows_what_arrives(tmp_path: Path, seeds_db: str) -> None:
    """`tidings serve --watch FOLDER`: the real watcher beside the server; a file dropped later appears."""
    from tidings.watch import Watcher, WatchOptions

    db = str(copy_store(Path(seeds_db), tmp_path / "w.db"))
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    watcher = Watcher(db, [inbox], [], api.Options(workers=0, update_storylines=False),
                      WatchOptions(interval=1.0, settle=0.0))
    with TestClient(create_app(ServeOptions(db=db, refresh_s=0.1),
                               background=[lambda stop: watcher.run(stop=stop.is_set)])) as c:
        assert c.get("/healthz").json()["articles"] == 5
        (inbox / "flood.jsonl").write_text(json.dumps({
            "title": "Flood in Porto Alegre", "published": "2024-05-05",
            "text": "Floods in Porto Alegre, Brazil, forced thousands from their homes on Sunday."}) + "\n",
            encoding="utf-8")
        deadline = time.monotonic() + 60
        while c.get("/healthz").json()["articles"] < 6 and time.monotonic() < deadline:
            time.sleep(0.2)
        assert c.get("/healthz").json()["articles"] == 6


def _until_made(c: TestClient, url: str, params: dict[str, Any], key: str) -> list[dict[str, Any]]:
    """The rows under ``key`` of ``url``, asked again until none is pending (the keeper made them) or 10 s."""
    for _ in range(100):
        rows: list[dict[str, Any]] = c.get(url, params=params).json()[key]
        if not any(r["pending"] for r in rows):
            break
        time.sleep(0.1)
    return rows


def test_a_listing_answers_at_once_and_the_keeper_makes_its_headlines(seeds_db: str) -> None:
    """With no time to make headlines, rows stand in with a report's own title (``pending``); the
    keeper makes the card's headline, which the next request shows."""
    with TestClient(create_app(ServeOptions(db=seeds_db, headline_budget_s=0.0, refresh_s=0.1))) as c:
        query = {"sort": "size", "display_lang": "vi", "limit": 7}  # a listing nobody warmed yet
        first = c.get("/api/events", params=query).json()["events"]
        assert [r["pending"] for r in first] == [True, True]
        assert first[0]["title_lang"] == "vi" and first[0]["title"] and first[0]["date"] is None
        assert first[1]["title"]  # the Cairo event: its Chinese report's title, there is none in Vietnamese
        rows = _until_made(c, "/api/events", query, "events")
        assert not any(r["pending"] for r in rows)
        assert rows[0]["date"] == "2025-02-18" and rows[0]["where"] == "Riyadh" and rows[0]["title_lang"] == "vi"


def test_search_answers_at_once_and_the_keeper_makes_its_event_headlines(seeds_db: str) -> None:
    with TestClient(create_app(ServeOptions(db=seeds_db, headline_budget_s=0.0, refresh_s=0.1))) as c:
        query = {"q": "拉夫罗夫", "display_lang": "ar"}
        events = c.get("/api/search", params=query).json()["events"]
        assert events and all(e["pending"] for e in events)
        events = _until_made(c, "/api/search", query, "events")
        assert not any(e["pending"] for e in events)
        assert any(e["where"] == "Riyadh" and e["date"] == "2025-02-18" for e in events)


# -- built cards kept: the shelf, stale cards, repeated searches ------------------------------------------


def _until_no_cards_to_make(c: TestClient, seconds: float = 10.0) -> None:
    for _ in range(int(seconds / 0.05)):
        if c.get("/healthz").json()["cards_to_make"] == 0:
            return
        time.sleep(0.05)
    raise AssertionError(f"the keeper did not make the cards in {seconds:g} s")


def test_cards_are_filed_beside_the_store_and_a_restarted_server_builds_none(
        tmp_path: Path, seeds_db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    db = str(copy_store(Path(seeds_db), tmp_path / "seeds.db"))
    shelf = f"{db}.cards"
    with TestClient(create_app(ServeOptions(db=db, shelf=shelf, refresh_s=0.1))) as c:
        _until_no_cards_to_make(c)  # every event's card made by the keeper, nobody asked
        first = c.get(f"/api/events/{riyadh_id(c)}").json()
    assert first["stale"] is False and first["article_count"] == 4 and first["where"][0]["name"] == "Riyadh"
    assert len(CardShelf(shelf)) == 2

    def never(*args: object, **kwargs: object) -> None:
        raise AssertionError("a filed card was built again")

    monkeypatch.setattr(api, "build_card", never)
    with TestClient(create_app(ServeOptions(db=db, shelf=shelf, headline_budget_s=0.0))) as c:
        rows = c.get("/api/events", params={"sort": "size"}).json()["events"]
        assert not any(r["pending"] for r in rows)  # headlines read off the filed cards
        assert (rows[0]["where"], rows[0]["date"]) == ("Riyadh", "2025-02-18")
        again = c.get(f"/api/events/{rows[0]['id']}").json()
    assert again == first


def test_a_changed_event_answers_its_last_card_as_stale_until_the_keeper_makes_the_new_one(tmp_path: Path) -> None:
    db = str(tmp_path / "three.db")
    seeds = sorted((ROOT / "examples" / "seeds").glob("*.txt"))
    api.ingest([str(p) for p in seeds[:4]], Options(db=db), progress=False)  # 004 comes later
    library = Library(ServeOptions(db=db, shelf=f"{db}.cards")).open(keeper=False)
    try:
        with library.store() as store:
            riyadh = max(library.catalog.entries_by("size"), key=lambda e: e.row.articles).row.id  # type: ignore[union-attr]
            card, stale = library.shelved_card(store, riyadh, "en")
            assert (card.article_count, stale) == (3, False)
        api.ingest([str(seeds[4])], Options(db=db), progress=False)
        with library.store() as store:
            library.refresh(store, force=True)
            card, stale = library.shelved_card(store, riyadh, "en")
            assert (card.article_count, stale) == (3, True)  # answered at once, said to be stale
        library._keep_once()  # the keeper's round, by hand (no thread: no race)
        with library.store() as store:
            card, stale = library.shelved_card(store, riyadh, "en")
            assert (card.article_count, stale) == (4, False)
    finally:
        library.close()


def test_a_repeated_search_is_answered_from_memory_until_the_store_moves(
        tmp_path: Path, seeds_db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    db = str(copy_store(Path(seeds_db), tmp_path / "seeds.db"))
    searched: list[str] = []
    real = api.search

    def counted(store: Any, query: Any, **kwargs: Any) -> Any:
        searched.append(query.text)
        return real(store, query, **kwargs)

    monkeypatch.setattr(api, "search", counted)
    library = Library(ServeOptions(db=db, search_fresh_s=0.0)).open(keeper=False)
    try:
        query = api.SearchQuery("Lavrov Riyadh")
        with library.store() as store:
            first = library.search(store, query, "en")
            assert library.search(store, query, "en") == first and searched.count("Lavrov Riyadh") == 1
        add_hostile(db)  # the store moves: with no time to reuse an answer, the search runs again
        with library.store() as store:
            library.refresh(store, force=True)
            library.search(store, query, "en")
        assert searched.count("Lavrov Riyadh") == 2
    finally:
        library.close()


def test_the_card_maker_process_makes_the_cards_the_server_would(tmp_path: Path, seeds_db: str) -> None:
    """``tidings serve``'s keeper makes cards in a child process: the same bytes a request would build."""
    db = str(copy_store(Path(seeds_db), tmp_path / "seeds.db"))
    with TestClient(create_app(ServeOptions(db=db, shelf=f"{db}.cards", refresh_s=0.1, card_process=True))) as c:
        _until_no_cards_to_make(c, seconds=60)  # the child starts (imports, town table) before its first card
        event = riyadh_id(c)
        apart = c.get(f"/api/events/{event}").json()
        assert c.app.state.library._maker is not None  # type: ignore[attr-defined]  # made there, not here
    with TestClient(create_app(ServeOptions(db=seeds_db))) as c:  # no shelf, no keeper cards yet: built here
        here = c.get(f"/api/events/{event}").json()
    assert apart == here and apart["article_count"] == 4


def test_a_card_maker_that_died_says_so(seeds_db: str) -> None:
    maker = CardMaker(seeds_db)
    try:
        with open_store(seeds_db, read_only=True) as store:
            event = max(api.list_events(store), key=lambda r: r.articles).id
        headline, body = maker.make(event, "en", lexicon=0)
        assert headline.where == "Riyadh" and json.loads(body)["article_count"] == 4
        for process in maker._pool._processes.values():  # type: ignore[union-attr]
            process.kill()
        with pytest.raises(MakerGone):
            maker.make(event, "en", lexicon=0)
    finally:
        maker.close()
