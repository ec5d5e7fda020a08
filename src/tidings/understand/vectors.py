"""The vectors stage: each article's dense multilingual vectors, one per model, on ``Article.vector``.

Why a stage of its own (and not inside grouping): a vector is a property of the text alone, so
computing it is stateless and can run ahead in the read worker processes
(:mod:`tidings.workers` runs :meth:`ArticleEmbedder.prepare` there), where it costs the main
process nothing; and once on the article it is stored for search (``article:use`` …) as well as
grouped with.

Two models, because no CPU model is both fast and universal:

* ``use`` — multilingual Universal Sentence Encoder v3 (:class:`~tidings.understand.encoders.UseEncoder`),
  for the 16 languages it was trained on (no Vietnamese, Hindi, Indonesian …); 14-17 ms per
  article of the bench stream on one core (its first 1,000 characters; USE is compute-bound, so
  its cost follows the characters read: 10-13 ms at 600). Why 1,000 and not fewer: with the
  weights calibrated at 1,000, USE on 600 characters gave SemEval dev stream F1 0.724 (cross-
  language 0.748) against 0.750 (0.792), ECB+ dev 0.909 against 0.916;
* ``static`` — the e5-derived static token model (:class:`~tidings.understand.encoders.StaticEncoder`),
  ~100 languages, ~2 ms per article, much weaker; every article gets it, so an article in a language USE
  lacks still has a vector comparable with every other article's.

``Article.vector`` is a dict, model name → L2-normalised float32 vector; vectors of two models
are never compared with each other (grouping compares USE with USE where both articles have
it, else static with static).
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Sequence
from typing import Any

import numpy as np

from tidings.article import Article
from tidings.understand.encoders import EmbeddingCache, covers, get_encoder

#: The models every article is embedded with, in the order they are tried when comparing.
MODELS = ("use", "static")
#: Texts whose vectors are kept in memory (per process). Why a cache at all: wire copies and
#: relays of one report arrive close together with the same lead, and USE is the costliest step
#: of reading an article. Why so few: older texts rarely come back, and a bigger cache would only
#: make a benchmark that cycles its texts look faster than a real stream.
MEMORY_CACHE = 1024


def article_text(article: Article) -> str:
    """Title, header, body and captions; the raw text when no read stage ran.

    Header blocks are kept because a headline or dateline set aside there still says what the
    article is about (grouping and embedding want every clue; only boilerplate, footers and link
    lists are noise).
    """
    if not article.blocks:
        return article.raw_text
    parts = [article.title.value] if article.title else []
    parts += [b.text for b in article.blocks if b.role in ("title", "header", "body", "caption")]
    return "\n".join(dict.fromkeys(p for p in parts if p))


def vector_kind(model: str) -> str:
    """The store's vector kind for article vectors of ``model`` (``Store.put_vectors``): ``article:use`` …"""
    return f"article:{model}"


class ArticleEmbedder:
    """Pipeline stage: sets ``article.vector`` to {model: vector} for each of ``models`` that covers the language.

    Stateless (the in-memory cache only saves time), so read workers run it ahead
    (:meth:`preparer` / :meth:`prepare` / :meth:`use_prepared`, see :mod:`tidings.workers`).
    ``disk_cache``: also keep vectors on disk by text hash (``$TIDINGS_CACHE``, default
    ``.cache/tidings``). Off by default: it pays for re-running a calibration over the same
    texts (:mod:`tidings.eval.calibrate` turns it on), not for a stream of new articles, where
    writing a file per article would only cost time.
    """

    name = "vectors"
    reads = ("blocks", "title", "lang")
    sets = ("vector",)

    def __init__(self, models: Sequence[str] = MODELS, disk_cache: bool = False) -> None:
        self.models = tuple(models)
        self.disk_cache = disk_cache
        self._memory: OrderedDict[tuple[str, str], np.ndarray] = OrderedDict()
        self._ahead: dict[str, dict[str, np.ndarray]] = {}

    def __getstate__(self) -> dict[str, Any]:
        # what a worker needs is the recipe, not this process's caches
        return {"models": self.models, "disk_cache": self.disk_cache}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(state["models"], state["disk_cache"])  # type: ignore[misc]

    def __call__(self, article: Article) -> Article:
        ahead = self._ahead.pop(article.id, None)
        article.vector = ahead if ahead is not None else self.embed([article])[0]
        return article

    def embed(self, articles: Sequence[Article]) -> list[dict[str, np.ndarray]]:
        """{model: vector} per article, each model's texts encoded together (batches are faster)."""
        out: list[dict[str, np.ndarray]] = [{} for _ in articles]
        texts = [article_text(a) for a in articles]
        for model in self.models:
            encoder = get_encoder(model)
            todo = [i for i, a in enumerate(articles) if covers(encoder, a.lang_code) and texts[i].strip()]
            for i, vec in zip(todo, self._encode(model, encoder, [texts[i] for i in todo]), strict=True):
                if np.any(vec):
                    out[i][model] = vec
        return out

    def _encode(self, model: str, encoder: Any, texts: list[str]) -> list[np.ndarray]:
        keys = [(model, hashlib.sha1(t.encode("utf-8")).hexdigest()) for t in texts]
        found: list[np.ndarray | None] = [self._memory.get(k) for k in keys]
        missing = [i for i, v in enumerate(found) if v is None]
        if missing:
            batch = [texts[i] for i in missing]
            cache = self._disk()
            if cache is not None:
                key = f"vectors-{getattr(encoder, 'cache_key', model)}"
                mat = cache.encode(key, batch, encoder.encode, int(encoder.dim))
            else:
                mat = encoder.encode(batch)
            for row, i in enumerate(missing):
                found[i] = np.asarray(mat[row], dtype=np.float32)
                self._memory[keys[i]] = found[i]  # type: ignore[assignment]
        for k in keys:
            self._memory.move_to_end(k)
        while len(self._memory) > MEMORY_CACHE:
            self._memory.popitem(last=False)
        return found  # type: ignore[return-value]

    def _disk(self) -> EmbeddingCache | None:
        return EmbeddingCache() if self.disk_cache else None

    # -- done ahead in read workers (see tidings.workers) ----------------------------------
    def preparer(self) -> ArticleEmbedder:
        """A copy for a read worker: it only runs :meth:`prepare`."""
        return ArticleEmbedder(self.models, self.disk_cache)

    def prepare(self, article: Article) -> dict[str, np.ndarray]:
        return self.embed([article])[0]

    def use_prepared(self, article_id: str, payload: dict[str, np.ndarray]) -> None:
        """Hand over the vectors a worker computed for an article this stage will see next."""
        if len(self._ahead) > 4096:  # never consumed (the article failed before this stage): stale
            self._ahead.clear()
        self._ahead[article_id] = payload

    def warm(self) -> None:
        """Load the models now (USE: ~1 s), not at the first article."""
        self.embed([Article(id="warm", uri="warm", raw_text="Tidings warms up.")])
