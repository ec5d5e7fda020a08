"""Search terms: how every store turns article text and queries into full-text index terms.

Both backends index the *same* terms, made here, so a query finds the same articles in SQLite
(FTS5) and in PostgreSQL (``tsvector``), whatever the server's locale:

- NFKC, then case folding, then the optional marks of Latin, Greek, Arabic and Hebrew letters dropped
  (``São`` → ``sao``, ``Đà Nẵng`` → ``da nang``, ``مُحَمَّد`` → ``محمد``): people type names without
  accents, and Arabic and Hebrew are mostly written without vowel marks. Marks of other scripts
  stay (Devanagari vowel signs and the virama, Cyrillic ``й``: they make different words).
- Words are runs of letters, marks and digits; everything else separates them.
- No stemming and no stop words, for every language: a store holds articles in many languages,
  a stemmer or stop list is right for one language and mangles the others' words, and a query's
  language is often not the article's. This is what PostgreSQL's ``simple`` configuration does.
- Han, Hiragana, Katakana and Hangul runs, which are written without spaces, become overlapping
  character bigrams (``利雅得`` → ``利雅 雅得``), as Lucene's CJK analyser does. Why bigrams:
  most Chinese words are two characters long; FTS5's ``unicode61`` tokenizer keeps a whole CJK run
  as one token (nothing inside a sentence can be found) and its ``trigram`` tokenizer cannot find
  a query shorter than three characters (``北京``, ``会谈``); neither FTS5 nor a stock PostgreSQL
  has a Chinese or Japanese word segmenter (zhparser, pg_bigm, pgroonga are extra extensions).

Written by hand because it is the one place both index formats must agree, and it is small.
"""

from __future__ import annotations

import unicodedata

import regex

#: Scripts written without spaces between words, indexed as character bigrams.
_CJK = r"\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}"
#: A run of letters, marks and digits; inside one, a CJK run (group 1) or a run of the others (group 2).
#: Two passes because the first pattern is ~2.5x faster than the second, and most runs hold no CJK.
_WORD = regex.compile(r"[\p{L}\p{M}\p{N}]+")
_HAS_CJK = regex.compile(rf"[{_CJK}]")
_TOKEN = regex.compile(rf"([{_CJK}]+)|([[\p{{L}}\p{{M}}\p{{N}}]--[{_CJK}]]+)", regex.V1)
#: Latin letters whose stroke is not a combining mark (NFD leaves them whole): ``đàm`` → ``dam``.
_STROKED = str.maketrans({"đ": "d", "ł": "l", "ø": "o", "ħ": "h"})
_OPTIONAL_MARKS = regex.compile(r"(?<=[\p{Latin}\p{Greek}\p{Arabic}\p{Hebrew}])\p{Mn}+")

#: Longer "words" are dropped: they are not words (base64, unsegmented Thai clauses), and
#: PostgreSQL refuses lexemes over 2 KB.
MAX_TERM_CHARS = 100


def fold(text: str) -> str:
    """Compatibility forms unified, case folded, optional marks dropped."""
    text = unicodedata.normalize("NFKC", text).casefold()
    if any(ch in text for ch in "đłøħ"):  # a C scan each: translate() looks every character up in a dict
        text = text.translate(_STROKED)
    text = unicodedata.normalize("NFD", text)
    return unicodedata.normalize("NFC", _OPTIONAL_MARKS.sub("", text))


def terms(text: str) -> list[str]:
    """The index terms of a text, in order (the same function makes a query's terms)."""
    out: list[str] = []
    for run in _WORD.findall(fold(text)):
        pieces = _TOKEN.findall(run) if not run.isascii() and _HAS_CJK.search(run) else (("", run),)
        for cjk, word in pieces:
            if cjk:
                out.extend(cjk[i : i + 2] for i in range(max(1, len(cjk) - 1)))
            elif len(word) <= MAX_TERM_CHARS:
                out.append(word)
    return out


def article_terms(title: str | None, text: str) -> list[str]:
    """What is searchable of an article: its title and its clean body."""
    return terms(f"{title or ''}\n{text}")
