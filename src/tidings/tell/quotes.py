"""Key quotes and who said them (zh, ar, vi, en).

A quote is text between quote marks (“” 「」 『』 «» „“ "") that is introduced as
speech: a said-verb (表示/说, قال/وقال, cho biết/nói, said …) or a colon stands in
its sentence. Scare quotes ("a 'problem solver'") are too short to pass.

Who said it. In English the sentence says it in a few fixed shapes, read here as they are
written: '"…," said Stephen Bright', '"…," Bodiford said', 'Steven Moffat, lead writer of
Doctor Who, said: "…"', '"…," he said' (the speaker named last before), '"…," a friend of the
actress said' (someone the report does not name: unattributed). The named speaker is shown as
the card names that person ("Bodiford" → James Bodiford) and is never just any name of the
sentence ("Reid's rep said" is not Reid). In other languages the speaker is the PERSON entity
named nearest to the quote in its paragraph, else the first one of the paragraph before
(reports often name the speaker, then quote them).
"""

from __future__ import annotations

import re
from collections import Counter

from tidings.article import Entity
from tidings.tell.name_kinds import ORG_HEADS, TITLE_WORDS, is_demonym, is_place_name
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


_VERB = (r"(?:said|says|added|adds|told|tells|stated|wrote|writes|declared|explained|insisted|warned|tweeted|"
         r"recalled|asked|replied|noted|continued|testified|announced|admitted|conceded|argued|according to)")
_NAME = r"(?:[A-Z][\w'’.-]*(?:\s+(?:[A-Z][\w'’.-]*|de|van|von|al|bin|del|da|di|le|la)){0,5})"
#: After the closing quote: ', said NAME' / ', NAME said' / ', NAME, the team's coach, said' / ', he said' /
#: ', the actress's rep Jack Ketsoyan told' (the words before the verb end with the name) / ', a friend said'.
_AFTER = re.compile(rf"^\s*[,.!?]?\s*(?:(?P<verb1>{_VERB})\s+(?P<name1>{_NAME})|(?P<pron>he|she|they|I|we)\s+{_VERB}\b|"
                    rf"(?P<who>[^\"“”.;]{{1,90}}?)\s+{_VERB}\b)")
#: Before the opening quote, in its sentence: 'NAME, lead writer of X, said: ' / 'he said, '.
_BEFORE = re.compile(rf"(?:(?P<name>{_NAME})(?:,[^,\"“”]{{1,100}}?,?)?\s+{_VERB}\b[^\"“”.]{{0,30}}|(?P<pron>\b(?:he|"
                     rf"she|they)\s+{_VERB}\b[^\"“”.]{{0,30}}))$")
#: The subject words of a said-verb end with a name: "prosecutor Seth Goldman", "Bodiford", "Ketsoyan, her rep,".
_ENDS_WITH_NAME = re.compile(rf"(?:^|\s)(?P<name>{_NAME})(?:,[^,]{{1,100}},)?$")
#: Capitalised words that begin a sentence but name nobody.
_NOT_NAMES = frozenset({"He", "She", "It", "They", "We", "I", "The", "A", "An", "This", "That", "But", "And",
                        "In", "On", "At", "As", "Police", "Officials", "Witnesses", "Authorities"})


def _english_speaker(para: str, start: int, end: int) -> tuple[str, str] | None:
    """('name', NAME) / ('pronoun', '') / ('described', '') as the sentence attributes the quote at [start, end)."""
    m = _AFTER.match(para[end:end + 160])
    if m:
        if m.group("name1"):
            return "name", m.group("name1")
        if m.group("pron"):
            return "pronoun", ""
        who = m.group("who").strip(" ,")
        named = _ENDS_WITH_NAME.search(who)
        if named and named.group("name").split()[0] not in _NOT_NAMES:
            return "name", named.group("name")
        return "described", who  # "a friend of the actress", "Reid's rep", "the judge"
    b = _BEFORE.search(para[max(0, start - 200):start])
    if b:
        return ("name", b.group("name")) if b.group("name") else ("pronoun", "")
    return None


