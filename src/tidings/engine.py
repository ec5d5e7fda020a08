"""The one engine loop: read → understand → store → group → alias feedback → save → commit.

Every path that turns documents into stored, grouped articles runs through :class:`Engine`:
``tidings ingest``, ``tidings eval clusters`` and the stream evaluations, and every benchmark.
An evaluation may read its file into a temporary store, but it does so through this loop, so a
published figure is the figure of the code a user runs.

**Batches that do not depend on runs.** The clusterer groups a batch best pair first
(:meth:`~tidings.group.clusterer.EventClusterer.learn_many`), so its events depend on where the
batch boundaries fall. The boundaries are fixed by the stream itself — every ``batch_size``
articles stored, counted from the store's first article — never by where a run starts or stops.
At the end of a run the articles of the incomplete batch are grouped *provisionally*: their
events are shown (event records and article event ids are written), but the learned state stays
as it was after the last full batch, the alias lexicon learns nothing from them, and they stay
pending. The next run continues that batch; once it is full it is grouped for real, from the
saved state, and every record the provisional grouping wrote is rewritten (an event id that does
not come back resolves to where its first article went). So a store grown by N runs holds the
same events as one run over the same articles in the same order.

**Crash safety.** Articles are written in transactions that end at every full batch and at the
end of a run; an article counts as stored (and is reported so) only after its transaction
committed. A source is marked done in the same transaction as its last article, so a rerun after
``kill -9`` skips finished files, redoes the interrupted one and finds its committed articles
unchanged (ids are URL/content based): nothing is lost, nothing is duplicated.
"""

from __future__ import annotations

import dataclasses
import gc
import io
import json
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from tidings.article import Article
from tidings.group.alias_feedback import EventAliasLearner
from tidings.group.clusterer import EventClusterer
from tidings.group.features import ArticleFeatures
from tidings.group.state import vectors_of
from tidings.group.storylines import StorylineOptions
from tidings.ingest import iter_sources, walk
from tidings.ingest.base import IngestError, Limits, Source
from tidings.options import Options, OptionsError, build
from tidings.pipeline import Pipeline, StageError
from tidings.read import article_from_raw, read_pipeline
from tidings.read.clean import CleanOptions
from tidings.store import DeadLetter, Store
from tidings.tell.threads import rebuild_storylines
from tidings.understand.aliases import AliasLexicon
from tidings.understand.entities import EntityExtractor, attach_lexicon
from tidings.understand.vectors import ArticleEmbedder, vector_kind
from tidings.workers import STALL_SECONDS, ReadRunner, choose_workers

#: Store key of the pending batch: the articles stored since the last full batch, and the events
#: their provisional grouping wrote.
STATE_PENDING = "engine.pending"
#: Layout version of :data:`STATE_PENDING` blobs (2: every vector of the features, by name).
PENDING_FORMAT = 2


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


def understand_stages(vectors: bool = True) -> list[Any]:
    """The stages after ``read``: entities across scripts, then (``vectors``) the article's vectors."""
    return [EntityExtractor(), ArticleEmbedder()] if vectors else [EntityExtractor()]


def default_pipeline() -> Pipeline:
    """read (clean, language, dates, provenance) then understand, for one-off use on single articles."""
    return Pipeline([*read_pipeline().stages, *understand_stages()])


class Runner(Protocol):
    """What reads for the engine: fresh articles and markers in; read articles, :class:`StageError`
    and the markers out, one for one and in input order (the writer stays deterministic). A runner may
    run the stateless part of the later stages ahead (:func:`tidings.workers.ahead`).
    :class:`~tidings.workers.ReadRunner` (local processes) is the default; Ray actors are another
    (:mod:`tidings.scale`)."""

    def map(self, items: Iterable[Any]) -> Iterator[Any]: ...

    def close(self) -> None: ...


#: Makes a run's :class:`Runner` from the read pipeline, the stages after it and the input's size in bytes.
RunnerFactory = Callable[[Pipeline, Sequence[Any], int], Runner]


@dataclass(frozen=True)
class _SourceDone:
    """Marker after a source's last document: checkpoint it once everything before is stored."""

    uri: str
    fingerprint: str


