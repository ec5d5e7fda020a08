"""The read model of events: find one by id, list them, load one with its articles.

Every reader (cards, listings, storylines, the report, the Python API, the CLI) goes
through here, so they agree on what an id means, which events are live, which
articles an event has, and which of them are copies. Reading never writes, and
never runs understanding: an article stored without entities simply has none.

Ids: :func:`resolve_id` is the one rule for every kind of id (event, storyline,
article): the exact id, else the one id that starts with what was typed, when at
least :data:`MIN_PREFIX` characters were typed.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping
from dataclasses import asdict, dataclass, field, replace
from typing import Any, Literal, TypeVar

from tidings.article import Article, Entity, Event
from tidings.options import DISPLAY_LANG
from tidings.store import ArticleRow, Store

# The sentence splitter is a text helper that still lives in tell/ (it moves to the text package with the
# date grammar and tokenisers); nothing else of tell is imported here.
from tidings.text.sentences import Sentence, split_sentences
from tidings.views.names import NameResolver, canonical_entities, name_resolver

#: Shortest id prefix accepted in place of a whole id, as in git (whose shortest abbreviation is 4).
#: Why a floor at all: a prefix is resolved only when exactly one id starts with it, so a prefix that
#: once named an item can later only become ambiguous (a clear error), never name another item; but a
#: one- or two-character "prefix" is more often a slip than a choice ("e" would pick the only event of a
#: new store). Why not more: ids are hashes (``ev-`` + 12 hex, 16 hex for articles), so four characters
#: already tell apart the items of a small store, and longer prefixes keep working as it grows.
MIN_PREFIX = 4

#: When an article's outlet is unknown, the provenance relations that best stand in for it, in order.
OUTLET_FALLBACK_RELATIONS = ("first-published", "via", "source", "contributor")

IdKind = Literal["event", "storyline", "article"]


class UnknownId(KeyError):
    """No item of this kind with this id, or the id prefix names none or several."""


def match_id(wanted: str, ids: Iterable[str], kind: str) -> str:
    """The one id rule: ``wanted`` itself when it is among ``ids``, else the one id it is a prefix of.

    Raises :class:`UnknownId` (a ``KeyError``) when nothing matches, when several ids start with
    ``wanted``, or when ``wanted`` is shorter than :data:`MIN_PREFIX` and not a whole id.
    """
    matches: list[str] = []
    for candidate in ids:
        if candidate == wanted:
            return candidate
        if len(wanted) >= MIN_PREFIX and candidate.startswith(wanted):
            matches.append(candidate)
    if len(matches) == 1:
        return matches[0]
    if matches:
        shown = ", ".join(sorted(matches)[:5]) + (" …" if len(matches) > 5 else "")
        raise UnknownId(f"{kind} id prefix {wanted!r} is ambiguous: {shown}")
    short = f" (a prefix needs at least {MIN_PREFIX} characters)" if len(wanted) < MIN_PREFIX else ""
    raise UnknownId(f"no {kind} with id {wanted!r}{short}")


def resolve_id(store: Store, kind: IdKind, wanted: str) -> str:
    """The whole id of a stored event, storyline or article, by :func:`match_id`'s rule.

    An exact id is looked up directly; only a prefix scans the ids of its kind (article ids come
    from ``article_rows``, which reads no article bodies). Events are not followed to what they
    were merged into: :func:`resolve_event` does that.
    """
    if kind == "article":
        if store.article_rows([wanted]):
            return wanted
        return match_id(wanted, (row.id for row in store.article_rows()), kind)
    if store.get_record(kind, wanted) is not None:
        return wanted
    return match_id(wanted, (key for key, _value in store.iter_records(kind)), kind)


def resolve_event(store: Store, event_id: str) -> Event:
    """The live event for an id or id prefix: follows ``merged_into`` links to the event it joined."""
    record = store.get_record("event", resolve_id(store, "event", event_id))
    if record is None:  # pragma: no cover - resolve_id has just found it
        raise UnknownId(f"no event with id {event_id!r}")
    seen: set[str] = set()
    event = Event.from_dict(record)
    while event.merged_into and event.merged_into not in seen:
        seen.add(event.id)
        nxt = store.get_record("event", event.merged_into)
        if nxt is None:
            break
        event = Event.from_dict(nxt)
    return event


def iter_events(store: Store) -> Iterator[Event]:
    """Every live (not merged-away) event with at least one article, in store order."""
    for _key, record in store.iter_records("event"):
        event = Event.from_dict(record)
        if event.merged_into or not event.article_ids:
            continue
        yield event


def as_datetime(value: dt.date | None) -> dt.datetime | None:
    """Dates and datetimes on one naive UTC axis, so they sort together."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.UTC).replace(tzinfo=None)
        return value
    return dt.datetime(value.year, value.month, value.day)


