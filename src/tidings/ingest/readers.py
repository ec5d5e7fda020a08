"""One reader per container format: each turns one file into raw documents or errors.

Readers never raise on a user's file: every problem becomes an
:class:`~tidings.ingest.base.IngestError` with a one-line reason, and documents
read before the problem are still yielded (a truncated archive keeps its first
records). They only unpack and decode; judging content is the read stage's job.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO

from tidings.article import RawDocument
from tidings.ingest.base import IngestError
from tidings.ingest.encoding import UndecodableError, declared_charset, decode, normalise_charset

Item = RawDocument | IngestError

#: JSONL fields copied into ``RawDocument.meta`` (declared metadata the read stage trusts).
META_FIELDS = ("title", "published", "source", "lang", "id")

#: WARC payload types that can hold an article.
_WARC_TYPES = ("text/html", "application/xhtml+xml", "text/plain")

_CHUNK = 1 << 20


def mb(n: int) -> str:
    """Bytes as a short human size, e.g. ``52.4 MB`` (binary megabytes, as ``max_file_bytes`` is set)."""
    if n < 1 << 20:
        return f"{n / 1024:.0f} KB"
    value = n / (1 << 20)
    return f"{value:.1f} MB" if value < 100 and value != int(value) else f"{value:.0f} MB"


# -- whole-file readers (text, HTML, JSON, feeds) --------------------------------------


def read_payload(path: Path, *, gz: bool, max_bytes: int) -> bytes | IngestError:
    """The file's bytes, decompressed when ``gz``, refusing more than ``max_bytes``."""
    uri = str(path)
    try:
        with open(path, "rb") as fh:
            if not gz:
                return fh.read()
            return _gunzip(fh, uri, max_bytes)
    except OSError as exc:
        return IngestError(uri, f"cannot read file ({exc.strerror or exc})")


def _gunzip(fh: BinaryIO, uri: str, max_bytes: int) -> bytes | IngestError:
    """Decompress every gzip member; why hand-written: ``gzip`` cannot cap the output size."""
    out = bytearray()
    decomp = zlib.decompressobj(16 + zlib.MAX_WBITS)
    fed = False  # the current member received input but has not ended
    try:
        while chunk := fh.read(_CHUNK):
            while chunk:
                fed = True
                out += decomp.decompress(chunk, max_bytes + 1 - len(out))
                if len(out) > max_bytes:
                    return IngestError(uri, f"file too large (over {mb(max_bytes)} decompressed)")
                if decomp.eof:  # next gzip member, if any
                    chunk = decomp.unused_data.lstrip(b"\x00")  # some writers pad members with NULs
                    decomp = zlib.decompressobj(16 + zlib.MAX_WBITS)
                    fed = False
                else:
                    chunk = decomp.unconsumed_tail
    except zlib.error as exc:
        return IngestError(uri, f"corrupt gzip ({exc})")
    if fed:
        return IngestError(uri, f"truncated gzip (stream ends early; {len(out)} bytes recovered)")
    return bytes(out)


def _decoded(uri: str, data: bytes, declared: str | None = None) -> tuple[str, str] | IngestError:
    """The text and its encoding, or the one-line reason it cannot be read (undecodable, blank)."""
    try:
        text, encoding = decode(data, declared=declared)
    except UndecodableError as exc:
        return IngestError(uri, str(exc))
    if not text.strip():
        return IngestError(uri, "empty file (only whitespace)")
    return text, encoding


def read_text(uri: str, data: bytes) -> Iterator[Item]:
    decoded = _decoded(uri, data)
    if isinstance(decoded, IngestError):
        yield decoded
        return
    text, encoding = decoded
    yield RawDocument(uri=uri, text=text, format="text", encoding=encoding)


def read_html(uri: str, data: bytes, *, declared: str | None = None, url: str | None = None,
              meta: dict[str, Any] | None = None) -> Iterator[Item]:  # fmt: skip
    """An HTML page; the charset named by ``declared`` (HTTP) or the page's ``<meta>`` is honoured."""
    decoded = _decoded(uri, data, declared or declared_charset(data))
    if isinstance(decoded, IngestError):
        yield decoded
        return
    text, encoding = decoded
    yield RawDocument(uri=uri, text=text, format="html", url=url, meta=dict(meta or {}), encoding=encoding)


