"""Runs named stages over articles, one at a time (streaming) or in batches.

Modelled on spaCy's pipeline: each stage is a small object with a ``name``, the
Article fields it ``reads`` and the ones it ``sets``; the pipeline checks at
construction time that every field a stage reads is set by the document itself
or by an earlier stage, so a mis-ordered pipeline fails loudly before any data is
touched rather than producing silently empty values.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, Protocol, runtime_checkable

from tidings.article import Article
from tidings.untrusted import one_line
from tidings.watchdog import TimeBudgetExceeded, time_budget

#: Every field a stage may read or set (a typo in a declaration fails when the pipeline is built).
ARTICLE_FIELDS = frozenset(f.name for f in dataclasses.fields(Article))
#: Fields an Article has as soon as a reader produced it.
BASE_FIELDS = frozenset({"id", "uri", "raw_text", "format", "url", "meta", "content_hash", "encoding"})


@runtime_checkable
class Stage(Protocol):
    """A named step that reads some Article fields and sets others."""

    name: str
    reads: tuple[str, ...]
    sets: tuple[str, ...]

    def __call__(self, article: Article) -> Article: ...


class Rejected(ValueError):
    """A stage's verdict that the input is not an article (no text, not text); the message is the whole reason."""


class StageError(RuntimeError):
    """A stage failed on one article; carries the stage name for the dead letter."""

    def __init__(self, stage: str, uri: str, cause: BaseException) -> None:
        # a verdict or a budget is a reason, not a crash: "clean: no text …", "clean: gave up after 60 s"
        reason = isinstance(cause, (Rejected, TimeBudgetExceeded))
        detail = str(cause) if reason else f"{type(cause).__name__}: {cause}"
        super().__init__(one_line(f"{stage}: {detail}"))
        self.stage = stage
        self.uri = uri
        self.cause = cause

    def __reduce__(self) -> tuple[Any, ...]:
        # Read workers send StageErrors back to the ingest process. The default pickling called
        # __init__ with the message alone and failed in the pool's result thread, which then
        # waited forever; the cause itself may be a library exception that does not pickle.
        return (_unpickle_stage_error, (self.stage, self.uri, str(self)))


def _unpickle_stage_error(stage: str, uri: str, message: str) -> StageError:
    err = StageError.__new__(StageError)
    RuntimeError.__init__(err, message)
    err.stage, err.uri, err.cause = stage, uri, RuntimeError(message)
    return err


class Pipeline:
    """An ordered list of stages, validated once, applied to articles."""

    def __init__(self, stages: Sequence[Stage], *, after: Pipeline | None = None, seconds: float | None = None) -> None:
        """``after``: the pipeline that runs before this one (its fields count as set).
        ``seconds``: time budget per article over all stages (see :mod:`tidings.watchdog`);
        past it the stage running gives up with a :class:`StageError` "gave up after N s"."""
        self.stages = list(stages)
        self.seconds = seconds
        available = set(BASE_FIELDS if after is None else after.fields)
        for stage in self.stages:
            unknown = [f for f in (*stage.reads, *stage.sets) if f not in ARTICLE_FIELDS]
            if unknown:
                raise ValueError(f"stage {stage.name!r} declares {unknown}, which are not Article fields")
            missing = [f for f in stage.reads if f not in available]
            if missing:
                raise ValueError(f"stage {stage.name!r} reads {missing} which no earlier stage sets")
            available.update(stage.sets)
        self.fields = frozenset(available)

    @property
    def names(self) -> list[str]:
        return [s.name for s in self.stages]

    def __call__(self, article: Article) -> Article:
        stage_name = self.stages[0].name if self.stages else "pipeline"
        try:
            with time_budget(self.seconds):
                for stage in self.stages:
                    stage_name = stage.name
                    try:
                        article = stage(article)
                    except Exception as exc:  # one bad article must never stop a batch
                        raise StageError(stage.name, article.uri, exc) from exc
        except TimeBudgetExceeded as exc:
            raise StageError(stage_name, article.uri, exc) from exc
        return article

    def pipe(self, articles: Iterable[Article]) -> Iterator[Article | StageError]:
        """Apply to a stream; failures come back as :class:`StageError` in place."""
        for article in articles:
            try:
                yield self(article)
            except StageError as err:
                yield err
