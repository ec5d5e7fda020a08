"""Who took part, from the articles' entities: people, organisations, countries.

Counting is over *independent* articles: a translation or copy of a report names the
same people again without being new evidence, so it joins its original's vote. A
city is a "where", not a "who": a GPE the gazetteer knows as a city is left to
:mod:`tidings.tell.where`.

A card takes a second look at its names (:mod:`tidings.tell.name_kinds`): demonyms are
groups (NORP), states, oceans, glaciers and buildings are places, a lone generic or
common word ("Street", "Patch") and a month or holiday is nobody. Then the variants one
event uses for one actor are joined: a bare surname or first name with the one full name
of the event it belongs to ("Gray" → "Kimani Gray"), a team's short name with its full one
("Saints" → "New Orleans Saints"), an acronym with the name it abbreviates ("AMD" =
"Advanced Micro Devices"), two spellings of one person's given name ("Alexis" /
"Alexandros Grigoropoulos"). Every actor keeps the forms it was read under (``surfaces``)
and the article that names it first (``evidence``).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from tidings.options import DISPLAY_LANG
from tidings.tell.name_kinds import (
    EventWords,
    is_calendar_name,
    is_demonym,
    is_facility,
    is_place_name,
    person_words,
)
from tidings.tell.types import Actor
from tidings.tell.where import entity_place, lookup_place
from tidings.understand.aliases import given_names_compatible
from tidings.understand.labels import ACTOR_ORDER
from tidings.understand.names_phonetic import romanize
from tidings.views.events import EventData
from tidings.views.names import shown_name

#: Display languages written in Latin letters: their readers get every name in Latin letters.
LATIN_SCRIPT_LANGS = frozenset({
    "en", "fr", "de", "es", "it", "pt", "nl", "vi", "tr", "pl", "id", "ms", "sv", "da", "no", "fi", "cs", "ro", "hu",
})
#: Entity labels that name who took part.
WHO_LABELS = ("PERSON", "ORG", "GPE", "NORP")
#: Words left out of an acronym's letters ("Bureau *of* Alcohol…").
_ACRONYM_SKIP = frozenset({"of", "and", "the", "for", "&", "de", "du", "des", "la", "le"})
#: Scripts whose names the card's second look reads (capitalisation carries its tests).
_LATIN_NAME = re.compile(r"^[A-Za-z\u00c0-\u024f][A-Za-z\u00c0-\u024f.'’\- ]*$")
#: A bare name joins the most reported full name it can belong to only when that one is named by
#: this many times the articles of the next candidate; else it is ambiguous and left out.
DOMINANT_SHARE = 2.0


@dataclass
class _Tally:
    """Everything counted for one actor before it becomes an :class:`Actor`."""

    groups: set[str] = field(default_factory=set)  # independent reports naming it
    mentions: int = 0
    labels: Counter[str] = field(default_factory=Counter)
    surfaces: set[str] = field(default_factory=set)
    display: Counter[str] = field(default_factory=Counter)
    native: Counter[str] = field(default_factory=Counter)
    evidence: str | None = None  # the first article naming it

    def absorb(self, other: _Tally) -> None:
        self.groups |= other.groups
        self.mentions += other.mentions
        self.labels.update(other.labels)
        self.surfaces |= other.surfaces
        self.native.update(other.native)
        self.evidence = self.evidence or other.evidence

    @property
    def label(self) -> str:
        return self.labels.most_common(1)[0][0]

    @property
    def name(self) -> str:
        return self.display.most_common(1)[0][0]


def _words(name: str) -> list[str]:
    return [w for w in re.split(r"[\s]+", name.lower().replace("’", "'")) if w]


def _initials(name: str) -> str:
    return "".join(w[0] for w in _words(name) if w not in _ACRONYM_SKIP and w[0].isalpha()).upper()


def _kind(name: str, label: str, words: EventWords) -> str | None:
    """The label a second look gives a name ("" for nobody), or None to keep the stage's."""
    if not _LATIN_NAME.match(name):
        return None
    if is_calendar_name(name):
        return ""
    if is_demonym(name):
        return "NORP"
    if label in ("PERSON", "ORG") and (is_place_name(name) or is_facility(name)):
        return ""  # a where (tell.where reads it from the entities)
    if words.is_common_word(name):
        return ""
    return None


