"""tell: turn event clusters into what a user reads.

Public API (what the CLI and notebooks call):

* :func:`tidings.tell.cards.build_card` ``(store, event_id, lang="en") -> EventCard`` — the card of one
  event (title, extractive summary, who/where/when, quotes, outcomes, timeline, coverage);
  ``card.to_dict()`` is its JSON form;
* :func:`tidings.tell.render.render_text` / :func:`~tidings.tell.render.render_markdown` ``(card) -> str``;
* :func:`tidings.tell.report.write_report` ``(store, path, lang="en") -> Path`` — one self-contained
  HTML file of all events and storylines;
* storylines live in :mod:`tidings.group.storylines` (``build_storylines(store)``).
"""

from tidings.tell.cards import EventCard, build_card
from tidings.tell.render import render_markdown, render_text
from tidings.tell.report import write_report

__all__ = ["EventCard", "build_card", "render_markdown", "render_text", "write_report"]
