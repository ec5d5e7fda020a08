"""Who took part, from the articles' entities: people, organisations, countries.

Counting is over *independent* articles: a translation or copy of a report names the
same people again without being new evidence, so it joins its original's vote. A
city is a "where", not a "who": a GPE the gazetteer knows as a city is left to
:mod:`tidings.tell.where`.
"""

from __future__ import annotations

from collections import Counter, defaultdict

from tidings.tell.types import Actor
from tidings.tell.where import entity_place, lookup_place
from tidings.understand.labels import ACTOR_ORDER
from tidings.views.events import EventData
from tidings.views.names import shown_name

#: Entity labels that name who took part.
WHO_LABELS = ("PERSON", "ORG", "GPE", "NORP")


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
                place = entity_place(ent) or lookup_place(key, lang) or lookup_place(ent.text, lang)
                if place is not None and getattr(place, "kind", "country") not in ("country", None):
                    continue  # a city is a where, not a who
            groups[key].add(data.original_of(article.id))
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
