"""Cross-lingual search: a query in any language finds articles in every language.

Three signals, each a ranked list of articles, fused by reciprocal rank (RRF, Cormack et al. 2009:
each list adds ``weight / (RRF_K + rank)``). Rank fusion rather than adding scores because the
scores are not comparable: BM25 (SQLite) and ``ts_rank`` (PostgreSQL) differ, a BM25 score
depends on the language's word statistics, and a cosine is neither.

* **words** — the store's full-text index over the query's own words (any term may match; BM25
  or ``ts_rank`` decide), :meth:`~tidings.store.Store.search_text`;
* **names** — the names the query holds (``Lavrov``, ``拉夫罗夫``, ``لافروف``, ``Riyadh``),
  recognised with the alias lexicon the engine learned (:class:`~tidings.understand.aliases.AliasLexicon`)
  and the gazetteer, then looked up in the entity index (articles whose entity stage named any
  of the entity's norms, in any script: :meth:`~tidings.store.Store.articles_naming`) and, per
  language, in the full-text index under each spelling the lexicon knows (拉夫罗夫 among the
  Chinese articles, Lavrov among the Latin-script ones): per-language full-text ranking of the
  expanded query, which also finds articles whose entity stage missed the name;
* **vectors** — the multilingual article vectors, when the store has them
  (:meth:`~tidings.store.Store.nearest`, kind :data:`VECTOR_KIND`), with the query embedded by the
  encoder that made them.

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
from tidings.understand.names_phonetic import script_of
from tidings.understand.places import Gazetteer

#: The vectors search compares: one per article, written by the ingest path with
#: ``store.put_vectors(VECTOR_KIND, {article id: vector})``.
VECTOR_KIND = "article"
#: State key naming the encoder (``tidings.understand.encoders.get_encoder`` name) that made the
#: :data:`VECTOR_KIND` vectors; the query must be embedded by the same one. Written by whoever
#: writes the vectors (``store.put_state(VECTOR_ENCODER_STATE, b"use")``).
VECTOR_ENCODER_STATE = "vectors.article.encoder"
#: Encoders known by their vector size, for stores whose vectors were written without
#: :data:`VECTOR_ENCODER_STATE` (multilingual USE v3: 512; multilingual-e5-small: 384).
ENCODER_BY_DIM = {512: "use", 384: "e5"}

#: Reciprocal-rank-fusion constant: 60 as in the paper (larger flattens the lists' top ranks).
RRF_K = 60
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
    """How the lists are made and fused. Defaults measured with ``tidings eval search`` on SemEval-2022 dev."""

    #: Candidates taken from each list before fusion.
    depth: int = 100
    #: Fusion weights of the three signals.
    words_weight: float = 1.0
    names_weight: float = 1.0
    vectors_weight: float = 1.0
    #: The encoder that embeds queries (None: the one named in the store, else the one its vector size says).
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


@dataclass
class ArticleSearch:
    """The ranked articles of a query and the names recognised in it."""

    query: SearchQuery
    hits: list[ArticleHit]
    names: list[QueryName] = field(default_factory=list)
    vectors: str | None = None  # the encoder the vector list used (None: no vectors searched)


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
    """The names ``text`` holds that the store knows, longest match first, without overlaps.

    A candidate counts only when some stored article names one of its norms (so a word that merely
    sounds like a name, or a place no article mentions, adds nothing).
    """
    gazetteer = gazetteer or Gazetteer()
    lowercase_query = not any(ch.isupper() for ch in text)
    taken: list[tuple[int, int]] = []
    found: dict[str, QueryName] = {}
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
            found[norm] = QueryName(typed, norm, label, norms, tuple(lexicon.spellings(norm)) if label != "GPE" else ())
    return list(found.values())


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


def _words_list(store: Store, query: SearchQuery, depth: int) -> list[str]:
    return [aid for aid, _ in store.search_text(query.text, depth, lang=query.lang, match="any")]


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
        # imported here: the encoders load numpy models, which reading without vectors never needs
        from tidings.understand.encoders import get_encoder

        vector = np.asarray(get_encoder(encoder).encode([text])[0], dtype=np.float32)
        with self._lock:
            self._cache[key] = vector
            while len(self._cache) > self.size:
                self._cache.popitem(last=False)
        return vector


_QUERY_ENCODER = QueryEncoder()


def vector_encoder(store: Store, options: SearchOptions) -> str | None:
    """The encoder that made the store's article vectors (None: the store has none, or none we know)."""
    dim = store.vector_dim(VECTOR_KIND)
    if dim is None:
        return None
    if options.encoder:
        return options.encoder
    named = store.get_state(VECTOR_ENCODER_STATE)
    if named:
        return named.decode().strip()
    return ENCODER_BY_DIM.get(dim)


def _vectors_list(store: Store, query: SearchQuery, encoder: str, depth: int, vector: np.ndarray | None) -> list[str]:
    if vector is None:
        vector = _QUERY_ENCODER(encoder, query.text)
    if not np.any(vector):
        return []
    return [aid for aid, _ in store.nearest(VECTOR_KIND, vector, depth)]


# -- fusion -------------------------------------------------------------------------------------


def fuse(lists: dict[str, list[str]], weights: dict[str, float]) -> list[tuple[str, float, tuple[str, ...]]]:
    """Reciprocal rank fusion: ``(id, score, signals that found it)``, best first (ties by id)."""
    scores: dict[str, float] = defaultdict(float)
    found: dict[str, list[str]] = defaultdict(list)
    for signal, ids in lists.items():
        for rank, aid in enumerate(dict.fromkeys(ids), start=1):
            scores[aid] += weights.get(signal, 1.0) / (RRF_K + rank)
            found[aid].append(signal)
    return [(aid, scores[aid], tuple(found[aid])) for aid in sorted(scores, key=lambda a: (-scores[a], a))]


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
    """The articles that best answer ``query``, every signal fused (see the module docstring).

    ``lexicon``: the store's alias lexicon when the caller keeps one loaded (a server), else loaded
    here. ``query_vector``: the query already embedded by the store's encoder (an evaluation embeds
    its queries in one batch); embedded here when None.
    """
    options = options or SearchOptions()
    lists: dict[str, list[str]] = {}
    names: list[QueryName] = []
    if not query.text.strip():
        return ArticleSearch(query, [])
    if "words" in query.signals:
        lists["words"] = _words_list(store, query, options.depth)
    if "names" in query.signals:
        lexicon = lexicon if lexicon is not None else lexicon_loader(store)
        names = recognise_names(query.text, lexicon, store)
        if names:
            lists["names"] = _names_list(store, query, names, options)
    encoder = vector_encoder(store, options) if "vectors" in query.signals else None
    if encoder is not None:
        lists["vectors"] = _vectors_list(store, query, encoder, options.depth, query_vector)
    weights = {"words": options.words_weight, "names": options.names_weight, "vectors": options.vectors_weight}
    fused = [f for f in fuse(lists, weights) if f[0] not in query.exclude]
    hits: list[ArticleHit] = []
    for chunk in _chunks(fused, max(query.limit * 2, 50)):
        rows = {r.id: r for r in store.article_rows(aid for aid, _, _ in chunk)}
        for aid, score, found_by in chunk:
            row = rows.get(aid)
            if row is None or not _keep(row, query):
                continue
            hits.append(ArticleHit(aid, round(score, 6), row.lang, row.title, row.published, row.outlet,
                                   row.event_id, found_by))
            if len(hits) >= query.limit:
                return ArticleSearch(query, hits, names, encoder)
    return ArticleSearch(query, hits, names, encoder)


def _chunks(items: Sequence[Any], size: int) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
