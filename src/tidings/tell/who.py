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
from functools import lru_cache

from tidings.options import DISPLAY_LANG
from tidings.tell.name_kinds import (
    COMPASS,
    EVENT_HEADS,
    LAW_HEADS,
    ORG_HEADS,
    TITLE_WORDS,
    EventWords,
    is_calendar_name,
    is_demonym,
    is_facility,
    is_place_name,
    person_words,
)
from tidings.tell.types import Actor
from tidings.tell.where import entity_place, inside_a_name, lookup_place
from tidings.understand.aliases import given_names_compatible
from tidings.understand.labels import ACTOR_ORDER
from tidings.understand.names_ar_latin import arabic_latin
from tidings.understand.names_phonetic import romanize, script_of
from tidings.understand.names_xinhua import xinhua_latin
from tidings.views.events import EventData
from tidings.views.names import shown_name

#: Who the reports name in their title or first sentence (the lead, as news writes it) took part in what
#: they report, more than who they name later: a person or organisation counts its independent reports
#: plus this many times those naming it there (not a country: every lead names one, as where). Fitted on
#: ECB+ dev by topic halves (even / odd topics, weights 0-4): half one picks 3, which scores who F1@5 0.653
#: on half two (0.632 without); half two picks 2 or 3 (tied), 0.750 or 0.762 on half one (0.752 without).
#: A lead of two sentences was worse on held-out halves (0.727 against 0.752).
LEAD_WEIGHT = 3.0
LEAD_SENTENCES = 1
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
#: Words that end an organisation's full name and are left out of its short one ("People Magazine").
ORG_SUFFIXES = ORG_HEADS | frozenset({"magazine", "newspaper", "dairy", "creamery", "corp", "inc", "co", "ltd", "llc",
                                      "technologies", "systems", "international", "incorporated", "plc"})
#: A bare name joins the most reported full name it can belong to only when that one is named by
#: this many times the articles of the next candidate; else it is ambiguous and left out.
DOMINANT_SHARE = 2.0


@dataclass
class _Tally:
    """Everything counted for one actor before it becomes an :class:`Actor`."""

    groups: set[str] = field(default_factory=set)  # independent reports naming it
    leads: set[str] = field(default_factory=set)  # of them, those naming it in their title or lead
    mentions: int = 0
    labels: Counter[str] = field(default_factory=Counter)
    surfaces: set[str] = field(default_factory=set)
    display: Counter[str] = field(default_factory=Counter)
    native: Counter[str] = field(default_factory=Counter)
    evidence: str | None = None  # the first article naming it

    def absorb(self, other: _Tally) -> None:
        self.groups |= other.groups
        self.leads |= other.leads
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


#: Name suffixes left out when comparing names ("Joseph Comeaux Jr" is "Comeaux").
_SUFFIXES = frozenset({"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"})


def _words(name: str) -> list[str]:
    return list(_name_words(name))


