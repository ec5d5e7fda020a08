"""The HTML report: self-contained, strict CSP, everything from articles escaped."""

from __future__ import annotations

import html
import re
from pathlib import Path

from tidings.article import Article, Block, Entity, Event, Field
from tidings.store import Store, open_store
from tidings.tell.report import safe_url, write_report

HOSTILE_TITLE = '<script>document.title="PWNED"</script><img src=x onerror="document.body.id=\'PWNED\'">'
HOSTILE_BODY = (
    'Officials met on Tuesday. <a href="javascript:alert(1)">click</a> said "<b onmouseover=alert(1)>x</b>".\n\n'
    "Second paragraph says the ministers agreed to meet again. <iframe src=//evil.example></iframe>"
)


def hostile_store(path: Path) -> Store:
    """A store with one event of two hostile articles (script tags, handlers, javascript: URLs)."""
    store = open_store(str(path))
    ids = []
    for n, url in enumerate(["javascript:alert(document.domain)", "https://example.org/a?x=1&y=<2>"]):
        art = Article(id=f"hostile{n}", uri=f"mem://h{n}", raw_text=HOSTILE_BODY, url=url)
        art.blocks = [Block(HOSTILE_TITLE, "title"), *[Block(p, "body") for p in HOSTILE_BODY.split("\n\n")]]
        art.title = Field(HOSTILE_TITLE, "test", 1.0)
        art.lang = Field('en" onload="x', "test", 1.0)
        art.outlet = Field("<svg onload=alert(1)>", "test", 1.0)
        art.entities = [Entity("<script>", "<script>alert(1)</script>", "PERSON", count=2)]
        store.put_article(art)
        ids.append(art.id)
    store.put_record("event", "<ev onclick=x>", Event("<ev onclick=x>", ids, "t0", "t0").to_dict())
    store.commit()
    return store


def test_hostile_article_is_inert_text(tmp_path: Path) -> None:
    store = hostile_store(tmp_path / "h.db")
    out = write_report(store, tmp_path / "r.html")
    page = out.read_text(encoding="utf-8")
    assert "<script" not in page.lower()
    assert "<iframe" not in page.lower() and "<img" not in page.lower()
    assert not re.search(r"<[^>]+\son[a-z]+\s*=", page, re.IGNORECASE)  # no event-handler attributes
    assert 'href="javascript' not in page.lower()
    assert "&lt;script&gt;" in page
    assert "Content-Security-Policy" in page and "default-src 'none'" in html.unescape(page)
    assert not re.search(r"(src|href)=\"(https?:)?//", page.replace('href="https://example.org', ""))


def test_report_is_self_contained_with_chart(seed_store: Store, tmp_path: Path) -> None:
    out = write_report(seed_store, tmp_path / "seeds.html")
    page = out.read_text(encoding="utf-8")
    assert '<svg class="chart"' in page and '<svg class="map"' in page and "Storylines (0)" in page
    assert "Related events, another story each (1)" in page
    assert ">Riyadh</text>" in page and ">Cairo</text>" in page  # map pins
    assert "利雅得" in page or "Riyadh" in page
    assert not re.search(r"<(link|script|iframe|img)\b", page, re.IGNORECASE)


def test_safe_url() -> None:
    assert safe_url("https://example.org/x") == "https://example.org/x"
    for bad in ("javascript:alert(1)", "data:text/html,x", "//evil", "https://a b", 'http://x"y', None, "http:///x"):
        assert safe_url(bad) is None


def test_events_with_empty_or_missing_articles_still_render(tmp_path: Path) -> None:
    from tidings.tell.cards import build_card
    from tidings.tell.render import render_text

    store = open_store(str(tmp_path / "e.db"))
    store.put_article(Article(id="empty1", uri="mem://1", raw_text=""))
    store.put_article(Article(id="short1", uri="mem://2", raw_text="x", blocks=[Block("Hi.", "body")]))
    store.put_record("event", "e1", Event("e1", ["empty1", "short1", "missing"]).to_dict())
    store.put_record("event", "e2", Event("e2", ["missing2"]).to_dict())
    store.commit()
    card = build_card(store, "e1")
    assert card.article_count == 2 and card.when.start is None and not card.summary
    assert "unknown" in render_text(build_card(store, "e2"))
    assert write_report(store, tmp_path / "r.html").exists()