class Engine:
    """Owns the store, the read and understand pipelines, the lexicon, the clusterer and the alias learner.

    Use: ``Engine(store, options)``, then :meth:`ingest` (paths) or :meth:`add` (one article at a
    time), then :meth:`finish` — once per run. ``on_error`` gets each dead letter as it happens.

    One writer at a time: the engine holds the store's writer lock from construction (before it
    loads any state) to :meth:`finish` or :meth:`close`; a second engine on the same store waits
    ``Options.wait`` seconds for it, then raises :class:`~tidings.store.StoreBusy`. Grouping state
    can therefore never be overwritten by a concurrent run.
    """

    def __init__(
        self,
        store: Store,
        options: Options | None = None,
        *,
        on_error: Callable[[DeadLetter], None] | None = None,
        progress: bool | None = None,
        fresh: bool = False,
        runner: RunnerFactory | None = None,
    ) -> None:
        """``fresh``: start grouping from no state (for :meth:`regroup`), whatever the store was grouped with.
        ``runner``: who reads (default: local read worker processes, see :meth:`local_runner`)."""
        self.store = store
        self.make_runner: RunnerFactory = runner or self.local_runner
        self.options = options or Options()
        self.on_error = on_error
        self.progress = progress
        self.report = IngestReport()
        self._lock = ExitStack()
        self._lock.enter_context(store.writer_lock(self.options.wait))
        self._blas = pin_blas(self.options.blas_threads)
        self.reader = read_pipeline(build(CleanOptions, self.options.read, "tidings.read"),
                                    seconds=self.options.input_seconds)
        stages = understand_stages(self.options.vectors) if self.options.understand else []
        self.understander = Pipeline(stages, after=self.reader)
        self.lexicon: AliasLexicon | None = attach_lexicon(self.understander, store)
        self.clusterer: EventClusterer | None = None
        self.alias_learner: EventAliasLearner | None = None
        #: The incomplete batch: (article id, article or None once only its features are kept, features).
        self._pending: list[tuple[str, Article | None, ArticleFeatures | None]] = []
        #: Events the last provisional grouping wrote (rewritten by the next full batch).
        self._provisional: list[str] = []
        #: True once a provisional grouping changed the in-memory clusterer (reload before learning).
        self._spoiled = False
        self._written: list[tuple[str, str]] = []  # (status, article id) since the last commit
        self._changed_events = False  # storylines are rebuilt at the end of a run that changed events
        self._bar: Any = None
        if self.options.cluster:
            self.clusterer = _fresh_clusterer(self.options) if fresh else self._clusterer()
            if not fresh:
                self._load_pending()
            if self.clusterer.seen_ == 0 and not self._pending:
                # a new store: record the params it is grouped with now, not only after a first full
                # batch, so that a later run with other params is refused from the start
                self.clusterer.save(store)
            if self.lexicon is not None:
                self.alias_learner = EventAliasLearner(self.lexicon)
                if not fresh:
                    self.alias_learner.load(store)

    # -- the product path: paths in, articles and events out ---------------------------------
    def ingest(self, paths: Sequence[str | Path]) -> IngestReport:
        """Read every document under ``paths`` into the store and into events; returns the run's report.

        Bad input never stops the batch: each failing file or record becomes a :class:`DeadLetter`.
        The read stages run in worker processes for large inputs (``Options.workers``);
        understanding, grouping and storing run here, in input order.
        """
        input_bytes = sum(_size(p) for p in walk(paths) if isinstance(p, Path))
        return self.ingest_sources(self.sources(paths), input_bytes)

    def sources(self, paths: Sequence[str | Path]) -> Iterator[Source | IngestError]:
        """The inputs under ``paths`` as this engine reads them: its budgets, its link rule, never the store's files."""
        return iter_sources(paths, limits=self.limits(), follow_links=self.options.follow_links,
                            skip=self.store.own_files())

    def limits(self) -> Limits:
        """The budgets per input (``Options.max_file_bytes``, ``Options.input_seconds``)."""
        return Limits(max_bytes=self.options.max_file_bytes, seconds=self.options.input_seconds)

    def ingest_sources(self, sources: Iterable[Source | IngestError], input_bytes: int = 0) -> IngestReport:
        """:meth:`ingest` for sources made elsewhere (a fetched feed, an upload): each a fingerprint and a
        reader of raw documents; a source already done with the same fingerprint is skipped.
        ``input_bytes``: their size, which decides whether read workers pay off."""
        runner = self.make_runner(self.reader, self.understander.stages, input_bytes)
        self._bar = _progress_bar(self.progress, desc="ingest", unit="art")
        collector = _StreamingGc()
        try:
            for item in runner.map(self._fresh_articles(sources)):
                collector.settled()
                if isinstance(item, _SourceDone):
                    self.store.mark_source_done(item.uri, item.fingerprint)
                    if not self._written:
                        self.store.commit()
                elif isinstance(item, StageError):
                    self._fail(item.uri, item.stage, str(item))
                else:
                    self._take(item)
            self.finish()
        except BaseException:
            # Ctrl-C or a bug mid-batch: keep only what was committed (and reported);
            # a half-written article must not be committed by close().
            self.store.rollback()
            self.close()
            raise
        finally:
            collector.restore()
            runner.close()
            if self._bar is not None:
                self._bar.close()
                self._bar = None
        return self.report

    def local_runner(self, reader: Pipeline, later: Sequence[Any], input_bytes: int) -> Runner:
        """Read worker processes on this machine, as many as :func:`~tidings.workers.choose_workers` says."""
        # the main process is the bottleneck unless the workers carry the vectors stage (USE: ~13 CPU ms
        # of the ~25 per article), when one worker per core is faster (see choose_workers)
        heavy = any(getattr(stage, "name", None) == ArticleEmbedder.name for stage in later)
        busy = (bool(later) or self.clusterer is not None) and not heavy
        workers = choose_workers(self.options.workers, input_bytes, main_busy=busy)
        return ReadRunner(reader, workers, later=later, blas_threads=self.options.blas_threads,
                          stall_seconds=stall_seconds(self.options))

    def add(self, article: Article) -> None:
        """One fresh article (from :func:`~tidings.read.article_from_raw`): read, understand, store, group.

        The streaming entry point (benchmarks, tests, a live feed); failures become dead letters.
        Call :meth:`finish` at the end of the run.
        """
        try:
            article = self.reader(article)
        except StageError as err:
            self._fail(err.uri, err.stage, str(err))
            return
        self._take(article)

    def regroup(self) -> int:
        """Group every stored article again, from no events, in storage order; returns how many.

        For a store read with ``--no-cluster``, grouped with another profile (``Options.profile``
        given: its params replace the stored ones), or salvaged. The articles are not read or
        understood again; they go through the same batches, alias feedback and provisional
        grouping of the last batch as in :meth:`ingest`. The engine must be made with ``fresh=True``;
        call :meth:`finish` afterwards.
        """
        if self.clusterer is None or self.clusterer.seen_:
            raise OptionsError("regroup needs an engine made with fresh=True and grouping on")
        for key, _ in list(self.store.iter_records("event")):
            self.store.delete_record("event", key)
        self.clusterer.save(self.store)
        # vectors are not part of the stored article: the vectors stage makes them again, a batch at a time
        embedders = [s for s in self.understander.stages if isinstance(s, ArticleEmbedder)]
        n = 0
        for article in self.store.iter_articles():
            self._pending.append((article.id, article, None))
            n += 1
            if len(self._pending) >= self.options.commit_every:
                self._embed_pending(embedders)
                self._group_batch()
                self._commit()
        self._embed_pending(embedders)
        return n

    def _embed_pending(self, embedders: list[ArticleEmbedder]) -> None:
        articles = [a for _, a, f in self._pending if a is not None and f is None and not a.vector]
        for stage in embedders:
            for article, vectors in zip(articles, stage.embed(articles), strict=True):
                article.vector = vectors

    def finish(self) -> None:
        """End of a run: group the incomplete batch provisionally, save everything, commit."""
        if self.clusterer is not None and self._pending:
            self._group_provisionally()
        self._commit()
        if self.options.update_storylines and self.clusterer is not None and self._changed_events:
            rebuild_storylines(self.store, build(StorylineOptions, self.options.storylines, "tidings.storylines"))
        self.close()

    def close(self) -> None:
        """Let go of the writer lock and the BLAS limit (without committing: see :meth:`finish`)."""
        self._lock.close()
        if self._blas is not None:
            self._blas.restore_original_limits()
            self._blas = None

    # -- one article -------------------------------------------------------------------------
    def _take(self, article: Article) -> None:
        """A read article: understand, store, queue for grouping (a full batch is grouped and committed)."""
        try:
            article = self.understander(article)
        except StageError as err:
            self._fail(err.uri, err.stage, str(err))
            return
        result = self.store.put_article(article)
        if result.status == "unchanged":  # the same content twice in one run
            self.report.unchanged += 1
            return
        self._written.append((result.status, article.id))
        for model, vec in (article.vector or {}).items():  # for search (one kind per model)
            self.store.put_vectors(vector_kind(model), {article.id: vec})
        if self.clusterer is None:
            if len(self._written) >= self.options.commit_every:
                self._commit()
            return
        self._pending = [p for p in self._pending if p[0] != article.id]  # a changed page regroups once
        self._pending.append((article.id, article, None))
        if len(self._pending) >= self.options.commit_every:
            self._group_batch()
            self._commit()

    # -- grouping ----------------------------------------------------------------------------
    def _features(self) -> list[ArticleFeatures]:
        """Features of every pending article (computed together: dense encoders batch much faster)."""
        assert self.clusterer is not None
        todo = [i for i, (_, _, f) in enumerate(self._pending) if f is None]
        if todo:
            articles = [self._pending[i][1] for i in todo]
            for i, feats in zip(todo, self.clusterer.featurize(articles), strict=True):  # type: ignore[arg-type]
                aid, article, _ = self._pending[i]
                self._pending[i] = (aid, article, feats)
        feats = [f for _, _, f in self._pending]
        if self.lexicon is not None:
            feats = [_canonical(f, self.lexicon) for f in feats]  # type: ignore[arg-type]
        return feats  # type: ignore[return-value]

    def _group_batch(self) -> None:
        """Group the full batch for real: learn, teach the lexicon, rewrite provisional records."""
        assert self.clusterer is not None
        feats = self._features()
        if self._spoiled:
            self._reload()
        event_ids = self.clusterer.learn_features(feats)
        if self.alias_learner is not None:  # names that co-occur in one event teach aliases
            for (aid, article, _), eid in zip(self._pending, event_ids, strict=True):
                entities = article.entities if article is not None else _stored_entities(self.store, aid)
                self.alias_learner.observe(eid, aid, entities)
        changed = self.clusterer.pop_assignments()
        if self._provisional:
            changed.update(self._settle_provisional())
        self.store.set_events(changed)
        self._changed_events = True
        self.clusterer.save(self.store)
        if self.alias_learner is not None:
            self.alias_learner.save(self.store)
        self._pending, self._provisional = [], []

    def _group_provisionally(self) -> None:
        """Show the incomplete batch's events without learning from them (see the module docstring)."""
        assert self.clusterer is not None
        feats = self._features()
        if self._spoiled:
            self._reload()
        self.clusterer.learn_features(feats)
        touched = self.clusterer.dirty_events()
        changed = self.clusterer.pop_assignments()
        if self._provisional:
            changed.update(self._settle_provisional())
        self.store.set_events(changed)
        self._changed_events = True
        self.clusterer.save(self.store, state=False)
        self._provisional = sorted(set(self._provisional) | set(touched))
        self._spoiled = True

    def _reload(self) -> None:
        """The learned state as the last full batch left it (a provisional grouping changed it in memory)."""
        assert self.clusterer is not None
        self.clusterer = self._clusterer()
        self.clusterer.forget(p[0] for p in self._pending)
        self._spoiled = False

    def _clusterer(self) -> EventClusterer:
        """The clusterer with the learned state of the store (see ``Options.profile``)."""
        adopt = self.options.profile is None and not self.options.group
        return _fresh_clusterer(self.options).load(self.store, adopt=adopt)

    def _settle_provisional(self) -> dict[str, str]:
        """Rewrite what the last provisional grouping wrote, from the state that is true now.

        Returns article id → event id for every article a provisional record listed. Events the
        clusterer still knows are rewritten by its next save; an id that does not come back
        resolves to the event its first article is in now.
        """
        assert self.clusterer is not None
        out: dict[str, str] = {}
        for eid in self._provisional:
            rec = self.store.get_record("event", eid)
            now = {a: self.clusterer.event_of(a) for a in (rec or {}).get("article_ids", [])}
            members = {a: e for a, e in now.items() if e is not None}
            out.update(members)
            if self.clusterer.knows_event(eid):
                self.clusterer.touch(eid)
            elif rec is not None and members:
                rec["merged_into"] = next(iter(members.values()))
                self.store.put_record("event", eid, rec)
        return out

    # -- saving ------------------------------------------------------------------------------
    def _commit(self) -> None:
        if self.lexicon is not None:
            self.lexicon.save(self.store)
        if self.clusterer is not None:
            self._save_pending()
        self.store.commit()
        for status, article_id in self._written:
            if status == "new":
                self.report.new += 1
                self.report.new_ids.append(article_id)
            else:
                self.report.updated += 1
        if self._bar is not None:
            self._bar.update(len(self._written))
            self._bar.set_postfix(new=self.report.new, failed=self.report.failed, refresh=False)
        self._written.clear()

    def _save_pending(self) -> None:
        rows = []
        arrays: dict[str, np.ndarray] = {}
        feats = self._features() if self._pending else []
        for i, f in enumerate(feats):
            rows.append(f.to_record())
            arrays.update({f"{name}_{i}": vec for name, vec in f.arrays().items()})
        meta = {"format": PENDING_FORMAT, "pending": rows, "provisional": self._provisional}
        buf = io.BytesIO()
        np.savez(buf, **arrays)
        self.store.put_state(STATE_PENDING, json.dumps(meta, ensure_ascii=False).encode() + b"\n" + buf.getvalue())

    def _load_pending(self) -> None:
        blob = self.store.get_state(STATE_PENDING)
        if not blob:
            return
        head, _, body = blob.partition(b"\n")
        meta = json.loads(head)
        if meta.get("format") != PENDING_FORMAT:
            raise ValueError(
                f"{STATE_PENDING}: saved by another Tidings version (format {meta.get('format')}, "
                f"this one reads {PENDING_FORMAT})"
            )
        arrays = np.load(io.BytesIO(body))
        for i, rec in enumerate(meta["pending"]):
            f = ArticleFeatures.from_record(rec, vectors_of(arrays, i))
            self._pending.append((f.article_id, None, f))
        self._provisional = list(meta["provisional"])
        assert self.clusterer is not None
        self.clusterer.forget(p[0] for p in self._pending)

    # -- reading -----------------------------------------------------------------------------
    def _fresh_articles(self, sources: Iterable[Source | IngestError]) -> Iterator[Article | _SourceDone]:
        """Fresh Articles (ids set, not yet read) for every document not already stored as it is."""
        for source in sources:
            if isinstance(source, IngestError):
                self._fail(source.uri, source.stage, source.reason)
                continue
            self.report.sources += 1
            if self.store.source_done(source.uri, source.fingerprint):
                self.report.sources_skipped += 1
                continue
            for doc in _safe_read(source.read(), source.uri):
                if isinstance(doc, IngestError):
                    self._fail(doc.uri, doc.stage, doc.reason)
                    continue
                article = article_from_raw(doc)
                if self.store.content_hash_of(article.id) == article.content_hash:
                    self.report.unchanged += 1
                    continue
                yield article
            yield _SourceDone(source.uri, source.fingerprint)

    def fail(self, uri: str, stage: str, reason: str) -> None:
        """Record an input that could not become an article (a dead letter), in this run's transaction."""
        self._fail(uri, stage, reason)

    def _fail(self, uri: str, stage: str, reason: str) -> None:
        letter = DeadLetter(uri=uri, stage=stage, reason=reason)
        self.store.add_dead_letter(letter)
        self.report.failed += 1
        self.report.errors.append(letter)
        if self.on_error is not None:
            self.on_error(letter)


