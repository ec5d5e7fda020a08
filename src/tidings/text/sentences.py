"""Sentence splitting for the languages of our news (zh, ar, vi, en and other Latin scripts).

Why hand-written: the summary, quotes and outcomes must quote sentences *verbatim*
from an article, so we need character-faithful spans, and the usual splitters
either drop Chinese full-width punctuation, need models we cannot download, or
split Arabic poorly. Rules here: paragraphs first, then sentence-final marks
(。！？!?؟ and ``.`` followed by space), keeping closing quotes with their
sentence and not splitting after common abbreviations or initials.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tidings.text.scripts import is_cjk_text

#: Full-width / CJK sentence ends; a closing quote or bracket right after stays attached.
_CJK_END = re.compile(r"[^。！？!?；]*[。！？!?]+[”’」』）)\"']*|[^。！？!?]+$")
#: Latin/Arabic: a ., ! , ? or ؟ (and closing quotes) followed by whitespace.
_LATIN_END = re.compile(r"(?<=[.!?؟…])[”’\"'»)]*\s+")
#: Tokens after which a period does not end a sentence.
_ABBREV = frozenset(
    ("mr", "mrs", "ms", "dr", "prof", "sen", "rep", "gov", "gen", "col", "lt", "sgt", "st", "mt", "jr", "sr",
     "vs", "etc", "inc", "ltd", "co", "corp", "no", "fig", "u.s", "u.k", "u.n", "e.g", "i.e", "jan", "feb",
     "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "ông", "bà", "tp")
)
#: Shorter pieces are headings, bylines or debris, not sentences (calibrated by eye on the seeds).
MIN_CHARS = 12


@dataclass(frozen=True)
class Sentence:
    """A verbatim sentence of an article with where it sits."""

    text: str
    article_id: str
    index: int  # position among the article's sentences (0 = lead)
    paragraph: int


def split_paragraph(paragraph: str, lang: str | None = None) -> list[str]:
    """Split one paragraph into sentences, verbatim (only surrounding whitespace trimmed)."""
    paragraph = paragraph.strip()
    if not paragraph:
        return []
    if lang in ("zh", "ja") or (lang is None and is_cjk_text(paragraph)):
        return [m.group(0).strip() for m in _CJK_END.finditer(paragraph) if m.group(0).strip()]
    out: list[str] = []
    start = 0
    for m in _LATIN_END.finditer(paragraph):
        piece = paragraph[start : m.start()]
        last = piece.rstrip(".!?؟…”’\"'»)").split()[-1:] if piece else []
        word = last[0].lower().rstrip(".") if last else ""
        if piece.endswith(".") and (word in _ABBREV or (len(word) == 1 and word.isalpha() and word.isupper() is False)):
            continue  # "Mr. Smith", "J. Smith": not an end
        out.append(paragraph[start : m.end()].strip())
        start = m.end()
    tail = paragraph[start:].strip()
    if tail:
        out.append(tail)
    return [s for s in out if s]


def split_sentences(text: str, lang: str | None = None, article_id: str = "") -> list[Sentence]:
    """All sentences of a clean body, paragraph by paragraph, dropping debris shorter than MIN_CHARS."""
    out: list[Sentence] = []
    for p_index, paragraph in enumerate(re.split(r"\n\s*\n|\n", text)):
        for piece in split_paragraph(paragraph, lang):
            if len(piece) >= MIN_CHARS:
                out.append(Sentence(piece, article_id, len(out), p_index))
    return out
