"""Find the article in text that was already extracted but still carries the page around it.

Crawlers often hand us a page's whole visible text: menus, the headline, a
byline, the article, then trending lists, "related reading", share buttons and
the site footer. HTML extractors (trafilatura, jusText) cannot help once the
markup is gone — trafilatura run on such text scores 0.683 on our noisy dev set
— so this module is hand-written, on purpose small and fast (plain regexes, one
pass, no models: the read stage must do hundreds of articles a second).

How it decides, in order:

1. Every non-empty line is a candidate block. Each gets a *length in word units*
   that works without spaces (a CJK character counts as ~0.6 of a word) and a
   *prose score*: long lines that end like a sentence (``.`` ``。`` ``؟`` …) are
   prose; short lines, link titles and menu items are not.
2. Prose lines that follow each other form *clusters*. The article body is the
   run of clusters with the best total score, where prose adds its length and
   the lines between clusters cost a penalty (a maximum-sum segment, as in
   Finn et al.'s Body Text Extraction, applied to lines instead of tags).
   Short lines inside the run are kept as sub-headings.
3. Layout refines the run: the body starts after the line that repeats the
   page title (the headline above the article), stops at a comment-section or
   author-box heading, loses a tail of one-sentence teasers (headline, teaser,
   date, headline, …), and keeps a list its last paragraph announces with a colon.
4. Lines are then labelled with general cues (:mod:`tidings.read.cues`): a small multilingual lexicon of
   "related / share / follow / comments / copyright / source / photo" words,
   photo credits, numbered or dashed list items, date stamps at line ends
   (typical of related-article lists), lines repeated on the page, and position
   (header before the body, footer after it).

Measured with ``tidings eval extraction benchmarks/data/extraction/noisy.jsonl``:
F1 0.656 for the text as it is, 0.683 for trafilatura on it, 0.942 for this module.

No site-specific rule: every cue word is a generic word of its language, and
every tuned constant names the dev data it was calibrated on.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

import tidings.read.cues as cues
from tidings.article import Block
from tidings.text.scripts import CJK_CHAR


@dataclass
class TextCleanOptions:
    """Knobs of the text boilerplate remover; defaults calibrated on ``benchmarks/data/extraction/noisy.jsonl``."""

    #: A line needs at least this many word units to count as prose (noisy.jsonl: 8 beats 5 and 12).
    min_prose_units: float = 8.0
    #: What a non-prose line costs inside the body stretch, in word units (noisy.jsonl).
    line_penalty: float = 4.0
    #: Subtracted from a prose line's length, so short prose (comments, teasers) adds little (noisy.jsonl).
    prose_offset: float = 8.0
    #: What a line with a cue word or a date stamp costs (noisy.jsonl).
    cue_penalty: float = 10.0
    #: What a line that opens a share bar, a related list or comments costs (noisy.jsonl).
    break_penalty: float = 25.0
    #: What a short line with a date or time costs: such lines head comments and list items (noisy.jsonl).
    date_penalty: float = 25.0
    #: Short lines allowed between two prose lines of one cluster (noisy.jsonl).
    max_inner_gap: int = 1
    #: What a cluster of prose costs before it adds anything (noisy.jsonl).
    cluster_offset: float = 5.0
    #: The most the lines between two clusters can cost (noisy.jsonl).
    gap_cap: float = 30.0
    #: Start the body after the line that repeats the page title, when there is one (noisy.jsonl).
    use_headline_anchor: bool = True
    #: ...but only if at least this share of the page's prose follows it (noisy.jsonl).
    anchor_min_share: float = 0.1
    #: How many lines from the top are searched for that repeat.
    headline_search: int = 400
    #: End the body at a comment-section heading ("167 comments", "Leave a reply") (noisy.jsonl).
    stop_at_comments: bool = True
    #: End the body at the site's copyright line too (noisy.jsonl).
    stop_at_copyright: bool = True
    #: Inside the body, drop the short lines (links) that follow a "Related" heading (noisy.jsonl).
    drop_after_related: bool = True
    #: Keep the list a last paragraph announces with a colon (noisy.jsonl: listicles).
    follow_colon_lists: bool = True
    #: ...up to this many lines.
    max_list_lines: int = 60
    #: Cut a tail of lone prose lines between titles/bylines (teasers, comments) (noisy.jsonl).
    trim_teasers: bool = True
    #: How many such clusters in a row make a teaser list (noisy.jsonl).
    teaser_run: int = 3
    #: At most this many prose lines in a teaser or comment cluster (noisy.jsonl).
    teaser_max_lines: int = 1
    #: A short line that ends like a sentence costs this share of ``line_penalty`` (noisy.jsonl, ECB+ texts).
    short_sentence_factor: float = 0.25
    #: Long lines without a final stop are prose if they hold a sentence stop per 30 units,
    #: counting this many for free (001's run-together link titles must stay out).
    free_terminals: int = 1
    #: Prose that shares its blank-line block with short lines keeps this share of its score (noisy.jsonl).
    crowded_factor: float = 0.5
    #: Cue words only act on lines at most this long (noisy.jsonl + seeds).
    cue_max_units: float = 12.0
    #: A CJK character is worth this many words (a Chinese word is ~1.6 characters).
    cjk_weight: float = 0.6
    #: How far before the body a title is looked for, in lines.
    title_window: int = 12


class _Line:
    """One non-empty line and its layout features; lexicon cues are computed on first use,
    because most lines (body paragraphs) never need them and scanning them is the main cost."""

    __slots__ = ("_cues", "blank_before", "credit", "ends_sentence", "prose", "text", "units")

    def __init__(
        self,
        text: str,
        units: float,
        prose: bool,
        ends_sentence: bool,
        credit: bool = False,
        blank_before: bool = False,
    ) -> None:
        self.text = text
        self.blank_before = blank_before
        self.units = units
        self.prose = prose
        self.ends_sentence = ends_sentence
        self.credit = credit
        self._cues: tuple[frozenset[str], int] | None = None

    def _scan(self) -> tuple[frozenset[str], int]:
        if self._cues is None:
            self._cues = cues.cue_kinds(self.text) if self.units <= _CUE_SCAN_MAX_UNITS else (frozenset(), -1)
        return self._cues

    @property
    def cues(self) -> frozenset[str]:
        return self._scan()[0]

    @property
    def source_at(self) -> int:
        return self._scan()[1]


#: Lines longer than this (word units) are never scanned for cues: no cue acts on them.
_CUE_SCAN_MAX_UNITS = 72.0
def _unwrap(raw_lines: list[str]) -> list[str]:
    """Join hard-wrapped paragraphs (wire copy, e-mail: every line cut near one width).

    Without this, wrapped lines look like short non-sentences and a whole
    article would be taken for a menu. A text counts as wrapped when its longest
    lines sit at one width of 40–100 characters, no line is much longer, and at
    least 30% of its lines are that full without ending a sentence (ECB+ texts
    re-wrapped at 60–90 columns); a line shorter than the width ends its paragraph.
    """
    lines = [ln.rstrip() for ln in raw_lines]
    sized = sorted(len(ln.strip()) for ln in lines if ln.strip())
    if len(sized) < 8:
        return raw_lines
    width = sized[int(0.9 * (len(sized) - 1))]
    if not 40 <= width <= 100 or sized[-1] > 1.15 * width:
        return raw_lines  # page text keeps paragraphs on one (often long) line
    full = [ln for ln in lines if len(ln.strip()) >= 0.75 * width and not cues.SENT_END.search(ln)]
    if len(full) < 0.3 * len(sized):
        return raw_lines
    out: list[str] = []
    joinable = False
    for ln in lines:
        t = ln.strip()
        if not t:
            out.append("")
            joinable = False
            continue
        if joinable and out:
            sep = "" if CJK_CHAR.match(t) and CJK_CHAR.search(out[-1][-1:]) else " "
            out[-1] = out[-1] + sep + t
        else:
            out.append(t)
        joinable = len(t) >= 0.75 * width
    return out


def _analyse(text: str, opts: TextCleanOptions) -> list[_Line]:
    out: list[_Line] = []
    blank = after_counter = False
    for raw in _unwrap(text.splitlines()):
        t = raw.strip()
        if not t:
            blank = True
            continue
        u = cues.word_units(t, opts.cjk_weight)
        ends = bool(cues.SENT_END.search(t))
        prose = u >= opts.min_prose_units and ends and not t.endswith(":")
        if not prose and u >= 3 * opts.min_prose_units:
            # long lines without a final stop: prose only if sentences run through them
            prose = (len(cues.TERMINAL.findall(t)) + opts.free_terminals) * 30 >= u
        credit = u <= _CUE_SCAN_MAX_UNITS and (after_counter or cues.has_credit(t))
        after_counter = u <= 6 and bool(cues.GALLERY.match(t))  # "Image 2 of 5": the next line is its caption
        credit = credit or after_counter
        out.append(_Line(t, u, prose and not credit, ends, credit, blank))
        blank = False
    return out


def _best_segment(scores: list[float]) -> tuple[int, int]:
    """Indices [start, end) of the maximum-sum run (Kadane); (0, 0) when nothing scores."""
    best, best_s, best_e = 0.0, 0, 0
    cur, cur_s = 0.0, 0
    for i, s in enumerate(scores):
        if cur <= 0:
            cur, cur_s = s, i
        else:
            cur += s
        if cur > best:
            best, best_s, best_e = cur, cur_s, i + 1
    return best_s, best_e


def _cue(line: _Line, opts: TextCleanOptions) -> tuple[str, str] | None:
    """(role, reason) the lexicon suggests, else None.

    Each cue kind acts up to a length: a "Related" heading is a few words, while
    a credit line ("X contributed to this report") or a site disclaimer can be
    a sentence or two.
    """
    if line.credit:
        return "caption", "credit"
    k = line.cues
    if not k:
        return None
    m = opts.cue_max_units
    u = line.units
    if "copyright" in k and u <= 3 * m:
        return "footer", "copyright"
    if "disclaimer" in k and u <= 6 * m:
        return "footer", "disclaimer"
    if ("source" in k and u <= 4 * m) or ("source-start" in k and u <= m):
        return "footer", "source"
    if "caption" in k and (u <= m or not line.ends_sentence):
        return "caption", "caption"
    if "cookies" in k and u <= 6 * m:
        return "boilerplate", "cookies"
    if "share-many" in k and u <= 3 * m:
        return "boilerplate", "share"
    if u > m:
        return None
    for kind in ("related", "share", "comments", "author", "ui"):
        if kind in k:
            return "boilerplate", "menu" if kind == "ui" else kind
    return None


def _score(line: _Line, opts: TextCleanOptions) -> float:
    """What a line adds to the body stretch: prose adds its length, anything else costs."""
    if line.prose:
        return line.units - opts.prose_offset
    if line.cues & _BREAK_KINDS:
        return -opts.break_penalty
    if line.units <= 2 * opts.cue_max_units and cues.DATE_ANY.search(line.text):
        return -opts.date_penalty
    if line.cues:
        return -opts.cue_penalty
    if line.ends_sentence and line.units >= 2 and not line.text.endswith((":", "：")):
        return -opts.line_penalty * opts.short_sentence_factor
    return -opts.line_penalty


#: Cue kinds after which the article never resumes (comment thread, author box).
_STOP_KINDS = frozenset({"comments", "author"})
#: Cue kinds that mark where an article ends and the page goes on (share bar, related list, comments).
_BREAK_KINDS = frozenset({"related", "share", "comments", "author"})


#: ``(?<!\s)``: spaces before a separator are matched from the start of their run only (tried from
#: every space of a long run, the scan was quadratic). Same splits: a match inside a run extends to
#: its start, and a bar right after the previous separator's spaces still splits on its own.
_TITLE_SEP = re.compile(r"(?<!\s)\s+[-|–—:·»]+\s+|(?:(?<!\s)\s*)?[｜|]\s*|_")


def _discount_crowded(lines: list[_Line], scores: list[float], opts: TextCleanOptions) -> None:
    """In texts that separate paragraphs with blank lines, prose glued to short lines is a teaser.

    A page's visible text puts each article paragraph in its own blank-line
    block, while a teaser or a comment shares its block with a headline, a name
    or a date. Texts that do not use blank lines (most crawler output) are left alone.
    """
    prose = [ln for ln in lines if ln.prose]
    if not prose or sum(ln.blank_before for ln in prose) < 0.6 * len(prose):
        return
    n = len(lines)
    for i, ln in enumerate(lines):
        if not ln.prose:
            continue
        glued_before = i > 0 and not ln.blank_before and not lines[i - 1].prose
        glued_after = i + 1 < n and not lines[i + 1].blank_before and not lines[i + 1].prose
        if glued_before or glued_after:
            scores[i] *= opts.crowded_factor


def _headline_repeat(lines: list[_Line], opts: TextCleanOptions) -> int:
    """Index of the line that repeats the page title (the headline above the article), or -1.

    A page's visible text usually opens with its ``<title>`` ("Headline - Site")
    and shows the headline again right above the article: the body cannot start
    before that repeat. Only the first ``headline_search`` lines are searched.
    """
    if len(lines) < 3 or lines[0].units < 3 or lines[0].prose:
        return -1
    parts = [_fold(p) for p in _TITLE_SEP.split(lines[0].text)]
    parts = [p for p in parts if p]
    # every run of consecutive parts: "Headline - Site" → "Headline"; "Site | Section | Headline" → "Headline"
    variants = {" ".join(parts[a:b]) for a in range(len(parts)) for b in range(a + 1, len(parts) + 1)}
    variants = {v for v in variants if v.count(" ") >= 2}
    for i in range(1, min(len(lines), opts.headline_search)):
        if 3 <= lines[i].units <= lines[0].units and _fold(lines[i].text) in variants:
            return i
    return -1


def _fold(s: str) -> str:
    return " ".join(cues.WORD.findall(s.casefold()))


def _body_span(lines: list[_Line], opts: TextCleanOptions) -> tuple[int, int, int]:
    """Line indices [start, end) of the article body, and of the headline's repeat (-1 if none).

    Prose lines that follow each other (at most one short line, e.g. a
    sub-heading, between them) form a *cluster*. The body is the run of
    clusters with the best total, where a cluster adds its prose length minus
    ``cluster_offset`` and the lines between two clusters cost their penalties,
    capped at ``gap_cap``. The cap lets an article resume after an inserted
    "most read" list, while the per-cluster offset keeps out comment threads,
    whose prose comes in small pieces between user names and dates.
    """
    scores = [_score(ln, opts) for ln in lines]
    if opts.crowded_factor < 1.0:
        _discount_crowded(lines, scores, opts)
    anchor = _headline_repeat(lines, opts) if opts.use_headline_anchor else -1
    if anchor >= 0:
        total = sum(ln.units for ln in lines if ln.prose)
        after = sum(ln.units for ln in lines[anchor + 1 :] if ln.prose)
        if after < opts.anchor_min_share * total:
            anchor = -1
    clusters: list[list[int]] = []  # [first line, last line, ...]
    for i, ln in enumerate(lines):
        if not ln.prose or i <= anchor:
            continue
        if clusters:
            last = clusters[-1][1]
            between = range(last + 1, i)
            if len(between) <= opts.max_inner_gap and all(scores[j] > -opts.cue_penalty for j in between):
                clusters[-1][1] = i
                continue
        clusters.append([i, i])
    if not clusters:
        return 0, 0, -1
    items: list[float] = []
    for k, (a, b) in enumerate(clusters):
        if k:
            gap = -sum(scores[clusters[k - 1][1] + 1 : a])
            items.append(-min(gap, opts.gap_cap))
        items.append(sum(scores[j] for j in range(a, b + 1) if lines[j].prose) - opts.cluster_offset)
    s, e = _best_segment(items)
    if e == 0:  # only small clusters (a short text): the one with the most prose
        k = max(range(0, len(items), 2), key=lambda i: items[i])
        s, e = k, k + 1
    c0, c1 = (s + 1) // 2, (e - 1) // 2  # even items are clusters; a run starts and ends on one
    if opts.stop_at_comments:
        # a comment thread never comes before the article's end: stop at its heading
        for k in range(c0 + 1, c1 + 1):
            gap = range(clusters[k - 1][1] + 1, clusters[k][0])
            if any(_ends_article(lines[j], opts) for j in gap):
                c1 = k - 1
                break
    if opts.trim_teasers:
        c1 = _trim_teasers(clusters, lines, c0, c1, opts)
    return clusters[c0][0], clusters[c1][1] + 1, anchor


_YEAR_OR_RIGHTS = re.compile(r"\b(?:19|20)\d\d\b|rights reserved", re.IGNORECASE)


def _ends_article(ln: _Line, opts: TextCleanOptions) -> bool:
    """A comment-section or author-box heading, or the site's copyright line (with a year):
    the article does not resume after it."""
    if ln.prose or ln.credit:
        return False
    if not ln.ends_sentence and ln.cues & _STOP_KINDS:
        return True
    if opts.stop_at_copyright and "copyright" in ln.cues and ln.units <= 3 * opts.cue_max_units:
        return bool(_YEAR_OR_RIGHTS.search(ln.text))
    return False


def _trim_teasers(clusters: list[list[int]], lines: list[_Line], c0: int, c1: int, opts: TextCleanOptions) -> int:
    """Drop a tail of lone prose lines each under its own title/byline: a teaser list or a comment thread.

    An article's paragraphs follow each other; "more from us" teasers and
    comments come one sentence at a time between two or more short lines
    (headline, author, date). A run of ``teaser_run`` such clusters at the end of
    the body is cut.
    """

    def lone(k: int) -> bool:
        a, b = clusters[k]
        n_prose = sum(1 for j in range(a, b + 1) if lines[j].prose)
        return n_prose <= opts.teaser_max_lines and k > 0 and a - clusters[k - 1][1] - 1 >= 2

    k = c1
    while k > c0 and lone(k):
        k -= 1
    if c1 - k >= opts.teaser_run:
        return k
    return c1


def _title_index(lines: list[_Line], start: int, opts: TextCleanOptions) -> int | None:
    """The headline among the lines before the body: title-like, preferring a repeated one."""
    counts = Counter(ln.text for ln in lines[:start])
    best, best_score = None, 0.0
    first = max(0, start - opts.title_window)
    candidates = list(range(first, start))
    if first > 0:
        candidates.insert(0, 0)  # the page <title> is often the very first line
    for i in candidates:
        ln = lines[i]
        if ln.units < 2 or ln.units > 40 or ln.prose or _cue(ln, opts) or cues.LIST_ITEM.match(ln.text):
            continue
        if cues.DATE_ANY.search(ln.text) or cues.BYLINE.search(ln.text):
            continue
        score = min(ln.units, 20.0) + 10.0 * (counts[ln.text] > 1) + (3.0 if i >= first else 0.0) + 5.0 * (i == 0)
        if score > best_score:
            best, best_score = i, score
    return best


def split_text(text: str, opts: TextCleanOptions | None = None) -> list[Block]:
    """Blocks of a page's plain text, in order, each with its role (see :mod:`tidings.article`)."""
    opts = opts or TextCleanOptions()
    lines = _analyse(text, opts)
    if not lines:
        return []
    start, end, anchor = _body_span(lines, opts)
    if end == 0:  # no prose at all: keep everything as body rather than lose a short text
        return [Block(ln.text, "body") for ln in lines]
    counts = Counter(ln.text for ln in lines)
    # the headline shown above the article beats the page <title> ("Headline - Site")
    title_i = anchor if 0 <= anchor < start else _title_index(lines, start, opts)
    # trailing footer notes inside the body stretch (e.g. "X contributed to this report.")
    body_end = end
    while body_end > start + 1:
        ln = lines[body_end - 1]
        c = _cue(ln, opts)
        if (c and c[0] in ("footer", "boilerplate")) or _is_author_bio(ln, opts):
            body_end -= 1
        else:
            break
    if body_end == end and opts.follow_colon_lists:
        body_end = _colon_list_end(lines, end, opts)
    if body_end == end:
        # short closing sentences ("Obviously we're disappointed.") right after the last paragraph
        while body_end < len(lines) and _short_sentence(lines[body_end], opts):
            body_end += 1

    blocks: list[Block] = []
    seen_body: set[str] = set()
    title_text = lines[title_i].text if title_i is not None else None
    after_related = False  # inside the body, between a "Related" heading and the next paragraph
    for i, ln in enumerate(lines):
        if i == title_i:
            role, reason = "title", None
        elif i < start:
            role, reason = _role_before(ln, start - i, title_text, opts)
            if i == 0 and title_i == anchor and anchor > 0:
                role, reason = "header", "page-title"
        elif i < body_end:
            role, reason = _role_inside(ln, counts, seen_body, opts)
            if ln.prose:
                after_related = False
            elif reason == "related":
                after_related = True
            elif role == "body" and after_related and opts.drop_after_related:
                role, reason = "boilerplate", "related"
        else:
            role, reason = _role_after(ln, opts)
        if role == "body":
            seen_body.add(ln.text)
        blocks.append(Block(ln.text, role, reason))
    return blocks


