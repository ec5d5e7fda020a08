"""Events teach the alias lexicon: :class:`EventAliasLearner`.

Names of one kind that keep turning up in one event, in different articles, with
near-identical phonetic keys, are one name (普京 ↔ Putin even though their keys differ
by one class): :meth:`~tidings.understand.aliases.AliasLexicon.learn_one` decides, this
learner feeds it. It lives in ``group`` because it consumes group's output (which event
each article joined) and writes into understand's lexicon, which the next batch's entity
stage reads.

Its memory (the recent members of each event, and their arrival order) is saved with
the store like the clusterer's state, so a run interrupted and restarted learns exactly
what an uninterrupted run learns.
"""

from __future__ import annotations

import json
from collections import deque
from collections.abc import Iterable
from typing import Any

import numpy as np

from tidings.article import Entity
from tidings.group.state import check_params, frame, unframe
from tidings.learner import Learner
from tidings.store import Store
from tidings.understand.aliases import AliasLexicon

#: Store key of the learner's memory.
STATE_KEY = "group.alias_feedback"
#: Labels whose names the lexicon learns from events (places are matched by the gazetteer).
LEARNED_LABELS = ("PERSON", "ORG")
Names = list[Entity]


class EventAliasLearner(Learner):
    """Feeds :meth:`AliasLexicon.learn_one` from a stream of (event, article, entities).

    Keeps the entities of the most recent articles per event (bounded: ``max_articles``
    in all, ``max_per_event`` per event) so that each new article is compared with its
    event's recent members only — the cost per article stays constant as the stream grows.
    """

    def __init__(self, lexicon: AliasLexicon, max_articles: int = 5000, max_per_event: int = 20) -> None:
        self.lexicon = lexicon
        self.max_articles = max_articles
        self.max_per_event = max_per_event
        #: event id → its latest (article id, names), oldest first
        self._members: dict[str, deque[tuple[str, Names]]] = {}
        #: (event id, article id) of every remembered article, oldest first
        self._order: deque[tuple[str, str]] = deque()
        self._dirty = False

    def observe(self, event_id: str | None, article_id: str, entities: Iterable[Entity]) -> int:
        """Record an article's entities under its event; returns the links learned."""
        if not event_id or not entities:
            return 0
        ents = _names(entities)
        self._dirty = True
        members = self._members.setdefault(event_id, deque(maxlen=self.max_per_event))
        made = 0
        if members:
            others: dict[str, Names] = {aid: es for aid, es in members if aid != article_id}
            if ents and others:
                # the event's members name the same people again and again: each distinct name once
                # (under the first member's id) gives the same links for a fraction of the comparisons
                distinct = {next(iter(others)): _distinct_names(others.values())}
                made = self.lexicon.learn_one({article_id: ents, **distinct}, focus=article_id)
        members.append((article_id, ents))
        self._order.append((event_id, article_id))
        while len(self._order) > self.max_articles:
            old_event, old_article = self._order.popleft()
            old = self._members.get(old_event)
            if old is None:
                continue
            kept = [m for m in old if m[0] != old_article]
            if kept:
                self._members[old_event] = deque(kept, maxlen=self.max_per_event)
            else:
                del self._members[old_event]
        return made

    # -- persistence ----------------------------------------------------------------------
    def save(self, store: Store) -> None:
        """Write the memory (when it changed since the last save) through ``store.put_state``."""
        if not self._dirty and store.get_state(STATE_KEY) is not None:
            return
        memory = {
            "members": [[eid, [[aid, [_saved(e) for e in es]] for aid, es in members]]
                        for eid, members in self._members.items()],
            "order": [list(pair) for pair in self._order],
        }
        # as a compressed array, not in the JSON header: ~900 bytes of names per article, many repeated
        packed = np.frombuffer(json.dumps(memory, ensure_ascii=False).encode(), dtype=np.uint8)
        blob = frame("alias_feedback", {"params": self._params()}, {"memory": packed}, compressed=True)
        store.put_state(STATE_KEY, blob)
        self._dirty = False

    def load(self, store: Store, *, allow_change: bool = False) -> EventAliasLearner:
        """Restore the memory a previous :meth:`save` wrote (none on a fresh store); returns self.

        Saved with other bounds: :class:`~tidings.group.state.StateMismatch`, unless
        ``allow_change`` (the memory is then cut to this learner's bounds as it is used).
        """
        self._members, self._order, self._dirty = {}, deque(), False
        blob = store.get_state(STATE_KEY)
        if not blob:
            return self
        meta, arrays = unframe(blob, "alias_feedback")
        if not allow_change:
            check_params(meta["params"], self._params(), what="this store's alias learning")
        memory = json.loads(arrays["memory"].tobytes().decode())
        for eid, members in memory["members"]:
            self._members[eid] = deque(((aid, [_restored(e) for e in es]) for aid, es in members),
                                       maxlen=self.max_per_event)
        self._order = deque((eid, aid) for eid, aid in memory["order"])
        return self

    def _params(self) -> dict[str, Any]:
        """The params that shape the memory (the lexicon is saved on its own)."""
        return {"max_articles": self.max_articles, "max_per_event": self.max_per_event}


def _names(entities: Iterable[Entity]) -> Names:
    """The names of an article the lexicon learns from (labels :data:`LEARNED_LABELS`), with only what
    :meth:`AliasLexicon.learn_one` reads of them (label, norm, key, text): that is what is remembered."""
    return [Entity(e.text, e.norm, e.label, key=e.key) for e in entities if e.label in LEARNED_LABELS]


def _saved(e: Entity) -> list[str]:
    return [e.label, e.norm, e.key, e.text]


def _restored(row: list[str]) -> Entity:
    label, norm, key, text = row
    return Entity(text, norm, label, key=key)


def _distinct_names(groups: Iterable[Names]) -> Names:
    """The entities of ``groups`` with repeats dropped, first occurrence first.

    :meth:`AliasLexicon.learn_one` compares a new article's names with the others'
    by label, norm and key (or text when there is no key) only, so a repeat of those
    four can make no link the first occurrence did not make.
    """
    seen: set[tuple[Any, ...]] = set()
    out: Names = []
    for group in groups:
        for e in group:
            sig = (e.label, e.norm, e.key, None if e.key else e.text)
            if sig not in seen:
                seen.add(sig)
                out.append(e)
    return out
