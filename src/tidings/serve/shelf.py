"""Built event cards kept on disk beside the store, so a server never builds a card twice.

Why: a card reads up to :data:`~tidings.views.events.READ_AT_MOST` articles of its event and takes
0.05-1.3 s to build on the 100k-article bench store, so a server that builds cards on first view
cannot answer many readers (the 1,586 cards of that store are ~7 minutes of one core). The server's
keeper builds them in the background, newest and biggest events first, and keeps them here; a
restarted server starts with all of them.

A card is filed under its event and display language with the event's digest
(:attr:`~tidings.views.catalog.EventEntry.digest`: its articles' ids and stored versions), so a card
is current exactly while the event has the same articles in the same versions. When the event has
changed since, the filed card is still a good answer while its new one is made: the server says so
(``"stale": true``). Cards are filed without their related events, which the server reads fresh from
the saved storylines on each request.

The shelf is a small SQLite file of its own (``<store>.cards``), written only by the server that
owns it: the store stays read-only to a server, and deleting the file loses nothing but time. A
shelf written by another Tidings version is emptied on opening (cards are built by code that changes).
"""

from __future__ import annotations

import json
import sqlite3
import threading
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from tidings import __version__

#: What a shelf's cards were built by; a shelf of another format is emptied on opening.
SHELF_FORMAT = f"tidings {__version__} cards 2"


def shelf_path(db: str) -> str | None:
    """The shelf beside a SQLite store (None for a PostgreSQL store: its server keeps cards in memory only)."""
    if "://" in db or db.startswith("postgres"):
        return None
    return f"{db}.cards"


class CardShelf:
    """Cards by (event id, display language): the digest they were built at, headline and card as JSON.

    Cards are filed as the JSON the API sends (without ``related``), so a server answers one with the
    bytes it read, never decoding them (a big card's JSON is ~50 KB: decoding it cost ~5 ms).

    Thread-safe (one connection behind a lock: reads are ~0.1 ms, far below building a card).
    """

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        self._lock = threading.Lock()
        self._conn = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None, timeout=30)
        try:
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute("PRAGMA synchronous=NORMAL")
            self._conn.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)")
            self._conn.execute(
                "CREATE TABLE IF NOT EXISTS cards (event TEXT NOT NULL, lang TEXT NOT NULL, digest TEXT NOT NULL, "
                "headline TEXT NOT NULL, card BLOB NOT NULL, PRIMARY KEY (event, lang))")
            row = self._conn.execute("SELECT value FROM meta WHERE key='format'").fetchone()
            if row is None or row[0] != SHELF_FORMAT:
                self._conn.execute("DELETE FROM cards")
                self._conn.execute("INSERT OR REPLACE INTO meta VALUES ('format', ?)", (SHELF_FORMAT,))
        except sqlite3.DatabaseError:
            self._conn.close()
            raise

    @classmethod
    def open(cls, path: str | Path | None) -> CardShelf | None:
        """The shelf at ``path``, or None (no path, or a file that is not a shelf: cards stay in memory)."""
        if path is None:
            return None
        try:
            return cls(path)
        except (sqlite3.DatabaseError, OSError):
            return None

    def get(self, event_id: str, lang: str) -> tuple[str, dict[str, Any], bytes] | None:
        """(digest, headline, the card's JSON as filed) of the filed card, or None."""
        with self._lock:
            row = self._conn.execute("SELECT digest, headline, card FROM cards WHERE event=? AND lang=?",
                                     (event_id, lang)).fetchone()
        if row is None:
            return None
        try:
            return row[0], json.loads(row[1]), zlib.decompress(row[2])
        except (zlib.error, ValueError):
            return None  # a damaged row: the card is built again

    def put(self, event_id: str, lang: str, digest: str, headline: dict[str, Any], card: bytes) -> None:
        """File a card: its JSON (UTF-8 bytes, kept compressed) and headline, built at ``digest``."""
        with self._lock:
            self._conn.execute("INSERT OR REPLACE INTO cards VALUES (?, ?, ?, ?, ?)",
                               (event_id, lang, digest, json.dumps(headline, ensure_ascii=False),
                                zlib.compress(card, 6)))

    def headlines(self) -> Iterator[tuple[str, str, str, dict[str, Any]]]:
        """Every filed (event id, language, digest, headline), without reading the cards."""
        with self._lock:
            rows = self._conn.execute("SELECT event, lang, digest, headline FROM cards").fetchall()
        for event_id, lang, digest, headline in rows:
            try:
                yield event_id, lang, digest, json.loads(headline)
            except ValueError:
                continue

    def digests(self, lang: str) -> dict[str, str]:
        """Event id → digest of its filed card in ``lang``."""
        with self._lock:
            return dict(self._conn.execute("SELECT event, digest FROM cards WHERE lang=?", (lang,)).fetchall())

    def __len__(self) -> int:
        with self._lock:
            return int(self._conn.execute("SELECT count(*) FROM cards").fetchone()[0])

    def close(self) -> None:
        with self._lock:
            self._conn.close()
