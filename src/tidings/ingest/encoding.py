"""Bytes → text: byte-order marks, declared charsets, then detection.

Detection is charset-normalizer's job (a well-kept library made for this); the
code here only puts cheap, reliable steps in front of it and guards it where it
is known to fail on news text:

* byte-order marks and strict UTF-8 decide almost every modern file in
  microseconds, so detection runs only on legacy encodings;
* UTF-16 without a BOM is recognised from where its NUL bytes sit, before the
  binary check would reject those NULs;
* short CJK texts (a headline, a 200-byte snippet) make charset-normalizer return
  nothing or a wrong code page, so the East-Asian multi-byte encodings are tried
  first and kept only when the decoded text is made of the language's most
  frequent characters;
* detection is limited to code pages that news sites actually use, which stops
  short Latin texts being read as ``cp775`` or ``hp_roman8``.
"""

from __future__ import annotations

import codecs
import re
import unicodedata

from charset_normalizer import from_bytes
from charset_normalizer.constant import FREQUENCIES

from tidings.text.scripts import EAST_ASIAN_CHAR

#: Declared names mapped as browsers do (WHATWG Encoding Standard): pages that say
#: ``gb2312`` are really GBK/GB18030, ``iso-8859-1`` pages are cp1252, and so on.
WHATWG_ALIASES: dict[str, str] = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "gb_2312-80": "gb18030",
    "chinese": "gb18030",
    "csgb2312": "gb18030",
    "iso-8859-1": "cp1252",
    "iso8859-1": "cp1252",
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "us-ascii": "cp1252",
    "ascii": "cp1252",
    "iso-8859-9": "cp1254",
    "iso-8859-11": "cp874",
    "tis-620": "cp874",
    "big5": "big5hkscs",
    "big5-hkscs": "big5hkscs",
    "x-x-big5": "big5hkscs",
    "shift_jis": "cp932",
    "shift-jis": "cp932",
    "sjis": "cp932",
    "x-sjis": "cp932",
    "windows-31j": "cp932",
    "euc-kr": "cp949",
    "ks_c_5601-1987": "cp949",
    "utf8": "utf-8",
    "unicode": "utf-16",
}

#: Code pages charset-normalizer may choose from: the legacy encodings still seen
#: on news sites (W3Techs charset survey), not every code page Python knows.
#: Checked on SemEval-2022 dev texts (de, fr, pl, tr, ru, ar) re-encoded and cut
#: to 60/200/1000 bytes: without this list 30-40 % of short Latin texts came back
#: as cp775/hp_roman8/mac_* mojibake.
DETECTABLE = [
    "cp1250", "cp1251", "cp1252", "cp1253", "cp1254", "cp1255", "cp1256", "cp1257", "cp1258",
    "iso8859_2", "iso8859_5", "iso8859_7", "iso8859_8", "iso8859_15", "koi8_r", "koi8_u", "cp874",
    "gb18030", "big5", "big5hkscs", "cp932", "shift_jis", "euc_jp", "iso2022_jp", "cp949", "euc_kr",
    "utf_16", "utf_32", "mac_cyrillic",
]  # fmt: skip

#: Two Cyrillic code pages with the same lower-case letters (0xE0-0xFE) and different capitals,
#: which charset-normalizer cannot tell apart: a Mac text read as cp1251 keeps its words but
#: turns capitals into ‚ ‘ “ Ђ Њ and "я" into "Я" inside words; cp1251 read as Mac turns
#: capitals into – — ј » and "я" into "€". :func:`_cyrillic_twin` picks the reading with
#: fewer such breaks. Checked on 60 SemEval-2022 ru dev texts cut to 60/200/1000 bytes:
#: cp1251 180/180 before and after; mac_cyrillic 0/180 before, 175/180 after (the 5 misses
#: are 60-byte cuts whose only capital is the first letter).
_CYRILLIC_TWINS = ("cp1251", "mac_cyrillic")
_CASE_BREAK = re.compile(r"[а-яё][А-ЯЁ€]|(?<!\w)[^\w\s«(\[\"'„“][а-яё]|(?<!\w)[ЂЃЉЊЋЌЏ„‚‘“][а-яё]")

