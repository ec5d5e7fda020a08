"""The ``entities`` stage: people, organisations and places, normalised across languages and scripts.

No multilingual NER weights exist offline, so the stage combines cues that do
(see :mod:`names_zh`, :mod:`names_ar`, :mod:`names_latin`) and resolves every
mention to one canonical ``norm`` through two shared resources:

* :class:`~tidings.understand.places.Gazetteer` — places in any language, with coordinates;
* :class:`~tidings.understand.aliases.AliasLexicon` — names learned from the stream:
  卢比奥(Marco Rubio) in one article teaches that 卢比奥 *and* anything that sounds
  like Rubio (روبيو) is ``marco rubio`` in every later article.

The lexicon is shared by every article the extractor sees (pass one in to share it
with other components or to persist it); so norms are consistent across a stream,
and :meth:`AliasLexicon.canonical` maps norms handed out before a later link.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from functools import lru_cache
from typing import Any

from tidings.article import Article, Entity, EntityPlace
from tidings.understand import names_ar, names_latin, names_zh
from tidings.understand.aliases import AliasLexicon, given_names, latin_norm
from tidings.understand.labels import SALIENCE
from tidings.understand.names_mention import Coverage, Mention
from tidings.understand.names_phonetic import name_key, name_tokens, romanize, script_of
from tidings.understand.places import Gazetteer, Place, english_country_names, normalize_name

#: Cities named by a single short word (2 Han characters, one Arabic or Latin word that is
#: also a given name or a common word) must be this big: 林肯 (Lincoln, 258k), Vladimir
#: (350k), وان (Van, 370k) were false hits on the seeds; Riyadh, Cairo, Moscow are far bigger.
SHORT_CITY_MIN_POPULATION = 1_000_000
#: Non-Latin mentions below this confidence (repeated foreign-looking Arabic words) are
#: reported but not learned: on SemEval dev, learning them let unrelated names merge by
#: sound (cross-language Pearson 0.44 -> 0.42). Weak *Latin* runs are still learned:
#: they are safe anchors, and dropping them cost 0.05 cross-language Pearson.
LEARN_MIN_CONFIDENCE = 0.5


class EntityExtractor:
    """Pipeline stage: fills ``article.entities`` with one :class:`~tidings.article.Entity` per
    distinct entity, most salient first.

    Each: ``text`` (most used surface in the article), ``norm`` (canonical key),
    ``label`` (PERSON/ORG/GPE/LOC), ``count``, ``confidence``, ``source`` (the
    strongest evidence kind), ``key`` (cross-script phonetic key), and for places
    ``place`` (name_en, country_code, lat, lon, kind).
    """

    name = "entities"
    reads = ("blocks", "lang")
    sets = ("entities",)

    def __init__(self, lexicon: AliasLexicon | None = None, gazetteer: Gazetteer | None = None) -> None:
        self.lexicon = lexicon if lexicon is not None else AliasLexicon()
        self.gazetteer = gazetteer if gazetteer is not None else Gazetteer()
        #: article id → (lang, Latin candidates) computed ahead by a read worker (:meth:`use_prepared`).
        self._ahead: dict[str, tuple[str, list[Mention]]] = {}

    def __call__(self, article: Article) -> Article:
        lang = article.lang_code
        ahead = self._ahead.pop(article.id, None)
        title = article.title.value if article.title and article.title.value else ""
        article.entities = self.extract(article.text, lang, ahead=ahead, title=title)
        return article

    # -- work done ahead in read workers (see tidings.workers) ---------------------------
    def preparer(self) -> EntityExtractor:
        """A lexicon-free copy for a read worker process: it only runs :meth:`prepare`."""
        return EntityExtractor(AliasLexicon(), self.gazetteer)

    def prepare(self, article: Article) -> tuple[str, list[Mention]]:
        """The part of extraction that needs no lexicon (Latin capitalised runs, places), done ahead.

        About half the stage's time on ``tidings bench events``; a worker process can do it
        while this process, which owns the learning lexicon, resolves earlier articles.
        """
        lang = article.lang_code or _guess_lang(article.text)
        lang = lang.split("-")[0].lower()
        return lang, self.latin_candidates(article.text, lang)

    def use_prepared(self, article_id: str, payload: tuple[str, list[Mention]]) -> None:
        """Hand over what :meth:`prepare` computed for an article this stage will see next."""
        if len(self._ahead) > 4096:  # never consumed (the article failed before this stage): stale
            self._ahead.clear()
        self._ahead[article_id] = payload

    def warm(self) -> None:
        """Load the stage's lazy tables now (gazetteer, jieba, pinyin, word frequencies), not mid-stream.

        Ingest calls this while its read workers start up; the first Chinese and Arabic
        articles would otherwise stall the stream for ~5 s. A throwaway extractor (its own
        empty lexicon) reads two made-up sentences, so nothing is learned; their Latin part
        is left out as it is in ingest, where the workers prepare it (and load its tables).
        """
        spare = self.preparer()
        spare.extract("记者王明(Wang Ming)在北京报道，总统特朗普表示。", "zh", ahead=("zh", []))
        spare.extract("قال الرئيس دونالد ترامب في القاهرة إن المحادثات مستمرة.", "ar", ahead=("ar", []))
        names_ar.is_common("في")  # Arabic word frequencies (wordfreq)

    # -- extraction -------------------------------------------------------------------
    def extract(
        self, text: str, lang: str | None = None, *, ahead: tuple[str, list[Mention]] | None = None,
        title: str = "",
    ) -> list[Entity]:
        """Entities of one text (``lang`` is an ISO code; guessed from the script when missing).

        ``title``: the article's headline, read as context only (whether a capitalised word is a name).
        """
        lang = (lang or _guess_lang(text)).split("-")[0].lower()
        latin = ahead[1] if ahead is not None and ahead[0] == lang else None
        if lang == "zh":
            mentions = self._mentions_zh(text)
        elif lang in ("ar", "fa", "ur"):
            mentions = self._mentions_ar(text)
        else:
            mentions = []
        taken = Coverage(len(text))
        for m in mentions:
            taken.add(m.start, m.end)
        mentions += [m for m in self._mentions_latin(text, lang, latin, title) if taken.free(m.start, m.end)]
        return self._aggregate(mentions)

    def _mentions_zh(self, text: str) -> list[Mention]:
        mentions = names_zh.parentheticals(text)
        for m in mentions:
            self._resolve(m)  # learn 卢比奥 = marco rubio before scanning for 卢比奥 elsewhere
        taken = Coverage(len(text))
        for m in mentions:
            taken.add(m.start, m.end)  # the Latin inside the parentheses too
        learned = self.lexicon.surfaces_in_script("han")
        for s, e, surf in names_zh.known_names(text, learned, taken):
            mentions.append(Mention(s, e, surf, "", "lexicon", 0.9))
            taken.add(s, e)
        cued = names_zh.titled_dictionary_names(text, taken)  # 沙利文 whole, before the run 沙利
        for m in cued:
            taken.add(m.start, m.end)
        cued += names_zh.translit_runs(text, taken, cued_only=True)
        mentions += cued
        for m in cued:
            taken.add(m.start, m.end)
        places = self.gazetteer.names_in_script("han")
        for s, e, surf in names_zh.known_names(text, places, taken):
            place = places[surf]
            # two-character city names collide with words (林肯 Lincoln in 布林肯): big cities only
            if place.kind == "city" and len(surf) == 2 and place.population < SHORT_CITY_MIN_POPULATION:
                continue
            mentions.append(Mention(s, e, surf, "GPE", "gazetteer", 0.9, place=place))
            taken.add(s, e)
        runs = names_zh.translit_runs(text, taken)
        mentions += runs
        for m in runs:
            taken.add(m.start, m.end)
        # a name found once (after a title) counts wherever else the article repeats it
        found = {m.surface: m for m in mentions if m.label == "PERSON" and len(m.surface) >= 2}
        for s, e, surf in names_zh.known_names(text, found, taken):
            first = found[surf]
            mentions.append(Mention(s, e, surf, "PERSON", first.source, first.confidence, latin=first.latin))
            taken.add(s, e)
        return mentions

    def _mentions_ar(self, text: str) -> list[Mention]:
        toks = names_ar.tokens(text)
        mentions, taken = names_ar.place_mentions(text, toks, self.gazetteer, SHORT_CITY_MIN_POPULATION)
        people = names_ar.title_people(text, toks, taken)
        mentions += people
        spans = Coverage(len(text))
        for m in mentions:
            spans.add(m.start, m.end)
        stop = names_ar.stopwords()
        # words and word pairs that sound like names learned elsewhere in the stream
        i = 0
        while i < len(toks):
            tok = toks[i]
            if i in taken or not spans.free(tok.start, tok.end) or tok.norm in stop:
                i += 1
                continue
            hit = None
            nxt = toks[i + 1] if i + 1 < len(toks) else None
            if (nxt is not None and not names_ar.separated(text, tok, nxt) and spans.free(nxt.start, nxt.end)
                    and names_ar.looks_foreign(nxt.norm) and (names_ar.looks_foreign(tok.norm))):
                pair = text[tok.start:nxt.end]
                norm = self.lexicon.lookup_surface(pair) or self.lexicon.match_sound(pair)  # whole-name key only
                if norm:
                    hit = Mention(tok.start, nxt.end, pair, "PERSON", "translit", 0.8, norm=norm)
            if hit is None:
                for form in names_ar.strip_clitics(tok.norm):
                    if not names_ar.looks_foreign(form):
                        continue
                    norm = self.lexicon.lookup_surface(form) or self.lexicon.match_sound(form)
                    if norm:
                        cut = len(tok.norm) - len(form)
                        hit = Mention(tok.start + cut, tok.end, tok.text[cut:], "PERSON", "translit", 0.75, norm=norm)
                        break
            if hit:
                mentions.append(hit)
                spans.add(hit.start, hit.end)
                i += 2 if hit.end > tok.end else 1
            else:
                i += 1
        # foreign-looking words the text repeats are names of some kind (سوزوكي, أفنان); kind unknown
        repeated: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for tok in toks:
            if not spans.free(tok.start, tok.end):
                continue
            forms = names_ar.strip_clitics(tok.norm)
            form = next((f for f in forms if names_ar.looks_foreign(f)), None)
            if form is not None and len(form) >= 4 and names_ar.is_rare_name_like(form):
                cut = len(tok.norm) - len(form)
                repeated[form].append((tok.start + cut, tok.end))
        for occ in repeated.values():
            if len(occ) >= 2:
                for s0, e0 in occ:
                    mentions.append(Mention(s0, e0, text[s0:e0], "PERSON", "repeated", 0.35))
        return mentions

    def latin_candidates(self, text: str, lang: str) -> list[Mention]:
        """Capitalised runs with their places resolved: everything Latin extraction does without the lexicon."""
        out = []
        cased_only = lang in ("zh", "ja", "ar", "fa", "ur")
        for m in names_latin.runs_to_mentions(text, lang, cased_only):
            if m.label and m.source != "acronym":
                out.append(m)
                continue
            place = self.gazetteer.lookup(m.surface)
            if place is not None and " " not in m.surface and _common_word_not_city(m.surface, place, lang):
                place = None
            if m.label:  # an all-caps word: a dateline city (BERLIN) or an acronym (CNN)
                if place is not None:
                    m = Mention(m.start, m.end, m.surface, "GPE", "gazetteer", 0.8, place=place)
                out.append(m)
                continue
            if place is not None:
                out.append(Mention(m.start, m.end, m.surface, "GPE", "gazetteer", 0.9, place=place))
                continue
            # "Nga Yuri Ushakov", "İspanya Çin": places inside a run, the rest is a name
            out.extend(self._segment_run(m, text, lang))
        return out

    def _mentions_latin(self, text: str, lang: str, candidates: list[Mention] | None = None,
                        title: str = "") -> list[Mention]:
        out = self.latin_candidates(text, lang) if candidates is None else candidates
        resolved = []
        repeated = Counter(m.surface for m in out if not m.label and not _sentence_start(text, m.start))
        written = Counter(m.surface for m in out if not m.label and " " not in m.surface)
        opening: dict[str, bool] = {}  # one-word names that open most of their sentences, decided once per word

        def opens(word: str) -> bool:
            if word not in opening:
                opening[word] = written[word] >= 2 and lang not in names_latin.NOUNS_CAPITALISED and _one_word_name(
                    word, repeated[word], text, title)
            return opening[word]

        for m in out:
            if m.label:
                resolved.append(m)
                continue
            toks = name_tokens(m.surface)
            # "State Antony Blinken": a given name inside the run starts the person's name
            if not m.cue and len(toks) >= 3 and not self.lexicon.is_given_name(toks[0]):
                k = next((k for k in range(1, len(toks) - 1) if self.lexicon.is_given_name(toks[k])
                          and 2 <= len(toks) - k <= 3), None)
                if k is not None:
                    offs = [w.start() for w in re.finditer(r"\S+", m.surface)]
                    if len(offs) == len(toks):
                        cut = m.start + offs[k]
                        m = Mention(cut, m.end, text[cut:m.end], "", m.source, m.confidence)
                        toks = toks[k:]
            known = self.lexicon.lookup_surface(m.surface) or (
                self.lexicon.lookup_surname(toks[-1]) if len(toks) == 1 else self.lexicon.lookup_variant(m.surface)
            )
            if known:
                m.label, m.norm, m.source, m.confidence = "PERSON", known, "lexicon", 0.85
            elif m.cue and len(toks) <= 4:
                m.label, m.source, m.confidence = "PERSON", "title", 0.7
            elif 2 <= len(toks) <= 3 and self.lexicon.is_given_name(toks[0]):
                m.label, m.source, m.confidence = "PERSON", "given-name", 0.65
            elif 2 <= len(toks) <= 4:
                m.label, m.source, m.confidence = "ORG", "capitalised", 0.4
            elif lang != "vi" and ((repeated[m.surface] >= 2 and not _sentence_start(text, m.start))
                                   or opens(m.surface)):
                m.label, m.source, m.confidence = "PERSON", "capitalised", 0.4
            else:
                continue
            resolved.append(m)
        return resolved

    def _segment_run(self, m: Mention, text: str, lang: str) -> list[Mention]:
        """Split a capitalised run into places (longest first, left to right) and the name pieces between."""
        words = [(w.start() + m.start, w.end() + m.start) for w in re.finditer(r"\S+", m.surface)]
        out: list[Mention] = []
        pending: list[tuple[int, int]] = []

        def flush() -> None:
            if pending:
                s0, e0 = pending[0][0], pending[-1][1]
                cue = m.cue if not any(o.label == "" for o in out) else None  # title, place, name
                out.append(Mention(s0, e0, text[s0:e0], "", "capitalised", 0.6, cue=cue))
                pending.clear()

        i = 0
        while i < len(words):
            hit = None
            # no indexed name starting with this word is longer than the gazetteer says: the spans
            # tried stay a few per word however long the run (a 3,000-word capitalised line made
            # 4.5M look-ups when every span was tried)
            first = normalize_name(text[words[i][0]:words[i][1]]).split(" ")[0]
            longest = min(len(words), i + self.gazetteer.max_words_from(first))
            for j in range(longest, i, -1):
                if (i, j) == (0, len(words)):
                    continue  # the whole run was looked up already
                s0, e0 = words[i][0], words[j - 1][1]
                place = self.gazetteer.lookup(text[s0:e0])
                if place is None:
                    continue
                small = place.kind == "city" and place.population < SHORT_CITY_MIN_POPULATION
                if j - i == 1 and (small or _common_word_not_city(text[s0:e0], place, lang)):
                    continue
                if j - i == 1 and i > 0 and text[words[i - 1][0]:words[i - 1][1]].lower() in given_names():
                    continue  # a surname after a given name: "Eddie Jordan", "George Washington", "Tony Chad"
                hit = (j, Mention(s0, e0, text[s0:e0], "GPE", "gazetteer", 0.9, place=place))
                break
            if hit is None:
                pending.append(words[i])
                i += 1
            else:
                flush()
                out.append(hit[1])
                i = hit[0]
        flush()
        return out

    # -- resolution -------------------------------------------------------------------
    def _resolve(self, m: Mention) -> None:
        """Give a mention its norm (and label), teaching the lexicon what it learns."""
        if m.norm:
            return
        lex = self.lexicon
        if m.latin:
            place = self.gazetteer.lookup(m.latin) or self.gazetteer.lookup(m.surface)
            if place is not None and not m.label:
                m.label, m.place = "GPE", place
                m.norm = place.name_en.lower()
                return
            m.label = m.label or "PERSON"
            norm = lex.add_name(m.latin, m.label, surface=m.latin)
            lex.add_alias(m.surface, norm)
            m.norm = lex.canonical(norm)
            return
        if m.place is not None:
            m.norm = m.place.name_en.lower()
            return
        known = lex.lookup_surface(m.surface)
        if known:
            m.norm = known
            m.label = m.label or lex.label_of(known) or "PERSON"
            return
        label = m.label or "PERSON"
        if m.confidence < LEARN_MIN_CONFIDENCE and script_of(m.surface) != "latin":
            # weak non-Latin guesses stay local: a romanised guess the lexicon learned could
            # later absorb an unrelated name by sound; a Latin spelling is a safe anchor
            m.norm = lex.match_sound(m.surface, label) or romanize(m.surface)
            m.label = label
            return
        if script_of(m.surface) == "latin":
            m.norm = lex.add_name(m.surface, label, surface=m.surface)
        else:
            sound = lex.match_sound(m.surface, label)
            if sound:
                lex.add_alias(m.surface, sound)
                m.norm = sound
                m.source = "translit" if m.source == "title" else m.source
            else:
                norm = lex.add_name(m.surface, label, surface=m.surface)
                lex.add_alias(m.surface, norm)
                m.norm = norm
        m.label = label

    def _aggregate(self, mentions: list[Mention]) -> list[Entity]:
        # full names first, so that a bare surname later finds its person
        order = sorted(mentions, key=lambda m: (-(m.latin is not None), -len(name_tokens(m.surface)), m.start))
        for m in order:
            self._resolve(m)
        _bare_surnames_to_full_names(mentions)
        groups: dict[str, list[Mention]] = defaultdict(list)
        for m in mentions:
            if not m.norm:
                continue
            norm = self.lexicon.canonical(m.norm) if m.label in ("PERSON", "ORG") else m.norm
            groups[norm].append(m)
        out = []
        for norm, ms in groups.items():
            surfaces: dict[str, int] = defaultdict(int)
            for m in ms:
                surfaces[m.surface] += 1
            text = max(sorted(surfaces), key=lambda s: surfaces[s])
            best = max(ms, key=lambda m: m.confidence)
            label = best.label or "PERSON"
            count = len(ms)
            first = min(m.start for m in ms)
            conf = min(0.99, best.confidence + 0.03 * (count - 1))
            place = next((m.place for m in ms if m.place is not None), None)
            ent = Entity(
                text=text,
                norm=norm,
                label=label,
                count=count,
                confidence=round(conf, 3),
                source=best.source,
                key=name_key(best.latin or (text if script_of(text) != "latin" else norm)),
                place=_entity_place(place) if place is not None else None,
            )
            salience = count * SALIENCE.get(label, 1.0) * conf + 1.0 / (1 + first / 500)
            out.append((salience, ent))
        out.sort(key=lambda x: -x[0])
        return [e for _, e in out]


def _bare_surnames_to_full_names(mentions: list[Mention]) -> None:
    """A bare Latin surname means the person of that surname the same article names in full.

    Within one article "Smith" after "Matt Smith" is Matt Smith whatever the stream
    learned before (the lexicon only knows which Smith is most mentioned overall);
    left alone when the article names two people of that surname.
    """
    full: dict[str, set[str]] = defaultdict(set)
    for m in mentions:
        toks = name_tokens(m.surface)
        if m.label == "PERSON" and m.norm and len(toks) >= 2 and script_of(m.surface) == "latin":
            full[toks[-1].lower()].add(m.norm)
    for m in mentions:
        toks = name_tokens(m.surface)
        # a one-word gazetteer hit too: "Jackson" after "Vincent Jackson" is the player, not
        # Jackson, Mississippi
        bare = m.label in ("PERSON", "") or (m.label == "GPE" and m.source == "gazetteer")
        if len(toks) == 1 and bare and script_of(m.surface) == "latin":
            norms = full.get(toks[0].lower())
            if norms is not None and len(norms) == 1:
                m.norm, m.label, m.place = next(iter(norms)), "PERSON", None


#: A one-word city name is read as an ordinary word when it is this much more frequent
#: (wordfreq zipf, in the text's language) than a city of its size would be. Fitted on
#: SemEval-2022 dev texts: zipf ≈ 1.19·log10(population) − 2.1 for Berlin/Osnabrück/Hamm;
#: "Mai" (+2.1), "Nice"/"Reading" in English (+0.9) are words, Boston/Paris/Moscow (< 0) cities.
_CITY_ZIPF_SLOPE, _CITY_ZIPF_INTERCEPT, _CITY_ZIPF_EXCESS = 1.19, -2.1, 0.8


@lru_cache(maxsize=65536)
def _zipf(word: str, lang: str) -> float | None:
    try:
        from wordfreq import zipf_frequency

        return float(zipf_frequency(word, lang))
    except Exception:
        return None


def _common_word_not_city(word: str, place: Place, lang: str) -> bool:
    """A single word that names a place only by chance: a small town's name that is a common word, or, in
    English, a country's or a city's name in another language ("Island", "Maurice"; "Sam", a given name)."""
    if place.kind == "country":
        # English text names countries in English: "Island" (Iceland in German) of "Long Island",
        # "Maurice" (Mauritius in French) of "Maurice Cheeks" are not countries there
        return lang == "en" and normalize_name(word) not in english_country_names()
    if lang == "en" and word.lower() in given_names() and normalize_name(word) != normalize_name(place.name_en):
        return True  # a given name that is another language's name of a city: "referee Sam Williams" (Sham)
    if place.kind != "city" or place.population >= SHORT_CITY_MIN_POPULATION or place.population <= 0:
        return False
    z = _zipf(word, lang)
    if z is None:  # a language wordfreq does not know: keep the place
        return False
    expected = _CITY_ZIPF_SLOPE * math.log10(place.population) + _CITY_ZIPF_INTERCEPT
    return z - expected > _CITY_ZIPF_EXCESS


def _one_word_name(word: str, inside: int, text: str, title: str) -> bool:
    """A word the text writes capitalised at least twice, mostly opening sentences, is a name when it is
    also written capitalised inside a sentence (of the text, or of the headline) and never in lower case.

    Why: "Microsoft has said …", "“Microsoft has released …" under the headline "… say Microsoft" —
    a name that opens its sentences was nobody (ECB+ dev: Microsoft on neither card of its topic),
    while a common word capitalised by position ("Police said …") is written in lower case elsewhere.
    """
    if not inside and not re.search(rf"(?<=[\w,;:] ){re.escape(word)}(?!\w)", title):
        return False
    lower = re.compile(rf"(?<!\w){re.escape(word.lower())}(?!\w)")
    return lower.search(text) is None and lower.search(title) is None


def _sentence_start(text: str, start: int) -> bool:
    """Whether a word opens a sentence or paragraph (capitalised for that reason alone)."""
    head = text[max(0, start - 3):start].rstrip(" \t\"'“«„")
    return not head or head[-1] in ".!?:\n。！？"


def _entity_place(p: Place) -> EntityPlace:
    return EntityPlace(p.name_en, p.country_code, p.lat, p.lon, p.kind)


def _guess_lang(text: str) -> str:
    """A fallback when the read stage gave no language: the dominant script's main language."""
    counts = {"han": 0, "arabic": 0, "latin": 0}
    for ch in text[:2000]:
        if ch.isalpha():
            s = script_of(ch)
            counts[s if s in counts else "latin"] += 1
    top = max(counts, key=lambda k: counts[k])
    return {"han": "zh", "arabic": "ar"}.get(top, "und")


__all__ = ["EntityExtractor", "attach_lexicon", "latin_norm"]


def attach_lexicon(stages: Any, store: Any) -> AliasLexicon | None:
    """Give every :class:`EntityExtractor` among ``stages`` the lexicon saved in ``store``.

    Returns that lexicon (save it with ``lexicon.save(store)`` when committing), or
    None when no stage extracts entities. This is how names learned in one ingest
    run (卢比奥 = Marco Rubio) are known in the next.
    """
    extractors = [s for s in getattr(stages, "stages", stages) if isinstance(s, EntityExtractor)]
    if not extractors:
        return None
    lexicon = AliasLexicon.load(store)
    for ex in extractors:
        ex.lexicon = lexicon
    return lexicon
