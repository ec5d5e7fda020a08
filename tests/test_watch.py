"""``tidings watch``: folders that keep filling and feeds that change, served from 127.0.0.1."""

from __future__ import annotations

import http.server
import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import SEED_FILES

from tidings.options import Options
from tidings.store import open_store
from tidings.watch import FEED_RECORD, Watcher, WatchOptions, feed_states, read_feed_list

TEXTS = [p.read_text(encoding="utf-8") for p in SEED_FILES]


def _rss(items: list[tuple[str, str]]) -> bytes:
    """An RSS 2.0 feed with (link, text) items; the texts are real seed articles."""
    from html import escape

    body = "".join(
        f"<item><title>{escape(text.splitlines()[0][:80])}</title><link>{link}</link>"
        f"<description>{escape(text)}</description></item>"
        for link, text in items
    )
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Test wire</title>'
            f"{body}</channel></rss>").encode()


class _Feeds:
    """What the local server serves: feed path → (body, etag); and the requests it saw."""

    def __init__(self) -> None:
        self.feeds: dict[str, tuple[bytes, str]] = {}
        self.requests: list[dict[str, Any]] = []
        self.broken: set[str] = set()


@pytest.fixture
def server() -> Iterator[tuple[str, _Feeds]]:
    state = _Feeds()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            state.requests.append({"path": self.path, "if_none_match": self.headers.get("If-None-Match")})
            if self.path in state.broken:
                self.send_error(503, "down for maintenance")
                return
            if self.path not in state.feeds:
                self.send_error(404)
                return
            body, etag = state.feeds[self.path]
            if self.headers.get("If-None-Match") == etag:
                self.send_response(304)
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml")
            self.send_header("ETag", etag)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", state
    finally:
        httpd.shutdown()


def _watcher(db: Path, folders: list[Path] = (), feeds: list[str] = (), **kw: Any) -> Watcher:  # type: ignore[assignment]
    return Watcher(str(db), folders, feeds, Options(workers=0, progress=False), WatchOptions(settle=0.0, **kw))


def test_a_feed_is_fetched_once_then_asked_conditionally(tmp_path: Path, server: tuple[str, _Feeds]) -> None:
    base, state = server
    state.feeds["/wire.xml"] = (_rss([("https://news.example/0", TEXTS[0]), ("https://news.example/2", TEXTS[2])]),
                                '"v1"')
    db = tmp_path / "t.db"
    watcher = _watcher(db, feeds=[base + "/wire.xml"], interval=0.0)
    first = watcher.cycle()
    assert (first.feeds_fetched, first.ingest.new) == (1, 2)
    again = watcher.cycle()
    assert (again.feeds_fetched, again.feeds_unchanged, again.ingest.new) == (0, 1, 0)
    assert state.requests[-1]["if_none_match"] == '"v1"'
    # the feed grows: only the new entry is new
    state.feeds["/wire.xml"] = (_rss([("https://news.example/0", TEXTS[0]), ("https://news.example/2", TEXTS[2]),
                                      ("https://news.example/3", TEXTS[3])]), '"v2"')
    grown = watcher.cycle()
    assert (grown.feeds_fetched, grown.ingest.new) == (1, 1)
    with open_store(str(db), read_only=True) as store:
        assert store.count_articles() == 3
        assert feed_states(store)[base + "/wire.xml"]["etag"] == '"v2"'
        events = {row.event_id for row in store.article_rows()}
    assert len(events) == 1  # three reports of the Riyadh talks: one event


def test_a_failing_feed_backs_off_and_recovers(tmp_path: Path, server: tuple[str, _Feeds]) -> None:
    base, state = server
    url = base + "/flaky.xml"
    state.feeds["/flaky.xml"] = (_rss([("https://news.example/1", TEXTS[1])]), '"a"')
    state.broken.add("/flaky.xml")
    now = [1000.0]
    watcher = Watcher(str(tmp_path / "t.db"), [], [url], Options(workers=0, progress=False),
                      WatchOptions(settle=0.0, interval=60.0, backoff=60.0), clock=lambda: now[0])
    assert watcher.cycle().feeds_failed == 1
    assert watcher.cycle().feeds_failed == 0  # not due yet: backing off
    now[0] += 61
    assert watcher.cycle().feeds_failed == 1  # second failure: 120 s
    with open_store(str(tmp_path / "t.db"), read_only=True) as store:
        feed = feed_states(store)[url]
        assert feed["failures"] == 2 and "503" in feed["last_error"] and feed["next_poll"] == now[0] + 120
        assert [d.stage for d in store.dead_letters()] == ["fetch"]  # one dead letter per failure streak
    state.broken.clear()
    now[0] += 121
    healed = watcher.cycle()
    assert (healed.feeds_fetched, healed.ingest.new) == (1, 1)
    with open_store(str(tmp_path / "t.db"), read_only=True) as store:
        assert store.get_record(FEED_RECORD, url)["failures"] == 0


def test_a_folder_that_keeps_filling(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    db = tmp_path / "t.db"
    watcher = _watcher(db, folders=[inbox])
    assert watcher.cycle().files == 0
    (inbox / "a.txt").write_text(TEXTS[0], encoding="utf-8")
    (inbox / "b.jsonl").write_text(json.dumps({"text": TEXTS[4]}) + "\n", encoding="utf-8")
    assert watcher.cycle().ingest.new == 2
    assert watcher.cycle().files == 0  # nothing changed
    (inbox / "c.txt").write_text(TEXTS[1], encoding="utf-8")
    assert watcher.cycle().ingest.new == 1
    # a new process (a restart) finds the files done by their checkpoints
    assert _watcher(db, folders=[inbox]).cycle().ingest.new == 0
    with open_store(str(db), read_only=True) as store:
        assert store.count_articles() == 3


def test_the_feeds_file(tmp_path: Path) -> None:
    path = tmp_path / "feeds.txt"
    path.write_text("# wires\nhttps://a.example/rss\n\nhttp://b.example/atom  # the other\nhttps://a.example/rss\n")
    assert read_feed_list(path) == ["https://a.example/rss", "http://b.example/atom"]
    path.write_text("file:///etc/passwd\n")
    with pytest.raises(ValueError, match="line 1"):
        read_feed_list(path)
