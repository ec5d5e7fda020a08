"""The contract every learner keeps (river's ``check_estimator``, scikit-learn's ``estimator_checks``).

For each learner, on real articles (the seeds, the first ECB+ dev texts):

* params: ``get_params()`` is the constructor's signature, each value as given;
* ``__init__`` sets no public attribute but its params (fitted state is private);
* save → load gives the same next answers as never stopping;
* the same input gives the same output.

A learner is described by a :class:`Case`: how to make one, how to feed it articles
(returning what it answered), and how to save it and load it back.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tidings.article import Article, RawDocument
from tidings.engine import default_pipeline
from tidings.group.alias_feedback import STATE_KEY, EventAliasLearner
from tidings.group.clusterer import EventClusterer
from tidings.group.features import OnlineIdf, build_features
from tidings.group.params import ClusterParams
from tidings.group.state import GlobalState, pack_global, unpack_global
from tidings.ingest.readers import record_to_document
from tidings.learner import param_names
from tidings.read import article_from_raw, read_pipeline
from tidings.store.sqlite import SQLiteStore
from tidings.understand.aliases import AliasLexicon
from tidings.understand.encoders import LexicalEncoder
from tidings.understand.entities import EntityExtractor

ROOT = Path(__file__).resolve().parents[1]
SEEDS = sorted((ROOT / "examples" / "seeds").glob("*.txt"))
ECB_DEV = ROOT / "benchmarks" / "data" / "ecbplus" / "dev.jsonl"
#: The seeds' two true events: 000, 002, 003, 004 (Riyadh, Feb 2025) and 001 (Cairo, 2022).
SEED_EVENTS = ["riyadh", "cairo", "riyadh", "riyadh", "riyadh"]


@dataclass
class Case:
    """How the contract reaches one learner."""

    make: Callable[[], Any]
    #: (learner, articles) → what it answered for them (compared with ==)
    feed: Callable[[Any, Sequence[Article]], Any]
    #: learner → a new learner loaded from what the first one saved
    roundtrip: Callable[[Any], Any]
    #: which articles it learns from
    data: str


# -- articles ------------------------------------------------------------------------------------
_cache: dict[str, list[Article]] = {}


def _articles(data: str) -> list[Article]:
    """Fresh copies (learners write ``event_id``): ``seeds`` read, ``ecb`` read + understood (first 60)."""
    if data not in _cache:
        if data == "seeds":
            reader = read_pipeline()
            _cache[data] = [
                reader(article_from_raw(RawDocument(uri=str(p), text=p.read_text(encoding="utf-8"), format="text")))
                for p in SEEDS
            ]
        else:
            pipeline = default_pipeline()
            records = [json.loads(line) for line in ECB_DEV.read_text(encoding="utf-8").splitlines()[:60]]
            _cache[data] = [
                pipeline(article_from_raw(record_to_document(r, f"{ECB_DEV}#{r['id']}", r["id"])))  # type: ignore[arg-type]
                for r in records
            ]
    out = []
    for a in _cache[data]:
        copy = Article.from_dict(a.to_dict(with_raw=True))
        copy.vector, copy.event_id = a.vector, None
        out.append(copy)
    return out


# -- the cases -----------------------------------------------------------------------------------
def _cluster(c: EventClusterer, articles: Sequence[Article]) -> Any:
    ids = c.learn_many(articles)
    records = [e.to_dict() for e in c.events()]
    return ids, sorted(c.pop_assignments().items()), sorted(records, key=lambda r: r["id"])


def _cluster_roundtrip(c: EventClusterer) -> EventClusterer:
    store = SQLiteStore(":memory:")
    store.set_events(c.pop_assignments())
    c.save(store)
    return EventClusterer(**c.get_params()).load(store)


def _lexicon_feed(lex: AliasLexicon, articles: Sequence[Article]) -> Any:
    extractor = EntityExtractor(lexicon=lex)
    norms = [[e.norm for e in extractor.extract(a.text, a.lang_code)] for a in articles]
    return norms, [[lex.canonical(n) for n in row] for row in norms], len(lex)


def _lexicon_roundtrip(lex: AliasLexicon) -> AliasLexicon:
    store = SQLiteStore(":memory:")
    lex.save(store)
    return AliasLexicon.load(store)


def _idf_feed(idf: OnlineIdf, articles: Sequence[Article]) -> Any:
    feats = [build_features(a, ()) for a in articles]
    for f in feats:
        idf.observe(f.term_counts, f.numbers)
    return [(idf.weigh(f.term_counts), idf.idf(f.numbers)) for f in feats], idf.n_docs


def _idf_roundtrip(idf: OnlineIdf) -> OnlineIdf:
    """Through the clusterer's own codec: the document frequencies are saved in its global state."""
    state = GlobalState(0, idf, [], {}, ClusterParams.resolve("default", **_knobs()), {})
    return unpack_global(pack_global(state)).idf


