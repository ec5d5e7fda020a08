"""Events teach the alias lexicon: sound-alike names in one event's articles become one name."""

from __future__ import annotations

import pytest

from tidings.group.alias_feedback import STATE_KEY, EventAliasLearner
from tidings.group.state import StateMismatch
from tidings.store.sqlite import SQLiteStore
from tidings.understand.aliases import AliasLexicon
from tidings.understand.entities import EntityExtractor

ZH = "俄罗斯总统普丁周二表示，总统普丁将与美方会谈。"
EN = "Russian President Vladimir Putin said on Tuesday that talks would go ahead."


def test_event_learner_links_sound_alikes_across_articles_of_one_event() -> None:
    ex = EntityExtractor()
    zh = ex.extract(ZH, "zh")
    en = ex.extract(EN, "en")
    zh_norm = next(e.norm for e in zh if e.text == "普丁")
    assert ex.lexicon.canonical(zh_norm) != "vladimir putin"  # BDN vs BTN: no free lookup match
    learner = EventAliasLearner(ex.lexicon)
    learner.observe("ev1", "a-zh", zh)
    assert learner.observe("ev1", "a-en", en) == 1
    assert ex.lexicon.canonical(zh_norm) == "vladimir putin"
    # two Latin-anchored people in one event are never merged, however alike they sound
    other = ex.extract("President Joe Biden and Vladimir Putin spoke.", "en")
    learner.observe("ev1", "a-en2", other)
    assert ex.lexicon.canonical("joe biden") == "joe biden"


def test_a_restart_between_two_articles_of_one_event_learns_the_same_link() -> None:
    """The learner's memory is saved with the store: the second run still knows the first article."""
    ex = EntityExtractor()
    zh, en = ex.extract(ZH, "zh"), ex.extract(EN, "en")
    zh_norm = next(e.norm for e in zh if e.text == "普丁")
    store = SQLiteStore(":memory:")
    first = EventAliasLearner(ex.lexicon)
    first.observe("ev1", "a-zh", zh)
    first.save(store)
    ex.lexicon.save(store)
    lexicon = AliasLexicon.load(store)
    second = EventAliasLearner(lexicon).load(store)
    assert second.observe("ev1", "a-en", en) == 1
    assert lexicon.canonical(zh_norm) == "vladimir putin"


def test_the_memory_is_bounded_and_round_trips_exactly() -> None:
    ex = EntityExtractor()
    names = [ex.extract(f"President {n} met Vladimir Putin in Moscow.", "en") for n in ("Joe Biden", "Xi Jinping")]
    learner = EventAliasLearner(ex.lexicon, max_articles=5, max_per_event=2)
    for i in range(9):
        learner.observe(f"ev{i % 3}", f"a{i}", names[i % 2])
    assert len(learner._order) == 5
    assert all(len(m) <= 2 for m in learner._members.values())
    store = SQLiteStore(":memory:")
    learner.save(store)
    again = EventAliasLearner(ex.lexicon, max_articles=5, max_per_event=2).load(store)
    other = SQLiteStore(":memory:")
    again.save(other)
    assert other.get_state(STATE_KEY) == store.get_state(STATE_KEY)
    with pytest.raises(StateMismatch) as err:
        EventAliasLearner(ex.lexicon).load(store)
    assert set(err.value.differences) == {"max_articles", "max_per_event"}
