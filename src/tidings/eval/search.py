"""``tidings eval search FILE``: cross-lingual search on a pair set (SemEval-2022 Task 8 format).

Every text of the file goes through ``tidings ingest`` into a temporary store (id + text, file
order, identical texts are one article: :mod:`tidings.eval.streams`). Then, for each pair rated
the same story (``overall`` ≤ :data:`SAME_STORY`), the first :data:`QUERY_WORDS` words of one
article are the query (both directions) and the answer is the rank of the other article among all
articles but the query's own (:func:`tidings.api.search`'s article list). Printed: recall@10 and
MRR (over the first :data:`DEPTH` answers; a miss counts 0) overall, same-language and
cross-language, for each signal alone and for the hybrid the product runs; the last line is
``recall_at_10=`` of the hybrid, overall.

Vectors: the store's own article vectors when the ingest path wrote them; otherwise (``--vectors
auto``) this evaluation computes them with the project's encoder (multilingual USE by default,
:mod:`tidings.understand.encoders`, cached by text hash under ``.cache/tidings``) and writes them
to the temporary store as the ingest path would (kind ``article``), and says so.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import regex

from tidings.api import SearchOptions, SearchQuery, search_articles
from tidings.eval.pairs import read_pairs
from tidings.eval.streams import article_id_of, ingested
from tidings.options import Options
from tidings.store import Store, open_store
from tidings.understand.aliases import AliasLexicon
from tidings.understand.encoders import E5Encoder, EmbeddingCache, Encoder, UseEncoder, get_encoder
from tidings.views.search import vector_kinds

#: Pairs rated at most this (1 = very similar … 4 = very dissimilar) report the same story.
SAME_STORY = 1.5
#: Words of an article that make its query.
QUERY_WORDS = 25
#: Answers read per query: a target further down counts as a miss (reciprocal rank 0).
DEPTH = 100
#: What is compared: each signal alone, words with names (no vectors), and the product's hybrid.
MODES: dict[str, tuple[str, ...]] = {
    "words (BM25 only)": ("words",),
    "names (lexicon)": ("names",),
    "vectors only": ("vectors",),
    "words+names": ("words", "names"),
    "hybrid": ("words", "names", "vectors"),
}

_WORD = regex.compile(r"[\p{Han}\p{Hiragana}\p{Katakana}]{1,2}|[^\s\p{Han}\p{Hiragana}\p{Katakana}]+")


def first_words(text: str, n: int = QUERY_WORDS) -> str:
    """The text up to the end of its ``n``-th word.

    Words are runs of non-space characters; a run of Chinese or Japanese characters, written
    without spaces, counts one word per two characters (most Chinese words are one or two long).
    """
    for count, match in enumerate(_WORD.finditer(text), start=1):
        if count == n:
            return text[: match.end()]
    return text


@dataclass
class Scores:
    """Ranks of the targets of one mode's queries, split by pair kind."""

    ranks: dict[str, list[int | None]] = field(default_factory=lambda: {"all": [], "same": [], "cross": []})

    def add(self, rank: int | None, cross: bool) -> None:
        self.ranks["all"].append(rank)
        self.ranks["cross" if cross else "same"].append(rank)

    def recall(self, kind: str, at: int = 10) -> float:
        ranks = self.ranks[kind]
        return sum(1 for r in ranks if r is not None and r <= at) / len(ranks) if ranks else 0.0

    def mrr(self, kind: str) -> float:
        ranks = self.ranks[kind]
        return sum(1.0 / r for r in ranks if r is not None) / len(ranks) if ranks else 0.0


def _encoder(name: str) -> Encoder:
    """The encoder ``name``, caching its vectors on disk where it can (USE, e5: the slow ones)."""
    if name == "use":
        return UseEncoder(cache=EmbeddingCache())
    if name == "e5":
        return E5Encoder(cache=EmbeddingCache())
    return get_encoder(name)


def _write_vectors(store: Store, texts: dict[str, str], encoder: str, echo: Callable[[str], None]) -> None:
    """Article vectors as the ingest path writes them (kind ``article:<encoder>``)."""
    ids = list(texts)
    matrix = np.asarray(_encoder(encoder).encode([texts[i] for i in ids]), dtype=np.float32)
    keep = {i: v for i, v in zip(ids, matrix, strict=True) if np.any(v) and np.all(np.isfinite(v))}
    store.put_vectors(f"article:{encoder}", keep)
    store.commit()
    echo(f"vectors: computed by this evaluation with {encoder!r} for {len(keep)} articles (kind article:{encoder})")


