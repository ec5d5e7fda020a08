"""One summary row per event, for ``tidings events``: cheaper than full cards (no summary, quotes, coverage)."""

from __future__ import annotations

from typing import Any

from tidings.store import Store
from tidings.tell.eventdata import iter_events, load_event, name_resolver


def list_events(store: Store, lang: str = "en", limit: int | None = None) -> list[dict[str, Any]]:
    """Live events, largest first: id, article count, languages, event date, place, title (with its language)."""
    from tidings.tell.people import rank_actors, rank_places
    from tidings.tell.summary import choose_title
    from tidings.tell.when import event_date

    events = sorted(iter_events(store), key=lambda e: (-len(e.article_ids), e.id))[:limit]
    names = name_resolver(store)
    rows = []
    for event in events:
        data = load_event(store, event.id, names=names)
        title = choose_title(data, lang, rank_actors(data, limit=8))
        places = rank_places(data, limit=1)
        rows.append({
            "id": event.id,
            "articles": len(data.articles),
            "languages": ",".join(sorted({data.lang(a) for a in data.articles})),
            "date": event_date(data).start,
            "where": places[0].name if places else None,
            "title": title.text if title else None,
            "title_lang": title.lang if title else None,
        })
    return rows