def _is_author_bio(ln: _Line, opts: TextCleanOptions) -> bool:
    return ln.units <= 6 * opts.cue_max_units and bool(cues.AUTHOR_BIO.search(ln.text))


def _short_sentence(ln: _Line, opts: TextCleanOptions) -> bool:
    return (
        not ln.prose
        and ln.ends_sentence
        and ln.units >= 2
        and not ln.text.endswith((":", "："))
        and not _cue(ln, opts)
    )


def _colon_list_end(lines: list[_Line], end: int, opts: TextCleanOptions) -> int:
    """Extend the body over a list its last line announces ("Here are the highlights:").

    The list is the block of lines up to the next blank line (when the text has
    blank lines at all), or the run of list items; it must hold no cue line.
    """
    intro = end - 1
    if end < len(lines) and not lines[end].prose and not _cue(lines[end], opts):
        intro = end if lines[end].text.endswith((":", "：")) else intro
    if not lines[intro].text.endswith((":", "：")) or intro + 1 >= len(lines):
        return end
    uses_blank = any(ln.blank_before for ln in lines)
    j = intro + 1
    while j < len(lines) and j - intro <= opts.max_list_lines:
        ln = lines[j]
        if j > intro + 1 and (ln.blank_before if uses_blank else not cues.LIST_ITEM.match(ln.text)):
            break
        if _cue(ln, opts):
            return end
        j += 1
    return j if j - intro > 2 else end


