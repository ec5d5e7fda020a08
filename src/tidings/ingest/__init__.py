"""Ingest: find sources under paths and unpack them into raw documents.

``iter_sources`` walks files and folders and returns, per file, a
:class:`~tidings.ingest.base.Source` (fingerprint + a ``read()`` that yields raw
documents or errors) or an :class:`~tidings.ingest.base.IngestError` when the file
cannot be read at all (empty, binary, too large). Nothing here raises on a
user's file; every reason is one line.

Supported: plain text, HTML, JSONL/NDJSON, JSON, RSS/Atom, WARC — each also
gzipped. JSONL and WARC are streamed, so the whole-file size limit does not
apply to them (a crawl archive is legitimately large); their records are
limited one by one instead.
"""

from __future__ import annotations

import hashlib
import os
import time
import zlib
from collections.abc import Callable, Iterator, Sequence
from functools import partial
from pathlib import Path

from tidings.article import RawDocument
from tidings.ingest.base import IngestError, Source
from tidings.ingest.readers import (
    mb,
    read_feed,
    read_html,
    read_json,
    read_jsonl,
    read_payload,
    read_text,
    read_warc,
)
from tidings.ingest.sniff import GZIP_MAGIC, binary_kind, sniff

__all__ = ["DEFAULT_MAX_FILE_BYTES", "IngestError", "RawDocument", "Source", "iter_sources", "open_source", "watch"]

#: Same default as ``Options.max_file_bytes``: a 50 MB "HTML page" is not an article.
DEFAULT_MAX_FILE_BYTES = 20 * 1024 * 1024

#: Bytes read to sniff a file's kind and encoding-independent markers.
_HEAD = 65536

_STREAMED = ("jsonl", "warc")


def iter_sources(
    paths: Sequence[str | Path] | str | Path, *, max_file_bytes: int = DEFAULT_MAX_FILE_BYTES
) -> Iterator[Source | IngestError]:
    """Every file under ``paths`` (recursive, sorted, hidden files and folders skipped) as a source or an error."""
    for item in walk(paths):
        yield item if isinstance(item, IngestError) else open_source(item, max_file_bytes=max_file_bytes)


def walk(paths: Sequence[str | Path] | str | Path) -> Iterator[Path | IngestError]:
    """Files under ``paths`` in a stable order, each once; missing paths become errors."""
    if isinstance(paths, (str, Path)):
        paths = [paths]
    seen: set[str] = set()
    for raw in paths:
        path = Path(raw).absolute()
        if not path.exists():
            yield IngestError(str(path), "no such file or directory")
            continue
        if path.is_file():
            files: Iterator[Path] = iter([path])
        elif path.is_dir():
            files = _walk_dir(path)
        else:
            yield IngestError(str(path), "not a regular file or folder")
            continue
        for file in files:
            key = os.path.realpath(file)
            if key not in seen:
                seen.add(key)
                yield file


def _walk_dir(root: Path) -> Iterator[Path]:
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if not name.startswith("."):
                path = Path(dirpath) / name
                if path.is_file():
                    yield path


def open_source(path: Path, *, max_file_bytes: int = DEFAULT_MAX_FILE_BYTES) -> Source | IngestError:
    """Sniff one file and return the reader for it, or the reason it cannot be read."""
    uri = str(path)
    try:
        size = path.stat().st_size
        if size == 0:
            return IngestError(uri, "empty file")
        with open(path, "rb") as fh:
            head = fh.read(_HEAD)
    except OSError as exc:
        return IngestError(uri, f"cannot read file ({exc.strerror or exc})")
    gz = head.startswith(GZIP_MAGIC)
    if gz:
        try:
            head = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(head, _HEAD)
        except zlib.error as exc:
            return IngestError(uri, f"corrupt gzip ({exc})")
        if not head:
            return IngestError(uri, "empty or truncated gzip")
    binary = binary_kind(head)
    if binary:
        return IngestError(uri, f"binary file ({binary})")
    kind = sniff(path.name, head)
    if kind not in _STREAMED and size > max_file_bytes:
        return IngestError(uri, f"file too large ({mb(size)} > {mb(max_file_bytes)})")
    try:
        fingerprint = _fingerprint(path)
    except OSError as exc:
        return IngestError(uri, f"cannot read file ({exc.strerror or exc})")
    reader = partial(_read, path, kind, gz, max_file_bytes)
    return Source(uri=uri, fingerprint=fingerprint, read=reader, size=size)


def _fingerprint(path: Path) -> str:
    """SHA-1 of the bytes: size+mtime would miss an in-place rewrite, and hashing costs ~1 ms per MB."""
    digest = hashlib.sha1(usedforsecurity=False)
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return "sha1:" + digest.hexdigest()


def _read(path: Path, kind: str, gz: bool, max_bytes: int) -> Iterator[RawDocument | IngestError]:
    uri = str(path)
    if kind == "jsonl":
        yield from read_jsonl(path, gz=gz, max_bytes=max_bytes)
        return
    if kind == "warc":
        yield from read_warc(path, gz=gz, max_bytes=max_bytes)
        return
    data = read_payload(path, gz=gz, max_bytes=max_bytes)
    if isinstance(data, IngestError):
        yield data
        return
    if not data:
        yield IngestError(uri, "empty file")
        return
    if kind == "html":
        yield from read_html(uri, data)
    elif kind == "feed":
        yield from read_feed(uri, data)
    elif kind == "json":
        yield from read_json(uri, data)
    else:
        yield from read_text(uri, data)


def watch(
    paths: Sequence[str | Path] | str | Path,
    *,
    interval: float = 5.0,
    settle: float = 2.0,
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES,
    stop: Callable[[], bool] | None = None,
) -> Iterator[Source | IngestError]:
    """Poll a folder that keeps filling and yield each new or changed file once.

    Files modified less than ``settle`` seconds ago are left for the next poll
    (a crawler may still be writing them). Unchanged files (same size and mtime)
    are not re-hashed. Runs until ``stop()`` returns True; the ingest checkpoints
    make a restarted watcher skip what was already stored.
    """
    known: dict[str, tuple[int, int]] = {}
    while True:
        now = time.time()
        for item in walk(paths):
            if isinstance(item, IngestError):
                continue  # a folder that does not exist yet may appear later
            try:
                st = item.stat()
            except OSError:
                continue
            key, stamp = str(item), (st.st_size, st.st_mtime_ns)
            if known.get(key) == stamp or now - st.st_mtime < settle:
                continue
            known[key] = stamp
            yield open_source(item, max_file_bytes=max_file_bytes)
        if stop is not None and stop():
            return
        time.sleep(interval)
