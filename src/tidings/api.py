"""The Python API: what the CLI, the HTTP API and notebooks call.

``ingest`` is the main job: find sources, read each document into an Article,
store it, and (optionally) group it into events, all in one streaming pass.

Crash safety: articles are written in transactions of ``Options.commit_every``;
an article counts as *stored* (and is reported so) only after its transaction
committed. A source (file) is marked done in the same transaction as its last
article, so a rerun after ``kill -9`` skips finished files, redoes the
interrupted one, and finds its already-committed articles unchanged (ids are
URL/content based): nothing is lost, nothing is duplicated.
"""

from __future__ import annotations

import gc
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from tidings.article import Article
from tidings.options import Options
from tidings.pipeline import Pipeline, Stage, StageError
from tidings.store import DeadLetter, Store, open_store


class Grouper(Protocol):
    """What ingest needs from the event clusterer (``tidings.group``)."""

    def learn_one(self, article: Article) -> str: ...

    def learn_many(self, articles: Sequence[Article]) -> list[str]: ...

    def save(self, store: Store) -> None: ...


@dataclass
class IngestReport:
    """What an ingest run did."""

    new: int = 0
    updated: int = 0
    unchanged: int = 0
    failed: int = 0
    sources: int = 0
    sources_skipped: int = 0
    errors: list[DeadLetter] = field(default_factory=list)
    new_ids: list[str] = field(default_factory=list)

    @property
    def stored(self) -> int:
        return self.new + self.updated

    def to_dict(self) -> dict[str, Any]:
        return {
            "new": self.new,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "failed": self.failed,
            "sources": self.sources,
            "sources_skipped": self.sources_skipped,
            "errors": [{"uri": e.uri, "stage": e.stage, "reason": e.reason} for e in self.errors],
        }


def understand_stages() -> list[Stage]:
    """Stages after ``read``: entities (when the understand package provides them)."""
    try:
        from tidings.understand.entities import EntityExtractor
    except ImportError:  # pragma: no cover - during development only
        return []
    return [EntityExtractor()]


def default_pipeline() -> Pipeline:
    """read (clean, language, dates, provenance) then understand."""
    from tidings.read import read_pipeline

    return Pipeline([*read_pipeline().stages, *understand_stages()])


def make_grouper(store: Store, options: Options) -> Grouper | None:
    """The event clusterer, loaded from the store, or None when clustering is off."""
    if not options.cluster:
        return None
    from tidings.group.events import EventClusterer

    return EventClusterer.from_options(options).load(store)


def ingest(
    paths: Sequence[str | Path],
    options: Options | None = None,
    *,
    store: Store | None = None,
    on_error: Callable[[DeadLetter], None] | None = None,
    progress: bool | None = None,
) -> IngestReport:
    """Read every document under ``paths`` into the store (and into events).

    Bad input never stops the batch: each failing file or record becomes a
    :class:`DeadLetter` (stored, passed to ``on_error`` and listed in the report).
    The read stages run in worker processes for large inputs (``Options.workers``);
    understanding, grouping and storing run here, in input order.
    """
    from tidings.ingest import walk
    from tidings.read import read_pipeline
    from tidings.workers import ReadRunner, choose_workers

    options = options or Options()
    own_store = store is None
    store = store or open_store(options.db)
    reader = read_pipeline()
    later = Pipeline(understand_stages() if options.understand else [], after=reader)
    lexicon = _attach_lexicon(later, store)
    grouper = make_grouper(store, options)
    alias_learner = _alias_learner(lexicon) if grouper is not None else None
    report = IngestReport()
    pending: list[tuple[str, str]] = []  # (kind, article id) written since the last commit
    bar = _progress_bar(progress, desc="ingest", unit="art")
    input_bytes = sum(p.stat().st_size for p in walk(paths) if isinstance(p, Path))
    main_busy = bool(later.stages) or grouper is not None
    runner = ReadRunner(reader, choose_workers(options.workers, input_bytes, main_busy=main_busy), later=later.stages)

    def fail(uri: str, stage: str, reason: str) -> None:
        letter = DeadLetter(uri=uri, stage=stage, reason=reason)
        store.add_dead_letter(letter)
        report.failed += 1
        report.errors.append(letter)
        if on_error:
            on_error(letter)

    to_group: list[Article] = []  # stored since the last commit, grouped together at the commit

    def commit() -> None:
        if grouper is not None:
            # One batch per commit: the clusterer decides best pairs first within it (see
            # EventClusterer.learn_many); the batches are fixed by commit_every, so the same
            # input gives the same events.
            for article, event_id in zip(to_group, grouper.learn_many(to_group), strict=True):
                if alias_learner is not None:  # names that co-occur in one event teach aliases
                    alias_learner.observe(event_id, article.id, article.entities)
            to_group.clear()
            grouper.save(store)
        if lexicon is not None:
            lexicon.save(store)
        store.commit()
        for kind, article_id in pending:
            if kind == "new":
                report.new += 1
                report.new_ids.append(article_id)
            else:
                report.updated += 1
        if bar is not None:
            bar.update(len(pending))
            bar.set_postfix(new=report.new, failed=report.failed, refresh=False)
        pending.clear()

    collector = _StreamingGc()
    try:
        for item in runner.map(_articles_to_read(paths, options, store, report, fail)):
            collector.settled()
            if isinstance(item, _SourceDone):
                store.mark_source_done(item.uri, item.fingerprint)
                if not pending:
                    store.commit()
                continue
            if isinstance(item, StageError):
                fail(item.uri, item.stage, str(item))
                continue
            try:
                article = later(item)
            except StageError as err:
                fail(err.uri, err.stage, str(err))
                continue
            result = store.put_article(article)
            if result.status == "unchanged":  # the same content twice in one batch
                report.unchanged += 1
                continue
            if grouper is not None:
                to_group.append(article)
            pending.append((result.status, article.id))
            if len(pending) >= options.commit_every:
                commit()
        commit()
    except BaseException:
        # Ctrl-C or a bug mid-batch: keep only what was committed (and reported);
        # a half-written article must not be committed by close().
        store.rollback()
        raise
    finally:
        collector.restore()
        runner.close()
        if bar is not None:
            bar.close()
        if own_store:
            store.close()
    return report


