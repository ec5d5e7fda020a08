"""HTML → title, metadata and the article's paragraphs, with trafilatura.

trafilatura is the best-kept open extractor for news pages (it bundles
readability and jusText as fallbacks), so we configure it rather than write our
own DOM scoring. Settings were chosen on ``benchmarks/data/extraction/html.jsonl``
(article-extraction-benchmark F1; 92 dev pages):

=====================================================  ======
trafilatura 2.3.1 defaults                             0.953
``include_comments=False``                             0.965
``include_comments=False, favor_precision=True``       0.973
... plus ``include_tables=False``                      0.966
... plus ``deduplicate=True``                          0.967
chosen settings + :func:`label_paragraphs` roles       0.976
=====================================================  ======

The last row is the product (``tidings eval extraction html.jsonl``): the
paragraphs trafilatura keeps are labelled with the text cleaner's cues, so a
repeated headline, a dateline, a photo credit or a closing "Source: X" note
becomes a header/caption/footer block instead of body text.
"""

from __future__ import annotations

from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any

#: Keys of ``article.meta["html"]`` (trafilatura's own metadata names): ``title``,
#: ``author``, ``date`` (ISO date trafilatura/htmldate found), ``sitename``,
#: ``hostname``, ``url`` (canonical URL), ``description``, ``categories``,
#: ``tags``, ``language`` (declared by the page), ``image``, ``pagetype``.
META_KEYS = (
    "title", "author", "date", "sitename", "hostname", "url", "description",
    "categories", "tags", "language", "image", "pagetype",
)


@dataclass
class HtmlOptions:
    """trafilatura settings (see the module table for how they were picked)."""

    favor_precision: bool = True
    favor_recall: bool = False
    include_comments: bool = False
    include_tables: bool = True


@dataclass
class HtmlExtract:
    """What we keep from one page."""

    title: str | None
    paragraphs: list[str]
    meta: dict[str, Any]


def extract_html(html: str, url: str | None = None, opts: HtmlOptions | None = None) -> HtmlExtract:
    """Title, body paragraphs (one per line of trafilatura's text output) and page metadata."""
    import trafilatura

    opts = opts or HtmlOptions()
    try:
        doc = trafilatura.bare_extraction(
            html,
            url=url,
            favor_precision=opts.favor_precision,
            favor_recall=opts.favor_recall,
            include_comments=opts.include_comments,
            include_tables=opts.include_tables,
            with_metadata=True,
        )
    except Exception:  # a page lxml cannot parse: the caller falls back to the visible text
        doc = None
    if doc is None:
        return HtmlExtract(None, [], {})
    d = doc.as_dict() if hasattr(doc, "as_dict") else dict(doc)
    text = d.get("text") or ""
    paragraphs = [p.strip() for p in text.splitlines() if p.strip()]
    meta = {k: d[k] for k in META_KEYS if d.get(k)}
    title = (d.get("title") or "").strip() or None
    return HtmlExtract(title, paragraphs, meta)


#: Elements that start a new line in the visible-text fallback.
_BLOCK_TAGS = (
    "p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table", "section", "article",
    "header", "footer", "nav", "aside", "blockquote", "figure", "figcaption", "pre", "dd", "dt", "title",
)


def visible_text(html: str) -> str:
    """The page's visible text, one block element per line.

    Used only when trafilatura finds no article (very short pages, fragments),
    so the text cleaner still gets lines to work with; trafilatura's own
    ``html2txt`` returns nothing for fragments and puts everything on one line.
    """
    from lxml import etree
    from lxml import html as lxml_html

    parser = lxml_html.HTMLParser()
    try:
        root = lxml_html.fromstring(html, parser=parser)
    except (ValueError, etree.ParserError):
        root = None
    text = ""
    if root is not None:
        for bad in root.xpath("//script|//style|//noscript|//template"):
            bad.drop_tree()
        for el in root.iter(*_BLOCK_TAGS):
            el.tail = "\n" + (el.tail or "")
        text = root.text_content()
    if not text.strip() or any(e.type_name == "ERR_RESOURCE_LIMIT" for e in parser.error_log):
        # libxml2 stops at 256 levels of nesting ("excessive depth") and drops what is deeper: a
        # page nested 100,000 deep kept only its <title>. A streaming parser has no depth to
        # exceed; it runs only here because the tree above is right for every page it can build.
        text = _streamed_text(html)
    return "\n".join(" ".join(line.split()) for line in text.splitlines())


_HIDDEN_TAGS = frozenset({"script", "style", "noscript", "template"})


class _TextCollector(HTMLParser):
    """Visible text from a stream of tags (no tree, so no nesting limit), block elements on their own lines."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _HIDDEN_TAGS:
            self.hidden += 1
        elif tag in _BLOCK_TAGS:
            self._break()

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN_TAGS:
            self.hidden = max(0, self.hidden - 1)
        elif tag in _BLOCK_TAGS:
            self._break()

    def _break(self) -> None:
        if self.parts and self.parts[-1] != "\n":  # one line break for 100,000 closing tags in a row
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(data)


def _streamed_text(html: str) -> str:
    collector = _TextCollector()
    collector.feed(html)
    collector.close()
    return "".join(collector.parts)
