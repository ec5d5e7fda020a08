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

import errno
import hashlib
import os
import stat
import time
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import partial
from pathlib import Path

from tidings.article import RawDocument
from tidings.ingest.base import IngestError, Limits, Source
from tidings.ingest.readers import (
    NotRegularFile,
    mb,
    open_regular,
    read_feed,
    read_html,
    read_json,
    read_jsonl,
    read_payload,
    read_text,
    read_warc,
)
from tidings.ingest.sniff import GZIP_MAGIC, binary_kind, sniff
from tidings.untrusted import one_line, uri_of
from tidings.watchdog import TimeBudgetExceeded, time_budget

__all__ = [
    "DEFAULT_MAX_FILE_BYTES", "IngestError", "Limits", "RawDocument", "Source", "iter_sources", "open_source", "walk",
    "watch",
]  # fmt: skip

#: Same default as ``Options.max_file_bytes``: a 50 MB "HTML page" is not an article.
DEFAULT_MAX_FILE_BYTES = 20 * 1024 * 1024

#: Bytes read to sniff a file's kind and encoding-independent markers.
_HEAD = 65536

_STREAMED = ("jsonl", "warc")


def iter_sources(
    paths: Sequence[str | Path] | str | Path,
    *,
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES,
    limits: Limits | None = None,
    follow_links: bool = False,
    skip: Iterable[str | Path] = (),
) -> Iterator[Source | IngestError]:
    """Every file under ``paths`` (recursive, sorted, hidden files and folders skipped) as a source or an error.

    ``limits``: the budgets per input (``max_file_bytes`` is its ``max_bytes`` when it is not
    given); ``follow_links``: also read what symbolic links point to outside ``paths``;
    ``skip``: files that are never inputs (the store's own database, journal and lock files).
    """
    limits = limits or Limits(max_bytes=max_file_bytes)
    for item in walk(paths, follow_links=follow_links, skip=skip):
        yield item if isinstance(item, IngestError) else open_source(item, limits=limits)


def walk(
    paths: Sequence[str | Path] | str | Path, *, follow_links: bool = False, skip: Iterable[str | Path] = ()
) -> Iterator[Path | IngestError]:
    """Regular files under ``paths`` in a stable order, each once; everything else becomes an error.

    A symbolic link is followed when it points inside one of ``paths`` (or always, with
    ``follow_links``): a link in a drop folder to ``/etc/passwd`` must not be read. Broken
    links, link loops, FIFOs, sockets and devices become errors: opening a FIFO would block
    the batch forever. A path named on the command line is followed wherever it points.
    """
    if isinstance(paths, (str, Path)):
        paths = [paths]
    roots = [Path(raw).absolute() for raw in paths]
    inside = [os.path.realpath(root) for root in roots]
    never = {os.path.realpath(path) for path in skip}
    seen: set[str] = set()
    for root in roots:
        try:
            mode = root.stat().st_mode
        except OSError as exc:
            yield IngestError(uri_of(root), _why_unreachable(root, exc))
            continue
        if stat.S_ISDIR(mode):
            files: Iterator[Path | IngestError] = _walk_dir(root, inside, follow_links)
        elif stat.S_ISREG(mode):
            files = iter([root])
        else:
            yield IngestError(uri_of(root), f"not a regular file or folder ({_file_kind(mode)})")
            continue
        for file in files:
            if isinstance(file, IngestError):
                yield file
                continue
            key = os.path.realpath(file)
            if key not in seen and key not in never:
                seen.add(key)
                yield file


def _walk_dir(root: Path, inside: list[str], follow_links: bool) -> Iterator[Path | IngestError]:
    """Files of ``root`` then of its folders, depth first, by name; links checked one by one."""
    walked: set[str] = set()  # folders by real path: a link back up the tree is walked once
    stack = [root]
    while stack:
        folder = stack.pop()
        real = os.path.realpath(folder)
        if real in walked:
            continue
        walked.add(real)
        try:
            with os.scandir(folder) as listing:
                entries = sorted(listing, key=lambda e: e.name)
        except OSError as exc:
            yield IngestError(uri_of(folder), f"cannot list folder ({exc.strerror or exc})")
            continue
        folders: list[Path] = []
        for entry in entries:
            if entry.name.startswith("."):
                continue
            path = Path(entry.path)
            try:
                if entry.is_symlink():
                    target = _link_target(path, inside, follow_links)
                    if isinstance(target, IngestError):
                        yield target
                        continue
                    mode = target
                else:
                    mode = entry.stat(follow_symlinks=False).st_mode
            except OSError as exc:
                yield IngestError(uri_of(path), f"cannot read file ({exc.strerror or exc})")
                continue
            if stat.S_ISDIR(mode):
                folders.append(path)
            elif stat.S_ISREG(mode):
                yield path
            else:
                yield IngestError(uri_of(path), f"not a regular file ({_file_kind(mode)})")
        stack.extend(reversed(folders))


