"""One contract for every pipeline stage (spaCy's requires/assigns, checked the river way).

Run over every stage of the default pipeline on the five real seed articles: a stage declares
Article fields that exist, sets nothing it does not declare, reads only what earlier stages set,
and, pickled (read stages run in spawned worker processes) and run twice from the same state over
the same articles, gives the same output.
"""

from __future__ import annotations

import copy
import dataclasses
import pickle
from pathlib import Path

import pytest

from tidings.article import Article, RawDocument
from tidings.engine import default_pipeline
from tidings.pipeline import ARTICLE_FIELDS, BASE_FIELDS
from tidings.read import article_from_raw

SEEDS = sorted((Path(__file__).resolve().parents[1] / "examples" / "seeds").glob("*.txt"))
STAGES = default_pipeline().stages
#: The stages as built, before any article taught them anything (the entity stage's lexicon learns).
_AS_BUILT = pickle.dumps(STAGES)


def _fresh() -> list[Article]:
    return [article_from_raw(RawDocument(uri=str(p), text=p.read_text(encoding="utf-8"), format="text"))
            for p in SEEDS]


def _before(index: int) -> list[Article]:
    """The seeds as the stage at ``index`` receives them (from the earlier stages as built, every time)."""
    articles = _fresh()
    for stage in pickle.loads(_AS_BUILT)[:index]:
        articles = [stage(a) for a in articles]
    return articles


def _values(article: Article) -> dict[str, object]:
    return {f.name: copy.deepcopy(getattr(article, f.name)) for f in dataclasses.fields(Article)}


def _same(a: dict[str, object], b: dict[str, object]) -> set[str]:
    """Names of the fields whose values differ (vectors compared as lists)."""
    return {k for k in a if repr(a[k]) != repr(b[k])}


@pytest.mark.parametrize("index", range(len(STAGES)), ids=[s.name for s in STAGES])
def test_stage_contract(index: int) -> None:
    stage = STAGES[index]
    assert stage.name and isinstance(stage.reads, tuple) and isinstance(stage.sets, tuple)
    assert set(stage.reads) | set(stage.sets) <= ARTICLE_FIELDS
    earlier = set(BASE_FIELDS).union(*(s.sets for s in STAGES[:index]))
    assert set(stage.reads) <= earlier, f"{stage.name} reads fields no earlier stage sets"
    # learning stages (the entity stage's lexicon) change with what they saw: each run starts
    # from a pickled copy of the same stage, as every read worker does
    frozen = pickle.dumps(stage)
    runs = []
    for _ in range(2):
        twin = pickle.loads(frozen)
        outputs = []
        for article in _before(index):
            before = _values(article)
            after = _values(twin(article))
            changed = _same(before, after)
            assert changed <= set(stage.sets), f"{stage.name} set undeclared fields {changed - set(stage.sets)}"
            outputs.append(after)
        runs.append(outputs)
    for first, second in zip(*runs, strict=True):
        assert _same(first, second) == set(), f"{stage.name}: same state and input, different output"
