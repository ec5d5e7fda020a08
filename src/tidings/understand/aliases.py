"""The alias lexicon: which surface forms, in which scripts, name the same entity.

Nothing here is typed in by hand. The lexicon *learns* from the stream:

* from articles: a parenthetical original (``卢比奥(Marco Rubio)``) makes the
  Chinese form an alias of the Latin name; every Latin full name it sees becomes
  an anchor whose phonetic keys (:mod:`names_phonetic`) later let an Arabic
  ``روبيو`` or a Vietnamese ``ông Rubio`` find ``marco rubio``;
* from events (:meth:`AliasLexicon.learn_one`, fed by
  :class:`tidings.group.alias_feedback.EventAliasLearner`): names of the same kind that keep
  turning up in the same event in different articles, with near-identical keys,
  are linked (普京 ↔ Putin even though their keys differ by one class).

Entities are kept in a union-find: linking two names never renames the older
one, so a norm handed out earlier stays valid, and :meth:`canonical` maps any
norm ever handed out to the current representative (a Latin-anchored name is
preferred over a romanised guess like ``bulinken``).
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from tidings.article import Entity
from tidings.learner import Learner
from tidings.understand.names_phonetic import (
    NAME_ABBREVIATIONS,
    key_distance,
    name_key,
    name_tokens,
    romanize,
    script_of,
    token_key,
)

#: Store key under which the lexicon persists (see :meth:`AliasLexicon.save`).
STATE_KEY = "understand.aliases"
#: Shortest whole-name key (in consonant classes) allowed to link two *unanchored*
#: names by sound; 布林肯/بلينكن (BRNKN, 5) link, two-class keys like RB never do
#: without a Latin anchor. Calibrated on the seed names (keys of 2–6 classes).
MIN_UNANCHORED_KEY = 4
#: Shortest whole-name key (consonant classes, all tokens) for which two Latin spellings of a
#: person's full name with the same key are one person (Gurbanguly Berdimuhamedov,
#: Kurbanguly Berdymukhamedov: 14). Shorter keys are shared by different people too often
#: (John Smith / Jon Smyth: 5), so short names keep their spellings apart (Muammar Gaddafi /
#: Qaddafi: 5). Checked on the ECB+ dev stream: every link it makes there is right (those
#: two, Vincent Del Giudice / DelGiudice, Betty Ford Centre / Center). See ``lookup_variant``.
MIN_VARIANT_KEY = 9
#: Shortest key that may link a single surname to a Latin-anchored person (Rubio = RB).
MIN_ANCHORED_KEY = 2


@dataclass
class NameEntry:
    """One learned name: its norm, kind, whether a Latin spelling anchors it, and its surfaces."""

    norm: str
    label: str
    anchored: bool
    surfaces: dict[str, int] = field(default_factory=dict)
    mentions: int = 0


@lru_cache(maxsize=1)
def _nick_table() -> dict[str, set[str]]:
    """Given name → the set of names it may stand for (itself, its formal forms, its nicknames).

    From the ``nicknames`` package's hand-curated English table (Steve ↔ Stephen, Mike ↔ Michael).
    """
    from nicknames import NickNamer

    nn = NickNamer()
    table: dict[str, set[str]] = {}
    for canon, nicks in nn.nickname_lookup.items():
        for n in {canon, *nicks}:
            table.setdefault(n, {n}).update({canon, *nicks})
    return table


@lru_cache(maxsize=1)
def given_names() -> frozenset[str]:
    """Lower-case English given names (and their nicknames) from the ``nicknames`` package."""
    return frozenset(_nick_table())


def given_names_compatible(a: str, b: str) -> bool:
    """Whether two given names can be the same person's: equal, an initial, or nickname-linked."""
    a, b = a.lower().rstrip("."), b.lower().rstrip(".")
    if a == b or (len(a) == 1 and b.startswith(a)) or (len(b) == 1 and a.startswith(b)):
        return True
    return b in _nick_table().get(a, ())


def latin_norm(name: str) -> str:
    """Lower-case, space-normalised Latin norm of a Latin-script name ("Mt Cook" is "mount cook")."""
    raw = name_tokens(name)
    tokens = [t.lower() for t in raw]
    if len(raw) > 1 and raw[0] in NAME_ABBREVIATIONS:
        tokens[0] = NAME_ABBREVIATIONS[raw[0]]
    return " ".join(tokens)


