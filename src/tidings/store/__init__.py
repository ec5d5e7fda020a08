"""Storage: one interface (:class:`Store`), an embedded SQLite default, PostgreSQL for sharing."""

from __future__ import annotations

import re

from tidings.store.base import (
    ArticleFilter,
    ArticleRow,
    Changes,
    DeadLetter,
    EntityMention,
    PutResult,
    Store,
    StoreBusy,
    StoreError,
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
            raise StoreError(f"the PostgreSQL store needs psycopg: pip install 'tidings[postgres]' ({exc})") from exc
        return PostgresStore(url, read_only=read_only)
    if url.startswith("sqlite:///"):
        url = url[len("sqlite:///") :]
    from tidings.store.sqlite import SQLiteStore

    return SQLiteStore(url, read_only=read_only)


def shown_url(url: str) -> str:
    """The store's address as it may be printed: a PostgreSQL URL without its password."""
    return re.sub(r"(://[^:/@]*):[^@/]*@", r"\1:***@", url) if is_postgres_url(url) else url


def explain_error(exc: BaseException, url: str) -> str | None:
    """One line for a database error met while using the store at ``url`` (damaged, full, read-only …),
    saying what to do; None when ``exc`` is not such an error (a bug keeps its traceback)."""
    if isinstance(exc, (StoreError, StoreBusy)):
        return str(exc)
    if is_postgres_url(url):
        try:
            from tidings.store.postgres import explain_postgres
        except ImportError:
            return None
        return explain_postgres(exc, url)
    from tidings.store.sqlite import explain_sqlite

    return explain_sqlite(exc, url[len("sqlite:///"):] if url.startswith("sqlite:///") else url)


__all__ = [
    "ArticleFilter", "ArticleRow", "Changes", "DeadLetter", "EntityMention", "PutResult", "Store", "StoreBusy",
    "StoreError", "explain_error", "is_postgres_url", "open_store", "shown_url",
]
