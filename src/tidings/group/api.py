"""The thin layer the CLI calls: cluster what is stored, list events, show one event.

Event records (``store.put_record("event", …)``) are the source of truth for the
views; the clusterer's state is only needed to *assign* new articles.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tidings.article import Article
from tidings.group.clusterer import EventClusterer
from tidings.store import Store

#: Articles featurised (dense-encoded) together when clustering a store.
BATCH = 64


def cluster_store(
    store: Store, options: Any = None, *, progress: Callable[[int], Any] | None = None
) -> dict[str, int]:
    """Cluster every stored article that has no event yet, in store order; returns counts."""
    clusterer = (EventClusterer.from_options(options) if options is not None else EventClusterer()).load(store)
    todo: list[Article] = []
    done = 0

    def flush() -> None:
        nonlocal done
        if todo:
            clusterer.learn_many(todo)
            store.set_events(clusterer.pop_assignments())
            clusterer.save(store)
            store.commit()
            done += len(todo)
            if progress is not None:
                progress(len(todo))
            todo.clear()

    for article in store.iter_articles():
        if article.event_id or clusterer.event_of(article.id) is not None:
            continue
        todo.append(article)
        if len(todo) >= BATCH:
            flush()
    flush()
    events = sum(1 for _, rec in store.iter_records("event") if not rec.get("merged_into"))
    return {"clustered": done, "events": events}


def resolve(store: Store, event_id: str) -> str | None:
    """The current id of an event (following ``merged_into``), or None when unknown.

    A unique prefix of at least 6 characters works too, as for articles.
    """
    rec = store.get_record("event", event_id)
    if rec is None and len(event_id) >= 6:
        matches = [k for k, _ in store.iter_records("event") if k.startswith(event_id)]
        if len(matches) == 1:
            event_id, rec = matches[0], store.get_record("event", matches[0])
    seen: set[str] = set()
    while rec is not None and rec.get("merged_into") and event_id not in seen:
        seen.add(event_id)
        event_id = rec["merged_into"]
        rec = store.get_record("event", event_id)
    return event_id if rec is not None else None


def _members(store: Store, ids: list[str]) -> list[dict[str, Any]]:
    keys = ("id", "title", "lang", "published", "outlet")
    return [{k: getattr(r, k) for k in keys} for r in store.article_rows(ids)]


def _summary(rec: dict[str, Any], members: list[dict[str, Any]]) -> dict[str, Any]:
    dates = sorted(str(m["published"])[:10] for m in members if m.get("published"))
    langs = sorted({m["lang"] for m in members if m.get("lang")})
    outlets = {m["outlet"] for m in members if m.get("outlet")}
    dup = rec.get("duplicates") or {}
    independent = [m for m in members if m["id"] not in dup]
    titled = [m for m in independent or members if m.get("title")]
    return {
        "id": rec["id"],
        "date_span": [dates[0], dates[-1]] if dates else [None, None],
        "languages": langs,
        "n_articles": len(members),
        "n_independent": len(independent),
        "n_outlets": len(outlets),
        "title": titled[0]["title"] if titled else "",
    }


def list_events(store: Store) -> list[dict[str, Any]]:
    """Every current (not merged-away) event: id, date span, languages, counts, a representative title.

    Sorted by size, then id (largest events first; ties in a stable order).
    """
    recs = [rec for _, rec in store.iter_records("event") if not rec.get("merged_into")]
    out = [_summary(rec, _members(store, rec.get("article_ids", []))) for rec in recs]
    out.sort(key=lambda e: (-e["n_articles"], e["id"]))
    return out


def get_event(store: Store, event_id: str) -> dict[str, Any] | None:
    """One event (merged ids resolve to the event they joined) with its members; None when unknown."""
    current = resolve(store, event_id)
    if current is None:
        return None
    rec = store.get_record("event", current) or {}
    members = _members(store, rec.get("article_ids", []))
    dup = rec.get("duplicates") or {}
    for m in members:
        m["duplicate_of"] = dup.get(m["id"])
    out = _summary(rec, members)
    out.update(
        {
            "requested_id": event_id,
            "members": members,
            "lineage": rec.get("lineage", []),
            "duplicates": dup,
            "entities": (rec.get("extra") or {}).get("entities", []),
            "created_at": rec.get("created_at"),
            "updated_at": rec.get("updated_at"),
        }
    )
    return out
