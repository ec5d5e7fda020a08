"""The event's articles in publication order, and what each one adds.

Undated articles keep their place in ingest order (right after the article ingested
before them) and are marked ``dated=False``, because a report with no date is still
part of the story and dropping it would hide a source.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from tidings.article import Article
from tidings.options import DISPLAY_LANG
from tidings.tell.types import Actor, SourcedText, TimelineEntry
from tidings.tell.who import shown_to
from tidings.views.events import EventData, as_datetime

#: Provenance relations that make an article a re-publication of someone else's report.
REPUBLISH_RELATIONS = ("source", "via", "first-published", "contributor")
MAX_ADDS_CHARS = 160


def provenance_notes(article: Article) -> tuple[str, ...]:
    return tuple(f"{link.relation}: {link.name}" for link in article.provenance)


def _ordered(data: EventData) -> list[tuple[Article, dt.datetime | None]]:
    keyed = []
    last = dt.datetime.min
    for index, article in enumerate(data.articles):
        when = as_datetime(article.published.value) if article.published else None
        if when is not None:
            last = when
        keyed.append(((when or last), index, article, when))
    keyed.sort(key=lambda k: (k[0], k[1]))
    return [(article, when) for _k, _i, article, when in keyed]


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= MAX_ADDS_CHARS else text[: MAX_ADDS_CHARS - 1] + "…"


def build_timeline(data: EventData, outcomes: Sequence[SourcedText] = (), lang: str = DISPLAY_LANG,
                   actors: Sequence[Actor] | None = None) -> list[TimelineEntry]:
    """Entries in publication order with a role and a one-line "what it adds" (names as a reader of ``lang``
    sees them).

    ``actors``: the card's ranked actors; with them a report adds the actors it names first, as the card
    names them ("Larry Kroon", not the entity stage's "Governor" or "Bible Church").
    """
    shown_as = {form: a.name for a in actors or () for form in a.surfaces}
    outcome_of = {o.article_id: o.text for o in reversed(list(outcomes))}
    entries: list[TimelineEntry] = []
    named: set[str] = set()
    first_done = False
    for article, when in _ordered(data):
        article_lang = data.lang(article)
        ents = [e for e in data.entities.get(article.id, []) if e.label in ("PERSON", "ORG")]
        if actors is None:
            shown = {e.identity: shown_to(e.display or e.identity, e.label, lang) for e in ents}
        else:  # who the card knows, once each (a name its second look dropped is nobody here either)
            names = (shown_as.get(e.identity or "") or shown_as.get(e.text) for e in ents)
            shown = {name: name for name in names if name}
        new = [shown[k] for k in shown if k and k not in named]
        named.update(shown)
        copy_of = data.copies.get(article.id)
        if copy_of is not None:
            original = next((a for a in data.articles if a.id == copy_of), None)
            role = "translation" if original is not None and data.lang(original) != article_lang else "copy"
            if article.translated:
                role = "translation"
            adds = f"{role} of {copy_of[:8]} ({data.outlet(original) if original else 'unknown'})"
        elif not first_done:
            role = "first report"
            adds = _short(data.title(article) or article.text[:MAX_ADDS_CHARS])
            first_done = True
        elif article.id in outcome_of:
            role = "outcome"
            adds = _short(outcome_of[article.id])
        else:
            role = "follow-up"
            lead = data.title(article) or next((x.text for x in data.sentences(article)), "")
            adds = ("names " + ", ".join(new[:4])) if new else _short(lead)
        entries.append(
            TimelineEntry(
                article_id=article.id,
                published=article.published.value.isoformat() if when and article.published else None,
                dated=when is not None,
                lang=article_lang,
                outlet=data.outlet(article),
                title=data.title(article),
                role=role,
                adds=adds,
                copy_of=copy_of,
                via=provenance_notes(article),
                url=article.url,
            )
        )
    return entries
