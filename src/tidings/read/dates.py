"""The ``dates`` stage: when was this article published?

Evidence is weighed in a fixed order, best first, and the first usable one wins:

1. what the container declared (``meta["published"]``: ISO 8601, RFC 822, Unix time) —
   ``source="meta"``;
2. the page's own metadata (trafilatura's ``meta["html"]["date"]``, else htmldate
   on the raw HTML, metadata only) — ``"html-meta"`` / ``"htmldate"``;
3. the text's datelines: a full date in the header lines (``"header-dateline"``),
   a "first published on … on <date>" note in the footer
   (``"footer-first-published"``), a date opening the first paragraphs
   (``"body-dateline"``), a dated footer line (``"footer-dateline"``);
4. a dateline without a year ("11月11日", "Tuesday, Feb. 18") gets its year from the
   text's other clues (``"inferred-year"``, see :func:`infer_year`);
5. "3 hours ago" in a header, counted back from the WARC capture time
   (``"relative-to-capture"``), else the capture date itself as a weak fallback
   (``"warc-date"``).

Never used: dates in boilerplate blocks (related-article lists carry dozens of
dates of other articles), copyright lines (a ©2024 says when the *site* was last
touched) and anything after "now" (injectable for tests) or after the capture.
Declared metadata is sanity-checked the same way: an unparseable or future value
is ignored and the text is read instead.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import re
from dataclasses import dataclass
from typing import Any

from tidings.article import Article, Block, Field
from tidings.text.dates import DateMention, YearMention, find_dates, find_relative, find_years
from tidings.text.scripts import count_han

#: Copyright notices in the languages we read; such lines never date an article.
COPYRIGHT = re.compile(
    r"(?i)©|\(c\)\s*\d{4}|copyright|版权所有|版權所有|جميع الحقوق|حقوق النشر|все права защищены|bản quyền|"
    r"tous droits réservés|alle rechte vorbehalten|todos los derechos"
)

#: "First published at X on <date>" notes (the re-publisher's credit line). The date
#: such a line carries is the original's publication date, which is what we want
#: for a copy: it dates the reported event.
FIRST_PUBLISHED = re.compile(
    r"(?i)نشر\s+(?:هذا\s+)?(?:الخبر|المقال|التقرير)?\s*(?:لأول|لاول|أول|اول)\s+مرة|first\s+(?:published|appeared)|"
    r"originally\s+(?:published|appeared)|publié\s+(?:initialement|pour\s+la\s+première\s+fois)|"
    r"erstmals\s+(?:veröffentlicht|erschienen)|publicado\s+originalmente|впервые\s+опубликован|"
    r"đăng\s+lần\s+đầu|首发于|首發於|原载于|原載於|最初发表|最初發表"
)

#: Words saying a header date is a revision's, not the publication's.
_UPDATED = re.compile(
    r"(?i)updated|last\s+modified|mis\s+à\s+jour|modifié|aktualisiert|actualizado|atualizado|aggiornato|"
    r"обновлено|更新|cập\s+nhật|تحديث|آخر\s+تحديث|güncelleme|aktualizacja"
)

#: Lines longer than this are prose, not a header/byline line.
_HEADER_MAX_CHARS = 200
#: A date this close to the start of one of the first body paragraphs is its dateline
#: ("11月11日，…", "MOSCOW, Feb 18 (Reuters) -"); calibrated on the seeds and the
#: extraction dev pages, where datelines open within the first ~35 characters.
_DATELINE_MAX_OFFSET = 40
_BODY_DATELINE_PARAGRAPHS = 2
_SENTENCE_END = re.compile(r"[。！？!?]|\.\s")


@dataclass(frozen=True)
class _Candidate:
    mention: DateMention
    source: str
    confidence: float
    evidence: str
    rank: int  # lower is better


def _as_date(value: dt.date) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


def parse_declared(value: Any) -> dt.date | None:
    """A declared publication date (ISO 8601, RFC 822, Unix time, date/datetime) → date/datetime, or None."""
    if isinstance(value, dt.datetime | dt.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        # A Unix timestamp (seconds; milliseconds when it is too large for seconds).
        seconds = value / 1000 if value > 1e11 else value
        try:
            return dt.datetime.fromtimestamp(seconds, tz=dt.UTC)
        except (OverflowError, OSError, ValueError):
            return None
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    try:
        if len(text) <= 10:
            return dt.date.fromisoformat(text)
        return dt.datetime.fromisoformat(text.replace(" ", "T", 1) if "T" not in text else text)
    except ValueError:
        pass
    try:
        return email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        pass
    # Last resort: a date written inside the string ("Tue, 18 Feb 2025", "2025-02-18T…garbage").
    mentions = [m for m in find_dates(text) if m.year is not None]
    return mentions[0].resolve() if mentions else None


def infer_year(
    mention: DateMention, years: list[YearMention], latest: dt.date, earliest_year: int
) -> tuple[int, float, str] | None:
    """The most plausible year for a month/day written without one, with a confidence and why.

    Each candidate year (``earliest_year`` … ``latest.year``, never giving a date
    after ``latest``) is scored by how much the text's written years contradict it
    (:func:`_clue_penalty`), lowest wins:

    * a weekday written with the date must match (hard constraint);
    * a year cued as *future* ("有效期至2026年", "until 2026", "will … in 2026") is after
      the publication year, one cued as *past* ("since 2021") before it;
    * an un-cued year is most often the publication year itself, else a recent past
      one (the further back, the weaker the pull), less often the next year;
    * in Chinese a year written with a month ("2021年10月") is not the current year:
      this year's dates are written without it ("今年8月", "11月8日").

    Copyright years and related-list dates must not be passed in. Without any clue
    the most recent such date wins; the confidence grows with the winning margin.
    """
    scored: list[tuple[float, int]] = []
    for year in range(earliest_year, latest.year + 1):
        resolved = mention.resolve(year)
        if resolved is None or _as_date(resolved) > latest:
            continue
        if mention.weekday is not None and _as_date(resolved).weekday() != mention.weekday:
            continue
        # A faint pull towards the most recent year decides between otherwise equal ones.
        penalty = _RECENCY * (latest.year - year) + sum(_clue_penalty(ym, year) for ym in years)
        scored.append((penalty, year))
    if not scored:
        return None
    scored.sort()
    low, year = scored[0]
    runner_up = scored[1][0] if len(scored) > 1 else low + 1.0
    margin = runner_up - low
    if mention.weekday is not None:
        conf, why = (0.75 if margin >= 0.5 else 0.6), "weekday matches"
    elif years:
        conf, why = (0.5 if margin >= 0.3 else 0.35), f"{len(years)} year clue(s) in the text"
    else:
        conf, why = 0.3, "most recent such date"
    return year, conf, why


#: Penalties of a candidate publication year against one year written in the text.
#: Calibrated on the extraction dev pages (hide the header date's year, re-infer it:
#: ``benchmarks/read_stages.py --year-inference``) and the Chinese seed: un-cued years
#: are mostly the publication year itself, else a recent past one, less often the next.
_RECENCY = 0.01
_SAME_YEAR_CJK = 1.0


def _clue_penalty(ym: YearMention, year: int) -> float:
    """How much a written year contradicts ``year`` being the publication year (0 = fits)."""
    if ym.cue == "future":
        return 2.0 if ym.year < year else 0.5 if ym.year == year else 0.0
    if ym.cue == "past" and ym.year >= year:
        return 2.0 if ym.year > year else 0.5
    if ym.year == year:
        return _SAME_YEAR_CJK if ym.cjk else 0.0
    if ym.year < year:  # a past year: the further back, the less it says about "now"
        return min(0.7, 0.2 + 0.05 * (year - ym.year))
    return 0.7 if ym.year == year + 1 else 1.5  # a later year, without a cue


def _dateline_prefix(prefix: str) -> bool:
    """Whether the text before a date is a dateline's place/agency ("MOSCOW, ", "新华社利雅得", "Hà Nội, ").

    Rejects running prose ("In a Nov. 5 letter", "他表示，11月8日"): a finished sentence,
    more than four words, a lower-case Latin word, a number, or more than eight CJK
    characters ("新华社利雅得" is six).
    """
    prefix = prefix.strip()
    if not prefix:
        return True
    if _SENTENCE_END.search(prefix):
        return False
    words = prefix.split()
    if len(words) > 4 or len(prefix) > _DATELINE_MAX_OFFSET:
        return False
    if any(w[0].isascii() and w[0].islower() for w in words) or any(ch.isdigit() for ch in prefix):
        return False
    return count_han(prefix) <= 8


def _is_copyright(block: Block) -> bool:
    return block.reason == "copyright" or bool(COPYRIGHT.search(block.text))


#: A list item stamped with a date ("- Headline 20.07.2022 | 11:00 AM", "3. Title (2021-03-11)"):
#: related-article lists a cleaner may leave in the body. Their dates are other articles'.
_LISTED = re.compile(r"^\s*(?:[-–—•·*▪►]|\d{1,2}[.)、])\s+(?=\S)")


def _is_listed(text: str) -> bool:
    """A bulleted line with a headline *and* a full date; a bullet followed by the date itself is a byline."""
    bullet = _LISTED.match(text)
    if not bullet:
        return False
    return any(m.year is not None and m.start > bullet.end() + 2 for m in find_dates(text))


def _short(text: str, limit: int = 120) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


class DateFinder:
    """Sets ``published`` as a ``Field`` of a date or datetime, or None when nothing supports one."""

    name = "dates"
    reads = ("blocks", "lang")
    sets = ("published",)

    def __init__(self, now: dt.datetime | None = None, use_htmldate: bool = True, earliest_year: int = 1990) -> None:
        #: "Now" for the never-in-the-future rule; None means the wall clock at call time.
        self.now = now
        #: Run htmldate (metadata only) on raw HTML when trafilatura found no date.
        self.use_htmldate = use_htmldate
        #: No article in scope predates the web news era; older "dates" are misreads.
        self.earliest_year = earliest_year

    # -- metadata -----------------------------------------------------------------
    def _plausible(self, value: dt.date | None, latest: dt.date) -> bool:
        return value is not None and self.earliest_year <= value.year and _as_date(value) <= latest

    def _from_meta(self, article: Article, latest: dt.date, rejected: list[str]) -> Field[dt.date] | None:
        """The declared date when it is plausible; notes why a declared one was not into ``rejected``."""
        declared = article.meta.get("published")
        value = parse_declared(declared)
        if self._plausible(value, latest):
            assert value is not None
            return Field(value, "meta", 0.95, str(declared))
        if declared not in (None, ""):
            why = "unparseable" if value is None else "after the capture/now" if _as_date(value) > latest else "too old"
            rejected.append(f"declared published {str(declared)[:40]!r} ignored: {why}")
        html = article.meta.get("html")
        if isinstance(html, dict):
            value = parse_declared(html.get("date"))
            if self._plausible(value, latest):
                assert value is not None
                return Field(value, "html-meta", 0.85, str(html.get("date")))
        # trafilatura already ran htmldate when it filled meta["html"]; only without it is a second look useful.
        if article.format == "html" and self.use_htmldate and article.raw_text and not isinstance(html, dict):
            try:
                from htmldate import find_date

                found = find_date(
                    article.raw_text, extensive_search=False, original_date=True, max_date=latest.isoformat()
                )
            except Exception:  # htmldate raises on odd markup; the text may still date the article
                found = None
            value = parse_declared(found)
            if self._plausible(value, latest):
                assert value is not None
                return Field(value, "htmldate", 0.75, str(found))
        return None

    # -- text ---------------------------------------------------------------------
    def _candidates(self, article: Article) -> tuple[list[_Candidate], list[str]]:
        """Dateline candidates, and the texts whose years are clues for a year-less dateline."""
        lang = article.lang_code
        blocks = article.blocks
        first_body = next((i for i, b in enumerate(blocks) if b.role == "body"), len(blocks))
        has_header = any(b.role == "header" for b in blocks)
        cands: list[_Candidate] = []
        clue_texts: list[str] = []
        body_seen = 0
        for i, block in enumerate(blocks):
            if _is_copyright(block) or _is_listed(block.text):
                continue
            text = block.text
            if block.role == "boilerplate":
                # A misfiled "first published … on <date>" note is still that note; list items are not.
                if "\n" not in text.strip() and FIRST_PUBLISHED.search(text):
                    for m in find_dates(text, lang):
                        if m.year is not None:
                            cands.append(_Candidate(m, "footer-first-published", 0.7, _short(text), 1))
                continue
            # Header lines; without any (a cleaner that found none), short non-body lines before the body.
            in_top = block.role == "header" or (
                not has_header
                and block.role not in ("title", "body")
                and i < first_body
                and len(text) <= _HEADER_MAX_CHARS
            )
            if in_top:
                for m in find_dates(text, lang):
                    # "Updated …" dates a revision; kept as a fallback behind the publication date.
                    updated = bool(_UPDATED.search(text[max(0, m.start - 24) : m.start]))
                    cands.append(_Candidate(m, "header-dateline", 0.8 if updated else 0.9, _short(text), 0))
                clue_texts.append(text)
            elif block.role == "footer":
                fp = FIRST_PUBLISHED.search(text)
                for m in find_dates(text, lang):
                    if fp:
                        cands.append(_Candidate(m, "footer-first-published", 0.85, _short(text), 1))
                    elif m.year is not None and len(text) <= _HEADER_MAX_CHARS:
                        cands.append(_Candidate(m, "footer-dateline", 0.5, _short(text), 3))
            elif block.role == "body":
                if body_seen < _BODY_DATELINE_PARAGRAPHS:
                    # Only the paragraph's first date, and only after a place/agency prefix.
                    first = find_dates(text[: _DATELINE_MAX_OFFSET + 40], lang)[:1]
                    if first and first[0].start <= _DATELINE_MAX_OFFSET and _dateline_prefix(text[: first[0].start]):
                        cands.append(_Candidate(first[0], "body-dateline", 0.7, _short(text, 60), 2))
                body_seen += 1
                clue_texts.append(text)
            elif block.role in ("title", "caption"):
                clue_texts.append(text)
        return cands, clue_texts

    @staticmethod
    def _agreement(best: _Candidate, value: dt.date, cands: list[_Candidate]) -> float:
        """A little more confidence for each other dateline with the same month and day (capped at 0.97)."""
        agree = sum(1 for c in cands if c is not best and (c.mention.month, c.mention.day) == (value.month, value.day))
        return min(0.97 - best.confidence, 0.04 * agree) if best.confidence < 0.97 else 0.0

    @staticmethod
    def _relative_to_capture(article: Article, captured: dt.datetime) -> Field[dt.date] | None:
        """ "3 hours ago" in a header line, counted back from the WARC capture time (meaningless without one)."""
        for block in article.blocks:
            if block.role != "header" or len(block.text) > _HEADER_MAX_CHARS:
                continue
            delta = find_relative(block.text)
            if delta is not None:
                value = (captured - delta).date()
                conf = 0.6 if delta < dt.timedelta(days=1) else 0.45
                return Field(
                    value, "relative-to-capture", conf, f"{_short(block.text)} [captured {captured.isoformat()}]"
                )
        return None

    def __call__(self, article: Article) -> Article:
        now = self.now or dt.datetime.now()
        latest = now.date()
        warc = parse_declared(article.meta.get("warc_date"))
        if warc is not None and self.earliest_year <= warc.year:
            # A page cannot be published after it was captured; one day of slack because the
            # capture time is UTC while a dateline is in the publisher's time zone.
            latest = min(latest, _as_date(warc) + dt.timedelta(days=1))

        rejected: list[str] = []
        meta_field = self._from_meta(article, latest, rejected)
        if meta_field is not None:
            article.published = meta_field
            return article

        cands, clue_texts = self._candidates(article)
        years: list[YearMention] | None = None  # read only when a dateline lacks its year
        cands.sort(key=lambda c: (c.rank, c.mention.year is None, -c.confidence))
        chosen: Field[dt.date] | None = None
        for cand in cands:
            if cand.mention.year is not None:
                value = cand.mention.resolve()
                if not self._plausible(value, latest):
                    continue
                assert value is not None
                chosen = Field(value, cand.source, cand.confidence + self._agreement(cand, value, cands), cand.evidence)
                break
            # No year: a full date elsewhere with the same month and day gives it; else infer one.
            same = [
                c
                for c in cands
                if c.mention.year is not None
                and (c.mention.month, c.mention.day) == (cand.mention.month, cand.mention.day)
                and self._plausible(c.mention.resolve(), latest)
            ]
            if same:
                value = same[0].mention.resolve()
                assert value is not None
                chosen = Field(
                    value, same[0].source, same[0].confidence + self._agreement(same[0], value, cands), same[0].evidence
                )
                break
            if years is None:
                years = [y for t in clue_texts for y in find_years(t)]
            inferred = infer_year(cand.mention, years, latest, self.earliest_year)
            if inferred is None:
                continue
            year, conf, why = inferred
            value = cand.mention.resolve(year)
            assert value is not None
            # Scale by how much the dateline's position is trusted (header 0.9 → ×1, body 0.7 → ×0.78).
            chosen = Field(
                value,
                "inferred-year",
                round(conf * min(1.0, cand.confidence / 0.9), 3),
                f"{cand.evidence} [{cand.source}; year: {why}]",
            )
            break
        if chosen is None and isinstance(warc, dt.datetime) and self.earliest_year <= warc.year:
            chosen = self._relative_to_capture(article, warc)
        if chosen is None and warc is not None and self._plausible(warc, _as_date(warc)):
            chosen = Field(warc, "warc-date", 0.3, f"captured {article.meta.get('warc_date')}")
        if chosen is not None and rejected:
            chosen = Field(chosen.value, chosen.source, chosen.confidence, f"{chosen.evidence} [{rejected[0]}]")
        article.published = chosen
        return article
