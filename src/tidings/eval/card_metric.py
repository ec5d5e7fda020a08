"""Scoring event cards (who / where / when) against gold cards: the matching rule and the three scores.

Gold cards (``benchmarks/data/cards/*.jsonl``, one gold event a line) hold the people,
organisations, places and year that annotators marked in the event's documents: ``event``,
``docs``, ``persons`` / ``orgs`` / ``gpe`` / ``locations`` as ``[name, count]`` lists, and ``year``
(or ``years`` as ``[year, count]`` pairs). This module is the scorer of the ECB+ gold cards'
reference scorer, written again for the project (its rule, not its code, is what the figures
depend on; ``tests/eval/test_card_metric.py`` checks both give the same figures on a small case):

Names. ``norm``: accents removed, case folded, ’ → ', possessive 's dropped, no spaces around
hyphens, dots dropped ("U.S." = "US"), other punctuation → space. ``key``: the last word (suffixes
Jr, Inc … dropped) — a surname, "Saints" of "New Orleans Saints" — unless it is lower-case or a
generic head noun (:data:`GENERIC`: Center, County, Police …), then the whole normalised name, or
no key for a one-word name. ``a`` matches ``b`` when their norms are equal or either's key occurs
in the other's norm as whole words (hyphens join words: "Mobile" is not a word of "T-Mobile").

Who (precision / recall / F1 at 5): the card's first five ``who`` entries labelled PERSON or ORG.
Gold: persons + orgs, variants grouped by the rule; a group qualifies with a count ≥ 2 (≥ 1 when
the event has fewer than 4 documents or no group reaches 2). Precision: card entries matching any
gold person, org or gpe name; recall: qualifying groups matched / min(5, qualifying groups).
Where (accuracy at 1): the first place matches a gold location, or is a country holding another
card place that does. Year: the year of ``when.start`` equals the gold year.
Events whose gold has nothing for a score are left out of its mean; card_score is the mean of the
three means.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


#: Name suffixes dropped before taking a name's key.
SUFFIXES = _words("jr sr ii iii iv md phd esq inc corp co ltd llc plc")
#: Head nouns that do not name a thing on their own: a name ending in one is keyed by all its words.
GENERIC = _words("""center centre county city street avenue ave road rd boulevard blvd highway route lane drive
island islands province state district region area village town neighborhood neighbourhood park square stadium
arena airport station university college school hospital clinic church court courthouse prison jail department
dept office headquarters police agency association service services survey administration ministry commission
committee council team group company corporation news times post magazine press network club party union front
movement organization organisation institute foundation federation bureau authority board force forces army fund
trust society program programme""")
#: Card labels the who score reads.
WHO_LABELS = frozenset({"PERSON", "ORG"})
#: How many who entries are scored.
TOP_WHO = 5


def norm(text: str | None) -> str:
    """The comparable form of a name (see the module docstring)."""
    x = unicodedata.normalize("NFKD", text or "")
    x = "".join(c for c in x if not unicodedata.combining(c)).casefold()
    x = x.replace("’", "'").replace("‘", "'").replace("`", "'")
    x = re.sub(r"\s*-\s*", "-", x)
    x = re.sub(r"'s\b", "", x)
    x = x.replace(".", "")
    x = re.sub(r"[^\w'\-]+", " ", x)
    return re.sub(r"\s+", " ", x).strip(" '-")


def key(text: str | None) -> str | None:
    """The word that names ``text``: its last word unless generic or lower-case; else all its words."""
    raw_words = (text or "").split()
    words = [norm(w) for w in raw_words]
    raw = [w for w in raw_words if norm(w)]
    while words and (not words[-1] or words[-1] in SUFFIXES):
        words.pop()
    words = [w for w in words if w]
    raw = raw[: len(words)]
    if not words:
        return None
    last = raw[-1].lstrip("\"'(“‘")
    if (last[:1].isupper() or last[:1].isdigit()) and words[-1] not in GENERIC and len(words[-1]) >= 2:
        return words[-1]
    return " ".join(words) if len(words) > 1 else None


def has_word(word: str | None, text: str) -> bool:
    """Whether ``word`` occurs in ``text`` as whole words (a hyphen or apostrophe joins words)."""
    return bool(word) and re.search(rf"(?<![\w'\-]){re.escape(word or '')}(?![\w'\-])", text) is not None


def match(a: str, b: str) -> bool:
    """The matching rule: equal norms, or either's key among the other's words."""
    na, nb = norm(a), norm(b)
    if not na or not nb:
        return False
    return na == nb or has_word(key(b), na) or has_word(key(a), nb)


def group_names(rows: Sequence[Sequence[Any]]) -> list[tuple[int, list[str]]]:
    """``[[name, count]]`` → ``[(count, names)]``, variants joined by :func:`match`, largest first."""
    names = [str(r[0]) for r in rows]
    parent = list(range(len(names)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i in range(len(names)):
        for j in range(i + 1, len(names)):
            if match(names[i], names[j]):
                parent[find(i)] = find(j)
    groups: dict[int, list[Any]] = {}
    for i, row in enumerate(rows):
        g = groups.setdefault(find(i), [0, []])
        g[0] += int(row[1])
        g[1].append(names[i])
    return sorted(((g[0], g[1]) for g in groups.values()), key=lambda g: (-g[0], g[1][0]))


def gold_year(gold: Mapping[str, Any]) -> Any:
    """The gold year: ``year``, else the most frequent of ``years``."""
    if "year" in gold:
        return gold["year"]
    years = gold.get("years") or []
    return years[0][0] if years else None


@dataclass(frozen=True)
class WhoScore:
    precision: float
    recall: float
    f1: float
    card: tuple[str, ...]
    qualifying: tuple[tuple[str, ...], ...]


def score_who(card: Mapping[str, Any] | None, gold: Mapping[str, Any]) -> WhoScore | None:
    """Who precision / recall / F1 at 5, or None when the gold event names no person or organisation."""
    who = [str(w["name"]) for w in (card or {}).get("who") or [] if w.get("label", "PERSON") in WHO_LABELS]
    who = who[:TOP_WHO]
    people = list(gold.get("persons", [])) + list(gold.get("orgs", []))
    if not people:
        return None
    reference = [str(n) for n, _ in people + list(gold.get("gpe", []))]
    groups = group_names(people)
    least = 1 if len(gold["docs"]) < 4 else 2
    qualifying = [names for count, names in groups if count >= least] or [names for _, names in groups]
    shown = tuple(tuple(q) for q in qualifying)
    if not who:
        return WhoScore(0.0, 0.0, 0.0, (), shown)
    p = sum(any(match(w, n) for n in reference) for w in who) / len(who)
    r = sum(any(match(w, n) for w in who for n in names) for names in qualifying) / min(TOP_WHO, len(qualifying))
    f = 2 * p * r / (p + r) if p + r else 0.0
    return WhoScore(p, r, f, tuple(who), shown)


def score_where(card: Mapping[str, Any] | None, gold: Mapping[str, Any]) -> tuple[int, str | None] | None:
    """(1 or 0, the card's first place) — None when the gold event names no location."""
    locations = [str(n) for n, _ in gold.get("locations", [])]
    if not locations:
        return None
    places = (card or {}).get("where") or []
    if not places:
        return 0, None
    first = places[0]
    if any(match(first.get("name", ""), n) for n in locations):
        return 1, first.get("name")
    if first.get("kind") == "country":
        for p in places[1:]:
            same = (p.get("country_code") and p.get("country_code") == first.get("country_code")) or (
                p.get("country") and norm(p.get("country")) == norm(first.get("name")))
            if same and any(match(p.get("name", ""), n) for n in locations):
                return 1, f"{first.get('name')} (country of {p.get('name')})"
    return 0, first.get("name")


def score_year(card: Mapping[str, Any] | None, gold: Mapping[str, Any]) -> tuple[int, str | None] | None:
    """(1 or 0, the card's year) — None when the gold event has no year."""
    year = gold_year(gold)
    if not year:
        return None
    start = (((card or {}).get("when") or {}).get("start") or "")[:4]
    return int(start == str(year)), start or None


def mean(values: Sequence[float]) -> float:
    return sum(values) / len(values) if values else 0.0
