"""Storage: one interface (:class:`Store`), an embedded SQLite default."""

from __future__ import annotations

from tidings.store.base import DeadLetter, PutResult, Store


def open_store(url: str) -> Store:
    """Open a store from a path or URL.

    ``path/to/file.db`` and ``sqlite:///path`` open the embedded SQLite store;
    ``postgresql://…`` is reserved for the server backend.
    """
    if url.startswith(("postgresql://", "postgres://")):
        raise ValueError("the PostgreSQL store is not available in this version; use a SQLite path")
    if url.startswith("sqlite:///"):
        url = url[len("sqlite:///") :]
    from tidings.store.sqlite import SQLiteStore

    return SQLiteStore(url)


__all__ = ["DeadLetter", "PutResult", "Store", "open_store"]