#: Young-generation threshold while ingesting (CPython's default: 700 allocations).
#: Calibrated with ``tidings bench events`` on 3,000 articles: 10,000 cut the main
#: process's collection time from 2.2 s to 0.5 s; peak memory did not change.
GC_THRESHOLD = (10_000, 20, 10)


class _StreamingGc:
    """Collect garbage less often during ingest (call :meth:`settled` per article, :meth:`restore` at the end).

    Why: the main process holds large long-lived tables (gazetteer, name dictionaries,
    the lexicon, the clusterer's state) and CPython's full collections walk all of them
    again and again, ~7% of ingest time on ``tidings bench events``, and more as the
    store grows. After the first article every lazily loaded table is in place, so
    ``settled()`` then moves everything alive into the permanent generation
    (``gc.freeze``); the thresholds are raised for the run and restored afterwards.
    """

    def __init__(self) -> None:
        self.old = gc.get_threshold()
        self.frozen = False
        gc.set_threshold(*GC_THRESHOLD)

    def settled(self) -> None:
        if not self.frozen:
            self.frozen = True
            gc.collect()
            gc.freeze()

    def restore(self) -> None:
        gc.set_threshold(*self.old)
        if self.frozen:
            gc.unfreeze()


@dataclass(frozen=True)
class _SourceDone:
    """Marker after a source's last document: checkpoint it once everything before is stored."""

    uri: str
    fingerprint: str


def _articles_to_read(
    paths: Sequence[str | Path],
    options: Options,
    store: Store,
    report: IngestReport,
    fail: Callable[[str, str, str], None],
) -> Iterator[Article | _SourceDone]:
    """Fresh Articles (ids set, not yet read) for every document not already stored as it is."""
    from tidings.ingest import iter_sources
    from tidings.ingest.base import IngestError
    from tidings.read import article_from_raw

    sources = iter_sources(paths, max_file_bytes=options.max_file_bytes, follow_links=options.follow_links,
                           skip=store.own_files())  # fmt: skip
    for source in sources:
        if isinstance(source, IngestError):
            fail(source.uri, source.stage, source.reason)
            continue
        report.sources += 1
        if store.source_done(source.uri, source.fingerprint):
            report.sources_skipped += 1
            continue
        for doc in _safe_read(source.read(), source.uri):
            if isinstance(doc, IngestError):
                fail(doc.uri, doc.stage, doc.reason)
                continue
            article = article_from_raw(doc)
            if store.content_hash_of(article.id) == article.content_hash:
                report.unchanged += 1
                continue
            yield article
        yield _SourceDone(source.uri, source.fingerprint)


def _attach_lexicon(pipeline: Pipeline, store: Store) -> Any:
    """The entity stage's alias lexicon, loaded from the store (names learned in earlier runs)."""
    try:
        from tidings.understand.entities import attach_lexicon
    except ImportError:  # pragma: no cover - during development only
        return None
    return attach_lexicon(pipeline, store)


def _alias_learner(lexicon: Any) -> Any:
    if lexicon is None:
        return None
    from tidings.understand.aliases import EventAliasLearner

    return EventAliasLearner(lexicon)


def _safe_read(docs: Iterable[Any], uri: str) -> Iterable[Any]:
    """Turn an unexpected reader crash into a dead letter instead of a traceback."""
    from tidings.ingest.base import IngestError

    try:
        yield from docs
    except Exception as exc:  # a reader bug must not stop the batch
        yield IngestError(uri, f"unreadable: {type(exc).__name__}: {exc}")


def _progress_bar(enabled: bool | None, **kwargs: Any) -> Any:
    if enabled is None:
        enabled = sys.stderr.isatty()
    if not enabled:
        return None
    from tqdm import tqdm

    return tqdm(file=sys.stderr, **kwargs)


def list_articles(store: Store) -> list[dict[str, Any]]:
    """One summary row per article (id, language, date with its source, outlet, title)."""
    rows = []
    for article in store.iter_articles():
        rows.append(
            {
                "id": article.id,
                "lang": article.lang.value if article.lang else None,
                "published": article.published.value.isoformat() if article.published else None,
                "published_source": article.published.source if article.published else None,
                "outlet": article.outlet.value if article.outlet else None,
                "title": article.title.value if article.title else None,
                "event_id": article.event_id,
                "uri": article.uri,
            }
        )
    return rows


def get_article(store: Store, article_id: str) -> Article:
    """The article with this id or unique id prefix; ``KeyError`` when there is none."""
    article = store.get_article(article_id)
    if article is None:
        raise KeyError(f"no article with id {article_id!r}")
    return article