@lru_cache(maxsize=16384)
def _name_words(name: str) -> tuple[str, ...]:
    """A name's lower-case words without suffixes (remembered: a card compares every pair of its names)."""
    words = name.lower().replace("’", "'").replace(",", "").split()
    while len(words) > 1 and words[-1] in _SUFFIXES:
        words.pop()
    return tuple(words)


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
    if name.lower() in COMPASS or (label in ("PERSON", "ORG") and words.is_prefix(name)):
        return ""  # "West"; "Windows" of Windows XP / Server / Update, "Internet" of Internet Explorer
    if label in ("PERSON", "ORG") and name.split()[-1].lower() in EVENT_HEADS:
        return ""  # a happening: "Super Bowl", "MVC Tournament"
    if label in ("PERSON", "ORG") and " " in name and name.split()[-1].lower() in LAW_HEADS:
        return ""  # a law, named with its head ("Endangered Species Act"): what was done, not who did it
    if label in ("PERSON", "ORG") and all(w.lower().rstrip(".") in TITLE_WORDS for w in name.split()):
        return ""  # a title alone ("Attorney", "CEO", "Sgt"): whoever holds it is named elsewhere
    if label in ("PERSON", "ORG") and (name[-1:] == "s" and name[:-1].isupper()):
        return ""  # a plural acronym is a common noun: "MPs", "SUVs"
    if label in ("PERSON", "ORG") and words.usage(name) is not None:
        return ""  # a place, a work's title, a product, a law, an acronym used as a noun: not who took part
    place = lookup_place(name, "en") if " " in name and label in ("PERSON", "ORG") else None
    if place is not None and str(getattr(place, "name_en", "")).lower() == name.lower():
        return ""  # a town's own name read as someone's ("New Orleans" cut at "New"): a where
    town, _, rest = name.partition(" ")
    if label in ("PERSON", "ORG") and " " in rest and lookup_place(town, "en") is not None and words.usage(rest):
        return ""  # the same after the town it is in: "Bloomington Sam's Club" where "Sam's Club" is a site
    if label == "PERSON" and " " in name and name.split()[-1].lower().rstrip(".") in ORG_HEADS:
        return "ORG"  # "Wasilla Bible Church", "Central Mat-Su Fire Department"
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
            given = len(w) == 1 and (fw[0] == w[0] or (len(w[0]) >= 4 and fw[0].startswith(w[0])))
            if fw[-len(w):] == w or (given and tallies[k].label == tallies[f].label == "PERSON" and len(fw) <= 3):
                # a bare surname, a bare first name, or its short form ("Wlad" of Wladimir Klitschko)
                candidates.append(f)
            elif fw[:len(w)] == w and all(x.rstrip(".") in ORG_SUFFIXES for x in fw[len(w):]):
                candidates.append(f)  # "People" of People Magazine, "Matanuska Maid" of Matanuska Maid Dairy
        if len(w) == 1 and names[k].isupper() and 2 <= len(names[k]) <= 6:
            candidates += [f for f in full if _initials(names[f]) == names[k]]
        candidates += [f for f in full if f != k and (_acronym_inside(names[k], names[f])
                                                      or _acronym_inside(names[f], names[k]))]
        if not candidates:
            continue
        candidates.sort(key=lambda f: -len(tallies[f].groups))
        best = candidates[0]
        runner = len(tallies[candidates[1]].groups) if len(candidates) > 1 else 0
        if runner and len(tallies[best].groups) < DOMINANT_SHARE * runner:
            if len(w) == 1 and len(tallies[k].groups) <= DOMINANT_SHARE * len(tallies[best].groups):
                into[k] = ""  # "Peterson" of Scott and of Laci Peterson: nobody in particular
            continue  # "Microsoft" (28 reports) is none of "Microsoft Update", "Microsoft Fix" (one each)
        if len(tallies[best].groups) * DOMINANT_SHARE < len(tallies[k].groups) and len(w) >= 2:
            # "Tara Reid" (17 reports) is not a piece of a one-off "Party Girl Tara Reid": that one is hers,
            # as "Bloomington Sam's Club" (2) is "Sam's Club" (9)
            into.setdefault(best, k)
            continue
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
        short_form = names[k].isupper() or _words(names[target])[:len(_words(names[k]))] == _words(names[k])
        if short_form and t.mentions > tallies[target].mentions and len(t.groups) >= len(tallies[target].groups):
            # the acronym or the short name is how it is known ("AMD", "Intel" rather than "Intel Corp")
            host.display[names[k]] += host.display.most_common(1)[0][1] + 1
    return out


def _acronym_inside(short: str, long: str) -> bool:
    """``short`` is ``long`` with a run of its words written as their initials: "UN Relief and Works
    Agency" of "United Nations Relief and Works Agency", "US Geological Survey" of "United States …"."""
    sw, lw = short.split(), long.split()
    for i, word in enumerate(sw):
        n = len(word)
        if not (word.isupper() and 2 <= n <= 5) or len(lw) != len(sw) + n - 1 or len(sw) < 2:
            continue
        if sw[:i] == lw[:i] and sw[i + 1:] == lw[i + n:] and "".join(x[0] for x in lw[i:i + n]).upper() == word:
            return True
    return False


def _same_given(a: str, b: str) -> bool:
    """Two written forms of one given name: nickname-linked, or sharing their first four letters."""
    return given_names_compatible(a, b) or (len(a) >= 4 and len(b) >= 4 and a[:4] == b[:4])


#: Capitalised stopwords that begin names ("New York", "New Orleans Saints"): the entity stage
#: drops them as ordinary words, leaving "Zealand" or "York Times"; a card gives them back.
NAME_STARTERS = ("New",)


