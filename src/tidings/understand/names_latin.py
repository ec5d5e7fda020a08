"""Finding names in Latin-script text (Vietnamese, English, …) from capitalisation.

A name is a run of capitalised words. A run is cut where punctuation falls, and
its leading words are dropped while they are titles or ordinary words that are
capitalised only because a sentence starts there. What remains is classified:
a gazetteer place; a person when a title precedes it (ông, Tổng thống,
President …), when it starts with a known given name, or when the lexicon knows
it; an organisation when it is an acronym (CNN).

Vietnamese syllables carry diacritics that foreign names almost never have, so in
Vietnamese a word with them is treated as an ordinary word (Điện, Hội, Trước),
unless a title introduces it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from tidings.understand.names_mention import Mention
from tidings.understand.names_phonetic import NAME_ABBREVIATIONS

#: Titles and roles (lower-case) that introduce a person's name, by language (general vocabulary).
LATIN_TITLES = {
    "vi": (
        "ông", "bà", "ngài", "tổng thống", "phó tổng thống", "bộ trưởng", "thứ trưởng", "ngoại trưởng", "cố vấn",
        "trợ lý", "đặc phái viên", "đặc sứ", "thủ tướng", "chủ tịch", "người phát ngôn", "phát ngôn viên", "đại sứ",
        "tướng", "thượng nghị sĩ", "nghị sĩ", "giáo sư", "tiến sĩ", "tổng thư ký", "tổng bí thư", "quốc vương",
        "thái tử", "giám đốc", "lãnh đạo", "người đứng đầu", "an ninh quốc gia", "tổng thống mỹ", "tổng thống nga",
        # a minister's title names the ministry (Bộ trưởng Ngoại giao Marco Rubio): the whole phrase is the title
        "bộ trưởng ngoại giao", "bộ trưởng quốc phòng", "bộ trưởng tài chính", "bộ trưởng tư pháp",
        "bộ trưởng nội vụ", "bộ trưởng thương mại", "bộ trưởng năng lượng", "thứ trưởng ngoại giao",
        "thứ trưởng quốc phòng", "ngoại trưởng mỹ", "ngoại trưởng nga",
    ),
    "en": (
        "mr", "mrs", "ms", "dr", "president", "minister", "secretary", "adviser", "advisor", "envoy", "ambassador",
        "spokesman", "spokeswoman", "spokesperson", "senator", "general", "chancellor", "king", "prince", "premier",
        "director", "chief", "chairman", "leader", "professor",
    ),
    "de": ("herr", "frau", "präsident", "präsidentin", "minister", "ministerin", "kanzler", "kanzlerin",
           "bundeskanzler", "bundeskanzlerin", "außenminister", "sprecher", "sprecherin", "chef", "chefin"),
    "fr": ("m", "mme", "président", "présidente", "ministre", "premier ministre", "porte-parole", "chancelier"),
    "es": ("sr", "sra", "presidente", "presidenta", "ministro", "ministra", "canciller", "portavoz"),
    "it": ("sig", "presidente", "ministro", "premier", "cancelliere", "portavoce"),
    "pl": ("pan", "pani", "prezydent", "premier", "minister", "rzecznik"),
    "tr": ("cumhurbaşkanı", "bakan", "bakanı", "başbakan", "sözcüsü"),
    "ru": ("президент", "министр", "премьер", "канцлер", "глава", "пресс-секретарь", "господин", "госпожа"),
}
_ORG_WORDS = {"news", "agency", "press", "ministry", "bank", "fund", "university", "novosti", "tass", "reuters",
              "council", "committee", "party", "army", "group", "inc", "corp", "times", "post"}
_WORD = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*")
#: Words in Latin, Greek or Cyrillic letters only: what to scan inside Chinese or Arabic text.
_LETTER = re.compile(r"[^\W\d_]")  # skipped uncased text (Han, Arabic) between two words ends a run
_WORD_CASED = re.compile(r"[A-Za-z\u00c0-\u024f\u1e00-\u1eff\u0370-\u03ff\u0400-\u04ff]+"
                         r"(?:[-'’][A-Za-z\u00c0-\u024f\u1e00-\u1eff\u0370-\u03ff\u0400-\u04ff]+)*")
_BREAK = re.compile(r"[.,;:!?()\[\]\"“”„‟«»‹›「」|/–—\n]|\s-\s")
#: Clitics glued with an apostrophe: a suffix after a name (Erdoğan'ın, Trump's) or an
#: elided article before one (l'Élysée, d'Emmanuel); the name is the capitalised part.
_APOS_SUFFIX = re.compile(r"^([^\W\d_][^'’]*)['’]\w*$")
_APOS_PREFIX = re.compile(r"^\w{1,3}['’]([^\W\d_].*)$")
#: Letters of the Vietnamese alphabet beyond plain ASCII+common accents: a word with one is Vietnamese.
_VI_MARKS = set("ăâđêôơưĂÂĐÊÔƠƯ")


@dataclass(frozen=True)
class Word:
    start: int
    end: int
    text: str


#: One Vietnamese syllable (accents folded): onset, 1-3 vowels, coda. Foreign names fail it (Stephen, Witkoff).
_VI_SYLLABLE = re.compile(r"^(ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdghklmnprstvx])?[aeiouy]{1,3}(ng|nh|ch|[cmnpt])?$")
#: First words of Vietnamese organisation and place names (Bộ Ngoại giao, Ủy ban, Tỉnh ủy …), never of a person's.
_VI_ORG_HEADS = {"bộ", "sở", "ủy", "ban", "hội", "đảng", "quốc", "chính", "điện", "viện", "tòa", "trường", "công",
                 "tập", "ngân", "thành", "tỉnh", "huyện", "xã", "phòng", "cục", "vụ", "báo", "đài", "hãng", "nhà"}


def _fold(word: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", word.lower().replace("đ", "d"))
                   if not unicodedata.combining(c))


def is_vietnamese_word(word: str) -> bool:
    """A Vietnamese syllable: a Vietnamese-only letter or a tone mark under/over a vowel."""
    if any(ch in _VI_MARKS for ch in word):
        return True
    decomposed = unicodedata.normalize("NFD", word)
    return any(ch in "\u0300\u0301\u0303\u0309\u0323" for ch in decomposed) and not word.isascii()


#: Names that ``stopwordsiso``'s lists carry (English from its web-search origins, with "msie", "www";
#: Russian Moscow and Russia): as stopwords they were nobody in every text (ECB+ dev: Microsoft on
#: neither card of its topic). Found by looking up every list's words in the gazetteer and given names.
NOT_STOPWORDS = frozenset({"microsoft", "netscape", "москва", "россия"})


@lru_cache(maxsize=8)
def stopwords(lang: str) -> frozenset[str]:
    """Single-word stopwords of ``lang`` from the ``stopwordsiso`` package (less :data:`NOT_STOPWORDS`)."""
    import stopwordsiso

    try:
        words = stopwordsiso.stopwords(lang)
    except Exception:  # unknown language code: no list
        return frozenset()
    return frozenset(w for w in words if " " not in w and w not in NOT_STOPWORDS)


def _strip_apostrophe(w: Word) -> Word:
    if "'" not in w.text and "’" not in w.text:
        return w
    m = _APOS_PREFIX.match(w.text)
    if m and w.text[0].islower() and m.group(1)[0].isupper():
        return Word(w.end - len(m.group(1)), w.end, m.group(1))
    m = _APOS_SUFFIX.match(w.text)
    if m and w.text[0].isupper():
        tail = w.text[len(m.group(1)) + 1:]
        if tail[:1].islower() or not tail:
            return Word(w.start, w.start + len(m.group(1)), m.group(1))
    return w


def capitalised_runs(text: str, cased_only: bool = False) -> list[list[Word]]:
    """Runs of adjacent capitalised words, cut at punctuation (``cased_only``: skip uncased scripts fast)."""
    runs: list[list[Word]] = []
    cur: list[Word] = []
    prev_end = 0
    for m in (_WORD_CASED if cased_only else _WORD).finditer(text):
        w = _strip_apostrophe(Word(m.start(), m.end(), m.group()))
        gap = text[prev_end:w.start]
        if cur and (_BREAK.search(gap) or not w.text[0].isupper() or _LETTER.search(gap)):
            runs.append(cur)
            cur = []
        if w.text[0].isupper():
            cur.append(w)
        prev_end = w.end
    if cur:
        runs.append(cur)
    return runs


@lru_cache(maxsize=16)
def _titles(lang: str) -> tuple[str, ...]:
    titles = LATIN_TITLES.get(lang, ()) + (LATIN_TITLES["en"] if lang != "en" else ())
    return tuple(sorted(set(titles), key=len, reverse=True))


#: Words a title may be followed by before the name: "Secretary of State Antony Blinken";
#: 2 or 3 score alike on SemEval dev (entity Pearson 0.517, 0.002 below no window).
TITLE_WINDOW_WORDS = 2


def title_before(text: str, start: int, lang: str) -> str | None:
    """The title (lower-case) ending right before ``start``, or at most a few words before it."""
    head = text[max(0, start - 60):start].lower()
    if _BREAK.search(head[-2:] if head.endswith(" ") else head[-1:]):
        return None
    head = " " + re.sub(r"\s+", " ", head).strip()
    words = head.split(" ")
    window = 0 if lang == "vi" else TITLE_WINDOW_WORDS  # Vietnamese titles are whole phrases (Tổng thống Mỹ)
    for drop in range(window + 1):
        cut = " ".join(words[: len(words) - drop]) if drop else head
        if _BREAK.search(" ".join(words[len(words) - drop:])):
            break
        title = _title_suffix(cut.split(" "), lang)
        if title is not None:
            return title
    return None


@lru_cache(maxsize=16)
def _title_index(lang: str) -> tuple[frozenset[str], int]:
    titles = _titles(lang)
    return frozenset(titles), max((t.count(" ") + 1 for t in titles), default=0)


def _title_suffix(words: list[str], lang: str) -> str | None:
    """The longest title that the word list ends with (set look-ups, not a scan of every title)."""
    titles, longest = _title_index(lang)
    for k in range(min(longest, len(words) - 1), 0, -1):  # words[0] is the "" before the leading space
        candidate = " ".join(words[-k:])
        if candidate in titles:
            return candidate
    return None


@lru_cache(maxsize=16)
def calendar_words(lang: str) -> frozenset[str]:
    """Lower-case day and month names of ``lang`` (full forms, from Babel's CLDR data).

    Capitalised in most Latin-script languages, they glue onto names in capitalised runs
    ("Brian Nichols Saturday", "Manokwari Jan"); on ECB+ dev such runs became false people
    that linked unrelated articles. Month names that are also given names (May, June,
    August, Jan, from the ``nicknames`` table) are kept out: "Theresa May" is a name.
    """
    from babel import Locale, UnknownLocaleError
    from babel.dates import get_day_names, get_month_names

    from tidings.understand.aliases import given_names

    try:
        locale = Locale.parse(lang)
    except (UnknownLocaleError, ValueError, TypeError):
        return frozenset()
    names: set[str] = set()
    # full forms only: abbreviations are ordinary words too often ("Sun", "Sat", "Mar")
    names.update(str(d).lower() for d in get_day_names("wide", locale=locale).values())
    names.update(str(m).lower() for m in get_month_names("wide", locale=locale).values())
    return frozenset(n for n in names if " " not in n) - given_names()


@lru_cache(maxsize=16)
def month_words(lang: str) -> frozenset[str]:
    """Lower-case month names of ``lang`` and English, full and abbreviated (Babel CLDR), without dots.

    Unlike :func:`calendar_words` these include the months that are also given names or
    ordinary words (May, June, Jan, Mar): they are used only where a day or year follows.
    """
    from babel import Locale, UnknownLocaleError
    from babel.dates import get_month_names

    names: set[str] = {"sept"}
    for code in {lang, "en"}:
        try:
            locale = Locale.parse(code)
        except (UnknownLocaleError, ValueError, TypeError):
            continue
        for width in ("wide", "abbreviated"):
            names.update(str(m).lower().rstrip(".") for m in get_month_names(width, locale=locale).values())
    return frozenset(n for n in names if n and " " not in n)


#: What follows a month name in a date: "Jan. 6", "June 12", "August 2008", "Feb 02".
_DAY_AFTER = re.compile(r"\.?\s{0,2}\d{1,4}\b")


def is_date_word(text: str, word: Word, lang: str) -> bool:
    """A month name written as part of a date ("Jan. 6", "June 2009"), not a name.

    Why: "Jan" and "June" are given names too, so the month list that cuts capitalised
    runs (:func:`calendar_words`) leaves them out; followed by a day or a year they are
    dates (on ECB+ dev "Jan" became a person shared by unrelated sports stories).
    """
    return word.text.lower() in month_words(lang) and _DAY_AFTER.match(text, word.end) is not None


def is_ordinary(word: str, lang: str) -> bool:
    """A capitalised word that is an ordinary word of the language (sentence start, title, weekday)."""
    low = word.lower()
    if low in stopwords(lang) or low in stopwords("en"):
        return True
    if low in calendar_words(lang) or low in calendar_words("en"):
        return True
    return lang == "vi" and is_vietnamese_word(word)


#: wordfreq Zipf frequency from which a two-letter word is a function word ("am" 5.8, "go" 6.0, "in"
#: 7.3 in English) rather than a given name, a name particle or a code ("Al" 5.2, "De" 5.2, "Ed" 4.8).
FUNCTION_WORD_ZIPF = 5.5


@lru_cache(maxsize=1024)
def opens_a_name(word: str, lang: str) -> bool:
    """Whether a short capitalised word that a stopword list holds opens the name written after it.

    Why: stopwordsiso's English list, which every Latin-script text is checked against, holds the two-letter
    country codes and "bill", so "Al Gore" was "Gore", "Ed Miliband", "Al Jazeera" and "Bill Gates" nobody,
    "Mo Farah" a town. A two-letter word or a given name is kept before a capitalised word unless it is a
    function word of English or of the text's language (:data:`FUNCTION_WORD_ZIPF`: "Will" stays a verb) or
    a title ("Mr", "Dr": the person starts after it).
    """
    if word in NAME_ABBREVIATIONS:
        return True
    from wordfreq import zipf_frequency

    from tidings.understand.aliases import given_names

    low = word.lower()
    if not (word[:1].isupper() and word[1:].islower()) or low in _title_index(lang)[0]:
        return False
    if len(word) != 2 and low not in given_names():  # "Bill Gates": "bill" is a stopword too
        return False
    return max(zipf_frequency(low, "en"), zipf_frequency(low, lang)) < FUNCTION_WORD_ZIPF


def _wordset(words: str) -> frozenset[str]:
    return frozenset(words.split())


#: Determiners, pronouns, prepositions and conjunctions: never the first or last word of a name even when
#: capitalised mid-sentence ("told The Guardian" names "Guardian", as the other mentions of the paper do;
#: scraped text that lost a sentence's end glues "Anurag Basu The film", "Security Council From").
_FUNCTION_WORDS = _wordset("""the a an this that these those his her its our their my your you he she it we they i
me him us them one for from with without after before because when where while if than then amid amidst between among
into onto upon about across against along around at by of in on over under through during since until till via
per as so but and or nor yet also only just even still there here what which whose whom why how all any each
every both either neither some such more most other another again please""")
#: Abbreviated titles of English news ("Alaska Gov. Sarah Palin", "Sen.", "Lt."), some in the stopword lists.
_TITLE_ABBREVIATIONS = _wordset("gov sen rep gen lt sgt col capt cpl maj adm cmdr det atty supt insp")
#: Verbs of the stopword lists a title-case line capitalises after a name ("Obama Will be Back"), and company
#: suffixes (one company is "AMD Inc" and "AMD"): never a name's last word.
_NEVER_CLOSES = _wordset("""will would can could shall should must might is are was were be been being has have had
do does did says said get gets got goes went makes made think thank not much inc corp co ltd llc plc""")
_PROSE_BEFORE = re.compile(r"(?<![\w'’])[a-z][a-z'’-]* $")
_PROSE_AFTER = re.compile(r"(?: [a-z]|\s*[.,;:!?)]|\s*$)")
#: Languages that capitalise every noun: a capital inside a sentence does not mark a name there.
NOUNS_CAPITALISED = frozenset({"de", "lb"})


def _stopword_in_name(text: str, run: list[Word], k: int, lang: str, after_name: bool) -> bool:
    """Whether the stopword at ``run[k]`` belongs to the name, read from where prose capitalises it.

    Why: the stopword lists that cut capitalised runs (stopwordsiso's English one, 1,298 words, checked in
    every Latin-script text) hold words that are names too: "Long Island" was "Island" (read as Iceland),
    "Little Rock", "Larry Page", "Neil Young", "Theresa May", "Doctor Who" were cut or lost. In prose,
    a word is capitalised mid-sentence only for a name, so a stopword in a run of two or more words joins
    the name when it opens the run right after a lower-case word ("hit Long Island", "a Wells Fargo
    banker") or closes it right before one or before punctuation ("Theresa May said", "star of Doctor
    Who."), after a word that is not one. Function words never open or close a name (:data:`_FUNCTION_WORDS`)
    and verbs never close one (:data:`_NEVER_CLOSES`: title-case lines, "Trump Is in Riyadh", "Obama Will be
    Back").
    """
    w = run[k].text
    if len(run) < 2 or lang in NOUNS_CAPITALISED or len(w) < 3 or not (w[0].isupper() and w[1:].islower()):
        return False
    low = w.lower()
    if (low not in stopwords(lang) and low not in stopwords("en")) or low in _title_index(lang)[0] or \
            low in _TITLE_ABBREVIATIONS:
        return False  # a weekday ("Bush Wednesday") or a title ("Alaska Gov. Sarah Palin") is not a name's word
    if k == 0:
        return (not is_ordinary(run[1].text, lang) and low not in _FUNCTION_WORDS
                and _PROSE_BEFORE.search(text, max(0, run[0].start - 30), run[0].start) is not None
                and title_before(text, run[1].start, lang) is None)  # "Secretary of State Antony Blinken"
    if k == len(run) - 1 and after_name and low not in _NEVER_CLOSES and low not in _FUNCTION_WORDS:
        return _PROSE_AFTER.match(text, run[k].end) is not None
    return False


def runs_to_mentions(text: str, lang: str, cased_only: bool = False) -> list[Mention]:
    """Candidate mentions from capitalised runs; ``label`` is left empty for the resolver to decide."""
    out: list[Mention] = []
    for run in capitalised_runs(text, cased_only):
        # a Vietnamese person's name is Vietnamese words, capitalised after a title: Tổng Bí thư Tô Lâm
        if (lang == "vi" and 2 <= len(run) <= 4 and any(is_vietnamese_word(w.text) for w in run)
                and all(_VI_SYLLABLE.match(_fold(w.text)) for w in run) and run[0].text.lower() not in _VI_ORG_HEADS):
            cue = title_before(text, run[0].start, lang)
            if cue and cue in LATIN_TITLES["vi"]:
                s, e = run[0].start, run[-1].end
                out.append(Mention(s, e, text[s:e], "", "title", 0.7, cue=cue))
                continue
        # ordinary words (Trung Đông, sentence starts) split a run; each remaining piece is a candidate
        pieces: list[list[Word]] = [[]]
        for k, w in enumerate(run):
            if k + 1 < len(run) and opens_a_name(w.text, lang):
                pieces[-1].append(w)  # "Mt Cook", "Al Gore", "Ed Miliband": the short word opens the name
            elif is_date_word(text, w, lang) or (
                    is_ordinary(w.text, lang) and not _stopword_in_name(text, run, k, lang, bool(pieces[-1]))):
                pieces.append([])
            else:
                pieces[-1].append(w)
        for words in pieces:
            # a title inside the run ("Russian President Vladimir Putin") ends before the name
            single = _single_word_titles(lang)
            last = max((k for k, w in enumerate(words) if w.text.lower() in single), default=-1)
            cue = words[last].text.lower() if last >= 0 else None
            words = words[last + 1:]
            if words:
                m = _classify(text, words, lang)
                if cue and m.cue is None and not m.label:
                    m.cue = cue
                out.append(m)
    return out


@lru_cache(maxsize=16)
def _single_word_titles(lang: str) -> frozenset[str]:
    return frozenset(t for t in _titles(lang) if " " not in t)


def _classify(text: str, words: list[Word], lang: str) -> Mention:
    """An acronym or a run with an organisation word is an ORG; the rest is left to the resolver."""
    s, e = words[0].start, words[-1].end
    surface = text[s:e]
    if surface.isupper() and 2 <= len(surface) <= 6:
        return Mention(s, e, surface, "ORG", "acronym", 0.6)
    if any(w.text.lower() in _ORG_WORDS for w in words):
        return Mention(s, e, surface, "ORG", "capitalised", 0.5)
    return Mention(s, e, surface, "", "capitalised", 0.6, cue=title_before(text, s, lang))
