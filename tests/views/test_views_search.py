"""Cross-lingual search over the seeds (ingested through the product, with their alias lexicon).

The seeds hold no English article: "Lavrov Riyadh" must find the Riyadh talks through the
Vietnamese text's own words, the Chinese 拉夫罗夫/利雅得 and the Arabic لافروف/الرياض through the
names. The vector tests give two articles hand-made vectors, to check the kinds and the fusion.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from conftest import SEEDS

from tidings.api import ingest
from tidings.options import Options
from tidings.store import Store, open_store
from tidings.understand.aliases import AliasLexicon
from tidings.understand.encoders import StaticEncoder
from tidings.views.search import SearchOptions, SearchQuery, recognise_names, search_articles, vector_kinds


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    db = str(tmp_path_factory.mktemp("search") / "s.db")
    ingest([str(SEEDS)], Options(db=db), progress=False)
    return open_store(db, read_only=True)


def langs_found(store: Store, text: str, **kw: object) -> dict[str, set[str]]:
    """Seed number → found, by language, for a query."""
    hits = search_articles(store, SearchQuery(text, **kw)).hits  # type: ignore[arg-type]
    numbers = {r.id: Path(r.uri).name[:3] for r in store.article_rows()}
    out: dict[str, set[str]] = {}
    for hit in hits:
        out.setdefault(hit.lang or "und", set()).add(numbers[hit.id])
    return out


@pytest.mark.parametrize("text", ["Lavrov Riyadh", "lavrov riyadh", "拉夫罗夫 利雅得", "لافروف الرياض"])
def test_a_name_in_any_script_finds_every_language(store: Store, text: str) -> None:
    found = langs_found(store, text)
    assert {"000", "002", "003", "004"} <= set().union(*found.values()), found
    assert {"zh", "vi", "ar"} <= set(found)


def test_names_are_recognised_across_scripts_and_not_in_ordinary_words(store: Store) -> None:
    lexicon = AliasLexicon.load(store)

    def norms(text: str) -> list[str]:
        return [n.norm for n in recognise_names(text, lexicon, store)]

    assert norms("Lavrov in Riyadh") == ["sergei lavrov", "riyadh"]
    assert norms("拉夫罗夫") == norms("لافروف") == norms("Sergei Lavrov") == ["sergei lavrov"]
    assert norms("开罗") == norms("Cairo") == ["cairo"]
    assert norms("Rubio met Lavrov") == ["marco rubio", "sergei lavrov"]
    assert norms("the talks went on and on") == []  # lower-case words in a sentence are not names
    assert norms("Atlantis") == []  # a place no article names adds nothing
    spelled = recognise_names("Lavrov", lexicon, store)[0]
    assert "拉夫罗夫" in spelled.spellings and "sergei lavrov" in spelled.norms


def test_filters_and_exclusions(store: Store) -> None:
    assert set(langs_found(store, "Lavrov", lang="ar")) == {"ar"}
    assert langs_found(store, "Lavrov", until="2023-01-01") == {"zh": {"001"}}
    everything = search_articles(store, SearchQuery("Lavrov", limit=50)).hits
    first = everything[0].id
    rest = search_articles(store, SearchQuery("Lavrov", limit=50, exclude=frozenset([first]))).hits
    assert [h.id for h in rest] == [h.id for h in everything[1:]]
    assert search_articles(store, SearchQuery("   ")).hits == []
    only_words = search_articles(store, SearchQuery("لافروف", signals=("words",))).hits
    assert {h.lang for h in only_words} == {"ar"}  # without names, only the Arabic spelling matches


def test_vectors_join_the_fusion(tmp_path: Path, store: Store) -> None:
    db = str(tmp_path / "v.db")
    ingest([str(SEEDS)], Options(db=db, cluster=False, vectors=False), progress=False)
    writer = open_store(db)
    ids = {Path(r.uri).name[:3]: r.id for r in writer.article_rows()}
    assert vector_kinds(writer) == []
    writer.put_vectors("article:use", {ids["001"]: [1.0, 0.0, 0.0], ids["000"]: [0.0, 1.0, 0.0]})
    static = StaticEncoder()  # the real static model: the query is embedded by it for this kind
    writer.put_vectors("article:static", {ids["002"]: static.encode([writer.get_article(ids["002"]).text])[0]})  # type: ignore[union-attr]
    writer.commit()
    assert vector_kinds(writer) == [("article:use", "use"), ("article:static", "static")]
    query = np.array([1.0, 0.1, 0.0], dtype=np.float32)  # closest to 001's vector
    hits = search_articles(writer, SearchQuery("Cairo talks", signals=("vectors",)), query_vector=query).hits
    assert hits[0].id == ids["001"] and hits[0].found_by == ("vectors",)
    fused = search_articles(writer, SearchQuery("拉夫罗夫"), query_vector=query).hits
    assert fused[0].id == ids["001"] and set(fused[0].found_by) == {"vectors", "words", "names"}
    vietnamese = next(h for h in fused if h.id == ids["002"])
    assert "vectors" in vietnamese.found_by  # only a static vector: it stands in for the missing USE one
    writer.close()


def test_an_article_with_a_primary_vector_is_never_scored_by_the_fallback(tmp_path: Path, store: Store) -> None:
    """The static model is near an article USE ranked below the depth: it keeps its USE cosine.

    (Scoring it by the mapped static cosine let such articles outrank better USE answers: SemEval-2022
    dev search, vectors alone, recall@10 0.795 against 0.888 with this rule.)
    """
    db = str(tmp_path / "f.db")
    ingest([str(SEEDS)], Options(db=db, cluster=False, vectors=False), progress=False)
    writer = open_store(db)
    ids = {Path(r.uri).name[:3]: r.id for r in writer.article_rows()}
    text = "Cairo talks"
    static = StaticEncoder()
    writer.put_vectors("article:use", {ids["001"]: [1.0, 0.0, 0.0], ids["000"]: [0.0, 1.0, 0.0]})
    writer.put_vectors("article:static", {ids["000"]: static.encode([text])[0]})  # the static model's best
    writer.commit()
    query = np.array([1.0, 0.5, 0.0], dtype=np.float32)
    found = search_articles(writer, SearchQuery(text, signals=("vectors",)), query_vector=query,
                            options=SearchOptions(depth=1)).hits
    scores = {h.id: h.score for h in found}
    assert scores[ids["000"]] == pytest.approx(0.5 / np.linalg.norm(query), abs=1e-4)  # its USE cosine
    assert [h.id for h in found] == [ids["001"], ids["000"]]  # mapped, its static cosine 1.0 would give 0.494
    writer.close()
