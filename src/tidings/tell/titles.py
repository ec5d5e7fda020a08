"""A title in the reader's language when no article of the event has one: composed from the card.

When no report is written in the language asked for (``--lang en`` over Chinese, Arabic and
Vietnamese reports), showing one of their titles leaves the reader with nothing. The card already
knows who, where and when in a form every language can show (Latin names, the gazetteer's English
place names, an ISO date); a *kind* of happening ("talks", "earthquake") is read from the reports'
own words through a small multilingual table. So a title such as "Rubio, Lavrov — talks in Riyadh,
18 Feb 2025" says only what the card's fields say, and the original title stays beside it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Sequence

from tidings.tell.types import Actor, Place, SourcedText, When
from tidings.views.events import EventData

#: Kinds of happening, each with the words that report it in the project's languages (general vocabulary).
#: The kind most reports name is the title's "what"; none named, the title says who, where and when.
EVENT_KINDS: dict[str, tuple[str, ...]] = {
    "talks": ("talks", "negotiations", "会谈", "谈判", "磋商", "محادثات", "مفاوضات", "đàm phán", "hội đàm",
              "pourparlers", "gespräche", "conversaciones"),
    "summit": ("summit", "峰会", "قمة", "hội nghị thượng đỉnh", "sommet", "gipfel", "cumbre"),
    "earthquake": ("earthquake", "quake", "地震", "زلزال", "động đất", "séisme", "erdbeben", "terremoto"),
    "election": ("election", "选举", "انتخابات", "bầu cử", "élection", "wahl", "elecciones"),
    "shooting": ("shooting", "shot dead", "gunman", "枪击", "إطلاق نار", "xả súng", "fusillade"),
    "arrest": ("arrested", "arrest", "逮捕", "被捕", "اعتقال", "bắt giữ", "arrêté", "festgenommen", "detenido"),
    "trial": ("trial", "sentenced", "verdict", "审判", "判决", "محاكمة", "xét xử", "procès", "prozess", "juicio"),
    "attack": ("attack", "airstrike", "bombing", "袭击", "空袭", "هجوم", "غارة", "tấn công", "attaque", "angriff"),
    "agreement": ("agreement", "deal", "协议", "اتفاق", "thỏa thuận", "accord", "abkommen", "acuerdo"),
    "visit": ("visit", "访问", "زيارة", "chuyến thăm", "visite", "besuch", "visita"),
    "acquisition": ("acquire", "acquisition", "buy", "收购", "استحواذ", "mua lại", "rachat", "übernahme"),
}
#: One pattern per kind: any of its words, not inside another word's end ("attack", not "counterattack").
_KIND_PATTERNS = {
    kind: re.compile(rf"(?<!\w)(?:{'|'.join(map(re.escape, words))})") for kind, words in EVENT_KINDS.items()
}
#: Composed titles exist for these display languages (the words around the fields are English).
COMPOSED_LANGS = ("en",)


def event_kind(data: EventData) -> str | None:
    """The kind of happening most of the event's independent reports name in their title or lead."""
    votes: Counter[str] = Counter()
    for article in data.independent or data.articles:
        sents = data.sentences(article)
        head = (data.title(article) + " " + " ".join(s.text for s in sents[:2])).casefold()
        for kind, pattern in _KIND_PATTERNS.items():
            if pattern.search(head):
                votes[kind] += 1
    if not votes:
        return None
    kind, n = votes.most_common(1)[0]
    return kind if n * 2 >= len(data.independent or data.articles) else None


def _latin(text: str) -> bool:
    return all(ord(ch) < 0x250 for ch in text if ch.isalpha())


def _short_date(iso: str | None) -> str | None:
    if not iso:
        return None
    try:
        day = dt.date.fromisoformat(iso[:10])
    except ValueError:
        return None
    return f"{day.day} {day.strftime('%b')} {day.year}"


def compose_title(data: EventData, lang: str, who: Sequence[Actor], where: Sequence[Place],
                  when: When) -> SourcedText | None:
    """"Rubio, Lavrov — talks in Riyadh, 18 Feb 2025" from the card's fields; None when it would say nothing."""
    if lang not in COMPOSED_LANGS:
        return None
    people = [a.name.split()[-1] for a in who if a.label == "PERSON" and _latin(a.name)][:2]
    if not people:
        people = [a.name for a in who if a.label == "ORG" and _latin(a.name)][:2]
    kind = event_kind(data)
    place = next((p.name for p in where if p.kind != "country" and _latin(p.name)), None) or next(
        (p.name for p in where if _latin(p.name)), None)
    day = _short_date(when.start) if when.confidence >= 0.5 else None
    what = " ".join(x for x in (kind, f"in {place}" if place else None) if x)
    tail = ", ".join(x for x in (what, day) if x)
    if not people and not kind:
        return None
    text = ", ".join(people) + (" — " if people and tail else "") + tail
    return SourcedText(text, "", lang, "composed from the card")