#: Multi-byte CJK encodings tried before detection, with the language whose
#: frequent characters should make up a real text in them.
CJK_CANDIDATES: tuple[tuple[str, str], ...] = (
    ("gb18030", "Chinese"),
    ("big5hkscs", "Chinese"),
    ("cp932", "Japanese"),
    ("cp949", "Korean"),
)

#: Share of a decoded text's non-ASCII characters that must be among the
#: language's most frequent ones for a CJK guess to be kept. Calibrated on the
#: zh SemEval-2022 dev texts and seeds 000/001 in GB18030 and Big5, cut to 60-1000
#: bytes: real texts score 0.12-0.45; Arabic/Cyrillic/Latin legacy bytes that
#: happen to decode as GB18030 score below 0.02.
CJK_MIN_FREQUENT_SHARE = 0.08

#: Traditional forms of the most frequent Chinese characters, so that Big5 texts
#: score like simplified ones (charset-normalizer's list is simplified only).
#: Fewer CJK characters than this are no evidence (short fr/pl/de SemEval texts
#: with 1-3 accented letters decoded as Big5 otherwise).
CJK_MIN_CHARS = 4

_TRADITIONAL_FREQUENT = "這個們來為國說時會對發後過經現當動還麼學種問與從"

_CJK_CODECS = {
    "gb18030": "Chinese", "big5": "Chinese", "big5hkscs": "Chinese", "cp932": "Japanese", "shift_jis": "Japanese",
    "euc_jp": "Japanese", "iso2022_jp": "Japanese", "cp949": "Korean", "euc_kr": "Korean",
}  # fmt: skip

_FREQUENT: dict[str, frozenset[str]] = {
    "Chinese": frozenset(FREQUENCIES["Chinese"]) | frozenset(_TRADITIONAL_FREQUENT),
    "Japanese": frozenset(FREQUENCIES["Japanese"]) | frozenset("のにはをたがでてとしれさあいうえおかきくけこすせそつ"),
    "Korean": frozenset(FREQUENCIES["Korean"]),
}

