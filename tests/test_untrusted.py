"""Untrusted names and text are escaped for where they go: the store, one-line messages, terminals, Markdown."""

from __future__ import annotations

import os

from tidings.untrusted import map_strings, markdown_text, one_line, terminal_safe, uri_of


def test_a_name_that_is_not_utf8_is_stored_escaped() -> None:
    uri = uri_of(os.fsencode("/in/") + b"caf\xe9.txt")
    assert uri == "/in/caf\\xe9.txt"
    uri.encode("utf-8")  # what SQLite and JSON need


def test_line_breaks_and_terminal_escapes_cannot_break_a_message() -> None:
    name = "\x1b]0;owned\x07bad\nname\u202e.txt"
    assert one_line(name) == "\\x1b]0;owned\\x07bad\\nname\\u202e.txt"
    assert one_line("Café 東京 — plain") == "Café 東京 — plain"  # printable text is left alone
    assert terminal_safe("line one\n\tline two\x1b[2J") == "line one\n\tline two\\x1b[2J"


def test_markdown_text_is_inert() -> None:
    text = "Storm <script>alert(1)</script>\n<img src=x onmouseover=alert(2)> *now* [x](javascript:y) a_b"
    out = markdown_text(text)
    assert "<" not in out and ">" not in out and "\n" not in out
    assert out == ("Storm &lt;script&gt;alert(1)&lt;/script&gt; &lt;img src=x onmouseover=alert(2)&gt; "
                   "\\*now\\* \\[x\\](javascript:y) a\\_b")  # fmt: skip


def test_map_strings_reaches_every_string_of_a_dataclass_tree() -> None:
    from dataclasses import dataclass, field

    @dataclass(frozen=True)
    class Leaf:
        text: str
        n: int = 1

    @dataclass
    class Tree:
        title: str
        leaves: list[Leaf] = field(default_factory=list)
        by: dict[str, tuple[str, ...]] = field(default_factory=dict)

    tree = Tree("a<b", [Leaf("c\nd")], {"k": ("e*",)})
    assert map_strings(tree, markdown_text) == Tree("a&lt;b", [Leaf("c d")], {"k": ("e\\*",)})
