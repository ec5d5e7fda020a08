"""The event page's drawings, as inline SVG made on the server: timeline, coverage, map.

Inline SVG with presentation attributes only (``fill``, ``x``, ``width`` …, never ``style``), so the
pages keep a strict Content-Security-Policy (no inline styles or scripts). Every text drawn from an
article is escaped (``markupsafe.escape``); numbers are formatted by us. Nothing is fetched: the
map is drawn from coordinates alone (a graticule and the places, no tiles or coastline data), so
it works offline.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from collections.abc import Sequence

from markupsafe import Markup, escape

from tidings.tell.types import CoverageItem, EventCard, Place, TimelineEntry

#: Language colours, chosen for contrast on white (the same order as the static report's).
LANG_COLOURS = ("#2563eb", "#dc2626", "#059669", "#d97706", "#7c3aed", "#db2777", "#0891b2", "#4b5563")
#: At most this many axis labels, so they never overlap (each label is ~70 px wide at 640 px).
MAX_TICKS = 6


def colour(lang: str, langs: Sequence[str]) -> str:
    index = list(langs).index(lang) if lang in langs else len(langs)
    return LANG_COLOURS[index % len(LANG_COLOURS)]


def _when(value: str | None) -> dt.datetime | None:
    if not value:
        return None
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment.astimezone(dt.UTC).replace(tzinfo=None) if moment.tzinfo else moment


def _ticks(start: dt.datetime, end: dt.datetime) -> list[tuple[dt.datetime, str]]:
    """At most :data:`MAX_TICKS` evenly spaced, labelled moments covering ``start``..``end``."""
    span = (end - start).total_seconds()
    steps = [(3600, "%H:%M"), (6 * 3600, "%d %b %H:%M"), (86400, "%d %b"), (7 * 86400, "%d %b"),
             (30 * 86400, "%b %Y"), (91 * 86400, "%b %Y"), (365 * 86400, "%Y")]
    step, fmt = next(((s, f) for s, f in steps if span / s <= MAX_TICKS - 1), (365 * 86400 * 10, "%Y"))
    first = dt.datetime.fromtimestamp(math.ceil(start.replace(tzinfo=dt.UTC).timestamp() / step) * step, dt.UTC)
    first = first.replace(tzinfo=None)
    out = []
    moment = first
    while moment <= end and len(out) < MAX_TICKS:
        out.append((moment, moment.strftime(fmt)))
        moment += dt.timedelta(seconds=step)
    return out


def timeline_svg(card: EventCard, width: int = 640) -> Markup:
    """Articles over time, one lane per language, the event's own date as a line; undated ones listed apart."""
    entries: list[tuple[dt.datetime, TimelineEntry]] = []
    for entry in card.timeline:
        moment = _when(entry.published) if entry.dated else None
        if moment is not None:
            entries.append((moment, entry))
    if not entries:
        return Markup('<p class="muted">No dated article to draw.</p>')
    langs = sorted({e.lang for _, e in entries})
    event_day = _when(card.when.start)
    moments = [m for m, _ in entries] + ([event_day] if event_day else [])
    start, end = min(moments), max(moments)
    if (end - start).total_seconds() < 3600:
        start, end = start - dt.timedelta(hours=12), end + dt.timedelta(hours=12)
    left, right, lane = 48, 16, 28
    height = 40 + lane * len(langs)
    span = (end - start).total_seconds()

    def x(moment: dt.datetime) -> float:
        return left + (width - left - right) * (moment - start).total_seconds() / span

    parts = [f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" aria-labelledby="tl-title">',
             f'<title id="tl-title">{len(entries)} dated articles over time, by language</title>']
    for n, lang in enumerate(langs):
        y = 14 + lane * n + lane / 2
        parts.append(f'<text x="4" y="{y + 4:.1f}" class="lane">{escape(lang)}</text>')
        parts.append(f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" class="grid"/>')
    axis_y = 14 + lane * len(langs) + 4
    for moment, label in _ticks(start, end):
        px = x(moment)
        anchor = "end" if px > width - 60 else "start" if px < left + 30 else "middle"  # never cut at an edge
        parts.append(f'<line x1="{px:.1f}" x2="{px:.1f}" y1="10" y2="{axis_y:.1f}" class="grid"/>')
        parts.append(f'<text x="{px:.1f}" y="{axis_y + 14:.1f}" class="tick" text-anchor="{anchor}">'
                     f"{escape(label)}</text>")
    if event_day is not None:
        px = x(event_day)
        parts.append(f'<line x1="{px:.1f}" x2="{px:.1f}" y1="6" y2="{axis_y:.1f}" class="event-day"/>')
    for moment, entry in entries:
        y = 14 + lane * langs.index(entry.lang) + lane / 2
        label = f"{entry.published} · {entry.outlet} · {entry.title or entry.article_id} ({entry.role})"
        parts.append(
            f'<a href="/articles/{escape(entry.article_id)}"><circle cx="{x(moment):.1f}" cy="{y:.1f}" r="6" '
            f'fill="{colour(entry.lang, langs)}" class="dot"><title>{escape(label)}</title></circle></a>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def coverage_svg(card: EventCard, width: int = 640) -> Markup:
    """Articles per language as bars, each split into independent reports and copies/translations."""
    counts: Counter[str] = Counter()
    copies: Counter[str] = Counter()
    for lang, items in card.coverage.by_lang.items():
        for item in items:
            counts[lang] += len(item.article_ids)
            copies[lang] += sum(1 for a in item.article_ids if a in card.coverage.copies)
    if not counts:
        return Markup('<p class="muted">No coverage.</p>')
    langs = sorted(counts, key=lambda k: (-counts[k], k))
    top = max(counts.values())
    bar = 22
    height = 8 + bar * len(langs)
    parts = [f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" aria-labelledby="cov-title">',
             '<title id="cov-title">Articles per language</title>']
    for n, lang in enumerate(langs):
        y = 4 + n * bar
        full = (width - 140) * counts[lang] / top
        own = full * (counts[lang] - copies[lang]) / counts[lang]
        parts.append(f'<text x="4" y="{y + 15}" class="lane">{escape(lang)}</text>')
        parts.append(f'<rect x="48" y="{y + 3}" width="{full:.1f}" height="{bar - 6}" class="bar-copy"/>')
        parts.append(f'<rect x="48" y="{y + 3}" width="{own:.1f}" height="{bar - 6}" fill="{colour(lang, langs)}"/>')
        note = f"{counts[lang]}" + (f" ({copies[lang]} copies)" if copies[lang] else "")
        parts.append(f'<text x="{56 + full:.1f}" y="{y + 15}" class="tick">{escape(note)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def map_view(places: Sequence[Place]) -> tuple[float, float, float, float]:
    """The (west, east, south, north) box the map shows: the places with a margin, at least 40° × 20°.

    Zoomed to the places so that neighbours (Moscow and Kyiv) do not sit on one pixel, never so
    close that a single place fills the map.
    """
    lons = [float(p.lon) for p in places]  # type: ignore[arg-type]
    lats = [float(p.lat) for p in places]  # type: ignore[arg-type]
    width = max(40.0, (max(lons) - min(lons)) * 1.4)
    height = max(20.0, (max(lats) - min(lats)) * 1.4, width / 2)
    width = max(width, height * 2)  # keep the 2:1 frame, so degrees stay square
    mid_lon, mid_lat = (max(lons) + min(lons)) / 2, (max(lats) + min(lats)) / 2
    west = min(max(mid_lon - width / 2, -180.0), 180.0 - min(width, 360.0))
    south = min(max(mid_lat - height / 2, -90.0), 90.0 - min(height, 180.0))
    return west, west + min(width, 360.0), south, south + min(height, 180.0)


def map_svg(places: Sequence[Place], width: int = 640) -> Markup:
    """The places on a graticule (equirectangular, zoomed to them: :func:`map_view`), labelled, biggest first."""
    located = [p for p in places if p.lat is not None and p.lon is not None]
    if not located:
        return Markup('<p class="muted">No place with coordinates.</p>')
    height = width // 2
    west, east, south, north = map_view(located)

    def xy(lon: float, lat: float) -> tuple[float, float]:
        return (lon - west) / (east - west) * width, (north - lat) / (north - south) * height

    parts = [f'<svg class="chart map" viewBox="0 0 {width} {height}" role="img" aria-labelledby="map-title">',
             f'<title id="map-title">Where: {escape(", ".join(p.name for p in located))}</title>',
             f'<rect x="0" y="0" width="{width}" height="{height}" class="sea"/>']
    step = 5 if east - west <= 60 else 15 if east - west <= 180 else 30
    for lon in range(math.ceil(west / step) * step, math.floor(east) + 1, step):
        px = xy(lon, 0)[0]
        parts.append(f'<line x1="{px:.1f}" x2="{px:.1f}" y1="0" y2="{height}" class="grid"/>')
        side = "EW"[lon < 0] if lon else ""
        parts.append(f'<text x="{px + 2:.1f}" y="{height - 4}" class="tick">{abs(lon)}°{side}</text>')
    for lat in range(math.ceil(south / step) * step, math.floor(north) + 1, step):
        py = xy(0, lat)[1]
        kind = "equator" if lat == 0 else "grid"
        parts.append(f'<line x1="0" x2="{width}" y1="{py:.1f}" y2="{py:.1f}" class="{kind}"/>')
    placed: list[tuple[float, float]] = []
    for n, place in enumerate(located):
        px, py = xy(float(place.lon), float(place.lat))  # type: ignore[arg-type]
        radius = 4 + min(8, 2 * math.log1p(place.articles))
        parts.append(f'<circle cx="{px:.1f}" cy="{py:.1f}" r="{radius:.1f}" class="pin">'
                     f'<title>{escape(place.name)} ({place.articles} articles)</title></circle>')
        if n < 8:
            anchor = "end" if px > width * 0.75 else "start"
            dx = -radius - 3 if anchor == "end" else radius + 3
            ly = py + 4
            while any(abs(ly - y) < 13 and abs(px - x) < 90 for x, y in placed):  # no label on another
                ly += 13
            placed.append((px, ly))
            parts.append(f'<text x="{px + dx:.1f}" y="{ly:.1f}" class="pin-label" '
                         f'text-anchor="{anchor}">{escape(place.name)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def outlets_table(items: dict[str, list[CoverageItem]]) -> list[tuple[str, str, int, str | None, str]]:
    """(language, outlet, articles, first published, relations) rows, by language then earliest."""
    rows = []
    for lang, entries in sorted(items.items()):
        for item in sorted(entries, key=lambda i: (i.first_published or "~", i.outlet)):
            rows.append((lang, item.outlet, len(item.article_ids), item.first_published, "; ".join(item.relations)))
    return rows