def record_to_document(record: Any, uri: str, where: str) -> Item:
    """One JSON article record (``text`` or ``html`` plus metadata) → a raw document.

    ``html`` wins when both are given: it is the original page, and the clean
    stage extracts far better from HTML than from already-flattened text.
    """
    if not isinstance(record, dict):
        return IngestError(uri, f"{where}: not a JSON object ({type(record).__name__})")
    html, text = record.get("html"), record.get("text")
    if isinstance(html, str) and html.strip():
        body, fmt = html, "html"
    elif isinstance(text, str) and text.strip():
        body, fmt = text, "text"
    else:
        return IngestError(uri, f"{where}: neither 'text' nor 'html'")
    url = record.get("url")
    meta = {k: record[k] if isinstance(record[k], str) else str(record[k])
            for k in META_FIELDS if record.get(k) not in (None, "")}  # fmt: skip
    return RawDocument(uri=uri, text=body, format=fmt, url=url if isinstance(url, str) and url else None,
                       meta=meta, encoding="utf-8")  # fmt: skip


def read_json(uri: str, data: bytes) -> Iterator[Item]:
    """A ``.json`` file: one article object, or a list of them."""
    try:
        text, _ = decode(data)
        value = json.loads(text)
    except (UndecodableError, ValueError) as exc:
        yield IngestError(uri, f"invalid JSON ({_json_reason(exc)})")
        return
    if isinstance(value, list):
        for n, record in enumerate(value, 1):
            yield record_to_document(record, f"{uri}#{n}", f"item {n}")
    else:
        yield record_to_document(value, uri, "document")


def read_feed(uri: str, data: bytes) -> Iterator[Item]:
    """An RSS/Atom feed via feedparser: one document per entry, the feed title as source."""
    import feedparser  # heavy import, only for feeds

    try:
        parsed = feedparser.parse(data)
    except Exception as exc:  # feedparser is lenient, but a user's file must never crash us
        yield IngestError(uri, f"unreadable feed ({type(exc).__name__}: {exc})")
        return
    entries = parsed.get("entries") or []
    if not entries:
        problem = parsed.get("bozo_exception")
        why = f": {str(problem).splitlines()[0]}" if problem else ""
        yield IngestError(uri, f"no feed entries (not an RSS/Atom feed?{why})")
        return
    feed = parsed.get("feed", {})
    source = feed.get("title")
    lang = feed.get("language")
    for n, entry in enumerate(entries, 1):
        where = f"{uri}#E{n}"
        content = entry.get("content") or []
        body = next((c.get("value") for c in content if c.get("value")), None) or entry.get("summary")
        if not body or not body.strip():
            yield IngestError(where, f"entry {n}: no content or summary")
            continue
        meta: dict[str, Any] = {}
        if entry.get("title"):
            meta["title"] = entry["title"]
        when = entry.get("published_parsed") or entry.get("updated_parsed")
        if when:
            meta["published"] = dt.datetime(*when[:6], tzinfo=dt.UTC).isoformat()
        elif entry.get("published") or entry.get("updated"):
            meta["published"] = entry.get("published") or entry.get("updated")
        if source:
            meta["source"] = source
        entry_lang = next((c.get("language") for c in content if c.get("language")), None) or lang
        if entry_lang:
            meta["lang"] = entry_lang
        yield RawDocument(uri=where, text=body, format="html", url=entry.get("link") or None, meta=meta,
                          encoding=parsed.get("encoding"))  # fmt: skip


# -- streaming readers (JSONL, WARC): no whole-file size limit, a per-record one -----------


def read_jsonl(path: Path, *, gz: bool, max_bytes: int) -> Iterator[Item]:
    """One article per line; each bad line is its own error and good lines still count."""
    uri = str(path)
    n = 0
    try:
        with (gzip.open(path, "rb") if gz else open(path, "rb")) as fh:
            for n, line in enumerate(_bounded_lines(fh, max_bytes), 1):
                where = f"{uri}#L{n}"
                if line is None:
                    yield IngestError(where, f"line {n}: record too large (over {mb(max_bytes)})")
                    continue
                if not line.strip():
                    continue
                try:
                    text = line.decode("utf-8-sig" if n == 1 else "utf-8")
                except UnicodeDecodeError:
                    try:
                        text, _ = decode(line)
                    except UndecodableError as exc:
                        yield IngestError(where, f"line {n}: {exc}")
                        continue
                try:
                    record = json.loads(text)
                except ValueError as exc:
                    yield IngestError(where, f"line {n}: invalid JSON ({_json_reason(exc)})")
                    continue
                yield record_to_document(record, where, f"line {n}")
    except (EOFError, gzip.BadGzipFile, zlib.error) as exc:
        yield IngestError(uri, f"truncated or corrupt gzip after line {n} ({exc})")
    except OSError as exc:
        yield IngestError(uri, f"cannot read file ({exc.strerror or exc})")


