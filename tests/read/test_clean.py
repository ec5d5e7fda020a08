"""The clean stage on the real seed articles: what stays body, what is set aside, and the title."""

from __future__ import annotations

import json
import re

import pytest
from conftest import DATA, seed_file

from tidings.article import Article
from tidings.pipeline import Pipeline
from tidings.read.boilerplate import TextCleanOptions, label_paragraphs, split_text
from tidings.read.clean import Cleaner


def seed_lines(prefix: str) -> list[str]:
    path = seed_file(prefix)
    return path.read_text(encoding="utf-8").splitlines()


def clean_seed(prefix: str) -> Article:
    path = seed_file(prefix)
    art = Article(id=prefix, uri=str(path), raw_text=path.read_text(encoding="utf-8"), format="text")
    return Cleaner()(art)


#: Per seed: 1-based line ranges (inclusive) of the article body in the file, minus lines
#: that are captions, related headings or credits (checked separately).
BODY_LINES = {
    "000": ([(5, 43)], set()),
    "001": ([(10, 32)], {13, 20}),
    "002": ([(3, 8)], set()),
    "003": ([(1, 17)], set()),
    "004": ([(3, 39)], {6}),
}


@pytest.fixture(scope="module")
def cleaned() -> dict[str, Article]:
    return {p: clean_seed(p) for p in BODY_LINES}


@pytest.mark.parametrize("prefix", sorted(BODY_LINES))
def test_every_body_paragraph_is_kept(cleaned: dict[str, Article], prefix: str) -> None:
    lines = seed_lines(prefix)
    ranges, skip = BODY_LINES[prefix]
    body = {b.text for b in cleaned[prefix].blocks if b.role == "body"}
    missing = [
        (n, lines[n - 1][:40])
        for lo, hi in ranges
        for n in range(lo, hi + 1)
        if n not in skip and lines[n - 1].strip() and lines[n - 1].strip() not in body
    ]
    assert not missing


@pytest.mark.parametrize(
    ("prefix", "first_junk"),
    [("000", "24小时新闻排行榜"), ("001", "微信扫码关注"), ("002", "Tin cùng chuyên mục"), ("004", "JOIN US AND FOLO")],
)
def test_nothing_of_the_trailing_lists_remains(cleaned: dict[str, Article], prefix: str, first_junk: str) -> None:
    lines = seed_lines(prefix)
    start = next(i for i, line in enumerate(lines) if first_junk in line)
    text = cleaned[prefix].text
    leaked = [line for line in lines[start:] if re.search(r"\w", line) and line.strip() in text]
    assert not leaked


def test_specific_short_body_lines_stay(cleaned: dict[str, Article]) -> None:
    assert "他透露,会议地点定在开罗,自11月底持续到12月初。" in cleaned["001"].text
    assert any(b.text.startswith("قال الفالس") and b.role == "body" for b in cleaned["004"].blocks)
    for heading in ("تحسين العلاقات الروسية والولايات المتحدة", "دور المملكة العربية السعودية", "تستمر الحرب"):
        assert heading in cleaned["004"].text
    for heading in ("欧洲的反应", "美俄可能的合作重点"):
        assert heading in cleaned["000"].text


@pytest.mark.parametrize(
    ("prefix", "note"),
    [
        ("001", "来源|观察者网"),
        ("002", "Theo Nhân Dân"),
        ("003", "ساهمت وكالة أسوشيتد برس في هذا التقرير."),
        ("004", "مصدر الخبر"),
        ("004", "نشر الخبر اول مرة على موقع :www.defensenews.com بتاريخ:2025-02-18 18:10:00"),
        ("004", "تم نشر الخبر مترجم عبر خدمة غوغل"),
    ],
)
def test_provenance_notes_are_footer_blocks(cleaned: dict[str, Article], prefix: str, note: str) -> None:
    roles = [b.role for b in cleaned[prefix].blocks if b.text == note]
    assert roles == ["footer"]


def test_copyright_and_disclaimer_are_footer(cleaned: dict[str, Article]) -> None:
    blocks = cleaned["001"].blocks
    assert any(b.role == "footer" and b.reason == "copyright" and "©" in b.text for b in blocks)
    assert any(b.role == "footer" and b.text.startswith("Redian.news刊载任何文章") for b in blocks)
    assert any(b.role == "footer" and b.text.startswith("ادارة الموقع لا تتبنى") for b in cleaned["004"].blocks)


def test_captions(cleaned: dict[str, Article]) -> None:
    captions = {b.text for b in cleaned["001"].blocks if b.role == "caption"}
    assert {"俄新社报道截图", "俄罗斯副外长里亚布科夫(资料图)"} <= captions
    assert any(b.role == "caption" and "(Ảnh:" in b.text for b in cleaned["002"].blocks)


