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


@dataclass(frozen=True)
class IngestError:
    """One file or record that could not be read, with a one-line reason."""

    uri: str
    reason: str
    stage: str = "ingest"


@dataclass
class Source:
    """One input file: where it is, a fingerprint of its bytes, and how to read it."""

    uri: str
    fingerprint: str
    read: Callable[[], Iterator[RawDocument | IngestError]]
    size: int = 0
