"""Cross-lingual search: a query in any language finds articles in every language.

Three signals:

* **words** — the store's full-text index over the query's own words (any term may match; BM25
  or ``ts_rank`` rank them), :meth:`~tidings.store.Store.search_text`;
* **names** — the names the query holds (``Lavrov``, ``拉夫罗夫``, ``لافروف``, ``Riyadh``),
  recognised with the alias lexicon the engine learned (:class:`~tidings.understand.aliases.AliasLexicon`)
  and the gazetteer, then looked up in the entity index (articles whose entity stage named any
  of the entity's norms, in any script: :meth:`~tidings.store.Store.articles_naming`) and, per
  language, in the full-text index under each spelling the lexicon knows (拉夫罗夫 among the
  Chinese articles, Lavrov among the Latin-script ones): per-language full-text ranking of the
  expanded query, which also finds articles whose entity stage missed the name;
* **vectors** — the multilingual article vectors the ingest path stores (kinds ``article:<encoder>``,
  :data:`VECTOR_KINDS`), compared with the query embedded by the same encoder.

Fused by score, not by rank: an article's score is its cosine similarity to the query, plus
:data:`WORDS_WEIGHT` × its full-text score divided by the best one, plus :data:`NAMES_WEIGHT` when
it names the query's entities. Why not reciprocal rank fusion: RRF gives the top of every list the
same weight, so for a query whose answer is in another language the full-text list (which can only
find same-language articles) pushes the vector list's answer down; a cosine is comparable across
languages, a rank is not. Measured with ``tidings eval search`` on SemEval-2022 dev (USE vectors):
RRF recall@10 0.893 overall, 0.717 cross-language; this fusion 0.926 / 0.855 (vectors alone 0.889 /
0.842, words alone 0.786 / 0.349); remeasured through the vectors ``tidings ingest`` stores (USE and
the static model): 0.926 / 0.855, vectors alone 0.888 / 0.842. Without vectors: full-text score +
:data:`NAMES_ALONE_WEIGHT`.

Filters (language, publication days) apply to every list. Reading never writes.
"""

from __future__ import annotations

import math
import threading
from collections import OrderedDict, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import regex

from tidings.store import ArticleRow, Store
from tidings.understand.aliases import AliasLexicon, latin_norm
from tidings.understand.encoders import get_encoder  # builds no model until one is asked for
from tidings.understand.names_phonetic import script_of
from tidings.understand.places import Gazetteer

#: Article vector kinds search reads, best first, with the encoder that embeds the query for each.
#: The ingest path writes ``article:<encoder>`` (``store.put_vectors("article:use", {id: vector})``);
#: a store may also hold the plain kind ``article``, whose encoder :data:`VECTOR_ENCODER_STATE` names.
#: The first kind the store has is the primary one; ``article:static`` (weak, but covering ~100
#: languages) stands in for articles the primary encoder left out (USE has no Vietnamese).
#: Why USE before e5: on SemEval-2022 dev, e5 alone finds more same-language answers but fewer
#: across languages (recall@10 0.979 / 0.750 against USE's 0.908 / 0.842), and its cosines lie in a
#: narrow band near 0.8, so the fusion weights (chosen with USE) would let words outweigh it
#: (hybrid with e5: 0.886 overall, 0.665 across languages).
VECTOR_KINDS: tuple[tuple[str, str | None], ...] = (
    ("article:use", "use"), ("article:e5", "e5"), ("article", None), ("article:static", "static"),
)
#: The kind that stands in for articles without a primary vector.
FALLBACK_KIND = "article:static"
#: The plain kind, for vectors written without their encoder in the kind's name.
VECTOR_KIND = "article"
#: A hit found by the vectors alone needs at least this cosine in its own model: vectors always have
#: a nearest article, even for a query that means nothing. 300 SemEval-2022 dev texts, best cosines:
#: USE "zzzqqq" 0.12, one real name ("Lavrov") 0.15-0.19, a three-word topic ("Floods hit Brazil")
#: 0.22-0.31; static "zzzqqq" 0.16, "Lavrov" 0.2-0.3 (0.28 on the Vietnamese seed). A 25-word lead and
#: its same-story article score far above both (the eval search queries).
VECTOR_FLOORS = {"use": 0.15, "static": 0.2}
#: State key naming the encoder (``tidings.understand.encoders.get_encoder`` name) of the plain kind.
VECTOR_ENCODER_STATE = "vectors.article.encoder"
#: Encoders known by their vector size, for a plain kind written without :data:`VECTOR_ENCODER_STATE`
#: (multilingual USE v3: 512; multilingual-e5-small: 384).
ENCODER_BY_DIM = {512: "use", 384: "e5"}
#: A static-model cosine mapped onto the primary's scale for articles that only have a static
#: vector: least squares over the 50 nearest USE candidates of the SemEval-2022 dev queries
#: (cos_use ≈ 0.228 · cos_static + 0.266; the two agree only loosely, r = 0.45).
STATIC_TO_PRIMARY = (0.228, 0.266)