T = TypeVar("T")

#: What a card says of an article whose outlet is unknown.
UNKNOWN_OUTLET = "unknown outlet"


@dataclass
class EventData:
    """An event with its articles loaded (in the event's join order) and who copies whom."""

    event: Event
    articles: list[Article]
    #: article id → id of the article it copies/translates (from the event and provenance).
    copies: dict[str, str] = field(default_factory=dict)
    #: article id → its entities, norms canonicalised and a ``display`` name added (:mod:`tidings.views.names`).
    entities: dict[str, list[Entity]] = field(default_factory=dict)
    #: The event's articles that were not loaded (a big event is read in part: :data:`READ_AT_MOST`),
    #: as summary rows, so counts by language and outlet still cover every article.
    unread: list[ArticleRow] = field(default_factory=list)
    _sentences: dict[str, list[Sentence]] = field(default_factory=dict, repr=False)
    _memo: dict[Hashable, Any] = field(default_factory=dict, repr=False)

    def remember(self, function: Callable[..., T], *args: Hashable) -> T:
        """``function(*args)`` once per loaded event: for a pure function several card parts call on
        the same text (the dates of a sentence: the date, the summary and the outcomes each read them)."""
        key = (function, args)
        if key not in self._memo:
            self._memo[key] = function(*args)
        return self._memo[key]  # type: ignore[no-any-return]

    @property
    def article_count(self) -> int:
        """Every article of the event, read or not."""
        return len(self.articles) + len(self.unread)

    def sentences(self, article: Article) -> list[Sentence]:
        """The article's sentences, split once and shared by every card part."""
        if article.id not in self._sentences:
            self._sentences[article.id] = split_sentences(article.text, self.lang(article), article.id)
        return self._sentences[article.id]

    @property
    def independent(self) -> list[Article]:
        """Articles that are not copies or translations of another article of the event."""
        return [a for a in self.articles if a.id not in self.copies]

    def original_of(self, article_id: str) -> str:
        """The independent report an article counts for (follows copy chains; itself when not a copy)."""
        seen = set()
        while article_id in self.copies and article_id not in seen:
            seen.add(article_id)
            article_id = self.copies[article_id]
        return article_id

    def lang(self, article: Article) -> str:
        return article.lang_code or "und"  # cards show "und" (undetermined, ISO 639) rather than nothing

    def outlet(self, article: Article) -> str:
        """The publishing outlet; else who the text says it came from, marked with the relation."""
        if article.outlet and article.outlet.value:
            return str(article.outlet.value)
        for relation in OUTLET_FALLBACK_RELATIONS:
            for link in article.provenance:
                if link.relation == relation and link.name:
                    return f"{link.name} ({relation})"
        return UNKNOWN_OUTLET

    def title(self, article: Article) -> str:
        return article.title.value if article.title and article.title.value else ""


#: Shortest run of words two texts of one language must share for one to be a copy of the other,
#: and the share of the shorter text's runs they must share (an agency report relayed with a new
#: lead and a cut tail still shares most of its runs; two different reports share almost none).
SHINGLE_WORDS, COPY_SHARE = 5, 0.3
_TOKEN = re.compile(r"\w+")


def _shingles(text: str) -> set[tuple[str, ...]]:
    words = _TOKEN.findall(text.casefold())
    return {tuple(words[i:i + SHINGLE_WORDS]) for i in range(max(0, len(words) - SHINGLE_WORDS + 1))}


def shares_content(copy: Article, original: Article) -> bool:
    """Whether a copy flag between two articles is borne out by their texts.

    The clusterer flags a copy or translation from word, vector and entity overlap as articles
    arrive; two *different* reports of one agency in one language (the seeds' 003 and 004: the
    same AP story, told in two reports sharing none of their sentences) pass that. Within one
    language a copy must share runs of words; across languages, where the words cannot be
    compared, the flag stands (a provenance note or a near-identical vector made it).
    """
    if copy.lang_code != original.lang_code or not copy.lang_code:
        return True
    a, b = _shingles(copy.text), _shingles(original.text)
    if not a or not b:
        return True
    return len(a & b) >= COPY_SHARE * min(len(a), len(b))