def _restore_cut_start(name: str, text: str, words: EventWords | None = None, person_surname: bool = False) -> str:
    """``name`` with the name-starting word the event's text writes before it most of the time.

    "New" always ("New York Times"); with ``words``, also any capitalised word or dotted abbreviation
    the event writes right before the name in most of its mentions and never as an ordinary word:
    "U.S. Geological Survey", "Associated Press" (the entity stage cuts names at such words).
    """
    found = text.count(name)
    for starter in NAME_STARTERS:
        if found and text.count(f"{starter} {name}") * 2 >= found:
            return f"{starter} {name}"
    if words is None or found < 2:
        return name
    text = words.text
    before: Counter[str] = Counter()
    for start, _end in words.spans(name):
        m = _STARTER_BEFORE.search(text, max(0, start - 40), start)
        if m:
            before[m.group(1)] += 1
    if not before:
        return name
    word, n = before.most_common(1)[0]
    plain = word.lower().rstrip(".")
    # a lone surname is written in full once or twice and bare after that ("Maurice Cheeks" … "Cheeks said")
    enough = 2 if person_surname else max(2.0, 0.6 * found)
    if n < enough or plain in TITLE_WORDS or is_demonym(word) or words.lower[plain] > 0:
        return name
    return f"{word} {name}"


#: A word that may begin a name: capitalised, or a dotted abbreviation ("U.S.", "U.N."), written right
#: before the name in the middle of a sentence (after a word, not after a sentence's end).
_STARTER = r"(?:[A-Z][a-z]+|(?:[A-Z]\.){2,3}|[A-Z]{2,3})"
_STARTER_BEFORE = re.compile(rf"(?<=[\w.] )(?<![.!?] )({_STARTER}) $")
#: Joiners inside organisation names the entity stage cuts at: "Texas Department *of* Criminal Justice",
#: "Fish *and* Wildlife Service".
_JOINED = re.compile(r"\s+(of|and|&|for|of the)\s+([A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*)*)")


def _join_cut_names(kept: dict[str, _Tally], text: str, words: EventWords) -> dict[str, _Tally]:
    """Join two names the event writes as one: "Texas Department" + "of" + "Criminal Justice".

    The first becomes the joined name (an organisation) when most of its mentions are so joined; the
    second joins it when most of its own mentions are inside the joined name.
    """
    names = {k: t.name for k, t in kept.items() if _LATIN_NAME.match(t.name) and t.label in ("PERSON", "ORG")}
    by_name = {n: k for k, n in names.items()}
    out = dict(kept)
    for key, name in names.items():
        if key not in out:
            continue
        spans = words.spans(name)
        total = len(spans)
        joins: Counter[tuple[str, str]] = Counter()
        for _start, end in spans:
            m = _JOINED.match(text, end, end + 120)
            if m is None:
                continue
            run = m.group(2).split()
            for size in range(len(run), 0, -1):
                other = " ".join(run[:size]).rstrip(".,’'")
                if other in by_name and by_name[other] != key:
                    joins[(m.group(1), other)] += 1
                    break
        if not joins:
            continue
        (joiner, other), n = joins.most_common(1)[0]
        if n * 2 < total or not ({name.split()[-1].lower(), other.split()[-1].lower()} & ORG_HEADS or name.split()[0]
                                 .lower() in ORG_HEADS):
            continue  # "Korkoneas and Saraliotis" are two people; "Department of Justice" is one body
        okey = by_name[other]
        joined = f"{name} {joiner} {other}"
        host = out[key]
        host.display = Counter({joined: 1})
        host.labels = Counter({"ORG": 1})
        other_total = len(words.spans(other))
        if okey in out and n * 2 >= other_total:
            host.absorb(out.pop(okey))
    return out


