"""Title, extractive summary and reported outcomes of an event.

The summary is *extractive*: only verbatim sentences of the event's own articles,
chosen by maximal marginal relevance (MMR, Carbonell & Goldstein 1998). Sentence
vectors are bags of lexical tokens (words; character bigrams for CJK) plus one
token per event actor the sentence names, in any script: the actor tokens are what
make a Chinese and an Arabic sentence about "Rubio and Lavrov" look alike, so the
summary does not say the same thing twice in two languages. Why lexical and not a
neural encoder: cards are built for every event in a report, the encoders run at
a few texts per second on CPU, and actor overlap already carries the cross-lingual
signal a summary of 3–5 sentences needs.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Sequence

from tidings.article import Article
from tidings.options import DISPLAY_LANG
from tidings.tell.types import Actor, SourcedText
from tidings.tell.when import date_votes
from tidings.tell.who import rank_actors
from tidings.text.sentences import Sentence
from tidings.text.tokens import cosine, vector_norm, word_counts
from tidings.views.events import EventData

#: MMR trade-off between relevance and novelty (0.7 is the common default; checked by eye on the seeds).
MMR_LAMBDA = 0.7
#: Bonus for a sentence in a language / from an outlet the summary does not have yet.
NEW_LANG_BONUS, NEW_OUTLET_BONUS = 0.15, 0.1
#: Penalty for sentences from copies/translations: their original says the same thing.
COPY_PENALTY = 0.2
#: Share of relevance that comes from a sentence's position: news leads state the event (on the seeds,
#: with less, an aside naming two leaders outranked the zh lead).
POSITION_SHARE = 0.45
#: Share from the main actors a sentence names, and (the rest) from centrality: lexical similarity to
#: what all the event's sentences say. Set by eye on the seeds and ECB+ dev events (chatty ledes such as
#: "Well, here's something we all knew would happen" lose to the sentences many reports share).
ACTOR_SHARE = 0.3
#: Only this many leading sentences of each article are candidates: news puts the facts first.
LEAD_SENTENCES = 12
MAX_SENTENCE_CHARS = 420

_URLISH = re.compile(r"https?\s*:|www\s*\.|\.(?:com|org|net|html?)\b", re.IGNORECASE)
_SENT_END = re.compile(r"[.!?。！？؟”」\"]$")
#: What a report can say was decided or reached, by kind: the zh/ar/vi/en words of an agreement (the
#: seeds' "three goals"), and in English a verdict, a charge, an agreement or deal, a decision. Verbs and
#: fixed phrases, not bare nouns: "the collective bargaining agreement gives the league…" reports nothing.
OUTCOME_PATTERNS: dict[str, re.Pattern[str]] = {
    "verdict": re.compile(r"\b(?:convicted(?!\s+(?:sex\s+)?(?:offender|felon|killer|murderer|rapist|criminal)s?\b)|"
                          r"found (?:not )?guilty|acquitted|sentenced|pleaded (?:not )?guilty|"
                          r"pleads (?:not )?guilty|verdict|jury (?:found|convicted|acquitted|deliberated))\b", re.I),
    "charge": re.compile(r"\b(?:charged with|charged in|indicted|faces? (?:\w+ )?charges?|booked (?:on|for|into)|"
                         r"arrested (?:on|for) (?:suspicion|charges|investigation))\b", re.I),
    "agreement": re.compile(
        r"同意|达成|一致|协议|共识|商定|"
        r"اتفق|اتفقا|اتفقت|اتفاق|وافق|وافقت|وافقتا|توافق|أهداف|"
        r"nhất trí|thống nhất|đồng ý|thỏa thuận|thoả thuận|"
        r"\b(?:agreed (?:to|on|that|with)|reached (?:an? |a tentative )?(?:agreement|deal|accord|consensus)|signed|"
        r"struck a deal|(?:a|the) deal to|definitive agreement|agreement to|will acquire|to acquire|acquired|"
        r"settled (?:the|a|its|their) (?:lawsuit|case|dispute|claims?)|settled out of court|goals)\b", re.I),
    "decision": re.compile(r"\b(?:fired(?! up)|dismissed|resigned|stepped down|named (?:as )?(?:the )?(?:new|next)|"
                           r"appointed|elected|re-elected|overturned|revoked|reversed|rescinded|approved|rejected|suspended|"
                           r"announced plans)\b", re.I),
}
#: How much each kind of outcome weighs when choosing which to show.
OUTCOME_WEIGHTS = {"verdict": 3.0, "charge": 2.5, "agreement": 2.0, "decision": 2.0}
#: Words right before an outcome that make it a condition or a possibility, not something that happened.
#: Also an earlier step told as background: "after being convicted in June 1998", "had been charged".
_HYPOTHETICAL_RE = re.compile(r"\b(?:if|could|may|might|would|whether|or|unless|before being|after being|had been|"
                              r"offender|serving|previously)\s+(?:be\s+|been\s+)?$", re.I)
_OUTCOME_RE = re.compile("|".join(f"(?:{p.pattern})" for p in OUTCOME_PATTERNS.values()), re.I)
#: Words every match of :data:`OUTCOME_PATTERNS` contains (lower case): a sentence with none of them
#: reports no outcome, and looking for them costs a fifth of the four patterns (most sentences have
#: none). Kept in step with the patterns by a test over every ECB+ dev sentence.
OUTCOME_STEMS = (
    "convicted", "guilty", "acquitted", "sentenced", "verdict", "jury",
    "charge", "indicted", "booked", "arrested",
    "同意", "达成", "一致", "协议", "共识", "商定", "اتفق", "اتفاق", "وافق", "توافق", "أهداف",
    "nhất trí", "thống nhất", "đồng ý", "thỏa thuận", "thoả thuận",
    "agreed", "reached", "signed", "deal", "agreement", "acquire", "settled", "goals",
    "fired", "dismissed", "resigned", "stepped down", "named", "appointed", "elected", "overturned", "revoked",
    "reversed", "rescinded", "approved", "rejected", "suspended", "announced plans",
)


def may_report_outcome(text: str) -> bool:
    """False when no outcome pattern can match ``text`` (none of :data:`OUTCOME_STEMS` is in it)."""
    low = text.lower()
    return any(stem in low for stem in OUTCOME_STEMS)
_NEGATION_RE = re.compile(r"未|没有|並未|并未|无法|不会|لم|لن|لا |không|chưa|\bnot\b|\bno\b|n't\b", re.IGNORECASE)


def actor_tokens(text: str, actors: Sequence[Actor]) -> Counter[str]:
    """One token per actor the text names, in any of its surface forms (the cross-lingual part)."""
    out: Counter[str] = Counter()
    for actor in actors:
        if any(form and form in text for form in (actor.name, *actor.surfaces)):
            out["@" + actor.name] = 3
    return out


def _candidates(data: EventData, exclude: frozenset[str] = frozenset()) -> list[tuple[Sentence, Article, int]]:
    """(sentence, article, rank among the article's real sentences): headers and datelines do not count."""
    out = []
    for article in data.articles:
        title = data.title(article)
        rank = 0
        for sent in data.sentences(article)[:LEAD_SENTENCES]:
            text = sent.text
            if text == title or len(text) > MAX_SENTENCE_CHARS or _URLISH.search(text):
                continue
            if not _SENT_END.search(text):
                continue  # headings, captions, datelines: not sentences
            if text not in exclude:
                out.append((sent, article, rank))
            rank += 1
    return out


#: Sentence openings that tell background, not the event: "Earlier", "Trước đó", "此前", "في الأسبوع الماضي".
_BACKGROUND_START = re.compile(r"^(?:earlier|previously|last (?:week|month|year)|in (?:19|20)\d\d\b|before that|"
                               r"trước đó|hồi|此前|早前|上周|去年|في الأسبوع الماضي|سابقا|في وقت سابق)", re.IGNORECASE)
#: Relevance taken from a sentence that is background, or dated to another day than the event's own.
OFF_EVENT_PENALTY = 0.5
#: Two sentences naming the same people, places and day (at least this many of them, one more within a
#: language, and half of them each) say one thing: the second is not shown. Set on the seeds: the zh and
#: two ar leads of the Riyadh talks each say "senior officials met in Riyadh on Tuesday".
SAME_FACTS_MIN, SAME_FACTS_SHARE = 2, 0.5
#: Sentences a summary chooses from at most (the earliest of each report first): keeps a big event's card fast.
MAX_CANDIDATES = 60
#: A summary keeps to the reader's language when the event has at least this many sentences in it.
MIN_OWN_LANGUAGE = 3


def _facts(data: EventData, article: Article, text: str, anchor: dt.date | None) -> set[str]:
    """The people, organisations, places (any script, by their canonical name) and days a sentence names."""
    out = {"@" + ent.identity for ent in data.entities.get(article.id, [])
           if ent.identity and any(form and form in text for form in ent.surfaces or [ent.text])}
    votes = data.remember(date_votes, text, anchor, data.lang(article))
    out |= {"#" + v.day.isoformat() for v in votes if v.day is not None}
    return out


def summarise(data: EventData, actors: Sequence[Actor], max_sentences: int = 5,
              exclude: frozenset[str] = frozenset(), lang: str | None = None,
              day: str | None = None) -> list[SourcedText]:
    """3–5 verbatim sentences from the event's articles, relevant and mutually novel.

    ``exclude``: sentences not to repeat (the card's title when it is a lead sentence). ``lang``: the
    reader's language; when the event has enough sentences in it, the summary keeps to it, else it draws
    on every language (an English reader of Chinese, Arabic and Vietnamese reports gets the best of each).
    Two sentences stating the same facts (people, places, day) are one, even in two languages; a
    sentence of background ("Earlier…", another day than the event's own ``day``) weighs less.
    """
    cands = _candidates(data, exclude)
    if lang is not None:
        own = [c for c in cands if data.lang(c[1]) == lang]
        if len(own) >= MIN_OWN_LANGUAGE:
            cands = own
    if not cands:
        return []
    event_day = dt.date.fromisoformat(day[:10]) if day else None
    if len(cands) > MAX_CANDIDATES:  # the leads of a big event: its first sentences, then its later ones
        cands = sorted(cands, key=lambda c: c[2])[:MAX_CANDIDATES]
    # an undated report's weekdays are read against the event's own day ("يوم الثلاثاء" of the Riyadh talks)
    facts = [_facts(data, a, sent.text, _published_day(a) or event_day) for sent, a, _r in cands]
    weight = {a.name: a.articles for a in actors}
    vectors: list[Counter[str]] = []
    coverage: list[float] = []
    top = max(1, sum(sorted(weight.values(), reverse=True)[:4]))
    centroid: Counter[str] = Counter()
    for sent, _article, _rank in cands:
        act = actor_tokens(sent.text, actors)
        vec = word_counts(sent.text) + act
        vectors.append(vec)
        centroid.update({k: 1 for k in vec})  # document frequency over sentences: what many reports say
        coverage.append(min(1.0, sum(weight.get(k[1:], 0) for k in act) / top))
    cnorm = vector_norm(centroid)
    central = [cosine(v, centroid, None, cnorm) for v in vectors]
    cmax = max(central) or 1.0
    relevance = [
        POSITION_SHARE / (1.0 + rank) + ACTOR_SHARE * cov + (1 - POSITION_SHARE - ACTOR_SHARE) * c / cmax
        for (_s, _a, rank), cov, c in zip(cands, coverage, central, strict=True)
    ]
    for i, (sent, _a, _r) in enumerate(cands):
        days = {dt.date.fromisoformat(f[1:]) for f in facts[i] if f.startswith("#")}
        other_day = event_day is not None and days and all(abs((d - event_day).days) > 1 for d in days)
        if other_day or _BACKGROUND_START.match(sent.text.strip()):
            relevance[i] -= OFF_EVENT_PENALTY
    n = min(max_sentences, max(3, len(data.independent) + 2), len(cands))
    norms = [vector_norm(v) for v in vectors]
    redundancy = [0.0] * len(cands)  # max similarity to any chosen sentence, updated incrementally
    chosen: list[int] = []
    langs: set[str] = set()
    outlets: set[str] = set()
    while len(chosen) < n:
        best, best_score = -1, -1e9
        for i, (_sent, article, _rank) in enumerate(cands):
            if i in chosen or any(_same_facts(facts[i], facts[j], data.lang(cands[j][1]) == data.lang(article))
                                  for j in chosen):
                continue
            score = MMR_LAMBDA * relevance[i] - (1 - MMR_LAMBDA) * redundancy[i]
            if data.lang(article) not in langs:
                score += NEW_LANG_BONUS
            if data.outlet(article) not in outlets:
                score += NEW_OUTLET_BONUS
            if article.id in data.copies:
                score -= COPY_PENALTY
            if score > best_score:
                best, best_score = i, score
        if best < 0:
            break
        chosen.append(best)
        langs.add(data.lang(cands[best][1]))
        outlets.add(data.outlet(cands[best][1]))
        for i in range(len(cands)):
            if i not in chosen:
                redundancy[i] = max(redundancy[i], cosine(vectors[i], vectors[best], norms[i], norms[best]))
    return [
        SourcedText(cands[i][0].text, cands[i][1].id, data.lang(cands[i][1]), data.outlet(cands[i][1]))
        for i in chosen
    ]


def _same_facts(a: set[str], b: set[str], same_language: bool = False) -> bool:
    """Whether two sentences name mostly the same people, places and day (one more of them within a language,
    where two sentences often share their event's names and still say two things)."""
    shared = len(a & b)
    return shared >= SAME_FACTS_MIN + same_language and shared >= SAME_FACTS_SHARE * min(len(a), len(b))


def _published_day(article: Article) -> dt.date | None:
    value = article.published.value if article.published else None
    if isinstance(value, dt.datetime):
        return value.date()
    return value if isinstance(value, dt.date) else None


def choose_title(data: EventData, lang: str = DISPLAY_LANG,
                 actors: Sequence[Actor] | None = None) -> SourcedText | None:
    """A title in the user's language if one exists, else the most representative title.

    Representative = names the most of the event's main actors, from an independent
    report, earliest first (the first report's title is usually the plainest).
    """
    titled = [a for a in data.articles if data.title(a) and not _URLISH.search(data.title(a))]
    actors = list(actors)[:8] if actors is not None else rank_actors(data, limit=8)
    if not titled:
        return _lead_as_title(data, actors)
    pool = [a for a in titled if data.lang(a) == lang] or titled

    def score(item: tuple[int, Article]) -> tuple[float, int]:
        order, article = item
        title = data.title(article)
        named = len(actor_tokens(title, actors))
        plausible = 1.0 if 8 <= len(title) <= 200 else 0.0
        independent = 0.5 if article.id not in data.copies else 0.0
        return (named + plausible + independent, -order)

    _order, best = max(enumerate(pool), key=score)
    return SourcedText(data.title(best), best.id, data.lang(best), data.outlet(best))


def _lead_as_title(data: EventData, actors: Sequence[Actor]) -> SourcedText | None:
    """No article has a title: the lead sentence that names the most main actors (verbatim, like a title)."""
    best: tuple[tuple[int, int, int], SourcedText] | None = None
    for order, article in enumerate(data.independent or data.articles):
        sents = data.sentences(article)
        if not sents:
            continue
        lead = next((x.text for x in sents if not _URLISH.search(x.text)), "")
        if not lead:
            continue
        key = (len(actor_tokens(lead, actors)), -abs(len(lead) - 100) // 40, -order)
        if best is None or key > best[0]:
            best = (key, SourcedText(lead, article.id, data.lang(article), data.outlet(article)))
    return best[1] if best else None


def find_outcomes(data: EventData, limit: int = 4, exclude: frozenset[str] = frozenset()) -> list[SourcedText]:
    """Sentences reporting what was decided or reached (a verdict, a charge, an agreement, a decision), from
    independent reports first, no near-repeats; each with its kind (``SourcedText.kind``).

    ``exclude``: sentences the card already shows (its summary), so a card never says one thing twice.
    A list (a sentence of many commas and no verb of outcome) is not one, nor a negated outcome.
    """
    found: list[tuple[float, SourcedText, Counter[str], set[str]]] = []
    for article in data.articles:
        for sent in data.sentences(article)[: LEAD_SENTENCES * 2]:
            text = sent.text
            if (len(text) > MAX_SENTENCE_CHARS or text in exclude or not _SENT_END.search(text)
                    or _BACKGROUND_START.match(text.strip())):
                continue  # "Last week, Trump said he and Putin agreed…" is an earlier step, not this outcome
            if not may_report_outcome(text):
                continue
            kinds = [(k, m) for k, pat in OUTCOME_PATTERNS.items() if (m := pat.search(text))]
            if not kinds:
                continue
            kind, first = max(kinds, key=lambda km: OUTCOME_WEIGHTS[km[0]])
            window = text[max(0, first.start() - 12) : first.start()]
            if _NEGATION_RE.search(window) or _HYPOTHETICAL_RE.search(text[max(0, first.start() - 20):first.start()]):
                continue  # "did not reach consensus", "if convicted" are not outcomes
            score = OUTCOME_WEIGHTS[kind] + 0.5 * (len(kinds) - 1) + 1.0 / (1.0 + 0.2 * sent.index) - (
                0.5 if article.id in data.copies else 0.0)
            found.append((score, SourcedText(text, article.id, data.lang(article), data.outlet(article), kind=kind),
                          word_counts(text), _facts(data, article, text, None)))
    found.sort(key=lambda x: -x[0])
    out: list[tuple[SourcedText, Counter[str], set[str]]] = []
    for _score, text, vec, facts in found:
        # one outcome once: "Lopez was found guilty" and "a jury returned a guilty verdict for Lopez" are one
        if any(cosine(vec, v) > 0.6 or (t.kind == text.kind and _same_facts(facts, f)) for t, v, f in out):
            continue
        out.append((text, vec, facts))
        if len(out) >= limit:
            break
    return [t for t, _v, _f in out]
