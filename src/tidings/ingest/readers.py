"""One reader per container format: each turns one file into raw documents or errors.

Readers never raise on a user's file: every problem becomes an
:class:`~tidings.ingest.base.IngestError` with a one-line reason, and documents
read before the problem are still yielded (a truncated archive keeps its first
records). They only unpack and decode; judging content is the read stage's job.
"""

from __future__ import annotations

import codecs
import datetime as dt
import gzip
import io
import json
import os
import re
import stat
import zlib
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, BinaryIO

from tidings.article import RawDocument
from tidings.ingest.base import IngestError, Limits
from tidings.ingest.encoding import (
    UndecodableError,
    bom_encoding,
    declared_charset,
    decode,
    normalise_charset,
    utf16_without_bom,
)
from tidings.untrusted import uri_of

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


class NotRegularFile(OSError):
    """The path is a FIFO, a socket or a device: opening it for reading could block forever."""


def open_regular(path: Path) -> BinaryIO:
    """Open a regular file for reading, refusing anything else (:class:`NotRegularFile`).

    ``O_NONBLOCK``: a FIFO put in place of a file after the folder was listed opens at
    once instead of waiting for a writer; the check then refuses it (no effect on files).
    """
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise NotRegularFile(f"{uri_of(path)}: not a regular file")
        return open(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def _os_reason(exc: OSError) -> str:
    if isinstance(exc, NotRegularFile):
        return "not a regular file"
    return f"cannot read file ({exc.strerror or exc})"


class _Inflated(Exception):
    """A compressed stream decompresses past its budget (see :class:`~tidings.ingest.base.Limits`)."""


def _inflation_check(raw: BinaryIO, limits: Limits) -> Callable[[int], None]:
    """A callback counting decompressed bytes; raises :class:`_Inflated` past the budget.

    The budget is ``max(max_bytes, max_inflation × compressed bytes read so far)``: a
    large honest archive (news text gzips 3-5×) always fits, a bomb (1,000×) is stopped
    after ``max_bytes`` of output whatever its size.
    """
    total = 0

    def counted(n: int) -> None:
        nonlocal total
        total += n
        if total > limits.max_bytes and total > limits.max_inflation * raw.tell():
            raise _Inflated(f"gave up after {mb(total)} decompressed: over {limits.max_inflation}× "
                            "the compressed size (a decompression bomb?)")  # fmt: skip

    return counted


# -- whole-file readers (text, HTML, JSON, feeds) --------------------------------------


def read_payload(path: Path, *, gz: bool, max_bytes: int) -> bytes | IngestError:
    """The file's bytes, decompressed when ``gz``, refusing more than ``max_bytes``."""
    uri = uri_of(path)
    try:
        with open_regular(path) as fh:
            if not gz:
                return fh.read()
            return _gunzip(fh, uri, max_bytes)
    except OSError as exc:
        return IngestError(uri, _os_reason(exc))


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


def _decoded(
    uri: str, data: bytes, declared: str | None = None, *, markup: bool = False
) -> tuple[str, str] | IngestError:
    """The text and its encoding, or the one-line reason it cannot be read (undecodable, blank)."""
    try:
        text, encoding = decode(data, declared=declared, markup=markup)
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
    decoded = _decoded(uri, data, declared or declared_charset(data), markup=True)
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
    # scalars only: str() of a deeply nested list would recurse past the interpreter's limit
    meta = {k: v if isinstance(v, str) else str(v)
            for k in META_FIELDS if isinstance(v := record.get(k), (str, int, float)) and v != ""}  # fmt: skip
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
    except RecursionError:
        yield IngestError(uri, f"JSON {_TOO_DEEP}")
        return
    if isinstance(value, list) and not value:
        yield IngestError(uri, "no articles (an empty JSON list)")
        return
    if isinstance(value, list):
        for n, record in enumerate(value, 1):
            yield record_to_document(record, f"{uri}#{n}", f"item {n}")
    else:
        yield record_to_document(value, uri, "document")


def read_feed(uri: str, data: bytes) -> Iterator[Item]:
    """An RSS/Atom feed via feedparser: one document per entry, the feed title as source."""
    import feedparser  # heavy import, only for feeds

    # Decoded here, not by feedparser: without a (correct) declaration feedparser falls back to
    # windows-1252 and stores EUC-JP, KOI8-R or TIS-620 feeds as mojibake; our detection reads them.
    try:
        text, encoding = decode(data, declared=declared_charset(data), markup=True)
    except UndecodableError as exc:
        yield IngestError(uri, str(exc))
        return
    try:
        parsed = feedparser.parse(_as_utf8_xml(text))
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
        # dict.get, not entry.get: feedparser's own lookup of "updated*" warns (DeprecationWarning,
        # printed on the user's terminal) when only "published*" exists
        when = dict.get(entry, "published_parsed") or dict.get(entry, "updated_parsed")
        if when:
            meta["published"] = dt.datetime(*when[:6], tzinfo=dt.UTC).isoformat()
        elif dict.get(entry, "published") or dict.get(entry, "updated"):
            meta["published"] = dict.get(entry, "published") or dict.get(entry, "updated")
        if source:
            meta["source"] = source
        entry_lang = next((c.get("language") for c in content if c.get("language")), None) or lang
        if entry_lang:
            meta["lang"] = entry_lang
        yield RawDocument(uri=where, text=body, format="html", url=entry.get("link") or None, meta=meta,
                          encoding=encoding)  # fmt: skip


_XML_ENCODING = re.compile(r"""^(\s*<\?xml[^>]*?\bencoding\s*=\s*)(["'])[^"']*\2""")


def _as_utf8_xml(text: str) -> bytes:
    """The decoded feed as UTF-8 bytes, its XML declaration saying so (else the parser re-decodes)."""
    return _XML_ENCODING.sub(r"\1\2utf-8\2", text, count=1).encode("utf-8")


# -- streaming readers (JSONL, WARC): no whole-file size limit, a per-record one -----------

#: The reason for a JSON value nested deeper than the interpreter's recursion limit (json raises
#: RecursionError near 1,000 levels; an article record nests a few levels).
_TOO_DEEP = "nested too deep (over ~1,000 levels)"


def read_jsonl(path: Path, *, gz: bool, limits: Limits) -> Iterator[Item]:
    """One article per line; each bad line is its own error and good lines still count."""
    uri = uri_of(path)
    n = 0
    records = 0
    try:
        with open_regular(path) as raw:
            stream: BinaryIO = gzip.GzipFile(fileobj=raw, mode="rb") if gz else raw
            counted = _inflation_check(raw, limits) if gz else _ignore
            for n, line in _json_lines(_utf8(stream), limits.max_bytes, counted):
                records += 1
                where = f"{uri}#L{n}"
                if line is None:
                    yield IngestError(where, f"line {n}: record too large (over {mb(limits.max_bytes)})")
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
                except RecursionError:
                    yield IngestError(where, f"line {n}: JSON {_TOO_DEEP}")
                    continue
                yield record_to_document(record, where, f"line {n}")
    except _Inflated as exc:
        yield IngestError(uri, f"{exc} (after line {n})" if n else str(exc))
        return
    except (EOFError, gzip.BadGzipFile, zlib.error) as exc:
        yield IngestError(uri, f"truncated or corrupt gzip after line {n} ({exc})")
        return
    except OSError as exc:
        yield IngestError(uri, _os_reason(exc))
        return
    if not records:
        yield IngestError(uri, "no JSON records (only blank lines)")


def _ignore(n: int) -> None:
    """No decompression budget: an uncompressed file is as large as it is on disk."""


#: JSON white space: the run skipped between lines in one C call (a file of a gigabyte of blank
#: lines took 7 minutes line by line; it now costs what reading it costs).
_BLANK = re.compile(rb"[ \t\r\n]*")


def _json_lines(stream: BinaryIO, max_bytes: int, counted: Callable[[int], None]) -> Iterator[tuple[int, bytes | None]]:
    """``(line number, line)`` of each non-blank line; ``None`` for a line over ``max_bytes``, skipped unread.

    Why not ``for line in fh``: one 2 GB line (a JSON array saved as ``.jsonl``) would be
    loaded whole into memory before its size could be checked, and blank lines would
    cost a Python loop turn each.
    """
    buf = b""
    pos = 0
    number = 1  # the line that starts at buf[pos]
    eof = False
    while True:
        end = _BLANK.match(buf, pos).end()  # type: ignore[union-attr]  # matches the empty string
        number += buf.count(b"\n", pos, end)
        pos = end
        newline = buf.find(b"\n", pos)
        if newline >= 0:
            yield number, (buf[pos:newline] if newline - pos <= max_bytes else None)
            number += 1
            pos = newline + 1
            continue
        if len(buf) - pos > max_bytes:  # a line longer than the limit: pass over it without keeping it
            yield number, None
            while True:
                chunk = stream.read(_CHUNK)
                counted(len(chunk))
                if not chunk:
                    return
                newline = chunk.find(b"\n")
                if newline >= 0:
                    buf, pos, number = chunk[newline + 1 :], 0, number + 1
                    break
            continue
        if eof:
            if pos < len(buf):
                yield number, buf[pos:]
            return
        chunk = stream.read(_CHUNK)
        counted(len(chunk))
        eof = not chunk
        buf, pos = buf[pos:] + chunk, 0


class _Utf8Stream(io.RawIOBase):
    """A UTF-16/32 byte stream read back as UTF-8, so that lines split on ``\\n`` bytes."""

    def __init__(self, stream: BinaryIO, codec: str) -> None:
        self.stream = stream
        self.decoder = codecs.getincrementaldecoder(codec)(errors="replace")
        self.pending = b""

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        while not self.pending:
            chunk = self.stream.read(_CHUNK)
            self.pending = self.decoder.decode(chunk, final=not chunk).encode("utf-8")
            if not chunk:
                break
        out, self.pending = (self.pending, b"") if size < 0 else (self.pending[:size], self.pending[size:])
        return out


def _utf8(stream: BinaryIO) -> BinaryIO:
    """``stream`` as UTF-8 bytes: UTF-16/32 (with or without a byte-order mark) is transcoded, the rest is kept.

    A JSONL file saved as UTF-16 by a Windows tool splits into lines of NUL-riddled bytes
    otherwise, every line a false "invalid JSON".
    """
    head = stream.peek(4096)[:4096] if hasattr(stream, "peek") else b""
    codec = bom_encoding(head)
    if codec in ("utf-16", "utf-32"):
        return _Utf8Stream(stream, codec)  # type: ignore[return-value]
    if codec is None and b"\x00" in head:
        guess = utf16_without_bom(head)
        if guess:
            return _Utf8Stream(stream, guess)  # type: ignore[return-value]
    return stream


def _json_reason(exc: BaseException) -> str:
    if isinstance(exc, json.JSONDecodeError):
        # some messages end in "at" ("Unterminated string starting at"): no "at at column 9"
        where = "column" if exc.msg.endswith(" at") else "at column"
        return f"{exc.msg} {where} {exc.colno}"
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__


def read_warc(path: Path, *, gz: bool, limits: Limits) -> Iterator[Item]:
    """HTML/text responses of a WARC (or ARC) archive; a truncated archive keeps the records before the cut.

    Each record is read only up to ``limits.max_bytes`` and the rest is passed over in
    chunks; a gzipped archive whose records inflate past ``limits.max_inflation`` is given
    up at that record (a 2 MB ``.warc.gz`` once held a 4 GB record in memory).
    """
    from warcio.archiveiterator import ArchiveIterator  # only for WARC input

    uri = uri_of(path)
    n = 0
    documents = 0
    passed: Counter[str] = Counter()  # what records held instead of an article, for the "no article" reason
    last_offset = 0
    try:
        with open_regular(path) as fh:
            counted = _inflation_check(fh, limits) if gz else _ignore
            records = ArchiveIterator(fh, arc2warc=True)  # ARC files read as WARC records
            for record in records:
                n += 1
                item = _warc_record(record, f"{uri}#R{n}", limits.max_bytes, passed, counted)
                _drain(record.raw_stream, counted)  # a short read means the archive was cut here
                if isinstance(record.raw_stream.limit, int) and record.raw_stream.limit > 0:
                    yield IngestError(uri, f"truncated WARC (record {n} cut short)")
                    return
                last_offset = records.get_record_offset()  # after reading: this call consumes the record
                if item is not None:
                    documents += isinstance(item, RawDocument)
                    yield item
    except _Inflated as exc:
        yield IngestError(uri, f"record {n}: {exc}")
        return
    except OSError as exc:
        yield IngestError(uri, _os_reason(exc))
        return
    except Exception as exc:  # warcio raises many types on damaged archives
        first = str(exc).splitlines()[0] if str(exc) else ""
        yield IngestError(uri, f"truncated or corrupt WARC after {n} records ({type(exc).__name__}: {first})")
        return
    if n == 0:
        yield IngestError(uri, "no WARC records")
    elif gz and not _gzip_members_complete(path, last_offset):
        yield IngestError(uri, f"truncated WARC.gz (gzip stream ends early after {n} records)")
    elif not documents and passed:
        held = ", ".join(f"{count} {what}" for what, count in passed.most_common(5))
        yield IngestError(uri, f"no article in {n} WARC record(s) (held: {held})")


def _drain(stream: Any, counted: Callable[[int], None]) -> None:
    """Read what is left of a record in chunks (never whole: it may be gigabytes), counting it."""
    while chunk := stream.read(_CHUNK):
        counted(len(chunk))


def _warc_record(
    record: Any, where: str, max_bytes: int, passed: Counter[str], counted: Callable[[int], None]
) -> Item | None:
    """The article in one record, an error, or None (noted in ``passed``) when it holds none."""
    if record.rec_type not in ("response", "resource", "conversion"):
        passed[record.rec_type] += 1
        return None
    headers = record.http_headers
    if headers is not None:
        status = headers.get_statuscode()
        if not str(status).startswith("2"):
            passed[f"HTTP {status}"] += 1
            return None  # redirects and errors hold no article
        content_type = headers.get_header("Content-Type") or ""
    else:
        content_type = record.rec_headers.get_header("Content-Type") or ""
    mime = content_type.split(";")[0].strip().lower()
    if mime not in _WARC_TYPES:
        passed[mime or "no content type"] += 1
        return None
    payload = record.content_stream().read(max_bytes + 1)
    counted(len(payload))
    if len(payload) > max_bytes:
        return IngestError(where, f"record too large (over {mb(max_bytes)})")
    if not payload.strip():
        passed["empty " + mime] += 1
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
    truncated ``.warc.gz`` would look complete; only the tail is decompressed, into
    a bounded buffer that is thrown away.
    """
    with open_regular(path) as fh:
        fh.seek(offset)
        decomp = zlib.decompressobj(16 + zlib.MAX_WBITS)
        fed = False
        try:
            while chunk := fh.read(_CHUNK):
                while True:
                    fed = True
                    out = decomp.decompress(chunk, _CHUNK)
                    if decomp.eof:
                        chunk = decomp.unused_data.lstrip(b"\x00")
                        decomp = zlib.decompressobj(16 + zlib.MAX_WBITS)
                        fed = False
                        if not chunk:
                            break
                        continue
                    chunk = decomp.unconsumed_tail
                    if not chunk and len(out) < _CHUNK:  # input used up, no output held back
                        break
        except zlib.error:
            return False
    return not fed
