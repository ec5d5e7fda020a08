"""Outlet and provenance chain: the seeds' credit lines and the cue lexicon in several languages."""

from __future__ import annotations

import pytest

from tidings.article import Article, Block
from tidings.read.provenance import ProvenanceFinder, canonical_name, registered_domain


def _article(*blocks: tuple[str, str] | tuple[str, str, str], url: str | None = None, **meta: object) -> Article:
    art = Article(id="t", uri="test", raw_text="", url=url, meta=dict(meta))
    art.blocks = [Block(b[1], b[0], b[2] if len(b) > 2 else None) for b in blocks]  # type: ignore[misc]
    return ProvenanceFinder()(art)


def _links(art: Article) -> set[tuple[str, str]]:
    return {(link.relation, link.name) for link in art.provenance}


def test_seed_provenance(seeds_read: dict[str, Article]) -> None:
    s0 = seeds_read["000"]
    assert s0.outlet is not None and s0.outlet.value == "chineseheadlinenews.com"
    assert ("source", "大纪元") in _links(s0)
    assert ("source", "观察者网") in _links(seeds_read["001"])
    assert ("via", "Nhân Dân") in _links(seeds_read["002"])
    assert ("contributor", "Associated Press") in _links(seeds_read["003"])
    s4 = seeds_read["004"]
    first = [link for link in s4.provenance if link.relation == "first-published"]
    assert [link.name for link in first] == ["defensenews.com"]
    assert first[0].date is not None and first[0].date.startswith("2025-02-18")
    assert s4.translated
    assert ("translated", "Google Translate") in _links(s4)
    assert not seeds_read["000"].translated and not seeds_read["002"].translated


@pytest.mark.parametrize(
    ("block", "expected"),
    [
        (("body", "MOSCOW (Reuters) - Russia said on Tuesday"), ("contributor", "Reuters")),
        (("footer", "The Associated Press contributed to this report."), ("contributor", "Associated Press")),
        (("body", "据新华社报道，会谈在利雅得举行。"), ("contributor", "Xinhua")),
        (("footer", "Source: AFP"), ("source", "AFP")),
        (("footer", "來源：中央社"), ("source", "中央社")),
        (("footer", "Nguồn: VnExpress"), ("source", "VnExpress")),
        (("footer", "المصدر: الجزيرة"), ("source", "الجزيرة")),
        (("footer", "Источник: ТАСС"), ("source", "TASS")),
        (("footer", "نقلا عن رويترز"), ("via", "Reuters")),
        (
            ("footer", "This article was originally published on example.org on 18 Feb 2025."),
            ("first-published", "example.org"),
        ),
        (("footer", "This story was translated by Google Translate."), ("translated", "Google Translate")),
        (("footer", "本文为机器翻译，仅供参考"), ("translated", "machine translation")),
        (("footer", "Cet article a été traduit automatiquement."), ("translated", "machine translation")),
        (("body", "Hai bên đã thảo luận về tình hình Ukraine (Theo Reuters)"), ("via", "Reuters")),
        (("footer", "本文转自：新华网"), ("via", "新华网")),
        (("footer", "Republished with permission from The Conversation."), ("source", "The Conversation")),
    ],
)
def test_cues(block: tuple[str, str], expected: tuple[str, str]) -> None:
    assert expected in _links(_article(("title", "T"), block))


def test_weak_cues_are_not_read_from_boilerplate_lists() -> None:
    art = _article(
        ("body", "Text of the article."),
        ("boilerplate", "Theo dòng sự kiện", "related"),
        ("boilerplate", "- 据新华社报道 会谈举行 20.07.2022", "link-list"),
    )
    assert art.provenance == []


def test_strong_cues_survive_a_misfiled_credit_line() -> None:
    art = _article(
        ("body", "Text."),
        ("boilerplate", "تم نشر الخبر مترجم عبر خدمة غوغل", "share"),
    )
    assert ("translated", "Google Translate") in _links(art)
    assert all(link.confidence < 0.9 for link in art.provenance)


def test_outlet_sources_in_order() -> None:
    art = _article(("body", "x"), url="https://www.bbc.co.uk/news/world-123", source="BBC News")
    assert art.outlet is not None and (art.outlet.value, art.outlet.source) == ("BBC News", "meta")
    art = _article(("body", "x"), url="https://www.bbc.co.uk/news/world-123")
    assert art.outlet is not None and (art.outlet.value, art.outlet.source) == ("bbc.co.uk", "url")
    art = _article(("body", "x"), html={"sitename": "Defense News"})
    assert art.outlet is not None and (art.outlet.value, art.outlet.source) == ("Defense News", "html-meta")
    art = _article(("header", "18 Feb 2025 · www.example.com · Source: AP"), ("body", "x"))
    assert art.outlet is not None and (art.outlet.value, art.outlet.source) == ("example.com", "header-domain")
    art = _article(("body", "x"))
    assert art.outlet is None


def test_names() -> None:
    assert canonical_name("وكالة أسوشيتد برس") == "Associated Press"
    assert canonical_name(" www.defensenews.com ") == "defensenews.com"
    assert registered_domain("https://news.example.co.uk/a") == "example.co.uk"
    assert registered_domain("not a url") is None


def test_agency_writers_credit_the_agency_and_prose_is_no_credit_line() -> None:
    art = _article(
        ("body", "x"), ("footer", "Associated Press writers Lolita Baldor and Jill Colvin contributed to this report.")
    )
    assert ("contributor", "Associated Press") in _links(art)
    prose = "The disease first appeared in West Michigan at the end of August, " * 5
    assert not [link for link in _article(("body", prose)).provenance if link.relation == "first-published"]


def test_a_domain_in_a_credit_is_not_the_outlet() -> None:
    art = _article(("header", "18 Feb 2025 · Source: reuters.com"), ("body", "x"))
    assert art.outlet is None
    assert ("source", "reuters.com") in _links(art)


def test_first_published_on_a_date_is_no_origin_and_platform_credits_are_no_outlet() -> None:
    art = _article(("body", "x"), ("footer", "First published on November 19, 2019 / 8:16 AM"))
    assert art.provenance == []
    art = _article(
        ("body", "x"), ("footer", "©2019 CBS Broadcasting Inc. All Rights Reserved. Powered by WordPress.com VIP")
    )
    assert art.outlet is None
    art = _article(("body", "x"), ("footer", "© 2000 - 2019 Al Bawaba (www.albawaba.com)"))
    assert art.outlet is not None and art.outlet.value == "albawaba.com"


def test_declared_source_url_is_named_by_its_domain() -> None:
    art = _article(("body", "x"), source="https://www.nhandan.vn/the-gioi")
    assert art.outlet is not None and art.outlet.value == "nhandan.vn"


def test_share_links_are_no_outlet_and_hearsay_is_no_contributor() -> None:
    art = _article(("header", "https://www.facebook.com/sharer/sharer.php?u=x"), ("body", "x"))
    assert art.outlet is None
    art = _article(("body", "据接近该项目的消息人士透露，预告片将于本日发布。"))
    assert art.provenance == []