def _merge_variants(tallies: dict[str, _Tally]) -> dict[str, _Tally]:
    """Join the names one event uses for one actor (see the module docstring)."""
    names = {k: t.name for k, t in tallies.items()}
    latin = [k for k in tallies if _LATIN_NAME.match(names[k]) and tallies[k].label in ("PERSON", "ORG")]
    full = [k for k in latin if len(_words(names[k])) >= 2]
    into: dict[str, str] = {}
    for k in latin:
        w = _words(names[k])
        candidates: list[str] = []
        for f in full:
            if f == k:
                continue
            fw = _words(names[f])
            if len(fw) <= len(w):
                respelt = len(fw) == len(w) >= 2 and fw[-1] == w[-1] and fw[:-1] != w[:-1]
                if respelt and _same_given(w[0], fw[0]) and len(tallies[f].groups) > len(tallies[k].groups):
                    candidates.append(f)  # two spellings of one given name: the less reported joins
                continue
            if fw[-len(w):] == w or (len(w) == 1 and tallies[k].label == "PERSON" and fw[0] == w[0]
                                     and tallies[f].label == "PERSON" and len(fw) <= 3):
                candidates.append(f)
        if len(w) == 1 and names[k].isupper() and 2 <= len(names[k]) <= 6:
            candidates += [f for f in full if _initials(names[f]) == names[k]]
        if not candidates:
            continue
        candidates.sort(key=lambda f: -len(tallies[f].groups))
        best = candidates[0]
        runner = len(tallies[candidates[1]].groups) if len(candidates) > 1 else 0
        if runner and len(tallies[best].groups) < DOMINANT_SHARE * runner:
            if len(w) == 1:
                into[k] = ""  # "Peterson" of Scott and of Laci Peterson: nobody in particular
            continue
        if len(tallies[best].groups) * DOMINANT_SHARE < len(tallies[k].groups) and len(w) >= 2:
            continue  # "Tara Reid" (17 reports) is not a piece of a one-off "Party Girl Tara Reid"
        into[k] = best
    out: dict[str, _Tally] = {}
    for k, t in tallies.items():
        target = k
        seen = {k}
        while target in into and into[target] and into[target] not in seen:
            target = into[target]
            seen.add(target)
        if target in into and not into[target]:
            continue
        if target == k:
            out.setdefault(k, t)
            continue
        host = out.setdefault(target, tallies[target])
        host.absorb(t)
        if names[k].isupper() and len(t.groups) > len(tallies[target].groups):
            host.display[names[k]] += host.display.most_common(1)[0][1] + 1  # the acronym is how it is known
    return out


def _same_given(a: str, b: str) -> bool:
    """Two written forms of one given name: nickname-linked, or sharing their first four letters."""
    return given_names_compatible(a, b) or (len(a) >= 4 and len(b) >= 4 and a[:4] == b[:4])


#: Capitalised stopwords that begin names ("New York", "New Orleans Saints"): the entity stage
#: drops them as ordinary words, leaving "Zealand" or "York Times"; a card gives them back.
NAME_STARTERS = ("New",)


def _restore_cut_start(name: str, text: str) -> str:
    """``name`` with the name-starting word the event's text writes before it most of the time."""
    found = text.count(name)
    for starter in NAME_STARTERS:
        if found and text.count(f"{starter} {name}") * 2 >= found:
            return f"{starter} {name}"
    return name


