"""Outcomes: verdicts, charges, agreements and decisions, not conditions, background or lists (ECB+ sentences)."""

from __future__ import annotations

from tidings.article import Article, Block, Event, Field
from tidings.tell.summary import find_outcomes
from tidings.views.events import EventData


def test_verdicts_charges_and_decisions_are_found_conditions_and_background_are_not() -> None:
    text = "\n".join([
        "Andrew Lopez was found guilty of second-degree murder in the death of Zurana Horton.",
        "Timmons faces a maximum sentence of 15 years to life in prison if convicted.",
        "A driver has been charged with DWI and criminally negligent homicide.",
        "He was serving a life sentence after being convicted in June 1998 of aggravated sexual assault.",
        "The Philadelphia 76ers fired coach Maurice Cheeks on Saturday.",
        "The NFL's collective bargaining agreement gives the league authority to punish players.",
    ])
    article = Article("a1", "u", text, blocks=[Block(p) for p in text.split("\n")], lang=Field("en", "t", 1.0))
    found = find_outcomes(EventData(Event("e", ["a1"], "t", "t"), [article]), limit=6)
    assert [(o.kind, o.text.split()[0]) for o in found] == [("verdict", "Andrew"), ("charge", "A"),
                                                           ("decision", "The")]