def _role_before(ln: _Line, distance: int, title: str | None, opts: TextCleanOptions) -> tuple[str, str | None]:
    """Lines above the body: the headline's repeat, bylines and datelines near it, else page chrome."""
    if ln.text == title:
        return "header", "title-repeat"
    cue = _cue(ln, opts)
    if cue and cue[0] != "footer" and (distance > 6 or cue[0] == "caption" or cue[1] == "related"):
        return cue
    if distance <= 6 or cues.DATE_ANY.search(ln.text) or cues.BYLINE.search(ln.text):
        return "header", "before-body"
    return "boilerplate", "menu"


def _role_inside(ln: _Line, counts: Counter[str], seen: set[str], opts: TextCleanOptions) -> tuple[str, str | None]:
    """Lines of the body stretch: prose and sub-headings stay; captions, repeats and UI strings go."""
    if ln.text in seen and counts[ln.text] > 1:
        return "boilerplate", "repeated"
    if ln.prose:
        return "body", None
    cue = _cue(ln, opts)
    if cue:
        return cue
    if counts[ln.text] > 1:
        return "boilerplate", "repeated"
    if not cues.WORD.search(ln.text):
        return "boilerplate", "symbols"
    return "body", None


def _role_after(ln: _Line, opts: TextCleanOptions) -> tuple[str, str | None]:
    """Lines below the body: credits, sources and legal notes are footer; lists and links are boilerplate."""
    cue = _cue(ln, opts)
    if cue:
        return cue
    if cues.LIST_ITEM.match(ln.text) or cues.TRAILING_DATE.search(ln.text):
        return "boilerplate", "link-list"
    if _is_author_bio(ln, opts):
        return "footer", "author"
    return "boilerplate", "after-body"