def latin_shown(name: str, label: str) -> str:
    """For a reader of a Latin-script language: "Liyabukefu (里亚布科夫)" rather than "里亚布科夫".

    A romanisation (pinyin, Arabic transliteration) is a guess at the English spelling, so the
    original stays beside it for a reader to check; a name already anchored to a Latin spelling
    (拉夫罗夫 → Sergei Lavrov, learned from a parenthesis in the stream) is shown as that spelling.
    """
    if label not in ("PERSON", "ORG") or _LATIN_NAME.match(name):
        return name
    m = re.match(r"^(.+?) \((.+)\)$", name)  # shown_name's "native (Roman)"
    if m and _LATIN_NAME.match(m.group(2)):
        return f"{m.group(2)} ({m.group(1)})"
    roman = " ".join(w[:1].upper() + w[1:] for w in romanize(name).split())
    return f"{roman} ({name})" if roman and _LATIN_NAME.match(roman) else name


def rank_actors(data: EventData, limit: int = 12, lang: str = DISPLAY_LANG) -> list[Actor]:
    """People, organisations and countries, one normalised name each, most widely reported first.

    ``lang``: the reader's language; for a Latin-script one every name is shown in Latin letters.
    """
    in_latin = lang in LATIN_SCRIPT_LANGS
    tallies: dict[str, _Tally] = defaultdict(_Tally)
    names_of_people = person_words(data.entities.values())
    for article in data.articles:
        article_lang = data.lang(article)
        for ent in data.entities.get(article.id, []):
            label, key = ent.label, ent.identity
            if not key or label not in WHO_LABELS:
                continue
            if label == "GPE":
                if ent.text in names_of_people:
                    continue
                place = entity_place(ent) or lookup_place(key, article_lang) or lookup_place(ent.text, article_lang)
                if place is not None and getattr(place, "kind", "country") not in ("country", None):
                    continue  # a city is a where, not a who
            t = tallies[key]
            t.groups.add(data.original_of(article.id))
            t.mentions += ent.count
            t.labels[label] += 1
            t.surfaces.update(ent.surfaces)
            t.display[ent.display or key] += 1
            t.native[ent.text] += ent.count
            t.evidence = t.evidence or article.id
    words = EventWords([data.title(a) + "\n" + a.text for a in data.articles])
    event_text = "\n".join(data.title(a) + "\n" + a.text for a in data.articles)
    kept: dict[str, _Tally] = {}
    by_name: dict[str, str] = {}
    for key, t in tallies.items():
        name = t.name
        if _LATIN_NAME.match(name):
            first = name.split()[0]
            latin_native = [x for x in t.native if _LATIN_NAME.match(x)]
            if t.label == "PERSON" and " " in name and latin_native and first not in event_text:
                # the lexicon's full name of another bearer of the surname ("Reggie Bush" for a
                # "Bush" the articles never give a first name): show what the articles write
                name = max(sorted(latin_native), key=lambda s: t.native[s])
            if t.label in ("PERSON", "ORG"):
                name = words.clean_name(name, t.label)
            name = _restore_cut_start(name, event_text)
            t.display = Counter({name: 1})
        kind = _kind(name, t.label, words)
        if kind == "":
            continue
        if kind:
            t.labels = Counter({kind: 1})
        same = by_name.get(name.casefold())
        if same is not None and _LATIN_NAME.match(name):
            kept[same].absorb(t)  # two norms, one name on this card
            continue
        by_name[name.casefold()] = key
        kept[key] = t
    kept = _merge_variants(kept)
    actors = [
        Actor(
            name=latin_shown(shown_name(t.name, t.label, t.native), t.label) if in_latin
            else shown_name(t.name, t.label, t.native),
            label=t.label,
            articles=len(t.groups),
            mentions=t.mentions,
            surfaces=tuple(sorted(t.surfaces | {key})),
            evidence=t.evidence,
        )
        for key, t in kept.items()
    ]
    actors.sort(key=lambda a: (-a.articles, ACTOR_ORDER.get(a.label, 9), -a.mentions, a.name))
    return actors[:limit]
