"""A cross-script phonetic key for names: 拉夫罗夫, لافروف and Lavrov all become ``RFRF``.

Why hand-written: Double Metaphone and friends work on English spelling only. A
name written in Chinese characters or Arabic letters keeps its *consonant
skeleton* but loses distinctions the other script cannot write: Arabic has no
p/v/g (Putin → بوتين, Sergei → سيرجي), Chinese has no l/r distinction and pads
consonant clusters with vowels (Blinken → 布林肯 bu-lin-ken, Waltz → 沃尔兹 wo-er-zi).
So every script is mapped to one small alphabet of consonant classes where those
pairs collapse, vowels and glides (y, w, h) vanish, and repeats fold:

====== =======================  ====== =======================
class  sounds                   class  sounds
====== =======================  ====== =======================
``B``  b p                      ``S``  s z c(e/i) x sh ts
``F``  f v ph                   ``R``  r l
``T``  t th                     ``N``  m n ng
``D``  d dh
``K``  k g j q c ch kh gh
====== =======================  ====== =======================

Arabic ``ح`` and ``ع`` get their own marks (``H``, ``3``) that Latin never
produces: foreign names rarely contain them, native words often do (عرب must not
match Rubio). A key is per token; :func:`name_key` joins tokens with spaces.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from anyascii import anyascii

_LATIN_DIGRAPHS = [
    ("sch", "s"), ("tch", "k"), ("ph", "f"), ("th", "t"), ("dh", "d"), ("kh", "k"), ("gh", "g"),
    ("sh", "s"), ("zh", "j"), ("ch", "k"), ("ck", "k"), ("qu", "k"), ("x", "ks"),
]
_LATIN_CLASS = {
    "b": "B", "p": "B", "f": "F", "v": "F", "t": "T", "d": "D", "k": "K", "g": "K", "j": "K", "q": "K",
    "s": "S", "z": "S", "r": "R", "l": "R", "m": "N", "n": "N",
}
_SOFT_C = re.compile(r"c(?=[eiy])")

_ARABIC_CLASS = {
    "ب": "B", "پ": "B", "ت": "T", "ث": "T", "د": "D", "ذ": "D", "ط": "T", "ض": "D",
    "ج": "K", "خ": "K", "غ": "K", "ق": "K", "ك": "K", "ک": "K", "گ": "K", "چ": "K",
    "س": "S", "ز": "S", "ص": "S", "ش": "S", "ظ": "S", "ژ": "S",
    "ر": "R", "ل": "R", "م": "N", "ن": "N", "ف": "F", "ڤ": "F",
    "ح": "H", "ع": "3",
}
#: Vowel letters and glides, dropped like Latin vowels/y/w/h.
_ARABIC_DROP = set("اأإآءئؤوىيةه")

#: Pinyin spellings that stand for a bare consonant or a glide in transliterations.
_PINYIN_RULES = [
    (re.compile(r"^(zi|ci|si)$"), "s"),
    (re.compile(r"^er$"), "r"),
    (re.compile(r"^[yw]"), ""),
    (re.compile(r"^(zh|ch|q)"), "j"),
    (re.compile(r"^(x|sh|c|z)"), "s"),
    (re.compile(r"ng$"), "n"),
]


@lru_cache(maxsize=65536)
def script_of(text: str) -> str:
    """``"han"``, ``"arabic"``, ``"cyrillic"`` or ``"latin"``: the script of a name's letters."""
    for ch in text:
        if "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf":
            return "han"
        if "\u0600" <= ch <= "\u06ff" or "\u0750" <= ch <= "\u077f":
            return "arabic"
        if "\u0400" <= ch <= "\u04ff":
            return "cyrillic"
    return "latin"


def _fold(classes: str) -> str:
    classes = classes.replace("TS", "S").replace("DS", "S")
    out: list[str] = []
    for c in classes:
        if not out or out[-1] != c:
            out.append(c)
    return "".join(out)


def _latin_token_key(token: str) -> str:
    s = anyascii(token).lower()
    s = re.sub(r"[^a-z]", "", s)
    s = s.replace("ts", "s").replace("tz", "s").replace("dz", "s")
    s = _SOFT_C.sub("s", s)
    for a, b in _LATIN_DIGRAPHS:
        s = s.replace(a, b)
    s = s.replace("c", "k")
    return _fold("".join(_LATIN_CLASS.get(ch, "") for ch in s))