def _resolve(name: str, people: dict[str, str]) -> str | None:
    """The card's name for a speaker as written ("Bodiford" → "James Bodiford"), else the name if it is one."""
    words = [w.strip(".,;:") for w in name.replace("’s", "").replace("'s", "").split() if w not in _NOT_NAMES]
    words = [w for w in words if w]
    titled = [i for i, w in enumerate(words[:-1]) if w.lower().rstrip(".") in TITLE_WORDS]
    if titled:
        words = words[titled[-1] + 1:]  # "Judge Vincent DelGiudice", "WCCO TV Managing Editor Angela Benson"
    if not words:
        return None
    name = " ".join(words[-3:])
    if name in people:
        return people[name]
    same = {full for surface, full in people.items() if surface.split()[-1] == words[-1]}
    if len(same) == 1:
        return same.pop()
    if is_place_name(name) or is_demonym(name) or name.split()[-1].lower() in ORG_HEADS:
        return None
    return name if all(w[:1].isupper() for w in words) else None


def english_quotes(text: str, people: dict[str, str]) -> list[tuple[str, str | None, str, float]]:
    """(quote, speaker, paragraph, confidence) for every attributed quote of an English article body.

    ``people``: surface form → the card's name, for the event's people (who's second look has passed them).
    A quote the sentence gives to a pronoun goes to the speaker named last before it in the article.
    """
    out = []
    last: str | None = None
    for para in (p for p in text.split("\n") if p.strip()):
        for m in _QUOTE_RE.finditer(para):
            quote = next(g for g in m.groups() if g is not None).strip()
            if len(quote) < MIN_OTHER:
                continue
            how = _english_speaker(para, m.start(), m.end())
            if how is None:
                before = para[max(0, m.start() - 120):m.start()]
                if not (_SAID_RE.search(before) or _SAID_RE.search(para[m.end():m.end() + 60])
                        or before.rstrip().endswith(":")):
                    continue
                out.append((quote, None, para.strip(), 0.4))
                continue
            kind, written = how
            if kind == "name":
                speaker = _resolve(written, people)
                if speaker is not None:
                    last = speaker
                out.append((quote, speaker, para.strip(), 0.9 if speaker else 0.4))
            elif kind == "pronoun":
                out.append((quote, last, para.strip(), 0.6 if last else 0.4))
            else:
                out.append((quote, None, para.strip(), 0.4))  # "a friend of the actress said": not named
    return out


#: Two quotes sharing this share of the shorter one's words say the same thing (one reworded or cut by an outlet),
#: when the shorter one has this many words (two short quotes share their few words by chance).
SAME_QUOTE_SHARE, SAME_QUOTE_MIN_WORDS = 0.8, 5


def find_quotes(data: EventData, limit: int = MAX_QUOTES, people: dict[str, str] | None = None) -> list[Quote]:
    """The event's key quotes: attributed ones first, independent reports first, no repeats (nor a quote again in
    part or reworded).

    ``people``: the card's people (each surface form → the name the card shows); with it, English quotes are
    attributed by how their sentence names the speaker (:func:`english_quotes`).
    """
    found: list[Quote] = []
    seen: set[str] = set()
    for article in data.articles:
        if data.lang(article) == "en" and people is not None:
            found_here = english_quotes(article.text, people)
        else:
            found_here = quotes_in(article.text, data.lang(article), _speakers(data.entities.get(article.id, [])))
        for quote, speaker, context, confidence in found_here:
            key = re.sub(r"\W+", "", quote)[:40]
            if key in seen:
                continue
            seen.add(key)
            if article.id in data.copies:
                confidence *= 0.8
            if speaker and people:  # shown as the card shows that person ("里亚布科夫" under --lang en: Ryabkov)
                speaker = people.get(speaker, speaker)
            found.append(Quote(quote, speaker, article.id, data.lang(article), data.outlet(article), context,
                               round(confidence, 3)))
    found.sort(key=lambda q: (-q.confidence, q.speaker is None, -min(len(q.text), 200)))
    kept: list[Quote] = []
    said: list[tuple[str, frozenset[str]]] = []
    for q in found:
        text = " ".join(re.sub(r"\W+", " ", q.text.casefold()).split())
        this = (text, frozenset(text.split()))
        if any(_same_quote(this, other) for other in said):
            continue  # the same words again, quoted in part or retouched: the best-placed one stands for them
        said.append(this)
        kept.append(q)
        if len(kept) == limit:
            break
    return kept


def _same_quote(a: tuple[str, frozenset[str]], b: tuple[str, frozenset[str]]) -> bool:
    """Two quotes (normalised text, its words) say the same: one holds the other, or they share most words."""
    if a[0] in b[0] or b[0] in a[0]:
        return True
    fewer = min(len(a[1]), len(b[1]))
    return fewer >= SAME_QUOTE_MIN_WORDS and len(a[1] & b[1]) >= SAME_QUOTE_SHARE * fewer