def _fresh_clusterer(options: Options) -> EventClusterer:
    """A clusterer with no state, from ``Options.profile`` and ``[tidings.group]``."""
    try:
        return EventClusterer.from_options(options)
    except TypeError as exc:
        raise OptionsError(f"[tidings.group]: {exc}") from exc


def stall_seconds(options: Options) -> float:
    """How long read workers may go without reading an input before they count as hung: at least
    twice the budget of one input (``Options.input_seconds``), so a slow input is never taken for a hang."""
    return max(STALL_SECONDS, 2 * options.input_seconds)


def pin_blas(threads: int) -> Any:
    """Limit BLAS to ``threads`` threads in this process (see ``Options.blas_threads``); a handle to undo it."""
    if threads <= 0:
        return None
    from threadpoolctl import threadpool_limits

    return threadpool_limits(limits=threads, user_api="blas")


def _canonical(f: ArticleFeatures, lexicon: AliasLexicon) -> ArticleFeatures:
    """The features with each name as the lexicon knows it *now*.

    A name read before the lexicon learned its other spellings was given a romanised guess
    (an Arabic ترامب read before any Latin "Trump" is ``dunald tramb``); the lexicon links
    the guess to the anchor later, and grouping must see one name, not two.
    """
    names: dict[str, float] = {}
    for norm, weight in f.entities.items():
        key = lexicon.canonical(norm)
        names[key] = max(weight, names.get(key, 0.0))
    return dataclasses.replace(f, entities=names) if names != f.entities else f


def _size(path: Path) -> int:
    """A file's size, 0 when it went away since the walk (it then becomes a dead letter when read)."""
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _stored_entities(store: Store, article_id: str) -> list[Any]:
    article = store.get_article(article_id)
    return article.entities if article is not None else []


def _safe_read(docs: Iterable[Any], uri: str) -> Iterable[Any]:
    """Turn an unexpected reader crash into a dead letter instead of a traceback."""
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