def _arabic_token_key(token: str) -> str:
    return _fold("".join(_ARABIC_CLASS.get(ch, "") for ch in token if ch not in _ARABIC_DROP))


@lru_cache(maxsize=16384)
def _char_pinyin(ch: str) -> str:
    from pypinyin import lazy_pinyin

    syl = lazy_pinyin(ch)
    return syl[0] if syl and syl[0].isalpha() else ""


@lru_cache(maxsize=4096)
def pinyin_syllables(token: str) -> tuple[str, ...]:
    """Toneless pinyin of a Han string, one syllable per character.

    Character by character (cached): transliterations use each character for its
    sound alone, so the word context pypinyin uses for polyphones does not help,
    and per-character caching makes the many candidate suffixes cheap.
    """
    return tuple(p for p in (_char_pinyin(ch) for ch in token) if p)


def _han_token_key(token: str) -> str:
    parts = []
    for syl in pinyin_syllables(token):
        for pattern, repl in _PINYIN_RULES:
            syl = pattern.sub(repl, syl)
        parts.append(syl)
    return _latin_token_key("".join(parts))


@lru_cache(maxsize=65536)
def token_key(token: str) -> str:
    """The consonant-class key of one word in any script."""
    script = script_of(token)
    if script == "han":
        return _han_token_key(token)
    if script == "arabic":
        return _arabic_token_key(token)
    return _latin_token_key(token)


_SPLIT = re.compile(r"[\s·・‧•\-‐]+")


#: Abbreviations that open a place's or a saint's name and that stopword lists hold as country codes
#: ("mt", Malta; "st", São Tomé): before a capitalised word they are part of the name ("Mt Cook" was
#: "Cook", a person, on ECB+ dev: :func:`tidings.understand.names_latin.opens_a_name`), and
#: :func:`tidings.understand.aliases.latin_norm` writes them out in full.
NAME_ABBREVIATIONS = {"Mt": "mount", "St": "saint", "Ft": "fort"}


def name_tokens(name: str) -> list[str]:
    """A name's words: split on spaces, the Chinese name dot and hyphens."""
    return [t for t in _SPLIT.split(name.strip()) if t]


def name_key(name: str) -> str:
    """Space-joined token keys of a whole name (``"Marco Rubio"`` → ``"NRK RB"``)."""
    return " ".join(k for k in (token_key(t) for t in name_tokens(name)) if k)


_ARABIC_ROMAN = {
    "ا": "a", "أ": "a", "إ": "i", "آ": "a", "ء": "", "ئ": "", "ؤ": "", "ى": "a", "ة": "a",
    "ب": "b", "ت": "t", "ث": "th", "ج": "j", "ح": "h", "خ": "kh", "د": "d", "ذ": "dh", "ر": "r",
    "ز": "z", "س": "s", "ش": "sh", "ص": "s", "ض": "d", "ط": "t", "ظ": "z", "ع": "", "غ": "gh",
    "ف": "f", "ق": "q", "ك": "k", "ل": "l", "م": "m", "ن": "n", "ه": "h",
}


def romanize(name: str) -> str:
    """A readable lower-case Latin spelling, used as the key of names never seen in Latin.

    Han goes through pinyin (布林肯 → ``bulinken``); Arabic letters through a
    simple letter map where و/ي are ``w``/``y`` at a word start and ``u``/``i``
    inside (بلينكن → ``blinkn``); anything else through ``anyascii``.
    """
    words = []
    for tok in name_tokens(name):
        script = script_of(tok)
        if script == "han":
            words.append("".join(pinyin_syllables(tok)))
        elif script == "arabic":
            out = []
            for i, ch in enumerate(tok):
                if ch == "و":
                    out.append("w" if i == 0 else "u")
                elif ch == "ي":
                    out.append("y" if i == 0 else "i")
                else:
                    out.append(_ARABIC_ROMAN.get(ch, ""))
            words.append("".join(out))
        else:
            words.append(anyascii(tok))
    text = " ".join(w for w in words if w)
    return unicodedata.normalize("NFC", re.sub(r"\s+", " ", text)).strip().lower()


@lru_cache(maxsize=65536)
def key_distance(a: str, b: str) -> int:
    """Levenshtein distance between two keys (they are short: a few classes)."""
    if a == b:
        return 0
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]
