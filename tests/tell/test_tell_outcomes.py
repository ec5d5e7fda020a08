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


def test_the_outcome_prefilter_never_drops_a_sentence_a_pattern_matches() -> None:
    """:data:`OUTCOME_STEMS` is a cheap look before the patterns: it must hold every word they need
    (every sentence of ECB+ dev and of the seeds, in their languages, and made-up ones in zh/ar/vi)."""
    import json

    from conftest import ECB_DEV, SEEDS

    from tidings.tell.summary import OUTCOME_PATTERNS, may_report_outcome
    from tidings.text.sentences import split_sentences

    texts = [json.loads(line)["text"] for line in ECB_DEV.read_text(encoding="utf-8").splitlines() if line.strip()]
    texts += [p.read_text(encoding="utf-8") for p in sorted(SEEDS.iterdir()) if p.is_file()]
    texts += ["双方同意恢复外交。", "الطرفان اتفقا على استئناف الحوار.", "Hai bên Nhất trí nối lại đối thoại.",
              "He PLEADED NOT GUILTY.", "They Reached A Tentative Agreement.", "The CEO Stepped Down."]
    sentences = [s.text for t in texts for s in split_sentences(t, None)]
    matched = [s for s in sentences if any(p.search(s) for p in OUTCOME_PATTERNS.values())]
    assert len(matched) > 200
    assert [s for s in matched if not may_report_outcome(s)] == []
