"""Event cards on the seed articles and on ECB+ dev events: real texts, real outcomes."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

import pytest
from conftest import CAIRO, ECB_DEV, RIYADH, seed_ids

from tidings.api import list_related
from tidings.article import Event
from tidings.store import Store, open_store
from tidings.tell.cards import EventCard, build_card, headline, headline_of_card, related_of
from tidings.tell.render import render_markdown, render_text
from tidings.text.sentences import split_sentences
from tidings.views.events import UnknownId, load_event


@pytest.fixture(scope="module")
def riyadh(seed_store: Store) -> EventCard:
    return build_card(seed_store, RIYADH, "en")


def _own_sentences(store: Store, card: EventCard) -> set[str]:
    out: set[str] = set()
    for entry in card.timeline:
        article = store.get_article(entry.article_id)
        assert article is not None
        out.update(s.text for s in split_sentences(article.text, article.lang_code))
    return out


def test_who_lists_each_delegate_once_across_scripts(riyadh: EventCard) -> None:
    names = [a.name for a in riyadh.who]
    for person in ("Rubio", "Waltz", "Witkoff", "Lavrov", "Ushakov"):
        hits = [n for n in names if person.lower() in n.lower()]
        assert len(hits) == 1, (person, names)
    assert len(names) == len(set(names))


def test_where_is_riyadh_saudi_arabia_with_coordinates(riyadh: EventCard) -> None:
    top = riyadh.where[0]
    assert top.name == "Riyadh"
    assert top.country == "Saudi Arabia"
    assert top.lat is not None and 24 < top.lat < 25.5 and 46 < (top.lon or 0) < 47.5


def test_when_is_18_february_2025(riyadh: EventCard) -> None:
    assert riyadh.when.start == "2025-02-18"
    assert riyadh.when.confidence >= 0.5
    assert riyadh.when.evidence


def test_languages_and_outlets(seed_store: Store, riyadh: EventCard) -> None:
    assert riyadh.languages == ["ar", "vi", "zh"]
    assert riyadh.article_count == 4
    assert set(riyadh.coverage.by_lang) == {"ar", "vi", "zh"}
    outlets = {c.outlet for items in riyadh.coverage.by_lang.values() for c in items}
    assert "chineseheadlinenews.com" in outlets
    assert any("Nhân Dân" in o for o in outlets)
    relations = " ".join(r for items in riyadh.coverage.by_lang.values() for c in items for r in c.relations)
    assert "大纪元" in relations and "Associated Press" in relations and "translated" in relations


def test_summary_is_extractive_multilingual_and_short(seed_store: Store, riyadh: EventCard) -> None:
    assert 3 <= len(riyadh.summary) <= 5
    own = _own_sentences(seed_store, riyadh)
    assert all(s.text in own for s in riyadh.summary)
    assert len({s.lang for s in riyadh.summary}) >= 2
    cairo = seed_ids(seed_store)["001"]
    assert all(s.article_id != cairo for s in riyadh.summary)


def test_summary_keeps_to_the_readers_language_and_says_each_thing_once(seed_store: Store,
                                                                        riyadh: EventCard) -> None:
    zh = build_card(seed_store, RIYADH, "zh")
    assert 3 <= len(zh.summary) <= 5 and {s.lang for s in zh.summary} == {"zh"}
    # no English report: every language, but the zh and ar leads "officials met in Riyadh on Tuesday" once
    leads = ("周二(2月18日),美俄高级官员", "التقى كبار المسؤولين الروسيين")
    assert sum(any(s.text.startswith(x) for x in leads) for s in riyadh.summary) <= 1
    assert not any(s.text.startswith("Trước đó") for s in riyadh.summary)  # "before that": background
    shown = [s.text for s in riyadh.summary] + [o.text for o in riyadh.outcomes]
    assert len(shown) == len(set(shown))


def test_outcomes_report_the_three_agreed_goals(riyadh: EventCard) -> None:
    assert riyadh.outcomes
    assert any("ثلاثة أهداف" in o.text for o in riyadh.outcomes)


def test_quotes_are_verbatim_and_attributed(seed_store: Store, riyadh: EventCard) -> None:
    assert riyadh.quotes
    for q in riyadh.quotes:
        article = seed_store.get_article(q.article_id)
        assert article is not None and q.text in article.text
    assert any(q.speaker for q in riyadh.quotes)


def test_timeline_orders_by_publication_and_marks_undated(riyadh: EventCard, seed_store: Store) -> None:
    dated = [t.published for t in riyadh.timeline if t.dated]
    assert dated == sorted(dated)
    assert riyadh.timeline[0].role == "first report"
    assert riyadh.timeline[0].article_id == seed_ids(seed_store)["000"]
    assert any(not t.dated for t in riyadh.timeline)
    assert riyadh.coverage.first_reporter == seed_ids(seed_store)["000"]


def test_cairo_event_stands_apart(seed_store: Store) -> None:
    card = build_card(seed_store, CAIRO, "en")
    assert card.article_count == 1
    assert card.where and card.where[0].name == "Cairo"
    assert card.when.start and card.when.start.startswith("2022-11")
    names = " ".join(a.name.lower() for a in card.who)
    assert "rubio" not in names and "waltz" not in names
    # under --lang en every person in Latin letters; foreign names in Chinese characters read the Xinhua way
    shown = [a.name for a in card.who if a.label == "PERSON"]
    assert all(n.split(" (")[0].replace(".", "").replace(" ", "").isascii() for n in shown), shown
    assert "Blinken (布林肯)" in shown and "Ryabkov (里亚布科夫)" in shown
    # quotes name their speaker as the card does: Ryabkov confirmed the consultations
    assert "Ryabkov (里亚布科夫)" in {q.speaker for q in card.quotes}
    assert all(q.speaker is None or q.speaker.split(" (")[0].replace(".", "").isascii() for q in card.quotes)
    # so do the names its related event shares with it, and those the timeline says a report adds
    related = [n for r in related_of(CAIRO, list_related(seed_store), "en") for n in r.shared]
    assert "Blinken (布林肯)" in related and "Sergei Lavrov" in related
    riyadh = build_card(seed_store, RIYADH, "en")
    added = [n for t in riyadh.timeline if t.adds.startswith("names ") for n in t.adds[6:].split(", ")]
    assert added and all(n.split(" (")[0].replace(".", "").replace(" ", "").isascii() for n in added), added
    # an Arabic name in its attested spelling, not letter by letter ("Fisl Bn Frhan"); Macron's first name too
    assert "Faisal bin Farhan (فيصل بن فرحان)" in added
    assert any(q.speaker and q.speaker.startswith("Emmanuel ") for q in riyadh.quotes)


def test_merged_ids_resolve_and_unknown_ids_fail_clearly(seed_store: Store) -> None:
    assert build_card(seed_store, "ev-old").event_id == RIYADH
    with pytest.raises(UnknownId):
        build_card(seed_store, "no-such-event")


def test_renderers_and_json(riyadh: EventCard) -> None:
    text, md = render_text(riyadh), render_markdown(riyadh)
    assert "2025-02-18" in text and "Riyadh" in text
    assert md.startswith("## ") and "### Summary" in md
    data = json.loads(json.dumps(riyadh.to_dict(), ensure_ascii=False))
    assert data["when"]["start"] == "2025-02-18" and data["summary"]


@pytest.fixture(scope="module")
def ecb_store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    """The first two ECB+ dev topics (four gold events), ingested, with gold events as Event records."""
    from tidings.api import ingest
    from tidings.options import Options

    tmp = tmp_path_factory.mktemp("ecb")
    rows = [json.loads(line) for line in ECB_DEV.read_text(encoding="utf-8").splitlines() if line.strip()]
    topics = list(dict.fromkeys(r["topic"] for r in rows))[:2]
    rows = [r for r in rows if r["topic"] in topics]
    src = tmp / "ecb.jsonl"
    src.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    db = tmp / "ecb.db"
    ingest([str(src)], Options(db=str(db), cluster=False), progress=False)
    store = open_store(str(db))
    by_event: dict[str, list[str]] = defaultdict(list)
    for article in store.iter_articles():
        gold = next(r["event"] for r in rows if r["id"] == article.meta.get("id"))
        by_event[gold].append(article.id)
    for gold, ids in by_event.items():
        store.put_record("event", gold, Event(gold, ids, "t0", "t0").to_dict())
    store.commit()
    return store


def test_ecbplus_cards_are_extractive_and_complete(ecb_store: Store) -> None:
    events = [k for k, _ in ecb_store.iter_records("event")]
    assert len(events) >= 3
    for event_id in events:
        card = build_card(ecb_store, event_id)
        assert card.article_count >= 2
        assert card.title is not None and card.title.text
        assert 3 <= len(card.summary) <= 5
        own = _own_sentences(ecb_store, card)
        assert all(s.text in own for s in card.summary)
        assert len({s.article_id for s in card.summary}) >= 2  # drawn from several reports
        assert len(card.timeline) == card.article_count
        assert all(t.adds for t in card.timeline)  # a report with no title and no new actor: its lead
        # no quote twice, in part or retouched by another outlet
        said = [" ".join(q.text.casefold().split()) for q in card.quotes]
        assert not any(a != b and a[:60] in b for a in said for b in said)
        assert render_text(card)


def test_title_follows_the_users_language(seed_store: Store) -> None:
    for lang in ("zh", "ar", "vi"):
        card = build_card(seed_store, RIYADH, lang)
        assert card.title is not None and card.title.lang == lang and card.title_lang_matches
    en = build_card(seed_store, RIYADH, "en")
    # no English report: a title composed in English from the card's fields, the best original beside it
    assert en.title is not None and en.title.lang == "en" and en.title_lang_matches
    assert "Riyadh" in en.title.text and "18 Feb 2025" in en.title.text
    assert "Rubio" in en.title.text or "Lavrov" in en.title.text  # one of the two delegations' heads
    assert en.original_title is not None and en.original_title.lang in ("zh", "ar", "vi")
    shown = [a.name for a in en.who if a.label == "PERSON"]
    assert all(n.isascii() or "(" in n for n in shown)  # Latin letters first under --lang en
    for surname in ("Rubio", "Waltz", "Witkoff", "Lavrov", "Ushakov"):
        assert sum(surname in n for n in shown) == 1


def test_copies_from_event_duplicates_show_in_timeline_and_coverage(seed_store: Store, tmp_path: Path) -> None:
    ids = seed_ids(seed_store)
    event = Event("ev-dup-test", [ids["000"], ids["003"]], "t0", "t0", duplicates={ids["003"]: ids["000"]})
    seed_store.put_record("event", event.id, event.to_dict())
    seed_store.commit()
    try:
        card = build_card(seed_store, event.id)
    finally:
        seed_store.delete_record("event", event.id)
        seed_store.commit()
    entry = next(t for t in card.timeline if t.article_id == ids["003"])
    assert entry.role == "translation" and entry.copy_of == ids["000"]
    assert card.coverage.copies == {ids["003"]: ids["000"]}
    relations = [r for c in card.coverage.by_lang["ar"] for r in c.relations]
    assert any("translation of" in r for r in relations)
    assert card.coverage.first_reporter == ids["000"]


def test_a_big_event_is_read_in_part_and_counted_in_full(ecb_store: Store) -> None:
    """A story of hundreds of reports: the card reads the first reporters, every language and a spread,
    and still counts every article by language and outlet."""
    from tidings.store import ArticleRow
    from tidings.tell.cards import card_from_data
    from tidings.views.events import choose_read, load_event

    rows = [ArticleRow(f"a{i:03d}", "u", "en" if i != 70 else "fr", f"2020-01-{1 + i % 28:02d}", None, None, None, 1,
                       seq=i) for i in range(100)]
    read, unread = choose_read(rows, 30)
    assert len(read) == 30 and len(unread) == 70 and {r.id for r in read}.isdisjoint(r.id for r in unread)
    assert {r.id for r in rows if r.published == "2020-01-01"} <= {r.id for r in read}  # the first reporters
    assert "a070" in {r.id for r in read}  # the only French report
    assert [r.seq for r in read] == sorted(r.seq for r in read)  # in the event's order
    assert choose_read(rows[:5], 30) == (rows[:5], [])

    ids = [a.id for a in ecb_store.iter_articles()]
    ecb_store.put_record("event", "big-test", Event("big-test", ids, "t0", "t0").to_dict())
    ecb_store.commit()
    try:
        data = load_event(ecb_store, "big-test", read_at_most=10)
        assert len(data.articles) == 10 and data.article_count == len(ids)
        card = card_from_data(data)
        assert card.article_count == len(ids) and card.articles_read == 10
        assert sum(len(c.article_ids) for items in card.coverage.by_lang.values() for c in items) == len(ids)
        assert "(10 read)" in render_text(card)
        assert load_event(ecb_store, "big-test", read_at_most=None).article_count == len(ids)
    finally:
        ecb_store.delete_record("event", "big-test")
        ecb_store.commit()


def test_a_card_read_back_from_json_is_the_same_card_and_gives_the_listing_headline(
        seed_store: Store, ecb_store: Store) -> None:
    """A server files cards as JSON (``serve.shelf``) and lists the headline read off the card."""
    cases = [(seed_store, RIYADH, lang) for lang in ("en", "zh", "vi")] + [(seed_store, CAIRO, "en")]
    cases += [(ecb_store, k, "en") for k, _ in ecb_store.iter_records("event")]
    for store, event_id, lang in cases:
        card = build_card(store, event_id, lang)
        back = EventCard.from_dict(json.loads(json.dumps(card.to_dict(), ensure_ascii=False)))
        assert back == card, event_id
        assert headline_of_card(card) == headline(load_event(store, event_id), lang), (event_id, lang)
