"""Entity labels and what each part of Tidings weighs them by, one table per use.

The entity stage labels every name ``PERSON``, ``ORG``, ``GPE`` (a country or city) or
``LOC`` (other places); ``FAC`` and ``NORP`` come from other sources and are weighed
where they may appear. Three parts weigh labels, each for its own question, so each
table is named for its use (they used to share the name ``LABEL_WEIGHT(S)`` with
different numbers); the values are the calibrated ones, unchanged.
"""

from __future__ import annotations

#: How much a mention of each label counts towards an entity's *salience* in its article
#: (the order of ``article.entities``): a title-introduced person mentioned twice outranks
#: a place named three times in passing. Labels not listed weigh 1.0.
SALIENCE: dict[str, float] = {"PERSON": 1.2, "ORG": 1.0, "GPE": 0.9, "LOC": 0.9}

#: How much sharing an entity of each label says about two articles reporting the *same
#: event* (the event clusterer): a person or organisation names the actors, a country is
#: shared by every other story from the region. Labels not listed weigh 0.0. Calibrated
#: with the clusterer on ECB+ dev; the same priors as :data:`THREAD_SPECIFICITY`.
EVENT_EVIDENCE: dict[str, float] = {"PERSON": 1.0, "ORG": 0.8, "FAC": 0.8, "LOC": 0.5, "GPE": 0.4}

#: Prior *specificity* of an entity for linking events into a storyline (a person or
#: organisation names a thread; a country hardly does). Entities of other labels do not
#: carry a thread; checked on the seeds and on ECB+ dev gold events.
THREAD_SPECIFICITY: dict[str, float] = {"PERSON": 1.0, "ORG": 0.8, "FAC": 0.8, "LOC": 0.5, "GPE": 0.4, "NORP": 0.3}

#: Order of a card's actors among those reported by as many articles: people, then
#: organisations, groups, countries. Labels not listed come last.
ACTOR_ORDER: dict[str, int] = {"PERSON": 0, "ORG": 1, "NORP": 2, "GPE": 3}