def label_paragraphs(
    paragraphs: list[str], opts: TextCleanOptions | None = None, title: str | None = None
) -> list[Block]:
    """Roles for paragraphs an HTML extractor already chose as the article.

    trafilatura keeps credit lines, photo credits and source notes with the
    body; later stages need them apart (the provenance stage reads footers).
    Only lexicon cues act here — the extractor already did the layout work.
    """
    opts = opts or TextCleanOptions()
    lines = _analyse("\n".join(paragraphs), opts)
    folded_title = _fold(title) if title else None
    roles: list[tuple[str, str | None]] = []
    for ln in lines:
        cue = _cue(ln, opts)
        if cue and (ln.credit or cue[1] == "copyright" or not ln.prose):
            roles.append(cue)
        elif folded_title and not ln.prose and ln.units <= 40 and _fold(ln.text) == folded_title:
            roles.append(("header", "title-repeat"))
        elif not ln.prose and ln.units <= opts.cue_max_units and cues.DATE_ANY.search(ln.text):
            roles.append(("header", "dateline"))
        else:
            roles.append(("body", None))
    # notes that close the article ("Theo Nhân Dân", "X contributed to this report.")
    k = len(lines)
    while k > 1:
        cue = _cue(lines[k - 1], opts)
        if not (cue and cue[0] in ("footer", "boilerplate")):
            break
        k -= 1
        roles[k] = cue
    return [Block(ln.text, role, reason) for ln, (role, reason) in zip(lines, roles, strict=True)]