@lru_cache(maxsize=1 << 16)
def _phonetic_keys_close(key_a: str, key_b: str) -> bool:
    """Surname keys or whole-name keys within one edit (see :meth:`AliasLexicon.learn_one`).

    Cached: an event's names meet the same names again with every new member.
    """
    ka, kb = key_a.split(), key_b.split()
    if not ka or not kb:
        return False
    sa, sb = ka[-1], kb[-1]
    if min(len(sa), len(sb)) >= 3 and abs(len(sa) - len(sb)) <= 1 and key_distance(sa, sb) <= 1:
        return True
    fa, fb = "".join(ka), "".join(kb)
    return (min(len(fa), len(fb)) >= 3 and abs(len(fa) - len(fb)) <= 1 and key_distance(fa, fb) <= 1
            and (sa == sb or len(ka) == len(kb) == 1))


class AliasLexicon(Learner):
    """Learned cross-script aliases with phonetic lookup; persists through ``Store.put_state``.

    A learner without params: everything it holds is learned (see :meth:`to_bytes`).
    """

    def __init__(self) -> None:
        self._entries: dict[str, NameEntry] = {}
        self._parent: dict[str, str] = {}
        self._surface: dict[str, str] = {}
        self._full_key: dict[str, set[str]] = {}
        self._surname_key: dict[str, set[str]] = {}
        self._alias_key: dict[str, set[str]] = {}
        self._surname: dict[str, set[str]] = {}
        self._given: set[str] = set()
        self._script_cache: dict[str, tuple[int, dict[str, str]]] = {}
        #: root → member norms, built lazily and dropped at every link (a new, unlinked
        #: entry is its own one-member group, so adding names needs no update).
        self._groups: dict[str, list[str]] | None = None
        #: Bare Latin surname → the full name it was first seen to stand for. Not a union-find
        #: link: once two different people share the surname (Matt and Bruce Smith), a bare
        #: "Smith" stands for neither, and a link could not be undone (on ECB+ dev such links
        #: made one person of two and with them one event of two look-alike ones).
        self._bare: dict[str, str] = {}
        #: Surnames of two or more people with incompatible given names (kept up to date by
        #: ``add_name``; derived again from the names on load).
        self._ambiguous: set[str] = set()
        #: Changed since the last save (ingest saves at every commit; an unchanged lexicon is not rewritten).
        self._dirty = False

    # -- union-find --------------------------------------------------------------
    def canonical(self, norm: str) -> str:
        """The current representative of ``norm`` (itself when never linked)."""
        root = norm
        while self._parent.get(root, root) != root:
            root = self._parent[root]
        while self._parent.get(norm, norm) != root:  # path compression
            self._parent[norm], norm = root, self._parent[norm]
        full = self._bare.get(root)
        if full is not None and root not in self._ambiguous:
            return self.canonical(full)
        return root

    def _rank(self, norm: str) -> tuple[int, int, int]:
        e = self._entries.get(norm)
        if e is None:
            return (0, 0, 0)
        return (int(e.anchored), len(name_tokens(e.norm)), e.mentions)

    def link(self, a: str, b: str) -> str:
        """Declare two norms one entity; returns the representative (anchored, fuller name wins)."""
        ra, rb = self.canonical(a), self.canonical(b)
        if ra == rb:
            return ra
        root, child = (ra, rb) if self._rank(ra) >= self._rank(rb) else (rb, ra)
        self._parent[child] = root
        self._groups = None
        self._dirty = True
        self._entries[root].mentions += self._entries[child].mentions if child in self._entries else 0
        return root

    # -- adding names --------------------------------------------------------------
    def _index(self, norm: str, name: str, *, alias: bool = False) -> None:
        toks = name_tokens(name)
        full = name_key(name).replace(" ", "")
        if alias:  # a foreign-script surface: its key is weaker evidence than a Latin spelling's
            if full:
                self._alias_key.setdefault(full, set()).add(norm)
            return
        if full:
            self._full_key.setdefault(full, set()).add(norm)
        if toks:
            sk = token_key(toks[-1])
            if sk:
                self._surname_key.setdefault(sk, set()).add(norm)

    def add_name(self, name: str, label: str, *, surface: str | None = None) -> str:
        """Register a name (Latin names are anchors) and return its canonical norm.

        A Latin full name whose surname is already known with a compatible given
        name (Steve/Stephen Witkoff) joins that entry rather than starting a new one.
        """
        anchored = script_of(name) == "latin"
        norm = latin_norm(name) if anchored else romanize(name)
        if not norm:
            return norm
        if anchored and label == "PERSON" and " " not in norm and norm not in self._entries:
            known = self.lookup_surname(norm)
            if known:  # a bare "Peskov" after "Dmitry Peskov"
                # not remembered as a surface: which person a bare Latin surname means is decided
                # anew each time (lookup_surname), or "Smith" would stick to the first Smith
                self._entries[known].mentions += 1
                return self.canonical(known)
        if norm not in self._entries:
            existing = self._same_person(name, label) if anchored else None
            self._entries[norm] = NameEntry(norm, label, anchored)
            self._parent[norm] = norm
            self._index(norm, name)
            if not anchored and surface and surface != name:
                self._index(norm, surface)
            if anchored:
                toks = norm.split()
                if label == "PERSON" and len(toks) >= 2:
                    others = self._surname.setdefault(toks[-1], set())
                    if any(not given_names_compatible(toks[0], o.split()[0]) for o in others):
                        self._ambiguous.add(toks[-1])
                        self._groups = None
                    others.add(norm)
                    self._given.add(toks[0])
                self._absorb_unanchored(norm, name, label)
            if existing:
                self.link(existing, norm)
            toks = norm.split()
            if anchored and label == "PERSON" and len(toks) >= 2:
                bare = self._entries.get(toks[-1])
                if bare is not None and bare.anchored and bare.label == "PERSON":
                    self._bare.setdefault(toks[-1], norm)  # an earlier bare "Lavrov" is this "Sergei Lavrov"
                    self._groups = None
        entry = self._entries[norm]
        entry.mentions += 1
        self._dirty = True
        for s in {surface, name} - {None}:
            assert s is not None
            entry.surfaces[s] = entry.surfaces.get(s, 0) + 1
            self._surface.setdefault(s.casefold(), norm)
        return self.canonical(norm)

    def add_alias(self, surface: str, norm: str) -> None:
        """``surface`` (any script) names the entity ``norm``: remember it for exact lookups."""
        key = surface.casefold()
        old = self._surface.get(key)
        if old is not None and self.canonical(old) != self.canonical(norm):
            if self._entries.get(old) and not self._entries[old].anchored:
                self.link(norm, old)
            return
        self._surface[key] = norm
        self._dirty = True
        entry = self._entries.get(norm)
        if entry is not None:
            entry.surfaces[surface] = entry.surfaces.get(surface, 0) + 1
            if script_of(surface) != "latin":
                self._index(norm, surface, alias=True)

    def _same_person(self, name: str, label: str) -> str | None:
        toks = latin_norm(name).split()
        if label != "PERSON" or len(toks) < 2:
            return None
        for cand in sorted(self._surname.get(toks[-1], ())):
            ctoks = cand.split()
            if given_names_compatible(toks[0], ctoks[0]):
                return self.canonical(cand)
        return self.lookup_variant(name)

    def lookup_variant(self, name: str) -> str | None:
        """A known person whose Latin full name is another romanisation of ``name``.

        Kurbanguly and Gurbanguli Berdymukhamedov: the same whole-name phonetic key, long
        enough (``MIN_VARIANT_KEY``) that two different people rarely share it. Outlets
        transliterate names from Russian, Arabic or Turkmen each their own way.
        """
        if len(name_tokens(name)) < 2:
            return None
        full = name_key(name).replace(" ", "")
        if len(full) < MIN_VARIANT_KEY:
            return None
        for cand in sorted(self._full_key.get(full, ())):
            e = self._entries.get(cand)
            if e is not None and e.anchored and e.label == "PERSON" and " " in cand:
                return self.canonical(cand)
        return None

    def _absorb_unanchored(self, norm: str, name: str, label: str) -> None:
        """Link earlier romanised guesses (bulinken) that sound like this new Latin anchor."""
        full = name_key(name).replace(" ", "")
        sk = token_key(name_tokens(name)[-1]) if name_tokens(name) else ""
        cands = set(self._full_key.get(full, ())) | set(self._alias_key.get(full, ())) | (
            set(self._surname_key.get(sk, ())) if len(sk) >= MIN_UNANCHORED_KEY else set()
        )
        for other in cands:
            e = self._entries.get(other)
            if other != norm and e and not e.anchored and e.label == label:
                self.link(norm, other)

    # -- lookups --------------------------------------------------------------------
    def lookup_surface(self, surface: str) -> str | None:
        """Canonical norm of an exact surface form seen before."""
        norm = self._surface.get(surface.casefold())
        return self.canonical(norm) if norm else None

    def lookup_surname(self, surname: str) -> str | None:
        """Canonical norm of the best-known person with this Latin surname (``Lavrov``)."""
        cands = {self.canonical(n) for n in self._surname.get(surname.lower(), ())}
        if not cands:
            return None
        best = max(sorted(cands), key=lambda n: self._entries[n].mentions if n in self._entries else 0)
        if any(not given_names_compatible(best.split()[0], c.split()[0]) for c in cands if " " in c and " " in best):
            return None  # two different people share it (Matt and Bruce Smith): a bare "Smith" says neither
        return best

    def surfaces_in_script(self, script: str) -> dict[str, str]:
        """Learned surface forms written in ``script`` (``"han"``…) → norm, for scanning unsegmented text."""
        # Incremental: surfaces are only ever added (insertion-ordered dict), so a
        # growing lexicon costs the new entries, not a rescan of all (flat per-article cost).
        cached = self._script_cache.get(script)
        size = len(self._surface)
        if cached is None or cached[0] > size:
            cached = (0, {})
        if cached[0] < size:
            table = cached[1]
            for s, n in itertools.islice(self._surface.items(), cached[0], None):
                if script_of(s) == script:
                    table[s] = n
            cached = (size, table)
        self._script_cache[script] = cached
        return cached[1]

    def label_of(self, norm: str) -> str | None:
        e = self._entries.get(self.canonical(norm))
        return e.label if e else None

    def is_given_name(self, token: str) -> bool:
        """A given name seen in some learned full name (Sergei, Yuri) or in the English name table."""
        t = token.lower()
        return t in self._given or t in given_names()

    def match_sound(self, name: str, label: str = "PERSON") -> str | None:
        """Canonical norm of a known entity whose phonetic key equals ``name``'s (روبيو → marco rubio).

        A multi-word name must match a whole-name key; a single word may match a
        whole-name or a surname key. A key shorter than
        :data:`MIN_UNANCHORED_KEY` only matches Latin-anchored entries, and an
        ambiguous key (two different entities) matches nothing.
        """
        full = name_key(name).replace(" ", "")
        if len(full) < MIN_ANCHORED_KEY:
            return None
        toks = name_tokens(name)
        tries = [(full, self._full_key.get(full, set()))]
        if len(toks) == 1:
            tries.append((full, self._surname_key.get(full, set())))
        tries.append((full, self._alias_key.get(full, set())))
        for key, cands in tries:
            roots = set()
            for n in cands:
                e = self._entries.get(n)
                if e is None or e.label != label:
                    continue
                if len(key) < MIN_UNANCHORED_KEY and not e.anchored:
                    continue
                if script_of(name) == "han" and self._has_script(n, "han"):
                    continue  # one Chinese spelling per entity: 普莱斯 is not 布鲁斯 (both BRS)
                roots.add(self.canonical(n))
            if len(roots) == 1:
                return roots.pop()
        return None

    def _members(self, root: str) -> list[str]:
        """The norms linked into ``root``'s entity (an index, not a scan of the whole lexicon)."""
        if self._groups is None:
            groups: dict[str, list[str]] = {}
            for n in self._entries:
                groups.setdefault(self.canonical(n), []).append(n)
            self._groups = groups
        return self._groups.get(root) or ([root] if root in self._entries else [])

    def _has_script(self, norm: str, script: str) -> bool:
        root = self.canonical(norm)
        return any(script_of(s) == script for n in self._members(root) for s in self._entries[n].surfaces)

    def display(self, norm: str) -> str:
        """The most used Latin surface of an entity (else its most used surface)."""
        root = self.canonical(norm)
        best: dict[str, int] = {}
        for n in self._members(root):
            for s, c in self._entries[n].surfaces.items():
                best[s] = best.get(s, 0) + c
        if not best:
            return norm
        latin = {s: c for s, c in best.items() if script_of(s) == "latin"}
        pool = latin or best
        return max(sorted(pool), key=lambda s: pool[s])

    def names_of(self, norm: str) -> list[str]:
        """Every norm linked into ``norm``'s entity, the canonical one first (itself when never linked).

        Stored articles keep the norm their entity stage gave (a romanised guess such as
        ``bulinken`` before "Blinken" was learned), so finding every article that names an
        entity needs all of them (search and entity pages).
        """
        root = self.canonical(norm)
        return [root, *sorted(n for n in self._members(root) if n != root)]

    def spellings(self, norm: str) -> list[str]:
        """Every surface form of ``norm``'s entity seen in articles, any script, most used first."""
        counts: dict[str, int] = {}
        for member in self.names_of(norm):
            entry = self._entries.get(member)
            for surface, count in (entry.surfaces.items() if entry else ()):
                counts[surface] = counts.get(surface, 0) + count
        return sorted(counts, key=lambda s: (-counts[s], s))

    def __len__(self) -> int:
        return len(self._entries)

    # -- learning from events -----------------------------------------------------------
    def learn_one(
        self, event_entities_by_article: Mapping[str, Iterable[Entity]], focus: str | None = None
    ) -> int:
        """Link names that co-occur in one event's articles and sound alike; returns links made.

        Within an event the candidate set is tiny, so a looser rule is safe than in
        free lookup: same label, different articles, and whole-name or surname keys
        within one edit (普京 BKN ~ Putin BTN). ``focus`` (an article id) limits the
        comparison to pairs involving that article, for streaming use.
        """
        items: list[tuple[str, Entity]] = [
            (aid, ent) for aid, ents in event_entities_by_article.items() for ent in ents
        ]
        # candidates per name that no Latin spelling anchors: every close name in another article
        cands: dict[str, set[str]] = {}
        if focus is None:
            pairs: Iterable[tuple[tuple[str, Entity], tuple[str, Entity]]] = (
                (x, y) for i, x in enumerate(items) for y in items[i + 1:]
            )
        else:  # only pairs with the new article: older pairs were compared before
            new = [x for x in items if x[0] == focus]
            old = [y for y in items if y[0] != focus]
            pairs = ((x, y) for x in new for y in old)
        for (aid, a), (bid, b) in pairs:
            if aid == bid or a.label != b.label or a.label not in ("PERSON", "ORG"):
                continue
            na, nb = a.norm, b.norm
            if not na or not nb or na not in self._entries or nb not in self._entries:
                continue
            ra, rb = self.canonical(na), self.canonical(nb)
            if ra == rb:
                continue
            # two Latin-anchored names are two people (Putin/Biden differ by one class); tested
            # before the keys, which cost more
            if self._entries[ra].anchored and self._entries[rb].anchored:
                continue
            if not self._keys_close(a, b):
                continue
            for x, y in ((ra, rb), (rb, ra)):
                if not self._entries[x].anchored:
                    cands.setdefault(x, set()).add(y)
        made = 0
        for x, ys in cands.items():
            roots = {self.canonical(y) for y in ys} - {self.canonical(x)}
            if len(roots) == 1:  # an ambiguous name (two sound-alikes) is left alone
                self.link(x, roots.pop())
                made += 1
        return made

    @staticmethod
    def _keys_close(a: Entity, b: Entity) -> bool:
        return _phonetic_keys_close(a.key or name_key(a.text), b.key or name_key(b.text))

    # -- persistence ------------------------------------------------------------------
    def to_bytes(self) -> bytes:
        data = {
            "entries": [
                {
                    "norm": e.norm,
                    "label": e.label,
                    "anchored": e.anchored,
                    "surfaces": e.surfaces,
                    "mentions": e.mentions,
                }
                for e in self._entries.values()
            ],
            "parent": self._parent,
            "surface": self._surface,
            "bare": self._bare,
        }
        return json.dumps(data, ensure_ascii=False).encode("utf-8")

    @classmethod
    def from_bytes(cls, raw: bytes) -> AliasLexicon:
        data = json.loads(raw.decode("utf-8"))
        lex = cls()
        for d in data["entries"]:
            e = NameEntry(d["norm"], d["label"], d["anchored"], dict(d["surfaces"]), int(d["mentions"]))
            lex._entries[e.norm] = e
            if e.anchored:
                lex._index(e.norm, e.norm)
            for s in e.surfaces:
                if script_of(s) != "latin":
                    lex._index(e.norm, s, alias=e.anchored)  # an unanchored name is known by its own spelling
            toks = e.norm.split()
            if e.anchored and e.label == "PERSON" and len(toks) >= 2:
                lex._surname.setdefault(toks[-1], set()).add(e.norm)
                lex._given.add(toks[0])
        lex._parent = dict(data["parent"])
        lex._surface = dict(data["surface"])
        lex._bare = dict(data.get("bare", {}))
        # derived, not stored: the surnames whose full names include two incompatible given names
        lex._ambiguous = {
            surname for surname, names in lex._surname.items()
            if any(not given_names_compatible(a.split()[0], b.split()[0]) for a in names for b in names if a < b)
        }
        return lex

    def save(self, store: Any) -> None:
        """Persist through ``store.put_state`` (any :class:`tidings.store.Store`)."""
        if self._dirty or store.get_state(STATE_KEY) is None:
            store.put_state(STATE_KEY, self.to_bytes())
            self._dirty = False

    @classmethod
    def load(cls, store: Any) -> AliasLexicon:
        """The lexicon saved in ``store``, or an empty one."""
        raw = store.get_state(STATE_KEY)
        return cls.from_bytes(raw) if raw else cls()
