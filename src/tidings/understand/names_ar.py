"""Finding names in Arabic text without a trained NER model.

Arabic has no capital letters, so names are found by what surrounds or spells them:

* places: gazetteer n-grams (المملكة العربية السعودية, الرياض) after stripping the
  clitics و/ب/ل/ف/ك; an unknown word followed by ``، <country>`` (a dateline) is
  matched by sound against that country's cities (رياده → Riyadh);
* people after a title (الرئيس, وزير الخارجية, مستشار الأمن القومي …), skipping the
  ``ال``-adjectives that qualify the title (الروسي, الخاص) and a comma;
* words whose phonetic key matches a name the lexicon learned elsewhere in the
  stream (روبيو → marco rubio): only words that *look* transliterated (no ``ال``,
  long vowels written out, no ع/ح) are tried, since native words can share a
  short consonant skeleton with a foreign name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from tidings.understand.names_mention import Mention
from tidings.understand.places import Place, normalize_name

#: Titles introducing a person (general news vocabulary), matched on normalised words.
AR_TITLES = (
    "الرئيس", "رئيس", "رئيسة", "وزير", "وزيرة", "مستشار", "مستشارة", "المبعوث", "مبعوث", "السفير", "سفير",
    "المتحدث", "المتحدثة", "متحدث", "الملك", "الأمير", "امير", "ولي العهد", "نائب", "السيناتور", "الجنرال", "السيد",
    "السيدة", "الأمين العام", "المستشار", "الوزير", "رئيس الوزراء", "زعيم", "الزعيم", "القائد", "مساعد", "المساعد",
)
#: Words that join parts of one Arabic name (فيصل بن فرحان).
_NAME_JOINERS = {"بن", "ابن", "بنت", "ابو", "آل", "ال"}
_CLITICS = ("وال", "بال", "فال", "كال", "لل", "و", "ب", "ل", "ف", "ك")
_WORD = re.compile(r"[\u0621-\u064a\u0660-\u0669\u066e-\u06d3\u064b-\u065f]+")
_STOP_PUNCT = re.compile(r"[.!?؟:؛;“”\"«»()\[\]–—\-\n]")


@dataclass(frozen=True)
class Token:
    start: int
    end: int
    text: str
    norm: str


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    """Arabic function words from the ``stopwordsiso`` package, normalised."""
    import stopwordsiso

    return frozenset(normalize_name(w) for w in stopwordsiso.stopwords("ar"))


@lru_cache(maxsize=1)
def _titles() -> dict[str, tuple[tuple[str, ...], ...]]:
    """Titles by their first word, longest first."""
    by_first: dict[str, list[tuple[str, ...]]] = {}
    for t in AR_TITLES:
        words = tuple(normalize_name(t).split())
        by_first.setdefault(words[0], []).append(words)
    return {k: tuple(sorted(v, key=len, reverse=True)) for k, v in by_first.items()}


def tokens(text: str) -> list[Token]:
    return [Token(m.start(), m.end(), m.group(), normalize_name(m.group())) for m in _WORD.finditer(text)]


@lru_cache(maxsize=65536)
def strip_clitics(word: str) -> tuple[str, ...]:
    """The word, then the word without a leading conjunction/preposition/article (normalised forms)."""
    out = [word]
    for c in _CLITICS:
        if word.startswith(c) and len(word) - len(c) >= 3:
            out.append(word[len(c):])
            if c in ("وال", "بال", "فال", "كال"):
                out.append("ال" + word[len(c):])
    return tuple(out)


def separated(text: str, a: Token, b: Token, allow_comma: bool = False) -> bool:
    """Whether punctuation stands between two tokens (a comma only counts when not allowed)."""
    gap = text[a.end:b.start]
    if _STOP_PUNCT.search(gap):
        return True
    return not allow_comma and ("،" in gap or "," in gap)


#: Zipf frequency (wordfreq, Arabic) from which a word is an ordinary word, not a name.
#: Calibrated on the seeds 003/004: names there score ≤ 4.4 (ترامب 4.39, مايك 4.35), the
#: common words that shared a name's skeleton ≥ 5.3 (بدون 5.63, رئيس 5.69, وأن 5.5).
COMMON_WORD_ZIPF = 5.0
_ARTICLE_PREFIXES = ("ال", "وال", "بال", "فال", "كال", "لل")


def is_common(word: str) -> bool:
    """A frequent Arabic word (wordfreq), which a transliterated name almost never is."""
    from wordfreq import zipf_frequency

    return zipf_frequency(word, "ar") >= COMMON_WORD_ZIPF


#: Zipf frequency below which a repeated foreign-looking word is taken for a name. On the
#: seeds, repeated common words scored 4.2–5.0 (مستشار, مخاوف, طيار); names on SemEval dev
#: Arabic texts 0–3.5 (سوزوكي 3.13, حفتر 3.48, أفنان 2.71).
RARE_NAME_ZIPF = 3.6


def is_rare_name_like(word: str) -> bool:
    """A rare word that is not a plural demonym (أوكرانيين): a name when the text repeats it."""
    from wordfreq import zipf_frequency

    return zipf_frequency(word, "ar") < RARE_NAME_ZIPF and not word.endswith(("يين", "يون"))


@lru_cache(maxsize=65536)
def looks_foreign(word: str) -> bool:
    """Whether a normalised word is spelled like a transliterated foreign name.

    Transliterations write their vowels out (روبيو, لافروف) and avoid the
    pharyngeals ع/ح, a hamza inside the word and the article; native words often
    do not, and the most frequent native words are ruled out by frequency.
    """
    if len(word) < 3 or word.startswith(_ARTICLE_PREFIXES) or word.endswith("ه") or word in stopwords():
        return False
    if any(ch in word for ch in "عحئؤء"):
        return False
    if sum(ch in "اوي" for ch in word[1:]) < 1:
        return False
    return not is_common(word)


def _title_at(toks: list[Token], i: int) -> tuple[str, ...] | None:
    """The longest title starting at token ``i`` (its first word may carry a clitic: ووزير)."""
    titles = _titles()
    for first in strip_clitics(toks[i].norm):
        for t in titles.get(first, ()):
            if i + len(t) <= len(toks) and all(toks[i + k].norm == t[k] for k in range(1, len(t))):
                return t
    return None


def title_people(text: str, toks: list[Token], taken: set[int]) -> list[Mention]:
    """Names that follow a title: وزير الخارجية الروسي سيرجي لافروف → سيرجي لافروف."""
    out = []
    stop = stopwords()
    i = 0
    while i < len(toks):
        title = _title_at(toks, i)
        if title is None:
            i += 1
            continue
        j = i + len(title)
        # skip qualifiers of the title: ال-words (الخارجية الروسي), across one comma
        while (j < len(toks) and toks[j].norm.startswith("ال") and j - i < 5 and j not in taken
               and toks[j].norm not in stop and not separated(text, toks[j - 1], toks[j], True)):
            j += 1
        name_toks: list[Token] = []
        while j < len(toks) and len(name_toks) < 3:
            tok = toks[j]
            if separated(text, toks[j - 1], tok, allow_comma=not name_toks):
                break
            if j in taken or (tok.norm in stop and not (name_toks and tok.norm in _NAME_JOINERS)) or (
                    tok.norm.startswith("ال") and tok.norm not in _NAME_JOINERS):
                break  # "بن" is a stopword, and inside a name a joiner: فيصل بن فرحان
            if _title_at(toks, j) is not None:
                break
            if len(name_toks) >= 2 and tok.norm not in _NAME_JOINERS and name_toks[-1].norm not in _NAME_JOINERS:
                break
            name_toks.append(tok)
            j += 1
        while name_toks and name_toks[-1].norm in _NAME_JOINERS:
            name_toks.pop()
        # a noun in construct with a definite noun is no name: رئيس صندوق الاستثمار
        if name_toks and j < len(toks) and toks[j].norm.startswith("ال") and not separated(text, toks[j - 1], toks[j]):
            name_toks = []
        if name_toks and (len(name_toks) > 1 or looks_foreign(name_toks[0].norm)):
            s, e = name_toks[0].start, name_toks[-1].end
            out.append(Mention(s, e, text[s:e], "PERSON", "title", 0.7, cue=" ".join(title)))
        i = max(j, i + 1)
    return out


def place_mentions(
    text: str, toks: list[Token], gazetteer: object, short_city_min_population: int, max_n: int = 4
) -> tuple[list[Mention], set[int]]:
    """Gazetteer n-grams (longest first) and dateline-style "X ، <country>" cities.

    A one-word city smaller than ``short_city_min_population`` is skipped when the
    word is a common Arabic word (وان) or is followed by a foreign-looking word (a
    given name: فلاديمير بوتين), or needed a clitic stripped (بارا → ارا).
    """
    from tidings.understand.places import Gazetteer

    assert isinstance(gazetteer, Gazetteer)
    out: list[Mention] = []
    taken: set[int] = set()
    i = 0
    while i < len(toks):
        hit = None
        forms = [f for f in strip_clitics(toks[i].norm) if gazetteer.max_words_from(f)]
        longest = max((gazetteer.max_words_from(f) for f in forms), default=0)
        for n in range(min(max_n, longest, len(toks) - i), 0, -1):
            if any(separated(text, toks[k], toks[k + 1]) for k in range(i, i + n - 1)):
                continue
            rest = " ".join(t.norm for t in toks[i + 1:i + n])
            for first in forms:
                phrase = (first + " " + rest).strip()
                place = gazetteer.lookup_normalized(phrase)
                small_city = place is not None and place.kind == "city" and place.population < short_city_min_population
                if small_city and n == 1:
                    nxt = toks[i + 1] if i + 1 < len(toks) else None
                    if (first != toks[i].norm or is_common(first)
                            or (nxt is not None and not separated(text, toks[i], nxt) and looks_foreign(nxt.norm))):
                        place = None
                if place is not None and (n > 1 or len(first) >= 3):
                    hit = (n, place, len(toks[i].norm) - len(first))
                    break
            if hit:
                break
        if hit:
            n, place, cut = hit
            s, e = toks[i].start + cut, toks[i + n - 1].end
            out.append(Mention(s, e, text[s:e], "GPE", "gazetteer", 0.9, place=place))
            taken.update(range(i, i + n))
            i += n
            continue
        i += 1
    learned: dict[str, Place] = {}
    index_at = {t.start: k for k, t in enumerate(toks)}
    # "X ، <country>": an unknown word right before a comma and a country is probably its city
    for m in list(out):
        if m.place is None or m.place.kind != "country":
            continue
        idx = index_at.get(m.start, -1)
        if idx <= 0 or (idx - 1) in taken:
            continue
        prev = toks[idx - 1]
        gap = text[prev.end:toks[idx].start]
        if "،" not in gap and "," not in gap:
            continue
        for form in strip_clitics(prev.norm):
            city = gazetteer.city_in_country_by_sound(form, m.place.country_code)
            if city is not None:
                out.append(Mention(prev.start, prev.end, prev.text, "GPE", "gazetteer-sound", 0.7, place=city))
                taken.add(idx - 1)
                learned[form] = city
                break
    # the same spelling elsewhere in the article is the same city (في رياده, للرياده)
    for k, tok in enumerate(toks):
        if k in taken:
            continue
        for form in strip_clitics(tok.norm):
            if form in learned:
                cut = len(tok.norm) - len(form)
                out.append(Mention(tok.start + cut, tok.end, tok.text[cut:], "GPE", "gazetteer-sound", 0.7,
                                   place=learned[form]))
                taken.add(k)
                break
    return out, taken
