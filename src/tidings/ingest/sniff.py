"""What kind of file is this? Magic numbers and the first bytes first, the extension second.

Crawler output is often misnamed (HTML saved as ``.txt``, feeds as ``.php``), so
content decides where it can; the extension only settles what content cannot
(a JSON line and a plain text starting with ``{`` look alike in one line).
"""

from __future__ import annotations

import re
from pathlib import Path

#: Kinds a reader exists for.
KINDS = ("text", "html", "jsonl", "json", "feed", "warc")

_EXTENSIONS: dict[str, str] = {
    ".txt": "text",
    ".text": "text",
    ".md": "text",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".shtml": "html",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "json",
    ".xml": "feed",
    ".rss": "feed",
    ".atom": "feed",
    ".rdf": "feed",
    ".warc": "warc",
    ".arc": "warc",
}

#: Magic numbers of formats people drop into a news folder by mistake. Patterns
#: that are also plausible first letters of a text ("MZ…", "BZh…", "ID3…") carry
#: the bytes that follow them in the real format, so a text is never refused.
_MAGIC: tuple[tuple[re.Pattern[bytes], str], ...] = tuple(
    (re.compile(pattern, re.S), name)
    for pattern, name in (
        (rb"%PDF-", "PDF document"),
        (rb"\x89PNG\r\n", "PNG image"),
        (rb"\xff\xd8\xff", "JPEG image"),
        (rb"GIF8[79]a", "GIF image"),
        (rb"RIFF....(?:WEBP|WAVE|AVI )", "RIFF media (WebP/WAV/AVI)"),
        (rb"\x7fELF", "ELF executable"),
        (rb"MZ.{0,62}\x00", "Windows executable"),
        (rb"PK\x03\x04", "ZIP archive (or DOCX/XLSX/EPUB)"),
        (rb"7z\xbc\xaf\x27\x1c", "7-Zip archive"),
        (rb"Rar!\x1a\x07", "RAR archive"),
        (rb"BZh[1-9]1AY&SY", "bzip2 archive (decompress it first)"),
        (rb"\xfd7zXZ\x00", "xz archive (decompress it first)"),
        (rb"\x28\xb5\x2f\xfd", "zstd archive (decompress it first)"),
        (rb"SQLite format 3\x00", "SQLite database"),
        (rb"OggS\x00", "Ogg media"),
        (rb"ID3[\x02-\x04]\x00", "MP3 audio"),
        (rb"\x00\x00\x01\x00", "icon image"),
        (rb"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "MS Office document"),
        (rb"\x00asm", "WebAssembly module"),
        (rb"\xca\xfe\xba\xbe", "Java class / Mach-O"),
        (rb"....ftyp", "MP4/HEIF media"),
    )
)

GZIP_MAGIC = b"\x1f\x8b"

#: The first element of a page or a feed, matched after :func:`_skip_prolog`.
_HTML_START = re.compile(rb"<(?:!doctype\s+html|html|head|body|meta|title)\b", re.I)
_FEED_START = re.compile(rb"<(?:rss|feed|rdf:RDF)\b", re.I)
#: How archive formats open: WARC records, and the ``filedesc://`` record of an ARC file (warcio reads both).
_ARCHIVE_START = (b"WARC/", b"filedesc://")
_HTML_ANYWHERE = re.compile(rb"<(?:html|body|p|div|article)[\s>]", re.I)


def binary_kind(head: bytes) -> str | None:
    """A name for the binary format these first bytes announce, or None."""
    for pattern, name in _MAGIC:
        if pattern.match(head):
            return name
    return None


def strip_compression_suffix(name: str) -> str:
    return name[:-3] if name.lower().endswith(".gz") else name


def sniff(name: str, head: bytes) -> str:
    """The reader kind for a file called ``name`` whose (decompressed) content starts with ``head``."""
    ext = Path(strip_compression_suffix(name)).suffix.lower()
    by_ext = _EXTENSIONS.get(ext)
    body = _skip_bom(head)
    if body.startswith(_ARCHIVE_START):
        return "warc"
    if by_ext in ("jsonl", "json", "warc"):
        return by_ext
    first = _skip_prolog(body)
    if _FEED_START.match(first):
        return "feed"
    if _HTML_START.match(first):
        return "html"
    if by_ext in ("html", "feed"):
        return by_ext
    if by_ext is None:
        stripped = body.lstrip()
        if stripped.startswith(b"{") and b"\n" in stripped and stripped.split(b"\n", 1)[0].rstrip().endswith(b"}"):
            return "jsonl"
        if _HTML_ANYWHERE.search(body[:4096]) and body.count(b"<") > 10:
            return "html"
    return "text"


def _skip_prolog(body: bytes) -> bytes:
    """``body`` from its first element on: leading white space, comments and ``<?…?>`` declarations skipped.

    A loop, not a regex: ``(?:<!--.*?-->\\s*)*`` backtracked exponentially on pages that
    open with many comments (CMS pages do; 28 comments took 74 s). Each step here moves
    forward, so the cost is linear in the head.
    """
    pos = 0
    while True:
        while pos < len(body) and body[pos] in b" \t\r\n\f":
            pos += 1
        if body.startswith(b"<!--", pos):
            end = body.find(b"-->", pos + 4)
            if end < 0:
                return b""
            pos = end + 3
        elif body.startswith(b"<?", pos):
            end = body.find(b">", pos + 2)
            if end < 0:
                return b""
            pos = end + 1
        else:
            return body[pos:]


def _skip_bom(head: bytes) -> bytes:
    if head.startswith(b"\xef\xbb\xbf"):
        return head[3:]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        # UTF-16 markup: sniff its ASCII skeleton
        return head[2:].replace(b"\x00", b"")
    return head
