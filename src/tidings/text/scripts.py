"""Which writing system a character or a text is in: one set of named Unicode ranges for all of Tidings.

Every stage asks some form of "is this Chinese?", and the answers used to be written
out in each module with slightly different ranges. They are named here once; where
two uses want different sets on purpose (the grouping tokeniser cuts Hangul and Thai
into bigrams, the card tokeniser only Han and kana), each set has its own name and
says why, so a reader sees the difference instead of guessing whether it is a slip.

Why hand-written rather than the ``regex`` module's ``\\p{Script}`` or
``unicodedata``: these run on every character of every article in the read stage,
and a table of code-point ranges in plain ``re`` classes is what keeps that fast
(``regex`` is not a dependency; ``unicodedata.name`` per character is ~10x slower).
"""

from __future__ import annotations

import functools
import re
from collections import Counter

# --------------------------------------------------------------------------- named blocks
#: CJK Unified Ideographs (the Han characters of everyday Chinese and Japanese).
HAN = "\u4e00-\u9fff"
#: CJK Unified Ideographs Extension A (rarer Han characters, some in names).
HAN_EXT_A = "\u3400-\u4dbf"
#: CJK Compatibility Ideographs.
HAN_COMPAT = "\uf900-\ufaff"
#: Hiragana and Katakana.
KANA = "\u3040-\u30ff"
#: Hangul syllables (precomposed; the jamo block is left out, news text is precomposed).
HANGUL = "\uac00-\ud7af"
#: Thai.
THAI = "\u0e00-\u0e7f"
#: CJK Symbols and Punctuation (the ideographic space, 。、「」…).
CJK_PUNCTUATION = "\u3000-\u303f"
#: Halfwidth and Fullwidth Forms (ＡＢＣ, ０１２, ，：).
FULLWIDTH = "\uff00-\uffef"

# --------------------------------------------------------------------------- named sets, by use
#: Characters of Chinese and Japanese writing: Han (with Extension A and the compatibility
#: block) and kana. The read stage's layout cues count these as "CJK".
CJK_CLASS = f"{KANA}{HAN_EXT_A}{HAN}{HAN_COMPAT}"
CJK_CHAR = re.compile(f"[{CJK_CLASS}]")

#: Runs the *grouping* tokeniser cuts into character bigrams: Han, kana, Hangul and Thai.
#: Thai and Chinese/Japanese are written without spaces between words; Korean is spaced,
#: but its words carry particles (서울에서, 서울은), so bigrams still match a name across
#: its forms. Frozen: the clusterer's saved document frequencies are counted over these terms.
BIGRAM_RUN = re.compile(f"[{KANA}{HAN_EXT_A}{HAN}{HANGUL}{THAI}]+")

#: Runs the *card* tokeniser (summaries, storyline titles) cuts into bigrams: Han and kana
#: only, as calibrated on the seeds (zh, ar, vi, en); see :mod:`tidings.text.tokens`.
HAN_KANA_RUN = re.compile(f"[{HAN}{KANA}]+")

#: Any character that only an East Asian legacy encoding (GBK, Big5, Shift-JIS, EUC-KR)
#: would carry: Han, kana, Hangul, CJK punctuation and full-width forms. The encoding
#: detector counts these to judge a decoding of East Asian bytes.
EAST_ASIAN_CHAR = re.compile(f"[{CJK_PUNCTUATION}{KANA}{HAN_EXT_A}{HAN}{HANGUL}{FULLWIDTH}]")


def is_han(ch: str) -> bool:
    """Whether one character is a CJK Unified Ideograph (the main Han block)."""
    return "\u4e00" <= ch <= "\u9fff"


def is_kana(ch: str) -> bool:
    """Whether one character is hiragana or katakana."""
    return "\u3040" <= ch <= "\u30ff"


def has_han(text: str) -> bool:
    """Whether ``text`` holds any Han character (main block)."""
    return any(is_han(ch) for ch in text)


def count_han(text: str) -> int:
    """How many Han characters (main block) ``text`` holds."""
    return sum(1 for ch in text if is_han(ch))


#: Share of Han and kana among the non-space characters above which a text is written
#: the CJK way (sentences end in 。！？, not ". "); calibrated by eye on the seeds.
CJK_TEXT_SHARE = 0.2
#: Characters sampled from the start of a text to judge it (a paragraph's head decides).
CJK_TEXT_SAMPLE = 400


def is_cjk_text(text: str) -> bool:
    """Whether ``text`` is mostly Chinese/Japanese: Han and kana above :data:`CJK_TEXT_SHARE` of its head."""
    head = text[:CJK_TEXT_SAMPLE]
    han = sum(1 for ch in head if is_han(ch) or is_kana(ch))
    return han > CJK_TEXT_SHARE * max(1, len(head.replace(" ", "")))


# --------------------------------------------------------------------------- ISO 15924
#: Unicode ranges → ISO 15924 script code, for :func:`count_scripts`. Hand-written (instead
#: of the ``regex`` module's ``\\p{Script}``) because one pass over code points with a small
#: table is what keeps language detection well under a millisecond.
SCRIPT_RANGES: tuple[tuple[int, int, str], ...] = (
    (0x0041, 0x024F, "Latn"),
    (0x1E00, 0x1EFF, "Latn"),  # Latin Extended Additional (Vietnamese)
    (0x0370, 0x03FF, "Grek"),
    (0x0400, 0x052F, "Cyrl"),
    (0x0530, 0x058F, "Armn"),
    (0x0590, 0x05FF, "Hebr"),
    (0x0600, 0x06FF, "Arab"),
    (0x0750, 0x077F, "Arab"),
    (0x08A0, 0x08FF, "Arab"),
    (0xFB50, 0xFDFF, "Arab"),
    (0xFE70, 0xFEFF, "Arab"),
    (0x0900, 0x097F, "Deva"),
    (0x0980, 0x09FF, "Beng"),
    (0x0A00, 0x0A7F, "Guru"),
    (0x0A80, 0x0AFF, "Gujr"),
    (0x0B80, 0x0BFF, "Taml"),
    (0x0C00, 0x0C7F, "Telu"),
    (0x0D00, 0x0D7F, "Mlym"),
    (0x0E00, 0x0E7F, "Thai"),
    (0x10A0, 0x10FF, "Geor"),
    (0x1100, 0x11FF, "Hang"),
    (0x3040, 0x309F, "Hira"),
    (0x30A0, 0x30FF, "Kana"),
    (0x3400, 0x4DBF, "Hani"),
    (0x4E00, 0x9FFF, "Hani"),
    (0xF900, 0xFAFF, "Hani"),
    (0xAC00, 0xD7AF, "Hang"),
)


@functools.lru_cache(maxsize=65536)
def script_of_letter(ch: str) -> str | None:
    """ISO 15924 code of one letter (``"Latn"``, ``"Hani"`` …); None for non-letters and unlisted scripts."""
    if not ch.isalpha():
        return None
    cp = ord(ch)
    for lo, hi, name in SCRIPT_RANGES:
        if lo <= cp <= hi:
            return name
    return None


def count_scripts(text: str) -> Counter[str]:
    """Letters per ISO 15924 script (digits, punctuation and spaces are not counted).

    Characters are counted first (in C), then each *distinct* character is looked up
    once: a text of 1,500 characters has only a few hundred distinct ones.
    """
    counts: Counter[str] = Counter()
    for ch, n in Counter(text).items():
        script = script_of_letter(ch)
        if script is not None:
            counts[script] += n
    return counts
