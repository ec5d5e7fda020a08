"""views: the read model over the store, between grouping and telling.

* :mod:`tidings.views.events` — one id rule for every kind of id (``resolve_id``), live events
  (``iter_events``), one event with its articles (``load_event`` → ``EventData``), and the one
  listing (``list_events`` → ``EventRow``);
* :mod:`tidings.views.names` — how names are shown: the alias lexicon read once, at display time.

Reading never writes to the store and never runs understanding.
"""
