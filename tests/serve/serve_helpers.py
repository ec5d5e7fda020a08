"""Shared by the server tests: the seeds through the product, a hostile article, a live server on loopback.

Imported as ``from helpers import …`` (each test module puts this folder on ``sys.path``), so the
one shared ``tests/conftest.py`` stays the place for fixtures every package uses.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import uvicorn

from tidings import api
from tidings.article import Article, Block, Entity, EntityPlace, Event, Field, ProvenanceLink
from tidings.options import Options
from tidings.serve.app import create_app
from tidings.serve.library import ServeOptions
from tidings.store import open_store

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "examples" / "seeds"

#: Everything an attacker may put in an article: script tags, handlers, javascript: links, a
#: style block closed early, SVG with handlers, an iframe, a <base>, a meta refresh.
HOSTILE_TITLE = '</title><script>window.PWNED=1;document.title="PWNED"</script><img src=x onerror="window.PWNED=2">'
HOSTILE_PARAGRAPHS = [
    'Hostile report from Zanzibar. </style><style>body{display:none}</style> <script>window.PWNED=3</script>',
    '<svg onload="window.PWNED=4"><script>window.PWNED=5</script></svg> <a href="javascript:window.PWNED=6">click</a>',
    '<iframe src="javascript:window.PWNED=7"></iframe><base href="https://evil.example/"><meta http-equiv="refresh" '
    'content="0;url=https://evil.example/"> <img src=x onerror="window.PWNED=8"> <b onmouseover="window.PWNED=9">x</b>',
]
HOSTILE_EVENT = 'ev-hostile"><script>window.PWNED=10</script>'


def ingest_seeds(db: str) -> str:
    """The five seeds through ``tidings ingest`` (reading, understanding, grouping, storylines) into ``db``."""
    report = api.ingest([str(SEEDS)], Options(db=db), progress=False)
    assert report.new == 5, report.to_dict()
    return db


def add_hostile(db: str) -> list[str]:
    """Two hostile articles and their event, written straight into the store (every field hostile)."""
    store = open_store(db)
    ids = []
    try:
        for n in range(2):
            art = Article(id=f"hostile{n:02d}", uri=f"<script>window.PWNED=11</script>{n}.html",
                          raw_text="\n\n".join(HOSTILE_PARAGRAPHS), url="javascript:window.PWNED=12")
            art.content_hash = f"hostile-{n}"
            art.blocks = [Block(HOSTILE_TITLE, "title"), *[Block(p, "body") for p in HOSTILE_PARAGRAPHS],
                          Block('<script>window.PWNED=13</script> boilerplate', "footer", "link-list")]
            art.title = Field(HOSTILE_TITLE, "title-tag", 1.0, evidence='<img src=x onerror="window.PWNED=14">')
            art.lang = Field('en" onload="window.PWNED=15', "test", 1.0)
            art.outlet = Field('<svg onload="window.PWNED=16">', "test", 1.0)
            art.published = Field(__import__("datetime").date(2025, 2, 19 + n), "test", 0.9)
            art.provenance = [ProvenanceLink("via", '<b onmouseover="window.PWNED=17">AP</b>',
                                             "<script>window.PWNED=18</script>", url="javascript:window.PWNED=19")]
            art.entities = [Entity("<script>", '<img src=x onerror="window.PWNED=20">', "PERSON", count=2),
                            Entity("Zanzibar", "zanzibar", "GPE", place=EntityPlace("<svg onload=alert(1)>", "TZ",
                                                                                    -6.16, 39.2, "city"))]
            store.put_article(art)
            ids.append(art.id)
        store.put_record("event", HOSTILE_EVENT, Event(HOSTILE_EVENT, ids, "t0", "t0").to_dict())
        store.set_events({i: HOSTILE_EVENT for i in ids})
        store.commit()
    finally:
        store.close()
    return ids


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def live_server(db: str, token: str | None = None, **options: object) -> Iterator[str]:
    """``tidings serve`` on ``db`` in a thread, on a free loopback port; yields its base URL."""
    port = free_port()
    app = create_app(ServeOptions(db=db, port=port, token=token, **options))  # type: ignore[arg-type]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)