#: Fusion weights (see the module docstring), chosen on SemEval-2022 dev with ``tidings eval search``:
#: recall@10 overall / cross-language for words 0.1, 0.2, 0.3 (names 0.05): 0.924/0.862, 0.926/0.855,
#: 0.928/0.849; names 0.02, 0.05, 0.1 (words 0.2): 0.923/0.842, 0.926/0.855, 0.926/0.849.
WORDS_WEIGHT = 0.2
NAMES_WEIGHT = 0.05
#: Without vectors: full-text score + this for naming the query's entities (0.1: 0.840 overall;
#: 0.3: 0.801; reciprocal rank fusion of the two lists: 0.825).
NAMES_ALONE_WEIGHT = 0.1
#: Articles of the names list that count as naming the query's entities (the best first).
NAMES_DEPTH = 50

#: Signal names, as :attr:`SearchQuery.signals` takes them.
SIGNALS = ("words", "names", "vectors")

_WORD = regex.compile(r"[\p{L}\p{M}\p{N}][\p{L}\p{M}\p{N}'’.\-]*")
_CJK_RUN = regex.compile(r"[\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}]+")
#: Longest name tried, in words (Latin, Arabic …) and in characters (a run of Chinese).
MAX_NAME_WORDS, MAX_NAME_CHARS = 4, 10
#: Lower-case words are tried as names only in queries typed all in lower case ("lavrov riyadh"),
#: and only from this length; in a written sentence, names are capitalised and "us" is a pronoun.
MIN_LOWERCASE_NAME = 4


@dataclass(frozen=True)
class SearchOptions:
    """How candidates are gathered and scored (defaults: see the module's constants and what they were chosen on)."""

    #: Candidates taken from each list before scoring.
    depth: int = 100
    words_weight: float = WORDS_WEIGHT
    names_weight: float = NAMES_WEIGHT
    names_alone_weight: float = NAMES_ALONE_WEIGHT
    #: The encoder of the plain ``article`` kind (None: named in the store, else told by the vector size).
    encoder: str | None = None
    #: Articles per recognised entity taken from the entity index (newest first).
    per_name: int = 500


@dataclass(frozen=True)
class SearchQuery:
    """What to look for, and where."""

    text: str
    lang: str | None = None  # only articles in this language
    since: str | None = None  # publication days, ISO, inclusive
    until: str | None = None
    limit: int = 20
    signals: tuple[str, ...] = SIGNALS  # which lists to fuse (the evaluation compares them one by one)
    exclude: frozenset[str] = frozenset()  # article ids never returned


@dataclass(frozen=True)
class QueryName:
    """A name recognised in the query: what was typed, the entity's norms and its spellings."""

    typed: str
    norm: str
    label: str
    norms: tuple[str, ...]
    spellings: tuple[str, ...]


@dataclass(frozen=True)
class ArticleHit:
    """One found article: its summary row, fused score, and which signals found it."""

    id: str
    score: float
    lang: str | None
    title: str | None
    published: str | None
    outlet: str | None
    event_id: str | None
    found_by: tuple[str, ...]
    snippet: str | None = None  # the text's first words, for an article without a title