def _link_target(path: Path, inside: list[str], follow_links: bool) -> int | IngestError:
    """The mode of what the link ``path`` points to, or why it is not followed."""
    uri = uri_of(path)
    try:
        target = os.path.realpath(path, strict=True)
    except FileNotFoundError:
        return IngestError(uri, f"broken symbolic link (to {one_line(os.readlink(path))})")
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return IngestError(uri, "symbolic link loop")
        raise
    if not follow_links and not any(_within(target, root) for root in inside):
        return IngestError(uri, f"symbolic link to {uri_of(target)}, outside the input folders "
                                "(not followed; --follow-links reads it)")  # fmt: skip
    return os.stat(target).st_mode


def _within(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def _why_unreachable(path: Path, exc: OSError) -> str:
    if path.is_symlink():
        return "symbolic link loop" if exc.errno == errno.ELOOP else "broken symbolic link"
    if isinstance(exc, FileNotFoundError):
        return "no such file or directory"
    return f"cannot read file ({exc.strerror or exc})"


def _file_kind(mode: int) -> str:
    for test, name in ((stat.S_ISFIFO, "FIFO"), (stat.S_ISSOCK, "socket"), (stat.S_ISCHR, "character device"),
                       (stat.S_ISBLK, "block device")):  # fmt: skip
        if test(mode):
            return name
    return "special file"


def open_source(path: Path, *, max_file_bytes: int = DEFAULT_MAX_FILE_BYTES,
                limits: Limits | None = None) -> Source | IngestError:  # fmt: skip
    """Sniff one file and return the reader for it, or the reason it cannot be read.

    ``limits``: the budgets of :class:`~tidings.ingest.base.Limits`; ``max_file_bytes``
    sets its ``max_bytes`` when ``limits`` is not given.
    """
    limits = limits or Limits(max_bytes=max_file_bytes)
    uri = uri_of(path)
    try:
        with open_regular(path) as fh:
            size = os.fstat(fh.fileno()).st_size
            if size == 0:
                return IngestError(uri, "empty file")
            head = fh.read(_HEAD)
    except NotRegularFile:
        return IngestError(uri, "not a regular file")
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
    if kind not in _STREAMED and size > limits.max_bytes:
        return IngestError(uri, f"file too large ({mb(size)} > {mb(limits.max_bytes)})")
    try:
        fingerprint = _fingerprint(path)
    except OSError as exc:
        return IngestError(uri, f"cannot read file ({exc.strerror or exc})")
    reader = partial(_read_within, path, kind, gz, limits)
    return Source(uri=uri, fingerprint=fingerprint, read=reader, size=size)


def _fingerprint(path: Path) -> str:
    """SHA-1 of the bytes: size+mtime would miss an in-place rewrite, and hashing costs ~1 ms per MB."""
    digest = hashlib.sha1(usedforsecurity=False)
    with open_regular(path) as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return "sha1:" + digest.hexdigest()


def _read_within(path: Path, kind: str, gz: bool, limits: Limits) -> Iterator[RawDocument | IngestError]:
    """The documents of one file, within its budgets of time and records (see :class:`Limits`).

    Each document gets ``limits.seconds`` to be unpacked; a file that runs past it, or past
    ``max_records`` records or ``max_bad_records`` bad ones, ends with one error saying so
    and the documents before it are kept. Nothing raises: a reader bug is an error too.
    A file that yields nothing at all says so, so every input ends as documents or an error.
    """
    uri = uri_of(path)
    items = _read(path, kind, gz, limits)
    records = bad = 0
    try:
        while True:
            try:
                with time_budget(limits.seconds):
                    item = next(items)
            except StopIteration:
                break
            except TimeBudgetExceeded as exc:
                yield IngestError(uri, f"{exc} (unpacking record {records + 1})" if records else str(exc))
                return
            except Exception as exc:  # a reader bug must not stop the batch
                yield IngestError(uri, f"unreadable: {type(exc).__name__}: {exc}")
                return
            records += 1
            bad += isinstance(item, IngestError)
            yield item
            if bad >= limits.max_bad_records and bad < records:
                yield IngestError(uri, f"gave up after {bad:,} bad records of {records:,}")
                return
            if records >= limits.max_records:
                yield IngestError(uri, f"gave up after {records:,} records (the budget per file; split it)")
                return
    finally:
        items.close()
    if not records:
        yield IngestError(uri, "nothing to read in this file")


def _read(path: Path, kind: str, gz: bool, limits: Limits) -> Iterator[RawDocument | IngestError]:
    uri = uri_of(path)
    if kind == "jsonl":
        yield from read_jsonl(path, gz=gz, limits=limits)
        return
    if kind == "warc":
        yield from read_warc(path, gz=gz, limits=limits)
        return
    data = read_payload(path, gz=gz, max_bytes=limits.max_bytes)
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
