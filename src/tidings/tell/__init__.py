"""tell: turn events into what a user reads.

Public API (what the CLI and notebooks call):

* :func:`tidings.tell.cards.build_card` ``(store, event_id, lang=DISPLAY_LANG) -> EventCard`` — the card
  of one event (title, extractive summary, who/where/when, quotes, outcomes, timeline, coverage);
  ``card.to_dict()`` is its JSON form; the card types are in :mod:`tidings.tell.types`;
* :func:`tidings.tell.cards.headline` — a card's title, date and place alone, the chooser
  :func:`tidings.views.events.list_events` takes for its rows;
* :func:`tidings.tell.render.render_text` / :func:`~tidings.tell.render.render_markdown` ``(card) -> str``;
* :func:`tidings.tell.report.write_report` ``(store, path, lang=DISPLAY_LANG) -> Path`` — one
  self-contained HTML file of all events and storylines;
* :mod:`tidings.tell.threads` — storylines: ``load_storylines`` / ``get_storyline`` (read),
  ``build_storylines`` (compute, no write), ``rebuild_storylines`` (compute and save).

The package imports none of its modules here: importing one part (or the sentence splitter,
which the read model uses) must not load every card module.
"""
