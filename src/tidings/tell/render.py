"""Cards as text: for the terminal and as Markdown.

Both renderers show the same parts in the same order as the HTML report, and mark
each quoted sentence with its language and outlet, because a sentence out of context
must still say where it came from.
"""

from __future__ import annotations

from tidings.tell.types import EventCard, SourcedText
from tidings.untrusted import map_strings, markdown_text, terminal_safe


def _src(item: SourcedText) -> str:
    return f"[{item.lang} · {item.outlet}]"


def _when(card: EventCard) -> str:
    w = card.when
    if not w.start:
        return "unknown"
    span = f"{w.start} – {w.end}" if w.end and w.end != w.start else w.start
    ev = f" — “{w.evidence}”" if w.evidence else ""
    return f"{span} ({w.source}, confidence {w.confidence:.2f}){ev}"


def _where(card: EventCard) -> str:
    if not card.where:
        return "unknown"
    main = card.where[0]
    text = main.name + (f", {main.country}" if main.country and main.country != main.name else "")
    if main.lat is not None and main.lon is not None:
        text += f" ({main.lat:.2f}, {main.lon:.2f})"
    others = [p.name for p in card.where[1:] if p.name != main.country]
    text += f"; also: {', '.join(others)}" if others else ""
    if main.evidence:
        ev = main.evidence if len(main.evidence) <= 90 else main.evidence[:89] + "…"
        text += f" — “{ev}”"
    return text


def _lines(card: EventCard, md: bool) -> list[str]:
    bullet = "- " if md else "  • "
    h = (lambda s: f"\n### {s}") if md else (lambda s: f"\n{s.upper()}")
    title = card.title.text if card.title else "(untitled event)"
    tlang = f" [{card.title.lang}]" if card.title and not card.title_lang_matches else ""
    out = [f"## {title}{tlang}" if md else f"{title}{tlang}"]
    if card.original_title is not None:
        out.append(f"original title [{card.original_title.lang}]: {card.original_title.text}")
    read = f" ({card.articles_read} read)" if 0 < card.articles_read < card.article_count else ""
    out.append(f"event {card.event_id} · {card.article_count} article(s){read} · "
               f"languages: {', '.join(card.languages)} · outlets: {', '.join(card.outlets)}")
    out.append(f"{'**When:**' if md else 'When: '} {_when(card)}")
    out.append(f"{'**Where:**' if md else 'Where:'} {_where(card)}")
    if card.who:
        who = ", ".join(f"{a.name} ({a.label.lower()}, {a.articles})" for a in card.who)
        out.append(f"{'**Who:**' if md else 'Who:  '} {who}")
    if card.summary:
        out.append(h("Summary"))
        out.extend(f"{bullet}{s.text} {_src(s)}" for s in card.summary)
    if card.outcomes:
        out.append(h("Outcomes"))
        out.extend(f"{bullet}{s.text} {_src(s)}" for s in card.outcomes)
    if card.quotes:
        out.append(h("Quotes"))
        for q in card.quotes:
            who = q.speaker or "unattributed"
            out.append(f"{bullet}“{q.text}” — {who} [{q.lang} · {q.outlet}]")
    if card.timeline:
        out.append(h("Timeline"))
        for t in card.timeline:
            when = t.published or "undated"
            flag = "" if t.dated else " (placed by ingest order)"
            out.append(f"{bullet}{when}{flag} · {t.lang} · {t.outlet} · {t.role}: {t.adds}")
    if card.related:
        out.append(h("Related (another story)"))
        for r in card.related:
            shared = f" — shares {', '.join(r.shared[:4])}" if r.shared else ""
            out.append(f"{bullet}{r.date or 'undated'} · {r.event_id} · {r.title}{shared} ({r.reason})")
    if card.coverage.by_lang:
        out.append(h("Coverage"))
        for lang, items in card.coverage.by_lang.items():
            for c in items:
                rel = f" — {'; '.join(c.relations)}" if c.relations else ""
                out.append(f"{bullet}{lang} · {c.outlet}: {len(c.article_ids)} report(s), first "
                           f"{c.first_published or 'undated'}{rel}")
    return out


def render_text(card: EventCard) -> str:
    """The card for a terminal (plain text, no colour codes; control characters in the articles escaped)."""
    return terminal_safe("\n".join(_lines(card, md=False)) + "\n")


def render_markdown(card: EventCard) -> str:
    """The card as Markdown (``tidings event ID --markdown``).

    Every text from the articles is escaped first (:func:`~tidings.untrusted.markdown_text`):
    Markdown renderers pass raw HTML through, so a ``<script>`` or an ``onmouseover`` in an
    article would run wherever the card is shown.
    """
    return "\n".join(_lines(map_strings(card, markdown_text), md=True)) + "\n"