_DECLARED = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)|<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""",
    re.IGNORECASE,
)

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


#: NUL bytes a text may contain before it counts as binary: crawlers leave the odd
#: stray NUL in scraped text; executables, images and office files have thousands
#: in their first 64 KB (checked on /usr/bin and /usr/share files).
NUL_MAX_SHARE = 0.001


class UndecodableError(ValueError):
    """The bytes are not text in any encoding we can recognise."""


def normalise_charset(name: str | None) -> str | None:
    """A declared charset name as a Python codec name, or None when unknown."""
    if not name:
        return None
    key = name.strip().strip("\"'").lower()
    key = WHATWG_ALIASES.get(key, key)
    try:
        return codecs.lookup(key).name
    except LookupError:
        return None


def declared_charset(data: bytes) -> str | None:
    """The charset an HTML ``<meta>`` or XML declaration names in the first 4 KB."""
    match = _DECLARED.search(data[:4096])
    if not match:
        return None
    raw = (match.group(1) or match.group(2)).decode("ascii", "ignore")
    return normalise_charset(raw)


def bom_encoding(data: bytes) -> str | None:
    for bom, name in _BOMS:
        if data.startswith(bom):
            return name
    return None


def utf16_without_bom(data: bytes) -> str | None:
    """``utf-16-le``/``-be`` when the bytes read as a plausible text in one byte order.

    NUL bytes alone do not tell UTF-16 from binary (CJK characters such as U+4E00
    put NULs on the "wrong" parity too), so both byte orders are decoded and the
    one whose characters are assigned, printable code points wins; binary data read
    as UTF-16 is full of unassigned, private-use and control code points.
    """
    sample = data[:8192]
    if len(sample) < 4 or b"\x00" not in sample:
        return None
    best: tuple[float, str] | None = None
    for codec in ("utf-16-le", "utf-16-be"):
        try:
            text = codecs.getincrementaldecoder(codec)().decode(sample, final=False)
        except UnicodeDecodeError:
            continue
        bad = _bad_share(text)
        if not _looks_like_prose(text):
            continue
        if best is None or bad < best[0]:
            best = (bad, codec)
    # 1 %: real texts (seeds, SemEval zh/ar/ru in UTF-16) have 0 bad code points;
    # binary files (images, PDFs, executables) have 10-60 %.
    return best[1] if best and best[0] < 0.01 else None


def _looks_like_prose(text: str) -> bool:
    """Texts have spaces or line breaks, or are CJK made of frequent characters; binary read as UTF-16 is neither."""
    if not text:
        return False
    spaces = sum(1 for c in text if c.isspace())
    if spaces >= 0.005 * len(text):
        return True
    return any(_frequent_share(text, language) >= CJK_MIN_FREQUENT_SHARE for language in _FREQUENT)


def _bad_share(text: str) -> float:
    """Share of code points no text contains: controls, unassigned, private use, surrogates."""
    if not text:
        return 1.0
    bad = 0
    for c in text:
        if c in "\t\n\r\f\v":
            continue
        if unicodedata.category(c) in ("Cc", "Cn", "Co", "Cs"):
            bad += 1
    return bad / len(text)


def _frequent_share(text: str, language: str) -> float:
    """Share of the non-ASCII characters that are frequent in ``language`` (0 when not a CJK text)."""
    frequent = _FREQUENT[language]
    wide = [c for c in text if ord(c) > 0x7F]
    letters = sum(1 for c in text if c.isalpha())
    # A Latin text with a few accented letters can decode as one or two CJK
    # characters; a CJK text is mostly wide characters.
    if len(wide) < CJK_MIN_CHARS or len(wide) < 0.3 * letters:
        return 0.0
    cjk = sum(1 for c in wide if EAST_ASIAN_CHAR.match(c))
    if cjk < 0.8 * len(wide):
        return 0.0
    return sum(1 for c in wide if c in frequent) / len(wide)


def _guess_cjk(data: bytes) -> tuple[str, str] | None:
    best: tuple[float, str, str] | None = None
    for codec, language in CJK_CANDIDATES:
        try:
            # not final: a file cut inside its last character still counts
            text = codecs.getincrementaldecoder(codec)().decode(data, final=False)
        except UnicodeDecodeError:
            continue
        share = _frequent_share(text[:20000], language)
        if share >= CJK_MIN_FREQUENT_SHARE and (best is None or share > best[0]):
            best = (share, text, codec)
    return (best[1], best[2]) if best else None


def _control_share(text: str) -> float:
    if not text:
        return 0.0
    bad = sum(1 for c in text[:20000] if (ord(c) < 32 and c not in "\t\n\r\f\v") or 0x7F <= ord(c) < 0xA0)
    return bad / min(len(text), 20000)


def decode(data: bytes, declared: str | None = None, *, markup: bool = False) -> tuple[str, str]:
    """Decode bytes to ``(text, encoding)``; raise :class:`UndecodableError` for non-text.

    ``declared`` is a charset a container named (HTTP header, ``<meta>``); it is
    used when the bytes decode cleanly with it, except that it does not override
    bytes that are valid non-ASCII UTF-8: pages re-encoded to UTF-8 by a crawler or
    CMS often keep their old ``gb2312``/``iso-8859-1`` declaration, while a legacy
    text that is also valid UTF-8 is vanishingly rare beyond a few characters.
    ``markup``: HTML or XML, whose tags are left out of the detection (their ASCII
    letters outweighed the text of a short EUC-JP feed, read as cp1251 mojibake).
    The encoding ``"cp1252?"`` marks the last-resort reading when nothing fits.
    """
    bom = bom_encoding(data)
    if bom:
        try:
            return data.decode(bom), bom
        except UnicodeDecodeError:
            pass
    utf16 = utf16_without_bom(data)
    if utf16:
        try:
            return codecs.getincrementaldecoder(utf16)().decode(data, final=False), utf16
        except UnicodeDecodeError:
            pass
    nuls = data[:65536].count(0)
    if nuls:
        if nuls > NUL_MAX_SHARE * min(len(data), 65536) or nuls > 64:
            raise UndecodableError("binary file (NUL bytes)")
        data = data.replace(b"\x00", b"")  # a stray NUL in scraped text; the rest is text
    codec = normalise_charset(declared)
    if codec and codec not in ("utf-8", "utf-16", "utf-32"):
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            text = None
        if text is not None and (data.isascii() or not _is_utf8(data)):
            return text, codec
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    mostly = _mostly_utf8(data)
    if mostly is not None:
        return mostly, "utf-8"
    sample = _without_tags(data) if markup else data
    guess = _guess_cjk(sample)
    if guess:
        return _whole(data, sample, *guess)
    # charset-normalizer gives up on some short or mixed texts; a looser chaos
    # threshold still rejects binary noise but accepts a text with a few odd bytes.
    for threshold in (0.2, 0.5):
        for match in from_bytes(sample, cp_isolation=DETECTABLE, threshold=threshold):
            text = str(match)
            if _control_share(text) >= 0.05:
                continue
            if match.encoding in _CJK_CODECS and _frequent_share(text[:20000], _CJK_CODECS[match.encoding]) == 0:
                continue  # the guard above already rejected every CJK reading
            if match.encoding in _CYRILLIC_TWINS:
                return _whole(data, sample, *_cyrillic_twin(sample))
            return _whole(data, sample, text, match.encoding)
    text = data.decode("cp1252", errors="replace")
    if _control_share(text) >= 0.05:
        raise UndecodableError("binary file (not text in any known encoding)")
    return text, "cp1252?"


#: A tag, a comment or a declaration: ``[^<>]*`` stops at the next "<", so the scan is linear.
_TAG = re.compile(rb"<[^<>]*>")


def _without_tags(data: bytes) -> bytes:
    """The text between the tags, to detect the encoding on; ``data`` itself when that text is ASCII."""
    text = _TAG.sub(b" ", data)
    return data if text.isascii() else text


def _whole(data: bytes, sample: bytes, text: str, codec: str) -> tuple[str, str]:
    """``text`` (the sample read as ``codec``), or all of ``data`` read so when the sample was a part."""
    return (text if sample is data else data.decode(codec, errors="replace")), codec


def _cyrillic_twin(data: bytes) -> tuple[str, str]:
    """cp1251 or mac_cyrillic, whichever reading breaks fewer words (see ``_CYRILLIC_TWINS``)."""
    best: tuple[int, str, str] | None = None
    for codec in _CYRILLIC_TWINS:
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:  # cp1251 leaves 0x98 undefined; in a Mac text it is "Ш"
            continue
        breaks = len(_CASE_BREAK.findall(text[:20000]))
        if best is None or breaks < best[0]:
            best = (breaks, text, codec)
    assert best is not None  # mac_cyrillic decodes every byte
    return best[1], best[2]


#: Invalid UTF-8 sequences tolerated, per non-ASCII character decoded. A UTF-8
#: text with a stray byte or a character cut by a crawler has a handful; a legacy
#: encoding read as UTF-8 has nearly all its non-ASCII bytes invalid (seeds and
#: SemEval texts in GBK, Big5, cp1251, cp1256: > 60 %).
UTF8_MAX_INVALID_SHARE = 0.02


def _mostly_utf8(data: bytes) -> str | None:
    """The text when the bytes are UTF-8 with a few damaged sequences (replaced by U+FFFD), else None."""
    text = data.decode("utf-8", errors="replace")
    invalid = text.count("\ufffd") - data.count("\ufffd".encode())
    wide = sum(1 for c in text if ord(c) > 0x7F) - invalid
    if wide >= 20 and invalid <= UTF8_MAX_INVALID_SHARE * wide:
        return text
    return None


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True
