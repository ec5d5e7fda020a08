"""Storage: one interface (:class:`Store`), an embedded SQLite default."""

from __future__ import annotations

from tidings.store.base import ArticleRow, DeadLetter, PutResult, Store, StoreBusy


def open_store(url: str, *, read_only: bool = False) -> Store:
    """Open a store from a path or URL.

    ``path/to/file.db`` and ``sqlite:///path`` open the embedded SQLite store;
    ``postgresql://…`` is reserved for the server backend. ``read_only``: for reading
    commands, which never write and keep working while an ingest writes.
    """
    if url.startswith(("postgresql://", "postgres://")):
        raise ValueError("the PostgreSQL store is not available in this version; use a SQLite path")
    if url.startswith("sqlite:///"):
        url = url[len("sqlite:///") :]
    from tidings.store.sqlite import SQLiteStore

    return SQLiteStore(url, read_only=read_only)


__all__ = ["ArticleRow", "DeadLetter", "PutResult", "Store", "StoreBusy", "open_store"]