#: Articles a card (and a listing's headline) reads at most. Why a bound: a story followed for weeks
#: gathers hundreds of reports (the 100k-article bench store has events of 965), and reading each in
#: full made one card take seconds, and a listing of the biggest events minutes. The reports read
#: are the earliest (the first reporters, where a story's facts are first told), one at least per
#: language, and the rest spread evenly over the event's growth (:func:`choose_read`).
READ_AT_MOST = 60


def choose_read(rows: list[ArticleRow], limit: int = READ_AT_MOST) -> tuple[list[ArticleRow], list[ArticleRow]]:
    """The rows to read of a big event and the rest, both in the given (join) order; all when few.

    A third of ``limit`` goes to the earliest published (storage order breaks ties and dates nothing
    later), then the earliest of each language not chosen yet, then rows evenly spaced over the rest.
    """
    if len(rows) <= limit:
        return rows, []
    order = sorted(range(len(rows)), key=lambda i: (rows[i].published or "9999", rows[i].seq, i))
    chosen: set[int] = set(order[: limit // 3])
    seen_langs = {rows[i].lang for i in chosen}
    for i in order:
        if len(chosen) >= limit:
            break
        if rows[i].lang not in seen_langs:
            chosen.add(i)
            seen_langs.add(rows[i].lang)
    rest = [i for i in range(len(rows)) if i not in chosen]
    room = limit - len(chosen)
    if room > 0 and rest:
        step = len(rest) / room
        chosen.update(rest[int(k * step)] for k in range(room))
    return [rows[i] for i in range(len(rows)) if i in chosen], [rows[i] for i in range(len(rows)) if i not in chosen]


def load_event(store: Store, event_id: str, names: NameResolver | None = None,
               read_at_most: int | None = READ_AT_MOST) -> EventData:
    """Resolve the event and load its articles (missing ones are skipped, not fatal).

    ``names``: the alias lexicon to show names through (:func:`~tidings.views.names.name_resolver`);
    loaded from the store when None. Callers loading many events pass it once. ``read_at_most``:
    a bigger event is read in part (:func:`choose_read`; None: every article).
    """
    event = resolve_event(store, event_id)
    if names is None:
        names = name_resolver(store)
    ids = list(dict.fromkeys(event.article_ids))
    unread: list[ArticleRow] = []
    if read_at_most is not None and len(ids) > read_at_most:
        by_id = {r.id: r for r in store.article_rows(ids)}
        read, unread = choose_read([by_id[i] for i in ids if i in by_id], read_at_most)
        ids = [r.id for r in read]
    articles = [a for a in (store.get_article(aid) for aid in ids) if a is not None]
    by_id_article = {a.id: a for a in articles}
    copies = copy_pairs(event, set(by_id_article), by_id_article.get)
    entities = {a.id: canonical_entities(list(a.entities or []), names) for a in articles}
    return EventData(event=event, articles=articles, copies=copies, entities=entities, unread=unread)


# -- listing ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Headline:
    """What a listing shows of an event besides counts: the card's own title, date and place.

    Chosen by ``tidings.tell`` (:func:`tidings.tell.cards.headline`), which sits above this layer:
    :func:`list_events` takes the chooser as an argument instead of importing it.
    """

    title: str | None = None
    title_lang: str | None = None
    date: str | None = None  # the event's own day (ISO), which may differ from publication dates
    where: str | None = None
    date_confidence: float | None = None  # how sure the date is (0..1), as the card's ``when.confidence``


#: Chooses an event's headline in a display language (``tidings.tell.cards.headline``).
HeadlineChooser = Callable[[EventData, str], Headline]

_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True)
class EventRow:
    """One event in a listing: ``tidings events``, ``tidings events --json`` and the Python API."""

    id: str
    articles: int  # stored articles of the event
    independent: int  # of them, not copies or translations of another article of the event (as the card counts)
    outlets: int  # distinct outlets named by the articles' metadata
    languages: tuple[str, ...]  # language codes, sorted ("und" when undetected)
    first_published: str | None  # publication days (ISO) of the earliest and latest article
    last_published: str | None
    date: str | None = None  # the headline: None when listed without a chooser
    where: str | None = None
    title: str | None = None
    title_lang: str | None = None
    date_confidence: float | None = None  # how sure ``date`` is (0..1): the card's ``when.confidence``
    #: True while the headline is a stand-in (the first report's own title; no date or place yet): a
    #: server answers a listing at once and prepares the card's headline in the background.
    pending: bool = False

    def to_dict(self) -> dict[str, Any]:
        # its fields by name: ``dataclasses.asdict`` deep-copies each value, which took a sixth of a busy
        # server's interpreter (a listing is 30 rows; every field here is a plain value or a tuple of them)
        return dict(vars(self))


def copy_pairs(event: Event, present: set[str], article: Callable[[str], Article | None]) -> dict[str, str]:
    """The event's copies (copy → original) among ``present``: flagged by the clusterer *and* sharing content.

    ``article`` looks an article up; only the articles of flagged pairs are asked for (most events have
    none), so a listing that reads them from the store stays cheap.
    """
    return _confirmed(_flagged(event, present), article)


def _flagged(event: Event, present: set[str]) -> dict[str, str]:
    """The copy flags the clusterer set between articles of ``present`` (copy → original)."""
    return {k: v for k, v in event.duplicates.items() if k in present and v in present and k != v}


def _confirmed(flagged: Mapping[str, str], article: Callable[[str], Article | None]) -> dict[str, str]:
    """Of ``flagged``, the pairs whose texts share content (:func:`shares_content`)."""
    if not flagged:
        return {}
    found = {aid: article(aid) for aid in set(flagged) | set(flagged.values())}
    return {k: v for k, v in flagged.items()
            if (a := found[k]) is not None and (b := found[v]) is not None and shares_content(a, b)}


def event_copies(store: Store, event: Event, present: set[str],
                 versions: Mapping[str, int] | None = None) -> set[str]:
    """The event's copies as its card counts them (:func:`copy_pairs`), read from the store.

    ``versions`` (article id → stored version, as the summary rows give them): each pair's verdict
    is remembered by the two articles' ids and versions, and their texts are read only for a pair
    not judged yet. Why: a server's catalog recounts an event each time it changes, and an event of
    the 100k-article bench store has hundreds of flagged copies: reading and comparing every pair's
    texts again held the server's interpreter for seconds while a writer added to big events.
    """
    if versions is None:
        return set(copy_pairs(event, present, store.get_article))
    flagged = _flagged(event, present)

    def key(k: str, v: str) -> tuple[str, int, str, int]:
        return k, versions.get(k, 0), v, versions.get(v, 0)

    known = {k for k, v in flagged.items() if _VERDICTS.get(key(k, v))}
    unknown = {k: v for k, v in flagged.items() if key(k, v) not in _VERDICTS}
    confirmed = _confirmed(unknown, store.get_article)
    if len(_VERDICTS) + len(unknown) > VERDICTS_KEPT:
        _VERDICTS.clear()
    _VERDICTS.update((key(k, v), k in confirmed) for k, v in unknown.items())
    return known | set(confirmed)


#: Copy verdicts remembered by :func:`event_copies` (a few MB; forgotten all at once when full).
VERDICTS_KEPT = 200_000
_VERDICTS: dict[tuple[str, int, str, int], bool] = {}


def event_row(event: Event, members: list[ArticleRow], copies: set[str] | frozenset[str] = frozenset()) -> EventRow:
    """An event's listing row from its members' summary rows (no headline: see :class:`Headline`);
    ``copies``: its copies as :func:`event_copies` finds them."""
    present = {m.id for m in members}
    days = sorted(m.published[:10] for m in members if m.published and _DAY.match(m.published))
    return EventRow(
        id=event.id,
        articles=len(members),
        independent=len(present - copies),
        outlets=len({m.outlet for m in members if m.outlet}),
        languages=tuple(sorted({m.lang or "und" for m in members})),
        first_published=days[0] if days else None,
        last_published=days[-1] if days else None,
    )


def list_events(store: Store, lang: str = DISPLAY_LANG, limit: int | None = None, *,
                headline: HeadlineChooser | None = None) -> list[EventRow]:
    """Live events, largest first (then by id): one :class:`EventRow` each.

    Counts, languages and publication days come from the stored articles' summary columns
    (``store.article_rows``: no article is decoded). With ``headline`` (``tidings.tell.cards.headline``)
    the first ``limit`` events are also loaded to give their title in ``lang`` (where one exists),
    their own date and their main place, as their cards do.
    """
    rows_by_id = {row.id: row for row in store.article_rows()}
    rows = []
    for event in iter_events(store):
        members = [rows_by_id[aid] for aid in dict.fromkeys(event.article_ids) if aid in rows_by_id]
        rows.append(event_row(event, members, event_copies(store, event, {m.id for m in members})))
    rows.sort(key=lambda r: (-r.articles, r.id))
    rows = rows[:limit]
    if headline is None:
        return rows
    names = name_resolver(store)
    return [replace(row, **asdict(headline(load_event(store, row.id, names=names), lang))) for row in rows]
