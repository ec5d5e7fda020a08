"""Untrusted text made safe to store and to show: file names, reasons, article text.

Everything an input brings is chosen by whoever wrote it: a file name can hold bytes
that are not UTF-8 (SQLite and JSON refuse them), a line break (which splits the
one-line ``error: FILE: REASON`` messages), or terminal escape sequences (which
would drive the user's terminal); an article can hold HTML that a Markdown renderer
would run. Each output escapes for its own context, with the functions here:

* :func:`uri_of` — how a path is stored and printed: always valid UTF-8, one line;
* :func:`one_line` — a reason or a name inside a one-line message;
* :func:`terminal_safe` — multi-line text for a terminal (line breaks and tabs kept);
* :func:`markdown_text` — text inside Markdown (inert: no HTML, links or emphasis);
* :func:`map_strings` — apply one of them to every string of a dataclass tree (a card).

Why hand-written: the escapes are a few lines of ``re``; the libraries that do this
(``markupsafe``, ``rich.markup.escape``) each cover one context and not the others.
"""

from __future__ import annotations

import dataclasses
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")

#: Characters that break a line, drive a terminal or reorder what is shown: C0 and C1 controls
#: (ESC starts terminal sequences; 0x9b is an 8-bit CSI), line and paragraph separators, the
#: bidirectional overrides ("Trojan Source"), and lone surrogates (bytes of a file name that
#: are not UTF-8, as ``os.fsdecode`` keeps them).
_OTHERS = "\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff"
_UNSAFE = re.compile(f"[\x00-\x1f{_OTHERS}]")
#: The same, except line breaks and tabs (multi-line text for a terminal).
_UNSAFE_IN_TEXT = re.compile(f"[\x00-\x08\x0b-\x1f{_OTHERS}]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(match: re.Match[str]) -> str:
    ch = match.group()
    code = ord(ch)
    if 0xDC80 <= code <= 0xDCFF:  # a byte of a name that was not UTF-8 (surrogateescape)
        return f"\\x{code - 0xDC00:02x}"
    if ch in _NAMED:
        return _NAMED[ch]
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def one_line(text: str) -> str:
    """``text`` with line breaks, controls and undecodable bytes written as ``\\n``, ``\\x1b``, ``\\xe9``.

    The common case (nothing to escape) costs one ``str.isprintable`` call.
    """
    if text.isprintable():
        return text
    return _UNSAFE.sub(_escape, text)


def terminal_safe(text: str) -> str:
    """Multi-line text for a terminal: as :func:`one_line`, but line breaks and tabs stay."""
    if text.isprintable():
        return text
    return _UNSAFE_IN_TEXT.sub(_escape, text)


def uri_of(path: str | bytes | Path) -> str:
    """How an input path is stored and shown: valid UTF-8 on one line, whatever bytes its name holds.

    Two names can only collide when one of them literally contains the escape text
    (``caf\\xe9.txt`` typed with a backslash); the file itself is still read by its real path.
    """
    return one_line(os.fsdecode(path))


#: Markdown punctuation that could start emphasis, code, a link, an image, a table cell or
#: strikethrough; a backslash makes each literal (CommonMark, GitHub Flavored Markdown).
_MD_PUNCT = re.compile(r"([\\`*_\[\]|~#])")
_MD_HTML = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}


def markdown_text(text: str) -> str:
    """``text`` as inert Markdown: one line, HTML escaped as entities, Markdown punctuation backslashed.

    One line, because a line break lets text open a block of its own (a raw HTML
    block, a heading, a code block) whatever is escaped inside it.
    """
    flat = " ".join(terminal_safe(text).split())
    flat = re.sub(r"[&<>]", lambda m: _MD_HTML[m.group()], flat)
    return _MD_PUNCT.sub(r"\\\1", flat)


def map_strings(value: T, fn: Callable[[str], str]) -> T:
    """A copy of ``value`` with ``fn`` applied to every string in it (dataclasses, lists, tuples, dicts)."""
    return _map(value, fn)


def _map(value: Any, fn: Callable[[str], str]) -> Any:
    if isinstance(value, str):
        return fn(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {f.name: _map(getattr(value, f.name), fn) for f in dataclasses.fields(value) if f.init}
        return dataclasses.replace(value, **changes)
    if isinstance(value, list):
        return [_map(v, fn) for v in value]
    if isinstance(value, tuple):
        return tuple(_map(v, fn) for v in value)
    if isinstance(value, dict):
        return {_map(k, fn): _map(v, fn) for k, v in value.items()}
    return value
