"""The event clusterer on the five seed articles: two events in every order of arrival."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from conftest import ECB_DEV, SEEDS

from tidings.api import regroup
from tidings.article import Article
from tidings.group.clusterer import EventClusterer
from tidings.options import Options
from tidings.store.sqlite import SQLiteStore
from tidings.views.events import list_events, load_event, resolve_event


@pytest.fixture(scope="module")
def seeds(seeds_understood: dict[str, Article]) -> list[Article]:
    """The seeds after read + understand (vectors included: the understand stages set them)."""
    articles = _fresh(list(seeds_understood.values()))  # copies: the session's articles stay untouched
    assert all(a.vector and "static" in a.vector for a in articles)
    return articles


def _fresh(articles: list[Article]) -> list[Article]:
    """Copies not yet assigned to any event, keeping the precomputed vectors."""
    out = []
    for a in articles:
        copy = Article.from_dict(a.to_dict(with_raw=True))
        copy.vector, copy.event_id = a.vector, None
        out.append(copy)
    return out


def _labels(clusterer: EventClusterer, articles: list[Article]) -> list[str | None]:
    return [clusterer.event_of(a.id) for a in articles]


def _wrong_orders(seeds: list[Article], profile: str, batch: bool) -> list[tuple[int, ...]]:
    """Arrival orders that do not give the two true events ({000, 002, 003, 004} and {001})."""
    failures = []
    for order in itertools.permutations(range(len(seeds))):
        clusterer = EventClusterer(profile=profile)
        if batch:
            clusterer.learn_many(_fresh([seeds[i] for i in order]))
        else:
            for i in order:
                clusterer.learn_one(seeds[i])
        lab = _labels(clusterer, seeds)
        if not (lab[0] == lab[2] == lab[3] == lab[4] != lab[1]):
            failures.append(order)
    return failures


@pytest.mark.parametrize("profile", ["default", "lexical"])
def test_two_events_in_every_order(seeds: list[Article], profile: str) -> None:
    failures = _wrong_orders(seeds, profile, batch=False)
    assert not failures, f"{len(failures)} of 120 orders wrong, e.g. {failures[:3]}"


def test_same_input_same_events(seeds: list[Article]) -> None:
    runs = []
    for _ in range(2):
        clusterer = EventClusterer()
        runs.append([clusterer.learn_one(a) for a in _fresh(seeds)])
    assert runs[0] == runs[1]
    assert all(eid.startswith("ev-") for eid in runs[0])


def test_predict_does_not_learn(seeds: list[Article]) -> None:
    clusterer = EventClusterer()
    first = clusterer.learn_one(seeds[0])
    assert clusterer.predict_one(seeds[3]) == first
    assert clusterer.event_of(seeds[3].id) is None
    assert clusterer.predict_one(seeds[1]) is None  # Nov 2022 vs Feb 2025: another event


def test_translation_is_flagged_as_duplicate(seeds: list[Article]) -> None:
    clusterer = EventClusterer()
    for a in seeds:
        clusterer.learn_one(a)
    event = next(e for e in clusterer.events() if seeds[4].id in e.article_ids)
    assert seeds[4].translated
    assert event.duplicates.get(seeds[4].id) in event.article_ids


def test_survives_restart(seeds: list[Article]) -> None:
    whole = EventClusterer()
    expected = [whole.learn_one(a) for a in _fresh(seeds)]
    store = SQLiteStore(":memory:")
    first = EventClusterer()
    got = []
    for a in _fresh(seeds)[:3]:
        store.put_article(a)
        got.append(first.learn_one(a))
    store.set_events(first.pop_assignments())
    first.save(store)
    store.commit()
    second = EventClusterer().load(store)
    for a in _fresh(seeds)[3:]:
        store.put_article(a)
        got.append(second.learn_one(a))
    store.set_events(second.pop_assignments())
    second.save(store)
    assert got == expected
    assert {r.event_id for r in store.article_rows()} == set(expected)


def _apart_then_bridged(store: SQLiteStore, first: list[Article]) -> EventClusterer:
    """A clusterer that put ``first`` (one story) in events of their own, saved, and now merges any two events.

    A join threshold above every score keeps the first articles apart; the clusterer that
    continues from the store keeps it and merges every pair of events it looks at, so the
    next article's event swallows the others: a split repaired by a bridging article.
    """
    apart = EventClusterer(threshold=50.0, event_merge_threshold=50.0)
    for a in first:
        store.put_article(a)
        apart.learn_one(a)
    store.set_events(apart.pop_assignments())
    apart.save(store)
    return EventClusterer(threshold=50.0, event_merge_threshold=-50.0).load(store, allow_change=True)


def test_merge_keeps_old_ids_resolvable(seeds: list[Article]) -> None:
    store = SQLiteStore(":memory:")
    riyadh, vietnamese, bridge = _fresh([seeds[0], seeds[2], seeds[3]])
    clusterer = _apart_then_bridged(store, [riyadh, vietnamese])
    ids = [riyadh.event_id, vietnamese.event_id]
    assert ids[0] != ids[1]
    store.put_article(bridge)
    ids.append(clusterer.learn_one(bridge))
    store.set_events(clusterer.pop_assignments())
    clusterer.save(store)
    old = ids[1]
    assert clusterer.resolve(old) == ids[0] == ids[2]
    event = resolve_event(store, old)
    assert event.id == ids[0]
    assert old in event.lineage
    assert [e.id for e in list_events(store)] == [ids[0]]


def test_regroup_a_stored_store_and_views(seeds: list[Article]) -> None:
    """Articles stored without grouping (``--no-cluster``) are grouped by ``regroup``, through the engine."""
    store = SQLiteStore(":memory:")
    for a in _fresh(seeds):
        store.put_article(a)
    store.commit()
    assert regroup(Options(workers=0), store=store) == 5
    events = list_events(store)
    assert [e.articles for e in events] == [4, 1]
    big = events[0]
    assert big.languages == ("ar", "vi", "zh")
    assert (big.first_published, big.last_published) == ("2025-02-18", "2025-02-18")
    detail = load_event(store, big.id[:8])
    assert {detail.lang(a) for a in detail.articles} == {"ar", "vi", "zh"}


def test_retired_events_stay_in_the_store(seeds: list[Article]) -> None:
    # One active event at most: the Cairo article's event is retired when the Riyadh one starts.
    clusterer = EventClusterer(max_active=1)
    store = SQLiteStore(":memory:")
    ids = []
    for a in _fresh([seeds[1], seeds[0], seeds[3]]):
        store.put_article(a)
        ids.append(clusterer.learn_one(a))
    store.set_events(clusterer.pop_assignments())
    clusterer.save(store)
    assert list(clusterer.active_) == [ids[1]]
    assert ids[1] == ids[2] != ids[0]
    assert resolve_event(store, ids[0]).id == ids[0]  # retired, still listed
    reloaded = EventClusterer(max_active=1).load(store)
    assert list(reloaded.active_) == [ids[1]]
    assert reloaded.event_of(seeds[1].id) == ids[0]


def test_two_events_in_every_order_as_one_batch(seeds: list[Article]) -> None:
    """``learn_many`` (ingest's commit batch) decides best pairs first: the same two events."""
    failures = _wrong_orders(seeds, "default", batch=True)
    assert not failures, f"{len(failures)} of 120 orders wrong, e.g. {failures[:3]}"


def test_ingest_in_two_runs_gives_the_events_of_one(tmp_path: Path) -> None:
    """Batches fall at the same commits, and the state saved at a commit is all a restart needs."""
    from tidings.api import ingest

    lines = ECB_DEV.read_text(
        encoding="utf-8"
    ).splitlines()[:120]
    (tmp_path / "all.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (tmp_path / "a.jsonl").write_text("\n".join(lines[:80]) + "\n", encoding="utf-8")
    (tmp_path / "b.jsonl").write_text("\n".join(lines[80:]) + "\n", encoding="utf-8")
    import dataclasses

    options = Options(commit_every=40, progress=False, workers=0)

    def events(db: Path, *files: str) -> tuple[set[tuple[str, ...]], list[bytes | None]]:
        for name in files:
            ingest([tmp_path / name], dataclasses.replace(options, db=str(db)))
        store = SQLiteStore(str(db))
        groups: dict[str, list[str]] = {}
        for row in store.article_rows():
            groups.setdefault(row.event_id, []).append(row.id)
        # what the names learned: the lexicon and the alias learner's memory
        learned = [store.get_state(key) for key in ("understand.aliases", "group.alias_feedback")]
        store.close()
        return {(eid, *sorted(ids)) for eid, ids in groups.items()}, learned

    one, learned = events(tmp_path / "one.db", "all.jsonl")
    assert len(one) >= 6  # ECB+ topics 1, 11, 13 and 19 hold two look-alike events each
    assert all(learned)
    assert events(tmp_path / "two.db", "a.jsonl", "b.jsonl") == (one, learned)


def _ecb_articles(n: int) -> list[Article]:
    """The first ``n`` ECB+ dev texts after read + understand, in file order."""
    import json

    from tidings.engine import default_pipeline
    from tidings.ingest.readers import record_to_document
    from tidings.read import article_from_raw

    path = ECB_DEV
    pipeline = default_pipeline()
    out = []
    for line in path.read_text(encoding="utf-8").splitlines()[:n]:
        record = json.loads(line)
        out.append(pipeline(article_from_raw(record_to_document(record, f"{path}#{record['id']}", record["id"]))))
    return out


def test_ids_of_regrouped_events_still_lead_to_their_articles() -> None:
    """A batch regroups the events the previous one opened; every id handed out stays valid."""
    articles = _ecb_articles(120)
    clusterer = EventClusterer()
    handed_out: dict[str, str] = {}
    regrouped = 0
    for start in range(0, len(articles), 40):
        batch = articles[start : start + 40]
        regrouped += len(clusterer._regroupable)
        handed_out.update(zip((a.id for a in batch), clusterer.learn_many(batch), strict=True))
    assert regrouped > 10
    for article_id, event_id in handed_out.items():
        current = clusterer.resolve(event_id)
        assert article_id in clusterer.active_[current].members


def test_the_articles_a_next_batch_regroups_survive_a_save() -> None:
    from tidings.group.state import pack_arrivals, unpack_arrivals

    clusterer = EventClusterer()
    clusterer.learn_many(_ecb_articles(40))
    soft = clusterer._regroupable
    assert soft
    back = unpack_arrivals(pack_arrivals(soft))
    assert [(a.features.article_id, a.weights, a.seq) for a in back] == [
        (a.features.article_id, a.weights, a.seq) for a in soft
    ]
    for f, g in ((a.features, b.features) for a, b in zip(back, soft, strict=True)):
        assert (f.term_counts, f.entities, f.years, f.date, f.era, f.numbers, f.lang) == (
            g.term_counts, g.entities, g.years, g.date, g.era, g.numbers, g.lang
        )


def test_assignments_are_handed_to_the_caller_once(seeds: list[Article]) -> None:
    """``save`` writes no article rows; ``pop_assignments`` hands out every article whose event may have moved."""
    riyadh, vietnamese, bridge = _fresh([seeds[0], seeds[2], seeds[3]])
    store = SQLiteStore(":memory:")
    apart = EventClusterer(threshold=50.0, event_merge_threshold=50.0)
    for a in (riyadh, vietnamese):
        store.put_article(a)
        apart.learn_one(a)
    apart.save(store)
    assert {r.event_id for r in store.article_rows()} == {None}  # the clusterer wrote no article row
    first = apart.pop_assignments()
    assert first == {riyadh.id: riyadh.event_id, vietnamese.id: vietnamese.event_id}
    assert riyadh.event_id != vietnamese.event_id
    assert apart.pop_assignments() == {}
    store.set_events(first)
    apart.save(store)
    clusterer = EventClusterer(threshold=50.0, event_merge_threshold=-50.0).load(store, allow_change=True)
    store.put_article(bridge)
    merged = clusterer.learn_one(bridge)
    moved = clusterer.pop_assignments()
    assert moved == {bridge.id: merged, vietnamese.id: merged}  # the younger events' members moved
    store.set_events(moved)
    expected = dict.fromkeys((riyadh.id, vietnamese.id, bridge.id), merged)
    assert {r.id: r.event_id for r in store.article_rows()} == expected


def test_assignments_not_yet_handed_out_survive_a_restart(seeds: list[Article]) -> None:
    store = SQLiteStore(":memory:")
    first = EventClusterer()
    for a in _fresh(seeds)[:3]:
        first.learn_one(a)
    expected = first.pop_assignments()
    for a in _fresh(seeds)[:3]:
        first._changed[a.id] = first.assignments_[a.id]  # as if never popped
    first.save(store)
    assert EventClusterer().load(store).pop_assignments() == expected


def test_saved_state_carries_its_format_and_another_is_refused(seeds: list[Article]) -> None:
    from tidings.group.state import FORMAT, KEY_GLOBAL, UnknownStateFormat

    store = SQLiteStore(":memory:")
    clusterer = EventClusterer()
    for a in _fresh(seeds):
        clusterer.learn_one(a)
    clusterer.save(store)
    blob = store.get_state(KEY_GLOBAL)
    assert blob is not None and blob.startswith(b'{"format": %d' % FORMAT)
    store.put_state(KEY_GLOBAL, blob.replace(b'{"format": %d' % FORMAT, b'{"format": 99', 1))
    with pytest.raises(UnknownStateFormat, match="format 99"):
        EventClusterer().load(store)
    store.put_state(KEY_GLOBAL, b'{"seq": 5, "n_docs": 5}\n')  # as blobs were before they carried a format
    with pytest.raises(UnknownStateFormat, match="earlier Tidings"):
        EventClusterer().load(store)


def test_a_store_grown_with_one_profile_is_not_silently_continued_with_another(seeds: list[Article]) -> None:
    from tidings.group.state import StateMismatch

    store = SQLiteStore(":memory:")
    first = EventClusterer()
    for a in _fresh(seeds)[:3]:
        first.learn_one(a)
    first.save(store)
    with pytest.raises(StateMismatch, match="grouped with profile default; this clusterer uses profile lexical") as err:
        EventClusterer(profile="lexical").load(store)
    assert {"profile", "weights", "vectors"} <= set(err.value.differences)
    other = first.params_.threshold + 0.25
    with pytest.raises(StateMismatch, match=rf"threshold {first.params_.threshold!r} -> {other!r}"):
        EventClusterer(threshold=other).load(store)
    adopted = EventClusterer(profile="lexical").load(store, adopt=True)
    assert adopted.params_ == first.params_ and adopted.get_params()["profile"] == "default"
    assert [adopted.learn_one(a) for a in _fresh(seeds)[3:]] == [first.learn_one(a) for a in _fresh(seeds)[3:]]
    kept = EventClusterer(threshold=other).load(store, allow_change=True)
    assert kept.params_.threshold == other and kept.event_of(seeds[0].id) == first.event_of(seeds[0].id)


def test_ingest_with_another_profile_is_a_one_line_error(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from tidings.cli import main

    db = str(tmp_path / "t.db")
    first = CliRunner().invoke(main, ["--db", db, "ingest", str(next(SEEDS.glob("000_*.txt")))])
    assert first.exit_code == 0
    later = str(next(SEEDS.glob("001_*.txt")))
    again = CliRunner().invoke(main, ["--db", db, "ingest", "--profile", "lexical", later])
    assert again.exit_code == 1 and "Traceback" not in again.output
    assert "grouped with profile default" in again.output and "--profile default" in again.output


def test_a_later_batch_repairs_a_split_once_the_bridging_article_arrives(seeds: list[Article]) -> None:
    """Two reports of one event left apart (here forced by a join threshold above every score);
    a later batch brings a third report close to both: the batch joins it to one and, its
    average link to the other now clearing the threshold, merges the two events."""
    store = SQLiteStore(":memory:")
    riyadh, vietnamese, bridge, cairo = _fresh([seeds[0], seeds[2], seeds[3], seeds[1]])
    apart = EventClusterer(threshold=50.0, event_merge_threshold=50.0)
    for a in (riyadh, vietnamese):
        apart.learn_one(a)
    store.set_events(apart.pop_assignments())
    apart.save(store)
    first, second = riyadh.event_id, vietnamese.event_id
    assert first != second
    defaults = EventClusterer().get_params()
    clusterer = EventClusterer(**defaults).load(store, allow_change=True)
    clusterer.learn_many([bridge, cairo])
    assert clusterer.event_of(riyadh.id) == clusterer.event_of(vietnamese.id) == clusterer.event_of(bridge.id) == first
    assert clusterer.resolve(second) == first
    assert clusterer.event_of(cairo.id) != first