@dataclass
class ArticleSearch:
    """The ranked articles of a query and the names recognised in it."""

    query: SearchQuery
    hits: list[ArticleHit]
    names: list[QueryName] = field(default_factory=list)
    vectors: str | None = None  # the primary vector kind searched (None: no vectors)


# -- names in the query -----------------------------------------------------------------------


def _candidates(text: str) -> list[tuple[int, int, str]]:
    """``(start, end, string)`` of every word n-gram and every CJK substring worth looking up, longest first."""
    words = [(m.start(), m.end(), m.group().strip(".-'’")) for m in _WORD.finditer(text)]
    out: list[tuple[int, int, str]] = []
    for i in range(len(words)):
        for n in range(min(MAX_NAME_WORDS, len(words) - i), 0, -1):
            start, end = words[i][0], words[i + n - 1][1]
            out.append((start, end, text[start:end]))
    for run in _CJK_RUN.finditer(text):
        s = run.group()
        for size in range(min(MAX_NAME_CHARS, len(s)), 1, -1):
            for j in range(len(s) - size + 1):
                out.append((run.start() + j, run.start() + j + size, s[j : j + size]))
    out.sort(key=lambda c: (-(c[1] - c[0]), c[0]))
    return out


def recognise_names(
    text: str, lexicon: AliasLexicon, store: Store, gazetteer: Gazetteer | None = None
) -> list[QueryName]:
    """The names ``text`` holds that the store knows, in the query's order (the longest match wins an overlap).

    A candidate counts only when some stored article names one of its norms (so a word that merely
    sounds like a name, or a place no article mentions, adds nothing).
    """
    gazetteer = gazetteer or Gazetteer()
    lowercase_query = not any(ch.isupper() for ch in text)
    taken: list[tuple[int, int]] = []
    found: dict[str, tuple[int, QueryName]] = {}
    for start, end, typed in _candidates(text):
        if any(start < e and s < end for s, e in taken):
            continue
        latin = script_of(typed) == "latin"
        if latin and not typed[:1].isupper() and not (lowercase_query and len(typed) >= MIN_LOWERCASE_NAME):
            continue
        norm, label = _resolve(typed, latin, lexicon, gazetteer)
        if not norm:
            continue
        norms = tuple(lexicon.names_of(norm)) if label != "GPE" else (norm,)
        if not store.articles_naming(norms, limit=1):
            continue
        taken.append((start, end))
        if norm not in found:
            spellings = tuple(lexicon.spellings(norm)) if label != "GPE" else ()
            found[norm] = (start, QueryName(typed, norm, label, norms, spellings))
    return [name for _start, name in sorted(found.values(), key=lambda f: f[0])]  # in the query's order


def _resolve(typed: str, latin: bool, lexicon: AliasLexicon, gazetteer: Gazetteer) -> tuple[str | None, str]:
    """The entity norm and label a typed string names, by the lexicon first, then the gazetteer."""
    norm = lexicon.lookup_surface(typed)
    if norm is None and latin:
        key = latin_norm(typed)
        if lexicon.label_of(key):  # a name the lexicon holds under this very norm
            norm = lexicon.canonical(key)
        elif " " not in key:
            norm = lexicon.lookup_surname(key)
    if norm is None and not latin:
        norm = lexicon.match_sound(typed, "PERSON") or lexicon.match_sound(typed, "ORG")
    if norm is not None:
        return norm, lexicon.label_of(norm) or "PERSON"
    place = gazetteer.lookup(typed)
    if place is not None:
        return place.name_en.lower(), "GPE"
    return None, ""


# -- the lists ------------------------------------------------------------------------------------


def _names_list(store: Store, query: SearchQuery, names: Sequence[QueryName], options: SearchOptions) -> list[str]:
    """Articles naming the query's entities: more of them first, then more mentions, then per-language spellings."""
    named: dict[str, set[str]] = defaultdict(set)
    mentions: dict[str, float] = defaultdict(float)
    for name in names:
        for m in store.articles_naming(name.norms, limit=options.per_name):
            named[m.article_id].add(name.norm)
            mentions[m.article_id] += math.log1p(m.mentions)
        for spelling in name.spellings:
            for aid, _score in store.search_text(spelling, options.depth, lang=query.lang):
                if name.norm not in named[aid]:
                    named[aid].add(name.norm)
                    mentions[aid] += 0.5  # a spelling in the text, which the entity stage did not count
    ranked = sorted(named, key=lambda a: (-len(named[a]), -mentions[a], a))
    return ranked