def latin_shown(name: str, label: str) -> str:
    """For a reader of a Latin-script language: "Ryabkov (里亚布科夫)" rather than "里亚布科夫".

    A foreign name in Chinese characters is read back by the Xinhua conventions
    (:mod:`tidings.understand.names_xinhua`: 布林肯 → Blinken), an Arabic one by its attested spellings
    (:mod:`tidings.understand.names_ar_latin`: فيصل بن فرحان → Faisal bin Farhan), other names romanised.
    Each is a guess at the English spelling, so the original stays beside it for a reader to check; a name
    already anchored to a Latin spelling (拉夫罗夫 → Sergei Lavrov, learned from a parenthesis in the stream)
    is shown as that spelling.
    """
    if label not in ("PERSON", "ORG") or _LATIN_NAME.match(name):
        return name
    m = re.match(r"^(.+?) \((.+)\)$", name)  # shown_name's "native (Roman)"
    if m and _LATIN_NAME.match(m.group(2)):
        return f"{m.group(2)} ({m.group(1)})"
    script = script_of(name)
    reading = xinhua_latin(name) if script == "han" else arabic_latin(name) if script == "arabic" else None
    roman = reading or " ".join(w[:1].upper() + w[1:] for w in romanize(name).split())
    return f"{roman} ({name})" if roman and _LATIN_NAME.match(roman) else name


def shown_to(name: str, label: str, lang: str) -> str:
    """A name as a reader of ``lang`` sees it: in Latin letters for a Latin-script language (:func:`latin_shown`)."""
    return latin_shown(name, label) if lang in LATIN_SCRIPT_LANGS else name


def rank_actors(data: EventData, limit: int = 12, lang: str = DISPLAY_LANG) -> list[Actor]:
    """People, organisations and countries, one normalised name each, most widely reported first.

    ``lang``: the reader's language; for a Latin-script one every name is shown in Latin letters.
    """
    in_latin = lang in LATIN_SCRIPT_LANGS
    tallies: dict[str, _Tally] = defaultdict(_Tally)
    names_of_people = person_words(data.entities.values())
    surnames = frozenset(form.split()[-1].lower() for ents in data.entities.values() for e in ents
                         if e.label == "PERSON" for form in e.surfaces if form)
    event_text = "\n".join(data.title(a) + "\n" + a.text for a in data.articles)
    for article in data.articles:
        article_lang = data.lang(article)
        lead = " ".join([data.title(article)] + [x.text for x in data.sentences(article)[:LEAD_SENTENCES]])
        for ent in data.entities.get(article.id, []):
            label, key = ent.label, ent.identity
            if not key or label not in WHO_LABELS:
                continue
            if label == "GPE":
                if ent.text in names_of_people or data.remember(inside_a_name, event_text, ent.text, surnames):
                    continue  # "Maurice" of Maurice Cheeks is not Mauritius
                place = entity_place(ent) or lookup_place(key, article_lang) or lookup_place(ent.text, article_lang)
                if place is not None and getattr(place, "kind", "country") not in ("country", None):
                    continue  # a city is a where, not a who
            t = tallies[key]
            t.groups.add(data.original_of(article.id))
            if any(form in lead for form in ent.surfaces):
                t.leads.add(data.original_of(article.id))
            t.mentions += ent.count
            t.labels[label] += 1
            t.surfaces.update(ent.surfaces)
            t.display[ent.display or key] += 1
            t.native[ent.text] += ent.count
            t.evidence = t.evidence or article.id
    words = EventWords([data.title(a) + "\n" + a.text for a in data.articles])
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
                name = words.cut_end(words.clean_name(name, t.label))
                whole = words.possessive_name(name)
                if whole is not None:
                    name, t.labels = whole, Counter({"ORG": 1})  # "Samaritan's Purse", "Sam's Club"
            for _ in range(2):  # a word at a time: "Saints" → "Orleans Saints" → "New Orleans Saints"
                longer = _restore_cut_start(name, event_text, words if t.label in ("PERSON", "ORG") else None,
                                            t.label == "PERSON" and " " not in name)
                if longer == name:
                    break
                name = longer
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
    kept = _merge_variants(_join_cut_names(kept, words.text, words))
    actors = [
        Actor(
            name=latin_shown(shown_name(t.name, t.label, t.native), t.label) if in_latin
            else shown_name(t.name, t.label, t.native),
            label=t.label,
            articles=len(t.groups),
            mentions=t.mentions,
            lead_articles=len(t.leads),
            surfaces=tuple(sorted(t.surfaces | {key})),
            evidence=t.evidence,
        )
        for key, t in kept.items()
    ]
    actors.sort(key=lambda a: (-(a.articles + (LEAD_WEIGHT * a.lead_articles if a.label in ("PERSON", "ORG") else 0)),
                               ACTOR_ORDER.get(a.label, 9), -a.mentions, a.name))
    return actors[:limit]
