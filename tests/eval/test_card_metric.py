"""The card scorer gives the reference scorer's figures (ECB+ gold cards' card_metric.py) on a small case.

The expected figures were printed by the reference scorer on exactly these gold cards, cards and
document → event listing (its `--rows` lines are quoted in the asserts); the case holds its tricky
parts: name variants, keys inside longer names, "Mobile" not a word of "T-Mobile", a country
that scores through a city of the same card, a tie between two predicted events, an event with
no who gold, years from ``years``.
"""

from __future__ import annotations

import pytest

from tidings.eval.card_metric import key, match, norm
from tidings.eval.cards import map_gold_events, score_cards

GOLD = [
 {
  "event": "A",
  "docs": [
   "a1",
   "a2",
   "a3",
   "a4"
  ],
  "persons": [
   [
    "Tara Reid",
    22
   ],
   [
    "Reid",
    5
   ],
   [
    "Jack Ketsoyan",
    5
   ],
   [
    "Party Girl",
    1
   ]
  ],
  "orgs": [
   [
    "People",
    4
   ],
   [
    "People magazine",
    4
   ],
   [
    "Us Weekly",
    1
   ]
  ],
  "gpe": [],
  "locations": [
   [
    "Promises Treatment Center",
    9
   ],
   [
    "Malibu, California",
    1
   ]
  ],
  "year": None,
  "years": [
   [
    "2008",
    1
   ]
  ]
 },
 {
  "event": "B",
  "docs": [
   "b1",
   "b2"
  ],
  "persons": [
   [
    "Lindsay Lohan",
    35
   ],
   [
    "Mark Heller",
    5
   ]
  ],
  "orgs": [
   [
    "U.S. Geological Survey",
    3
   ],
   [
    "T-Mobile",
    1
   ]
  ],
  "gpe": [
   [
    "Alaska",
    2
   ]
  ],
  "locations": [
   [
    "Betty Ford Center in Rancho Mirage, Calif",
    4
   ],
   [
    "Newport Beach",
    3
   ]
  ],
  "year": "2013"
 },
 {
  "event": "C",
  "docs": [
   "c1",
   "c2",
   "c3",
   "c4",
   "c5"
  ],
  "persons": [
   [
    "Sarah Palin",
    9
   ]
  ],
  "orgs": [],
  "locations": [
   [
    "Wasilla, Alaska",
    3
   ]
  ],
  "years": [
   [
    "2012",
    3
   ],
   [
    "2011",
    1
   ]
  ]
 },
 {
  "event": "D",
  "docs": [
   "d1"
  ],
  "persons": [],
  "orgs": [],
  "locations": [
   [
    "Bern",
    1
   ]
  ],
  "year": "2012"
 }
]

CARDS = {
 "ev-1": {
  "event_id": "ev-1",
  "who": [
   {
    "name": "Tara Reid",
    "label": "PERSON"
   },
   {
    "name": "American Pie",
    "label": "ORG"
   },
   {
    "name": "California",
    "label": "GPE"
   },
   {
    "name": "People",
    "label": "ORG"
   },
   {
    "name": "Jack Ketsoyan",
    "label": "PERSON"
   },
   {
    "name": "Reid",
    "label": "PERSON"
   }
  ],
  "where": [
   {
    "name": "Tara",
    "kind": None
   }
  ],
  "when": {
   "start": "2008-12-09"
  }
 },
 "ev-2": {
  "event_id": "ev-2",
  "who": [
   {
    "name": "Lohan",
    "label": "PERSON"
   },
   {
    "name": "Geological Survey",
    "label": "ORG"
   },
   {
    "name": "Mobile",
    "label": "ORG"
   },
   {
    "name": "Alaska",
    "label": "ORG"
   }
  ],
  "where": [
   {
    "name": "United States",
    "kind": "country",
    "country_code": "US"
   },
   {
    "name": "Rancho Mirage",
    "kind": "city",
    "country_code": "US"
   }
  ],
  "when": {
   "start": "2013-01-02"
  }
 },
 "ev-3": {
  "event_id": "ev-3",
  "who": [],
  "where": [
   {
    "name": "Anchorage",
    "kind": "city"
   }
  ],
  "when": {
   "start": "2011-05-01"
  }
 },
 "ev-4": {
  "event_id": "ev-4",
  "who": [
   {
    "name": "Someone",
    "label": "PERSON"
   }
  ],
  "where": [],
  "when": {}
 }
}

DOC_EVENT = {
 "a1": "ev-1",
 "a2": "ev-1",
 "a3": "ev-1",
 "a4": "ev-2",
 "b1": "ev-2",
 "b2": "ev-1",
 "c1": "ev-3",
 "c2": "ev-3",
 "c3": "ev-2",
 "c4": "ev-3",
 "c5": "ev-3",
 "d1": "ev-4"
}


def test_rule_examples() -> None:
    assert norm("U.S. Geological  Survey's") == "us geological survey"
    assert key("New Orleans Saints") == "saints" and key("Betty Ford Center") == "betty ford center"
    assert key("Street") is None
    assert match("Lohan", "Lindsay Lohan") and match("Saints", "New Orleans Saints")
    assert match("Rancho Mirage", "Betty Ford Center in Rancho Mirage, Calif")
    assert not match("Trade Center", "Betty Ford Center") and not match("Mobile", "T-Mobile")


def test_mapping_ties_go_to_the_smaller_event() -> None:
    assert map_gold_events(GOLD, DOC_EVENT) == ["ev-1", "ev-2", "ev-3", "ev-4"]


def test_same_figures_as_the_reference_scorer() -> None:
    s = score_cards(GOLD, DOC_EVENT, CARDS, rows=True)
    # reference: who_precision@5=0.517 who_recall@5=0.500 who_f1@5=0.496 (events=3)
    assert (round(s.who_precision, 3), round(s.who_recall, 3), round(s.who_f1, 3)) == (0.517, 0.5, 0.496)
    assert s.counts["who_events"] == 3
    # reference: where@1=0.250 (events=4); year_accuracy=0.333 (events=3); card_score=0.360
    assert round(s.where, 3) == 0.25 and s.counts["where_events"] == 4
    assert round(s.year, 3) == 0.333 and s.counts["year_events"] == 3
    assert round(s.card_score, 3) == 0.36
    # reference rows: A "who P 0.80 R 1.00 F1 0.89", B "where 1 card='United States (country of Rancho Mirage)'"
    assert "who P 0.80 R 1.00 F1 0.89" in s.rows[0]
    assert "United States (country of Rancho Mirage)" in s.rows[1]
    assert "docs 1/2+2" in s.rows[1]


@pytest.mark.parametrize("line", ['{"docs": []}', '{"event": "x"}'])
def test_bad_gold_is_a_clear_error(tmp_path, line: str) -> None:
    from tidings.eval.cards import read_gold_cards

    path = tmp_path / "gold.jsonl"
    path.write_text(line + "\n", encoding="utf-8")
    with pytest.raises(ValueError, match="line 1"):
        read_gold_cards(path)
