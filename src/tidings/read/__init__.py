"""Read: turn a raw document into a clean, described Article.

Stages, in order: ``clean`` (boilerplate removal, title), ``language``,
``text-check`` (no text or not text: a dead letter, not an article), ``dates``,
``provenance``. Each declares what it reads and sets.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from typing import TYPE_CHECKING

from tidings.article import Article, RawDocument
from tidings.pipeline import Pipeline
from tidings.watchdog import DEFAULT_SECONDS

if TYPE_CHECKING:
    from tidings.read.clean import CleanOptions


def content_hash(text: str) -> str:
    """Hash of the text with whitespace folded: re-encodings and re-wraps of one text hash alike."""
    norm = unicodedata.normalize("NFC", text)
    norm = re.sub(r"\s+", " ", norm).strip()
    return hashlib.sha256(norm.encode("utf-8")).hexdigest()


def article_from_raw(doc: RawDocument) -> Article:
    """A fresh Article from a raw document, with its stable id.

    The id is derived from the URL when there is one (so a changed page at the
    same URL is recorded as a new *version* of the same article), else from the
    content (so the same text ingested twice, from any path, is one article).
    """
    digest = content_hash(doc.text)
    key = ("url:" + doc.url.strip()) if doc.url else ("sha256:" + digest)
    article_id = hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]
    return Article(
        id=article_id,
        uri=doc.uri,
        raw_text=doc.text,
        format=doc.format,
        url=doc.url,
        content_hash=digest,
        meta=dict(doc.meta),
        encoding=doc.encoding,
    )


def read_pipeline(options: CleanOptions | None = None, *, seconds: float | None = DEFAULT_SECONDS) -> Pipeline:
    """The read stages; ``options``: the clean stage's (``[tidings.read]`` in a config file);
    ``seconds``: the time budget per article (None: no budget; see :mod:`tidings.watchdog`)."""
    from tidings.read.clean import Cleaner
    from tidings.read.dates import DateFinder
    from tidings.read.language import LanguageDetector
    from tidings.read.provenance import ProvenanceFinder
    from tidings.read.textcheck import TextCheck

    stages = [Cleaner(options), LanguageDetector(), TextCheck(), DateFinder(), ProvenanceFinder()]
    return Pipeline(stages, seconds=seconds)
