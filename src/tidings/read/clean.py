"""The ``clean`` stage: split an article into role-tagged blocks and find its title.

HTML goes through trafilatura (:mod:`tidings.read.html`); plain text — often a
page's whole visible text, as naive crawlers keep it — goes through the line
classifier of :mod:`tidings.read.boilerplate`. Either way the result is
``article.blocks`` in document order (title, header, body, caption, footer,
boilerplate) and ``article.title``; ``article.text`` is the body blocks joined.

For HTML, the page metadata trafilatura finds is stored in
``article.meta["html"]`` (keys listed in :data:`tidings.read.html.META_KEYS`)
for the dates and provenance stages.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tidings.article import Article, Block, Field
from tidings.read.boilerplate import TextCleanOptions, label_paragraphs, split_text
from tidings.read.html import HtmlOptions, extract_html, visible_text

#: Confidence of a title by where it came from. A declared title (JSONL/feed field)
#: is the publisher's own; an HTML <title>/og:title is nearly as good; a line
#: picked by layout is a guess (right on 4 of the 5 seeds, the fifth has none).
TITLE_CONFIDENCE = {"jsonl": 0.95, "html-meta": 0.9, "first-line": 0.7, "layout": 0.6}


@dataclass
class CleanOptions:
    """Options of the clean stage."""

    text: TextCleanOptions = field(default_factory=TextCleanOptions)
    html: HtmlOptions = field(default_factory=HtmlOptions)


def _norm(s: str) -> str:
    return " ".join(s.split()).strip(" \"'“”「」").casefold()


class Cleaner:
    """Pipeline stage: ``raw_text`` (+ ``format``, ``meta``) → ``blocks`` and ``title``."""

    name = "clean"
    reads = ("raw_text", "format", "meta")
    sets = ("blocks", "title", "meta")  # meta["html"]: what the page's own metadata declared

    def __init__(self, options: CleanOptions | None = None) -> None:
        self.options = options or CleanOptions()

    def __call__(self, article: Article) -> Article:
        declared = article.meta.get("title") if isinstance(article.meta, dict) else None
        declared = declared.strip() if isinstance(declared, str) and declared.strip() else None
        if article.format == "html":
            blocks, title = self._html(article)
        else:
            blocks, title = self._text(article.raw_text)
        if declared:
            title = Field(declared, "jsonl", TITLE_CONFIDENCE["jsonl"])
            blocks = _mark_declared_title(blocks, declared)
        article.blocks = blocks
        article.title = title
        return article

    def _text(self, text: str) -> tuple[list[Block], Field[str] | None]:
        blocks = split_text(text, self.options.text)
        title = None
        for i, b in enumerate(blocks):
            if b.role == "title":
                source = "first-line" if i == 0 else "layout"
                title = Field(b.text, source, TITLE_CONFIDENCE[source], evidence=b.text)
                break
        return blocks, title

    def _html(self, article: Article) -> tuple[list[Block], Field[str] | None]:
        ext = extract_html(article.raw_text, article.url, self.options.html)
        article.meta["html"] = ext.meta
        if not ext.paragraphs:
            # trafilatura found nothing: fall back to the page's visible text
            blocks, title = self._text(visible_text(article.raw_text))
            return blocks, title
        blocks: list[Block] = []
        title = None
        if ext.title:
            blocks.append(Block(ext.title, "title"))
            title = Field(ext.title, "html-meta", TITLE_CONFIDENCE["html-meta"], evidence=ext.title)
        blocks.extend(label_paragraphs(ext.paragraphs, self.options.text, title=ext.title))
        return blocks, title


def _mark_declared_title(blocks: list[Block], declared: str) -> list[Block]:
    """With a declared title, the matching line is the title and no other line is."""
    target = _norm(declared)
    out: list[Block] = []
    found = False
    for b in blocks:
        if not found and _norm(b.text) == target:
            out.append(Block(b.text, "title"))
            found = True
        elif b.role == "title":
            out.append(Block(b.text, "header", "title-guess"))
        else:
            out.append(b)
    return out

