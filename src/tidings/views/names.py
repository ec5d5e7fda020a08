"""How a name is shown: the display-time canonicalisation of entities, in one place.

Entities are stored with the ``norm`` their article's entity stage gave them. Norms
handed out early may since have been linked to another name (普京 ↔ Putin: grouping
feeds links back into the alias lexicon), so a card reads every entity through the
lexicon once, here, and counts one person once. Readers only read: nothing here
extracts entities or changes the lexicon.
"""

from __future__ import annotations

import hashlib
import unicodedata
import warnings
from collections import Counter, OrderedDict
from dataclasses import replace
from typing import Protocol

from tidings.article import Entity
from tidings.store import Store
from tidings.understand.aliases import STATE_KEY, AliasLexicon
from tidings.understand.names_phonetic import romanize


class NameResolver(Protocol):
    """What display needs from the alias lexicon (:class:`tidings.understand.aliases.AliasLexicon`)."""

    def canonical(self, norm: str) -> str:
        """Today's representative norm of ``norm``."""
        ...

    def display(self, norm: str) -> str:
        """A readable name for ``norm`` (the most used Latin surface when there is one)."""
        ...


class _Memo:
    """A lexicon's answers remembered: display asks the same few hundred names for every card."""

    def __init__(self, lexicon: AliasLexicon) -> None:
        self._lexicon = lexicon
        self._canonical: dict[str, str] = {}
        self._display: dict[str, str] = {}

    def canonical(self, norm: str) -> str:
        if norm not in self._canonical:
            self._canonical[norm] = self._lexicon.canonical(norm)
        return self._canonical[norm]

    def display(self, norm: str) -> str:
        if norm not in self._display:
            self._display[norm] = self._lexicon.display(norm)
        return self._display[norm]


#: Decoded lexicons by the digest of their saved bytes: a reader building many cards decodes the store's
#: lexicon once (~30 ms on ECB+ dev), and a changed lexicon has another digest, so it is never stale.
_DECODED: OrderedDict[str, _Memo] = OrderedDict()
_DECODED_MAX = 4


def name_resolver(store: Store) -> NameResolver:
    """The store's alias lexicon (empty when none is saved), decoded once per saved version.

    A saved lexicon that cannot be decoded (a corrupt state blob) must not make every
    card unreadable: the names are then shown as their articles' entity stage gave them,
    with a warning, instead of a traceback.
    """
    raw = store.get_state(STATE_KEY)
    if not raw:
        return _Memo(AliasLexicon())
    digest = hashlib.sha1(raw).hexdigest()
    if digest in _DECODED:
        _DECODED.move_to_end(digest)
        return _DECODED[digest]
    try:
        memo = _Memo(AliasLexicon.from_bytes(raw))
    except (ValueError, KeyError, TypeError) as exc:  # JSON/UTF-8 decoding, missing or mistyped fields
        warnings.warn(f"the saved alias lexicon cannot be read ({exc!r}); names are shown as extracted",
                      RuntimeWarning, stacklevel=2)
        return _Memo(AliasLexicon())
    _DECODED[digest] = memo
    while len(_DECODED) > _DECODED_MAX:
        _DECODED.popitem(last=False)
    return memo


def canonical_entities(entities: list[Entity], names: NameResolver) -> list[Entity]:
    """Entities with ``norm`` mapped to its canonical form and a ``display`` name set."""
    out = []
    for ent in entities:
        norm = ent.norm
        if not norm:
            out.append(ent)
            continue
        canon, display = names.canonical(norm), names.display(norm)
        if not display or display in (canon, norm):
            display = display_name(ent)
        out.append(replace(ent, norm=canon, display=display))
    return out


def display_name(entity: Entity) -> str:
    """A readable name when no lexicon knows one: a Latin norm title-cased ("marco rubio" → "Marco Rubio")."""
    norm = entity.norm
    if norm and all(ch.isascii() or (unicodedata.category(ch).startswith("L") and ord(ch) < 0x250) for ch in norm):
        text = entity.text
        if text.casefold() == norm.casefold():
            return text  # the article's own spelling ("CNN", "McCain")
        if entity.label == "ORG" and len(norm) <= 4 and " " not in norm:
            return norm.upper()  # acronyms: cnn → CNN
        return " ".join(w[:1].upper() + w[1:] for w in norm.split(" "))
    return entity.display or entity.text or norm


def _is_latin(text: str) -> bool:
    return all(ord(ch) < 0x250 for ch in text if ch.isalpha())


def shown_name(name: str, label: str, native: Counter[str]) -> str:
    """A name that is only our romanisation of a foreign spelling keeps that spelling next to it.

    "Liyabukefu" alone is a guess a reader cannot check; "里亚布科夫 (Liyabukefu)" can be. A name
    anchored to a real Latin spelling ("Sergei Lavrov" for 拉夫罗夫) is shown as it is.
    ``native``: the surface forms the articles used for this entity, with their counts.
    """
    if label not in ("PERSON", "ORG") or not _is_latin(name):
        return name
    flat = name.replace(" ", "").casefold()
    for surface, _count in native.most_common():
        if surface and not _is_latin(surface) and romanize(surface).replace(" ", "").casefold() == flat:
            return f"{surface} ({name})"
    return name
