"""Key quotes and who said them (zh, ar, vi, en).

A quote is text between quote marks (“” 「」 『』 «» „“ "") that is introduced as
speech: a said-verb (表示/说, قال/وقال, cho biết/nói, said …) or a colon stands in
its sentence. Scare quotes ("a 'problem solver'") are too short to pass. The
speaker is the PERSON entity named nearest to the quote in its sentence, else in
the sentence before (reports often name the speaker, then quote them).
"""

from __future__ import annotations

import re
from collections import Counter

from tidings.article import Entity
from tidings.tell.types import Quote
from tidings.text.scripts import has_han
from tidings.views.events import EventData
from tidings.views.names import shown_name

_QUOTE_RE = re.compile(r"“([^“”]+)”|「([^「」]+)」|『([^『』]+)』|«([^«»]+)»|„([^„“”]+)[“”]|\"([^\"]+)\"")
_SAID_RE = re.compile(
    r"表示|说|称|指出|强调|透露|回答|写道|"
    r"قال|وقال|قالت|وقالت|أضاف|وأضاف|أكد|وأكد|صرح|كتب|وكتب|"
    r"cho biết|nói|khẳng định|nhấn mạnh|tuyên bố|phát biểu|"
    r"\b(?:said|says|told|added|stated|wrote|declared|according to)\b",
    re.IGNORECASE,
)
#: Shortest quote worth showing, in characters (CJK characters carry more; calibrated on the seeds:
#: "问题解决者" (5) is a scare quote, "每个人都感受到了巨大的紧迫感" a statement).
MIN_CJK, MIN_OTHER = 8, 20
#: How many quotes a card shows.
MAX_QUOTES = 6


def _speakers(entities: list[Entity]) -> list[tuple[str, str]]:
    """(surface form, display name) of every PERSON, longest surface first.

    A multi-word surface also contributes its last word (the surname: "ماكرون" of
    "إيمانويل ماكرون", "Lavrov" of "Sergei Lavrov"), because reports name a speaker in
    full once and by surname after.
    """
    out: dict[str, str] = {}
    for ent in entities:
        if ent.label != "PERSON":
            continue
        name = shown_name(ent.display or ent.identity, "PERSON", Counter({ent.text: 1}))
        for form in ent.surfaces:
            if len(form) >= 2:
                out.setdefault(form, name)
            words = form.split()
            if len(words) >= 2 and len(words[-1]) >= 3:
                out.setdefault(words[-1], name)
    return sorted(out.items(), key=lambda x: -len(x[0]))


def _mentions(text: str, speakers: list[tuple[str, str]]) -> list[tuple[int, int, str]]:
    """(start, end, name) of every speaker mention, longer forms winning overlaps."""
    found: list[tuple[int, int, str]] = []
    for form, name in speakers:
        start = text.find(form)
        while start >= 0:
            end = start + len(form)
            if not any(start < e and s < end for s, e, _ in found):
                found.append((start, end, name))
            start = text.find(form, end)
    return sorted(found)


def _nearest(text: str, start: int, end: int, speakers: list[tuple[str, str]]) -> str | None:
    """The speaker named closest to the quote span [start, end) in its paragraph (outside the quote)."""
    best: tuple[int, str] | None = None
    for s, e, name in _mentions(text, speakers):
        if s >= start and e <= end:
            continue  # a name inside the quote is not its speaker
        dist = start - e if e <= start else s - end
        if best is None or dist < best[0]:
            best = (dist, name)
    return best[1] if best else None


def _first(text: str, speakers: list[tuple[str, str]]) -> str | None:
    """The first person a paragraph names: usually its grammatical subject."""
    found = _mentions(text, speakers)
    return found[0][2] if found else None


#: Between a said-verb and its quote, only punctuation: the speaker is a pronoun ("he said:").
_BARE = re.compile(r"^[\s:,:،\-–—]*$")


def quotes_in(text: str, lang: str, speakers: list[tuple[str, str]]) -> list[tuple[str, str | None, str, float]]:
    """(quote, speaker, paragraph, confidence) for every speech quote in an article body.

    The speaker is the person named nearest the quote in its paragraph; when the
    paragraph names nobody and the quote is introduced by a bare said-verb ("قال:",
    "he said:"), it is the first person of the paragraph before. When a said-verb is
    followed by a name we could not resolve ("قال الفالس"), the quote stays unattributed
    rather than borrowing someone else's name.
    """
    out = []
    paragraphs = [p for p in text.split("\n") if p.strip()]
    for p_index, para in enumerate(paragraphs):
        for m in _QUOTE_RE.finditer(para):
            quote = next(g for g in m.groups() if g is not None).strip()
            short = MIN_CJK if has_han(quote[:20]) else MIN_OTHER
            if len(quote) < short:
                continue
            before = para[max(0, m.start() - 120) : m.start()]
            after = para[m.end() : m.end() + 60]
            said_before = list(_SAID_RE.finditer(before))
            introduced = bool(said_before or _SAID_RE.search(after)) or before.rstrip().endswith((":", ":"))
            if not introduced:
                continue
            speaker = _nearest(para, m.start(), m.end(), speakers)
            confidence = 0.8 if speaker else 0.4
            bare = not said_before or bool(_BARE.match(before[said_before[-1].end() :]))
            if speaker is None and p_index > 0 and bare:
                speaker = _first(paragraphs[p_index - 1], speakers)
                confidence = 0.5 if speaker else 0.4
            out.append((quote, speaker, para.strip(), confidence))
    return out


def find_quotes(data: EventData, limit: int = MAX_QUOTES) -> list[Quote]:
    """The event's key quotes: attributed ones first, independent reports first, no repeats."""
    found: list[Quote] = []
    seen: set[str] = set()
    for article in data.articles:
        speakers = _speakers(data.entities.get(article.id, []))
        for quote, speaker, context, confidence in quotes_in(article.text, data.lang(article), speakers):
            key = re.sub(r"\W+", "", quote)[:40]
            if key in seen:
                continue
            seen.add(key)
            if article.id in data.copies:
                confidence *= 0.8
            found.append(Quote(quote, speaker, article.id, data.lang(article), data.outlet(article), context,
                               round(confidence, 3)))
    found.sort(key=lambda q: (-q.confidence, q.speaker is None, -min(len(q.text), 200)))
    return found[:limit]