def evaluate(
    path: str | Path, *, vectors: str = "auto", limit: int | None = None, options: Options | None = None,
    progress: bool = False, echo: Callable[[str], None] = print,
) -> dict[str, Scores]:
    """Ingest the pair set, run every query in every mode; the ranks per mode."""
    pairs = read_pairs(path, limit)
    texts = list(dict.fromkeys(t for p in pairs for t in (p["text1"], p["text2"])))
    records = [{"id": f"t{n:05d}", "text": t} for n, t in enumerate(texts)]
    article_of = {t: article_id_of(r) for t, r in zip(texts, records, strict=True)}
    queries: list[tuple[str, str, str, bool]] = []  # (query text, own id, target id, cross-language)
    skipped = 0
    for p in pairs:
        if p["overall"] > SAME_STORY:
            continue
        a, b = article_of[p["text1"]], article_of[p["text2"]]
        if a == b:  # the same text twice is one article: nothing to find
            skipped += 1
            continue
        cross = str(p["lang1"]).split("-")[0].lower() != str(p["lang2"]).split("-")[0].lower()
        queries.append((first_words(p["text1"]), a, b, cross))
        queries.append((first_words(p["text2"]), b, a, cross))
    echo(f"pairs={len(pairs)} same-story={len(queries) // 2 + skipped} (identical texts skipped: {skipped}) "
         f"queries={len(queries)} articles={len(texts)}")
    options = options or Options()
    with ingested(records, replace(options, update_storylines=False), progress=progress) as (db, seconds, report):
        echo(f"ingest: {report.new} articles in {seconds:.1f}s, {report.failed} failed")
        with open_store(str(db)) as writer:
            if vectors not in ("auto", "none") or (vectors == "auto" and not vector_kinds(writer)):
                chosen = "use" if vectors == "auto" else vectors
                stored = {a.id: "\n".join(x for x in (a.title.value if a.title else "", a.text) if x)
                          for a in writer.iter_articles()}
                _write_vectors(writer, stored, chosen, echo)
        with open_store(str(db), read_only=True) as store:
            return _run(store, queries, echo, use_vectors=vectors != "none")


def _run(store: Store, queries: Sequence[tuple[str, str, str, bool]], echo: Callable[[str], None], *,
         use_vectors: bool = True) -> dict[str, Scores]:
    search_options = SearchOptions()
    kinds = vector_kinds(store, search_options) if use_vectors else []
    encoder = kinds[0][1] if kinds else None
    query_vectors: list[np.ndarray | None] = [None] * len(queries)
    if encoder is not None:
        echo(f"vectors: {', '.join(k for k, _ in kinds)}; queries embedded with {encoder!r}")
        matrix = np.asarray(_encoder(encoder).encode([q for q, _, _, _ in queries]), dtype=np.float32)
        query_vectors = list(matrix)
    lexicon = AliasLexicon.load(store)
    results: dict[str, Scores] = {}
    for mode, signals in MODES.items():
        if "vectors" in signals and encoder is None:
            continue
        scores = Scores()
        start = time.perf_counter()
        for (text, own, target, cross), vector in zip(queries, query_vectors, strict=True):
            found = search_articles(
                store, SearchQuery(text, limit=DEPTH, signals=signals, exclude=frozenset([own])),
                options=search_options, lexicon=lexicon, query_vector=vector,
            )
            ids = [h.id for h in found.hits]
            scores.add(ids.index(target) + 1 if target in ids else None, cross)
        results[mode] = scores
        echo(f"{mode:<20} recall@10 {scores.recall('all'):.4f} (same {scores.recall('same'):.4f}, "
             f"cross {scores.recall('cross'):.4f})  MRR {scores.mrr('all'):.4f} (same {scores.mrr('same'):.4f}, "
             f"cross {scores.mrr('cross'):.4f})  n={len(scores.ranks['all'])} cross-n={len(scores.ranks['cross'])}  "
             f"{(time.perf_counter() - start) * 1000 / max(1, len(queries)):.1f} ms/query")
    return results


def main(path: str, *, vectors: str = "auto", limit: int | None = None, options: Options | None = None) -> None:
    """Print the table; the last line is ``recall_at_10=`` of the hybrid (or of words+names without vectors)."""
    results = evaluate(path, vectors=vectors, limit=limit, options=options)
    headline = results.get("hybrid") or results["words+names"]
    print(f"recall_at_10={headline.recall('all'):.4f}")


def _cli(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("file")
    parser.add_argument("--vectors", default="auto", help="auto | none | an encoder name (use, e5)")
    parser.add_argument("--limit", type=int, default=None)
    args = parser.parse_args(argv)
    main(args.file, vectors=args.vectors, limit=args.limit)
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(_cli())


__all__: list[Any] = ["evaluate", "first_words", "main"]