def _bounded_lines(fh: BinaryIO, max_bytes: int) -> Iterator[bytes | None]:
    """Lines of a binary stream; ``None`` for a line longer than ``max_bytes``, which is skipped unread.

    Why not ``for line in fh``: one 2 GB line (a JSON array saved as ``.jsonl``)
    would be loaded whole into memory before its size could be checked.
    """
    while True:
        line = fh.readline(max_bytes + 1)
        if not line:
            return
        if len(line) > max_bytes and not line.endswith(b"\n"):
            while (rest := fh.readline(_CHUNK)) and not rest.endswith(b"\n"):
                pass
            yield None
            continue
        yield line


def _json_reason(exc: BaseException) -> str:
    if isinstance(exc, json.JSONDecodeError):
        return f"{exc.msg} at column {exc.colno}"
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__


def read_warc(path: Path, *, gz: bool, max_bytes: int) -> Iterator[Item]:
    """HTML/text responses of a WARC archive; a truncated archive keeps the records before the cut."""
    from warcio.archiveiterator import ArchiveIterator  # only for WARC input

    uri = str(path)
    n = 0
    last_offset = 0
    try:
        with open(path, "rb") as fh:
            records = ArchiveIterator(fh, arc2warc=True)  # ARC files read as WARC records
            for record in records:
                n += 1
                item = _warc_record(record, f"{uri}#R{n}", max_bytes)
                record.raw_stream.read()  # drain it: a short read means the archive was cut here
                if isinstance(record.raw_stream.limit, int) and record.raw_stream.limit > 0:
                    yield IngestError(uri, f"truncated WARC (record {n} cut short)")
                    return
                last_offset = records.get_record_offset()  # after reading: this call consumes the record
                if item is not None:
                    yield item
    except Exception as exc:  # warcio raises many types on damaged archives
        first = str(exc).splitlines()[0] if str(exc) else ""
        yield IngestError(uri, f"truncated or corrupt WARC after {n} records ({type(exc).__name__}: {first})")
        return
    if n == 0:
        yield IngestError(uri, "no WARC records")
    elif gz and not _gzip_members_complete(path, last_offset):
        yield IngestError(uri, f"truncated WARC.gz (gzip stream ends early after {n} records)")


def _warc_record(record: Any, where: str, max_bytes: int) -> Item | None:
    if record.rec_type not in ("response", "resource", "conversion"):
        return None
    headers = record.http_headers
    if headers is not None:
        status = headers.get_statuscode()
        if not str(status).startswith("2"):
            return None  # redirects and errors hold no article
        content_type = headers.get_header("Content-Type") or ""
    else:
        content_type = record.rec_headers.get_header("Content-Type") or ""
    mime = content_type.split(";")[0].strip().lower()
    if mime not in _WARC_TYPES:
        return None
    payload = record.content_stream().read(max_bytes + 1)
    if len(payload) > max_bytes:
        return IngestError(where, f"record too large (over {mb(max_bytes)})")
    if not payload.strip():
        return None
    charset = None
    if "charset=" in content_type.lower():
        charset = normalise_charset(content_type.lower().split("charset=", 1)[1].split(";")[0])
    url = record.rec_headers.get_header("WARC-Target-URI")
    meta = {"warc_date": record.rec_headers.get_header("WARC-Date")}
    if mime == "text/plain":
        try:
            text, encoding = decode(payload, declared=charset)
        except UndecodableError as exc:
            return IngestError(where, str(exc))
        return RawDocument(uri=where, text=text, format="text", url=url, meta=meta, encoding=encoding)
    return next(read_html(where, payload, declared=charset, url=url, meta=meta))


def _gzip_members_complete(path: Path, offset: int) -> bool:
    """True when every gzip member from ``offset`` (the last record's) to the end is complete.

    warcio stops silently at a gzip member cut short, so without this check a
    truncated ``.warc.gz`` would look complete; only the tail is decompressed.
    """
    with open(path, "rb") as fh:
        fh.seek(offset)
        decomp = zlib.decompressobj(16 + zlib.MAX_WBITS)
        fed = False
        try:
            while chunk := fh.read(_CHUNK):
                while chunk:
                    fed = True
                    decomp.decompress(chunk)
                    if decomp.eof:
                        chunk = decomp.unused_data.lstrip(b"\x00")
                        decomp = zlib.decompressobj(16 + zlib.MAX_WBITS)
                        fed = False
                    else:
                        chunk = b""
        except zlib.error:
            return False
    return not fed
