"""What readers produce: sources (files) that yield raw documents or errors.

A *source* is one file on disk (or one feed, one WARC archive). It can hold many
documents (JSONL lines, feed entries, WARC records). Crash safety works at the
source level: a source is marked done only after all its documents were stored
and committed, so a rerun skips finished sources and redoes the interrupted one;
article ids are content/URL based, so redoing it creates no duplicates.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from tidings.article import RawDocument
from tidings.untrusted import one_line
from tidings.watchdog import DEFAULT_SECONDS


@dataclass(frozen=True)
class IngestError:
    """One file or record that could not be read, with a one-line reason.

    Both fields are made one line of valid UTF-8 here (:func:`~tidings.untrusted.one_line`),
    whatever a file name or a library's message held, so every dead letter prints and stores.
    """

    uri: str
    reason: str
    stage: str = "ingest"

    def __post_init__(self) -> None:
        object.__setattr__(self, "uri", one_line(self.uri))
        object.__setattr__(self, "reason", one_line(self.reason))


@dataclass(frozen=True)
class Limits:
    """What one input may cost before it is given up; each limit ends in a one-line dead letter.

    JSON nesting has no field: ``json`` raises ``RecursionError`` near 1,000 levels (the
    interpreter's limit) and that record alone becomes a dead letter; HTML nesting past
    the parser's limit (libxml2: 256) is read by a streaming fallback (``read/html.py``).
    """

    #: Bytes of one file (text, HTML, JSON, feeds) or of one record (JSONL line, WARC
    #: record), after decompression. ``Options.max_file_bytes``.
    max_bytes: int = 20 * 1024 * 1024
    #: Decompressed bytes per compressed byte a gzipped stream may reach past ``max_bytes``.
    #: News JSONL gzips 2.3-5× (SemEval, ECB+, the extraction set: ``gzip -9``); a bomb of
    #: blank lines or spaces 1,000×.
    max_inflation: int = 100
    #: Records (JSONL lines, feed entries, WARC records) read from one file; split larger exports.
    max_records: int = 1_000_000
    #: Bad records in one file after which its rest is not tried: a file that is not articles
    #: (a log, a dump of something else) must not flood the dead letters.
    max_bad_records: int = 1_000
    #: Seconds to unpack one document from its file (see :mod:`tidings.watchdog`); the read
    #: stages have the same default budget per article (``read_pipeline(seconds=…)``).
    seconds: float = DEFAULT_SECONDS


@dataclass
class Source:
    """One input file: where it is, a fingerprint of its bytes, and how to read it."""

    uri: str
    fingerprint: str
    read: Callable[[], Iterator[RawDocument | IngestError]]
    size: int = 0
