"""What both backends share of the newer queries: one meaning of a filter, a change list, an entity row.

The SQLite and PostgreSQL stores keep the same columns with the same meaning, so the ``WHERE``
clause of a filtered article listing, the cutting of a truncated change list and the rows of the
entity index are written once, here, and each backend only supplies its placeholder.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from tidings.store.base import ArticleFilter, Changes, DeadLetter


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


class SQLRows:
    """The reads and writes both SQL backends make alike, written once with SQLite's ``?`` placeholders.

    A backend mixes this in before :class:`~tidings.store.base.Store`, holds its DB-API connection
    in ``conn`` and sets ``MARK`` to its own placeholder (PostgreSQL: ``%s``).
    """

    conn: Any
    MARK = "?"

    def revision(self) -> int:  # pragma: no cover - each backend has its own
        raise NotImplementedError

    def _sql(self, query: str) -> str:
        return query if self.MARK == "?" else query.replace("?", self.MARK)

    def _run(self, query: str, params: tuple[Any, ...] = ()) -> Any:
        return self.conn.execute(self._sql(query), params)

    def article_versions(self, article_id: str) -> list[dict[str, Any]]:
        cur = self._run(
            "SELECT version, content_hash, uri, created_at FROM article_versions WHERE article_id=? ORDER BY version",
            (article_id,),
        )
        return [dict(zip(("version", "content_hash", "uri", "created_at"), r, strict=True)) for r in cur]

    def content_hash_of(self, article_id: str) -> str | None:
        row = self._run("SELECT content_hash FROM articles WHERE id=?", (article_id,)).fetchone()
        return row[0] if row else None

    def has_content(self, content_hash: str) -> bool:
        return self._run("SELECT 1 FROM article_versions WHERE content_hash=? LIMIT 1", (content_hash,)).fetchone() \
            is not None

    def dead_letters(self) -> list[DeadLetter]:
        cur = self._run("SELECT uri, stage, reason, created_at FROM dead_letters ORDER BY id")
        return [DeadLetter(*r) for r in cur]

    def get_state(self, key: str) -> bytes | None:
        row = self._run("SELECT value FROM state WHERE key=?", (key,)).fetchone()
        return bytes(row[0]) if row else None

    def get_record(self, kind: str, key: str) -> dict[str, Any] | None:
        row = self._run("SELECT value FROM records WHERE kind=? AND key=?", (kind, key)).fetchone()
        return json.loads(row[0]) if row else None

    def delete_record(self, kind: str, key: str) -> None:
        self._run("DELETE FROM records WHERE kind=? AND key=?", (kind, key))

    def changes(self, since: int, limit: int = 10_000) -> Changes:
        top = self.revision()
        arts = self._run(
            "SELECT rev, id FROM articles WHERE rev > ? AND rev <= ? ORDER BY rev LIMIT ?", (since, top, limit)
        ).fetchall()
        recs = self._run(
            "SELECT rev, kind, key FROM records WHERE rev > ? AND rev <= ? ORDER BY rev LIMIT ?", (since, top, limit)
        ).fetchall()
        return changes_from_rows(top, limit, arts, recs)

    def _vector_dim(self, kind: str) -> int | None:
        row = self._run("SELECT dim FROM vector_kinds WHERE kind=?", (kind,)).fetchone()
        return int(row[0]) if row else None

    def vector_dim(self, kind: str) -> int | None:
        return self._vector_dim(kind)

    def commit(self) -> None:
        self.conn.commit()

    def rollback(self) -> None:
        self.conn.rollback()
