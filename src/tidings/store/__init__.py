"""Storage: one interface (:class:`Store`), an embedded SQLite default, PostgreSQL for sharing."""

from __future__ import annotations

from tidings.store.base import (
    ArticleFilter,
    ArticleRow,
    Changes,
    DeadLetter,
    EntityMention,
    PutResult,
    Store,
    StoreBusy,
)


def is_postgres_url(url: str) -> bool:
    """True for the URLs that name a PostgreSQL store (everything else is a SQLite path)."""
    return url.startswith(("postgresql://", "postgres://"))


def open_store(url: str, *, read_only: bool = False) -> Store:
    """Open a store from a path or URL.

    ``path/to/file.db`` and ``sqlite:///path`` open the embedded SQLite store;
    ``postgresql://user:password@host:port/database`` (or ``postgres://``) a PostgreSQL one
    (needs ``pip install 'tidings[postgres]'`` and pgvector on the server). ``read_only``: for
    reading commands, which never write and keep working while an ingest writes.
    """
    if is_postgres_url(url):
        # Imported here: psycopg is an optional dependency, needed only for this backend.
        try:
            from tidings.store.postgres import PostgresStore
        except ImportError as exc:
            raise ValueError(f"the PostgreSQL store needs psycopg: pip install 'tidings[postgres]' ({exc})") from exc
        return PostgresStore(url, read_only=read_only)
    if url.startswith("sqlite:///"):
        url = url[len("sqlite:///") :]
    from tidings.store.sqlite import SQLiteStore

    return SQLiteStore(url, read_only=read_only)


__all__ = [
    "ArticleFilter", "ArticleRow", "Changes", "DeadLetter", "EntityMention", "PutResult", "Store", "StoreBusy",
    "is_postgres_url", "open_store",
]