def _knobs() -> dict[str, Any]:
    c = EventClusterer()
    return {k: v for k, v in c.get_params().items() if k != "profile"}


def _lexical_feed(enc: LexicalEncoder, articles: Sequence[Article]) -> Any:
    return [(v.indices.tolist(), v.values.tolist()) for v in enc.vectorize([a.text for a in articles])], enc.n_docs


def _feedback_make() -> EventAliasLearner:
    return EventAliasLearner(AliasLexicon())


def _feedback_feed(learner: EventAliasLearner, articles: Sequence[Article]) -> Any:
    """The seeds' entities, extracted with the learner's lexicon, observed under their true events."""
    extractor = EntityExtractor(lexicon=learner.lexicon)
    made = []
    for a in articles:
        ents = extractor.extract(a.text, a.lang.value if a.lang else None)
        event = SEED_EVENTS[next(i for i, p in enumerate(SEEDS) if a.uri == str(p))]
        made.append(learner.observe(event, a.id, ents))
        made.append(sorted(learner.lexicon.canonical(e.norm) for e in ents))
    # the seeds' names are linked by the entity stage already, so the learner makes no link on
    # them: what it remembers for the next article is its answer too
    store = SQLiteStore(":memory:")
    learner.save(store)
    return made, store.get_state(STATE_KEY)


def _feedback_roundtrip(learner: EventAliasLearner) -> EventAliasLearner:
    store = SQLiteStore(":memory:")
    learner.save(store)
    learner.lexicon.save(store)
    params = {**learner.get_params(), "lexicon": AliasLexicon.load(store)}
    return EventAliasLearner(**params).load(store)


CASES = {
    "EventClusterer-default": Case(lambda: EventClusterer(profile="default"), _cluster, _cluster_roundtrip, "ecb"),
    "EventClusterer-lexical": Case(lambda: EventClusterer(profile="lexical"), _cluster, _cluster_roundtrip, "ecb"),
    "AliasLexicon": Case(AliasLexicon, _lexicon_feed, _lexicon_roundtrip, "seeds"),
    "OnlineIdf": Case(OnlineIdf, _idf_feed, _idf_roundtrip, "ecb"),
    "LexicalEncoder": Case(LexicalEncoder, _lexical_feed, lambda e: LexicalEncoder.from_bytes(e.to_bytes()), "ecb"),
    "EventAliasLearner": Case(_feedback_make, _feedback_feed, _feedback_roundtrip, "seeds"),
}


def _params(learner: Any) -> dict[str, Any]:
    """``get_params()``, or for a learner without it (OnlineIdf) the attributes its constructor stored."""
    if hasattr(learner, "get_params"):
        return dict(learner.get_params())
    return {name: getattr(learner, name) for name in param_names(type(learner))}


# -- the contract --------------------------------------------------------------------------------
@pytest.mark.parametrize("name", CASES)
def test_params_are_the_constructor_signature(name: str) -> None:
    learner = CASES[name].make()
    params = _params(learner)
    assert list(params) == param_names(type(learner))
    # each as given: a new learner from these params has the same params
    assert _params(type(learner)(**params)).keys() == params.keys()


@pytest.mark.parametrize("name", CASES)
def test_init_sets_no_public_attribute_but_its_params(name: str) -> None:
    learner = CASES[name].make()
    public = {k for k in vars(learner) if not k.startswith("_")}
    assert public <= set(param_names(type(learner))), f"{name} sets {public - set(param_names(type(learner)))}"


@pytest.mark.parametrize("name", CASES)
def test_save_load_gives_the_same_next_answers(name: str) -> None:
    case = CASES[name]
    articles = _articles(case.data)
    half = len(articles) * 2 // 5
    whole = case.make()
    case.feed(whole, articles[:half])
    interrupted = case.make()
    case.feed(interrupted, _articles(case.data)[:half])
    restarted = case.roundtrip(interrupted)
    assert case.feed(restarted, _articles(case.data)[half:]) == case.feed(whole, articles[half:])


@pytest.mark.parametrize("name", CASES)
def test_same_input_same_output(name: str) -> None:
    case = CASES[name]
    runs = [case.feed(case.make(), _articles(case.data)) for _ in range(2)]
    assert runs[0] == runs[1]
