"""The pipeline checks stage order up front and turns stage failures into errors in place."""

from __future__ import annotations

import pytest

from tidings.article import Article, Block
from tidings.pipeline import Pipeline, StageError


class Splitter:
    name = "split"
    reads = ("raw_text",)
    sets = ("blocks",)

    def __call__(self, article: Article) -> Article:
        article.blocks = [Block(p) for p in article.raw_text.split("\n\n") if p]
        return article


class NeedsLang:
    name = "needs-lang"
    reads = ("lang",)
    sets = ("entities",)

    def __call__(self, article: Article) -> Article:
        return article


class Exploder:
    name = "explode"
    reads = ("blocks",)
    sets = ()

    def __call__(self, article: Article) -> Article:
        if "boom" in article.text:
            raise ValueError("boom")
        return article


def test_misordered_pipeline_fails_at_construction() -> None:
    with pytest.raises(ValueError, match="needs-lang"):
        Pipeline([Splitter(), NeedsLang()])


def test_pipe_yields_errors_in_place_and_continues() -> None:
    pipe = Pipeline([Splitter(), Exploder()])
    docs = [Article(id=str(i), uri=f"u{i}", raw_text=t) for i, t in enumerate(["a\n\nb", "boom", "c"])]
    out = list(pipe.pipe(docs))
    assert isinstance(out[1], StageError) and out[1].stage == "explode" and out[1].uri == "u1"
    assert [a.text for a in out if isinstance(a, Article)] == ["a\n\nb", "c"]


def test_a_stage_error_survives_pickling_as_a_read_worker_sends_it() -> None:
    import pickle

    class Unpicklable(Exception):
        def __reduce__(self) -> tuple[()]:
            raise TypeError("no")

    err = pickle.loads(pickle.dumps(StageError("clean", "a.txt", Unpicklable("bad page"))))
    assert (err.stage, err.uri, str(err)) == ("clean", "a.txt", "clean: Unpicklable: bad page")
