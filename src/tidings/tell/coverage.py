"""Who covered an event: by language and outlet, when, and which reports are copies.

Copies come from two places that complement each other: the clusterer's
``Event.duplicates`` (this text *is* that other article of the event, copied or
translated) and the read stage's provenance links (this text says it comes from
AP / 大纪元 / a machine translation, even when the original is not in the store).
"""

from __future__ import annotations

from collections import defaultdict

from tidings.tell.timeline import provenance_notes
from tidings.tell.types import Coverage, CoverageItem
from tidings.views.events import UNKNOWN_OUTLET, EventData, as_datetime


def build_coverage(data: EventData) -> Coverage:
    """Coverage of one event (languages sorted by number of reports, outlets by first report)."""
    grouped: dict[tuple[str, str], list[str]] = defaultdict(list)
    first: dict[tuple[str, str], str | None] = {}
    relations: dict[tuple[str, str], list[str]] = defaultdict(list)
    syndication: list[dict[str, str]] = []
    by_id = {a.id: a for a in data.articles}
    for article in data.articles:
        key = (data.lang(article), data.outlet(article))
        grouped[key].append(article.id)
        when = as_datetime(article.published.value) if article.published else None
        iso = article.published.value.isoformat() if when and article.published else None
        if iso and (first.get(key) is None or iso < str(first[key])):
            first[key] = iso
        first.setdefault(key, None)
        original = data.copies.get(article.id)
        if original is not None:
            orig = by_id.get(original)
            kind = "translation" if orig is not None and data.lang(orig) != key[0] else "copy"
            source = data.outlet(orig) if orig else "?"
            relations[key].append(f"{article.id[:8]} is a {kind} of {original[:8]} ({source})")
        for note in provenance_notes(article):
            relations[key].append(f"{article.id[:8]} {note}")
        for link in article.provenance:
            syndication.append({"article_id": article.id, "relation": link.relation, "name": link.name,
                                "evidence": link.evidence})
    for row in data.unread:  # not read (a big event): counted by its summary row
        key = (row.lang or "und", row.outlet or UNKNOWN_OUTLET)
        grouped[key].append(row.id)
        day = row.published
        if day and (first.get(key) is None or day < str(first[key])):
            first[key] = day
        first.setdefault(key, None)
    by_lang: dict[str, list[CoverageItem]] = defaultdict(list)
    for (lang, outlet), ids in grouped.items():
        by_lang[lang].append(
            CoverageItem(lang, outlet, tuple(ids), first[(lang, outlet)],
                         tuple(dict.fromkeys(relations[(lang, outlet)])))
        )
    for items in by_lang.values():
        items.sort(key=lambda c: (c.first_published is None, c.first_published or "", c.outlet))
    ordered = dict(sorted(by_lang.items(), key=lambda kv: (-sum(len(c.article_ids) for c in kv[1]), kv[0])))
    dated = [(as_datetime(a.published.value), i, a.id) for i, a in enumerate(data.articles)
             if a.published and a.id not in data.copies]
    first_reporter = min(dated)[2] if dated else (data.independent[0].id if data.independent else None)
    return Coverage(by_lang=ordered, copies=dict(data.copies), syndication=syndication, first_reporter=first_reporter)