def test_boilerplate_has_reasons(cleaned: dict[str, Article]) -> None:
    for art in cleaned.values():
        assert all(b.reason for b in art.blocks if b.role == "boilerplate")
    related = [b for b in cleaned["002"].blocks if b.text == "Tin cùng chuyên mục"]
    assert related[0].role == "boilerplate" and related[0].reason == "related"


def test_headers(cleaned: dict[str, Article]) -> None:
    headers = {b.text for b in cleaned["000"].blocks if b.role == "header"}
    assert "2025-02-18 00:25:51 · chineseheadlinenews.com · 来源: 大纪元" in headers
    headers = {b.text for b in cleaned["001"].blocks if b.role == "header"}
    assert {"Redian新闻", ">", "公众号新闻", "► 文 观察者网 齐倩"} <= headers


def test_titles(cleaned: dict[str, Article]) -> None:
    assert cleaned["000"].title is not None and cleaned["000"].title.value == "快讯:美俄在沙特就俄乌战争进行会谈"
    assert cleaned["001"].title is not None and "俄美要首次直接对话" in cleaned["001"].title.value
    assert cleaned["002"].title is not None
    assert cleaned["002"].title.value == "Phái đoàn Nga đến thủ đô của Saudi Arabia đàm phán với Mỹ"
    assert cleaned["004"].title is not None and cleaned["004"].title.value.startswith("روسيا ، الولايات المتحدة")
    # 003 opens with a body paragraph: no title line, and the paragraph stays body
    t3 = cleaned["003"].title
    assert t3 is None or t3.confidence < 0.5
    assert cleaned["003"].text.startswith("التقى كبار المسؤولين")
    for art in cleaned.values():
        assert [b.role for b in art.blocks].count("title") <= 1


def test_blocks_cover_the_whole_input(cleaned: dict[str, Article]) -> None:
    for prefix, art in cleaned.items():
        lines = [line.strip() for line in seed_lines(prefix) if line.strip()]
        assert [b.text for b in art.blocks] == lines


def test_declared_title_wins() -> None:
    lines = seed_lines("002")
    art = Article(id="x", uri="x", raw_text="\n".join(lines), meta={"title": lines[0]})
    art = Cleaner()(art)
    assert art.title is not None and art.title.source == "jsonl" and art.title.confidence >= 0.9
    assert art.blocks[0].role == "title"


def test_stage_contract_and_pipeline() -> None:
    cleaner = Cleaner()
    assert cleaner.name == "clean" and "blocks" in cleaner.sets and "title" in cleaner.sets
    Pipeline([cleaner])  # reads only base fields


def test_empty_and_prose_free_text() -> None:
    assert split_text("") == []
    art = Cleaner()(Article(id="e", uri="e", raw_text="   \n\n"))
    assert art.blocks == [] and art.text == "" and art.title is None
    short = split_text("Hello\nWorld", TextCleanOptions())
    assert [b.text for b in short] == ["Hello", "World"]


def test_html_page_uses_trafilatura_and_keeps_metadata() -> None:
    path = DATA / "extraction" / "html.jsonl"
    with path.open(encoding="utf-8") as fh:
        rec = json.loads(fh.readline())
    art = Article(id="h", uri=rec["url"], raw_text=rec["html"], format="html", url=rec["url"])
    art = Cleaner()(art)
    meta = art.meta["html"]
    assert meta.get("date", "").startswith("2019-11")
    assert art.title is not None and art.title.source == "html-meta"
    assert rec["body"].split()[0] in art.text
    assert "Dow Jones, a News Corp company" not in art.text


def test_extracted_paragraphs_keep_their_footer_notes() -> None:
    lines = seed_lines("002")
    blocks = label_paragraphs([line for line in lines[2:9] if line.strip()])
    assert [b.role for b in blocks][-1] == "footer" and blocks[-1].text == "Theo Nhân Dân"
    assert all(b.role == "body" for b in blocks[:-1])


def test_html_fragment_falls_back_to_visible_text() -> None:
    html = "<div><p>The council approved the budget on Tuesday after a long debate.</p><script>x=1</script></div>"
    art = Cleaner()(Article(id="f", uri="f", raw_text=html, format="html"))
    assert art.text == "The council approved the budget on Tuesday after a long debate."
    assert Cleaner()(Article(id="g", uri="g", raw_text="", format="html")).blocks == []


def test_hard_wrapped_text_is_unwrapped() -> None:
    import textwrap

    paragraphs = [line.strip() for line in seed_lines("003") if line.strip()]
    wrapped = "\n".join("\n".join(textwrap.wrap(p, 72)) for p in paragraphs)
    art = Cleaner()(Article(id="w", uri="w", raw_text=wrapped))
    missing = [p[:40] for p in paragraphs[:-1] if p not in art.text]
    assert not missing
