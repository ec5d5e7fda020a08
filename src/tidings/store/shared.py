"""What both backends share of the newer queries: one meaning of a filter, a change list, an entity row.

The SQLite and PostgreSQL stores keep the same columns with the same meaning, so the ``WHERE``
clause of a filtered article listing, the cutting of a truncated change list and the rows of the
entity index are written once, here, and each backend only supplies its placeholder.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from tidings.store.base import ArticleFilter, Changes


def filter_sql(where: ArticleFilter, after: int | None, order: str, mark: str) -> tuple[str, list[Any]]:
    """The ``WHERE … ORDER BY`` of a filtered article page and its parameters (``mark``: ``?`` or ``%s``)."""
    conditions, params = [], []
    for column in ("lang", "outlet", "event_id"):  # column names from this tuple, never from input
        value = getattr(where, column)
        if value is not None:
            conditions.append(f"{column} = {mark}")
            params.append(value)
    if where.since is not None:
        conditions.append(f"published >= {mark}")
        params.append(where.since[:10])
    if where.until is not None:
        # the day is inclusive, times on it too ("2025-02-18T23:00:00"): "~" sorts after "T" and digits
        conditions.append(f"published < {mark}")
        params.append(where.until[:10] + "~")
    if after is not None:
        conditions.append(f"seq {'<' if order == 'newest' else '>'} {mark}")
        params.append(after)
    sql = (" WHERE " + " AND ".join(conditions)) if conditions else ""
    return sql + f" ORDER BY seq {'DESC' if order == 'newest' else 'ASC'}", params


def changes_from_rows(top: int, limit: int, arts: list[Any], recs: list[Any]) -> Changes:
    """A :class:`Changes` from ``(rev, id)`` and ``(rev, kind, key)`` rows in change order.

    A list that hit ``limit`` is complete only up to its last change number, so the answer stops there.
    """
    cut = top
    if len(arts) >= limit > 0:
        cut = min(cut, arts[-1][0])
    if len(recs) >= limit > 0:
        cut = min(cut, recs[-1][0])
    return Changes(
        revision=cut,
        articles=[aid for rev, aid in arts if rev <= cut],
        records=[(kind, key) for rev, kind, key in recs if rev <= cut],
    )


def entity_rows(entities: Iterable[Mapping[str, Any]]) -> list[tuple[str, str, int]]:
    """``(norm, label, mentions)`` per distinct norm of an article's stored entities (the entity index)."""
    rows: dict[str, tuple[str, int]] = {}
    for ent in entities:
        norm = str(ent.get("norm") or "").strip()
        if not norm:
            continue
        label, count = rows.get(norm, (str(ent.get("label") or ""), 0))
        rows[norm] = (label, count + int(ent.get("count") or 1))
    return [(norm, label, count) for norm, (label, count) in rows.items()]
