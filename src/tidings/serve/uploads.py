"""Uploads for ``POST /api/ingest``: where they land, what they may be called, how big they may be.

Nothing a request sends reaches the file system except file *contents*, written into a folder
the server made for itself (``tempfile.mkdtemp``), one fresh sub-folder per request, under names
the server makes (``000.html``, ``001.jsonl`` …). Of a client's file name only the extension is
kept, and only when it is one the readers know (it tells them the format), so no path, no
``..``, no device name and no odd character ever reaches ``open``. The folder is deleted when
the request ends.
"""

from __future__ import annotations

import shutil
import tempfile
import threading
from pathlib import Path

#: Extensions kept from a client's file name (the readers pick the format by them); others become ``.txt``.
KNOWN_SUFFIXES = (
    ".warc.gz", ".jsonl.gz", ".txt", ".text", ".html", ".htm", ".jsonl", ".ndjson", ".json", ".xml", ".rss",
    ".atom", ".warc", ".gz",
)
#: Content types of a raw (non-multipart) body, and the extension they stand for.
CONTENT_TYPES = {
    "application/x-ndjson": ".jsonl",
    "application/jsonl": ".jsonl",
    "application/json": ".json",
    "text/html": ".html",
    "text/plain": ".txt",
    "application/rss+xml": ".xml",
    "application/atom+xml": ".xml",
    "application/xml": ".xml",
    "text/xml": ".xml",
}


class TooLarge(ValueError):
    """The upload is larger than the server accepts."""


def suffix_for(name: str | None, content_type: str | None = None) -> str:
    """The extension a stored upload gets: a known one from the client's name, else from the content type."""
    lowered = (name or "").strip().lower()
    for suffix in KNOWN_SUFFIXES:
        if lowered.endswith(suffix):
            return suffix
    kind = (content_type or "").split(";")[0].strip().lower()
    return CONTENT_TYPES.get(kind, ".txt")


class UploadArea:
    """The server's own folder for uploads; :meth:`new_batch` gives each request its own sub-folder."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.root: Path | None = None  # made at the first upload (a read-only server never makes it)
        self._count = 0
        self._lock = threading.Lock()

    def new_batch(self) -> Batch:
        with self._lock:
            if self.root is None:
                self.root = Path(tempfile.mkdtemp(prefix="tidings-uploads-"))
            self._count += 1
            folder = self.root / f"batch-{self._count:06d}"
        folder.mkdir()
        return Batch(folder, self.max_bytes)

    def close(self) -> None:
        if self.root is not None:
            shutil.rmtree(self.root, ignore_errors=True)


class Batch:
    """The files of one request, written under server-made names, size-limited in total."""

    def __init__(self, folder: Path, max_bytes: int) -> None:
        self.folder = folder
        self.max_bytes = max_bytes
        self.written = 0
        self.files: list[Path] = []

    def open(self, suffix: str) -> BatchFile:
        if suffix not in KNOWN_SUFFIXES:  # only the server's own suffixes (see suffix_for)
            suffix = ".txt"
        path = self.folder / f"{len(self.files):03d}{suffix}"
        self.files.append(path)
        return BatchFile(self, path)

    def remove(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


class BatchFile:
    """One upload being written; counts against its batch's size limit."""

    def __init__(self, batch: Batch, path: Path) -> None:
        self.batch = batch
        self.path = path
        self._fh = open(path, "wb")  # noqa: SIM115 - closed by close()

    def write(self, chunk: bytes) -> None:
        self.batch.written += len(chunk)
        if self.batch.written > self.batch.max_bytes:
            raise TooLarge(f"upload larger than {self.batch.max_bytes} bytes")
        self._fh.write(chunk)

    def close(self) -> None:
        self._fh.close()