class QueryEncoder:
    """Queries embedded by the encoder that made the store's vectors, with a small cache (repeated queries)."""

    def __init__(self, size: int = 256) -> None:
        self.size = size
        self._cache: OrderedDict[tuple[str, str], np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def __call__(self, encoder: str, text: str) -> np.ndarray:
        key = (encoder, text)
        with self._lock:
            if key in self._cache:
                self._cache.move_to_end(key)
                return self._cache[key]
        vector = np.asarray(get_encoder(encoder).encode([text])[0], dtype=np.float32)
        with self._lock:
            self._cache[key] = vector
            while len(self._cache) > self.size:
                self._cache.popitem(last=False)
        return vector


_QUERY_ENCODER = QueryEncoder()


def vector_kinds(store: Store, options: SearchOptions | None = None) -> list[tuple[str, str]]:
    """The article vector kinds the store holds, with their query encoder, primary first (see :data:`VECTOR_KINDS`)."""
    options = options or SearchOptions()
    found: list[tuple[str, str]] = []
    for kind, encoder in VECTOR_KINDS:
        dim = store.vector_dim(kind)
        if dim is None:
            continue
        if encoder is None:
            named = store.get_state(VECTOR_ENCODER_STATE)
            encoder = options.encoder or (named.decode().strip() if named else ENCODER_BY_DIM.get(dim))
        if encoder:
            found.append((kind, encoder))
    if len(found) > 1:  # the primary, and the static model for the articles it left out
        found = [found[0]] + [f for f in found[1:] if f[0] == FALLBACK_KIND]
    return found


def vector_encoder(store: Store, options: SearchOptions | None = None) -> str | None:
    """The encoder of the store's primary article vectors (None: it has none)."""
    kinds = vector_kinds(store, options)
    return kinds[0][1] if kinds else None


def _similarities(store: Store, query: SearchQuery, kinds: Sequence[tuple[str, str]], depth: int,
                  vector: np.ndarray | None, candidates: set[str]) -> tuple[dict[str, float], set[str]]:
    """Cosine to the query for the nearest articles and the other candidates, on the primary's scale,
    and the articles whose own model's cosine is below its floor (:data:`VECTOR_FLOORS`).

    An article without a primary vector gets its static-model cosine mapped by :data:`STATIC_TO_PRIMARY`.
    """
    scores: dict[str, float] = {}
    weak: set[str] = set()
    primary: tuple[str, str, np.ndarray] | None = None
    for n, (kind, encoder) in enumerate(kinds):
        q = vector if (vector is not None and n == 0) else _QUERY_ENCODER(encoder, query.text)
        if not np.any(q) or q.size != store.vector_dim(kind):  # another encoder wrote this kind: not comparable
            continue
        near = store.nearest(kind, q, depth)
        others = candidates - {aid for aid, _ in near} - set(scores)
        if others:
            near += store.nearest(kind, q, len(others), ids_filter=others)
        if primary is not None:
            # The fallback model finds articles the primary ranked below its depth: those keep their
            # primary cosine. Scoring them by the mapped static cosine let them outrank better primary
            # answers: SemEval-2022 dev through ingest's vectors, vectors alone, recall@10 0.795 /
            # cross-language 0.770 that way, 0.888 / 0.842 this way (hybrid 0.891 / 0.809 → 0.926 / 0.855).
            new = [aid for aid, _ in near if aid not in scores]
            if new:
                p_kind, p_encoder, p_query = primary
                for aid, distance in store.nearest(p_kind, p_query, len(new), ids_filter=new):
                    _add(scores, weak, aid, 1.0 - distance, p_encoder)
        for aid, distance in near:
            if aid in scores:
                continue
            cosine = 1.0 - distance
            if n > 0 and kind == FALLBACK_KIND:
                _add(scores, weak, aid, cosine, encoder, STATIC_TO_PRIMARY)
            else:
                _add(scores, weak, aid, cosine, encoder)
        if primary is None:
            primary = (kind, encoder, q)
    return scores, weak


def _add(scores: dict[str, float], weak: set[str], aid: str, cosine: float, encoder: str,
         mapping: tuple[float, float] | None = None) -> None:
    """Record an article's cosine (on the primary's scale when ``mapping`` is given) and whether it is weak."""
    if cosine < VECTOR_FLOORS.get(encoder, 0.0):
        weak.add(aid)
    scores[aid] = mapping[0] * cosine + mapping[1] if mapping else cosine


# -- scoring ------------------------------------------------------------------------------------


def _keep(row: ArticleRow, query: SearchQuery) -> bool:
    if query.lang is not None and row.lang != query.lang:
        return False
    day = (row.published or "")[:10]
    if query.since and (not day or day < query.since[:10]):
        return False
    return not (query.until and (not day or day > query.until[:10]))


def search_articles(
    store: Store,
    query: SearchQuery,
    *,
    options: SearchOptions | None = None,
    lexicon: AliasLexicon | None = None,
    lexicon_loader: Callable[[Store], AliasLexicon] = AliasLexicon.load,
    query_vector: np.ndarray | None = None,
) -> ArticleSearch:
    """The articles that best answer ``query``, the signals fused by score (see the module docstring).

    ``lexicon``: the store's alias lexicon when the caller keeps one loaded (a server), else loaded
    here. ``query_vector``: the query already embedded by the primary kind's encoder (an evaluation
    embeds its queries in one batch); embedded here when None.
    """
    options = options or SearchOptions()
    if not query.text.strip():
        return ArticleSearch(query, [])
    words: dict[str, float] = {}
    named: list[str] = []
    names: list[QueryName] = []
    if "words" in query.signals:
        found = store.search_text(query.text, options.depth, lang=query.lang, match="any")
        best = found[0][1] if found and found[0][1] > 0 else 1.0
        words = {aid: score / best for aid, score in found}
    if "names" in query.signals:
        lexicon = lexicon if lexicon is not None else lexicon_loader(store)
        names = recognise_names(query.text, lexicon, store)
        if names:
            named = _names_list(store, query, names, options)[:NAMES_DEPTH]
    kinds = vector_kinds(store, options) if "vectors" in query.signals else []
    cosines: dict[str, float] = {}
    weak: set[str] = set()
    if kinds:
        cosines, weak = _similarities(store, query, kinds, options.depth, query_vector, set(words) | set(named))
    naming = {aid: 1.0 - rank / (2 * NAMES_DEPTH) for rank, aid in enumerate(named)}  # 1 … 0.5, best first
    if kinds:
        weights = {"words": options.words_weight, "names": options.names_weight}
    else:
        weights = {"words": 1.0, "names": options.names_alone_weight if words else 1.0}
    scored: dict[str, float] = defaultdict(float)
    found_by: dict[str, list[str]] = defaultdict(list)
    for signal, values, weight in (("vectors", cosines, 1.0), ("words", words, weights["words"]),
                                   ("names", naming, weights["names"])):
        for aid, value in values.items():
            scored[aid] += weight * value
            found_by[aid].append(signal)
    ranked = [(aid, scored[aid], tuple(found_by[aid])) for aid in sorted(scored, key=lambda a: (-scored[a], a))
              if aid not in query.exclude
              and (found_by[aid] != ["vectors"] or aid not in weak)]
    hits: list[ArticleHit] = []
    for chunk in _chunks(ranked, max(query.limit * 2, 50)):
        rows = {r.id: r for r in store.article_rows(aid for aid, _, _ in chunk)}
        for aid, score, signals in chunk:
            row = rows.get(aid)
            if row is None or not _keep(row, query):
                continue
            hits.append(ArticleHit(aid, round(score, 6), row.lang, row.title, row.published, row.outlet,
                                   row.event_id, signals))
            if len(hits) >= query.limit:
                return ArticleSearch(query, hits, names, kinds[0][0] if kinds else None)
    return ArticleSearch(query, hits, names, kinds[0][0] if kinds else None)


def _chunks(items: Sequence[Any], size: int) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
