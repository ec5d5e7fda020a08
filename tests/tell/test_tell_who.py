"""Who, second look: names read in the event's own words (real ECB+ sentences)."""

from __future__ import annotations

from tidings.tell.name_kinds import EventWords, is_place_name
from tidings.tell.who import _acronym_inside, _kind, _merge_variants, _Tally


def test_usage_tells_places_works_products_laws_and_common_nouns() -> None:
    words = EventWords([
        "In a village in Bener Meriah district, one man was killed. The worst-hit area was the district of Bener "
        "Meriah. Rescuers have arrived in Bener Meriah.",
        'Ketsoyan would not say what the "American Pie" star was being treated for. The "American Pie" actress.',
        "Microsoft issued a patch for a zero-day Internet Explorer vulnerability. Hackers hijack Internet Explorer "
        "browsers. A flaw in its Internet Explorer Web browser.",
        "The Endangered Species Act. Rules under the Endangered Species Act.",
        "He was on probation for a previous DUI arrest. He was arrested for DUI.",
        "Sarah Palin visited the church. Palin said. Sarah Palin was there.",
        # ECB+ 21_ecbplus, 41_ecb
        "She was hit by a grey Toyota Camry. He struck her with his gray 2013 Toyota Camry. A 2013 Toyota Camry.",
        "The UN gave the GPS co-ordinates of the school. The GPS coordinates were known.",
    ])
    assert words.usage("Bener Meriah") == "place"
    assert words.usage("American Pie") == "work"
    assert words.usage("Internet Explorer") == "product"
    assert words.usage("Endangered Species") == "law"
    assert words.usage("DUI") == "noun"
    assert words.usage("Sarah Palin") is None
    assert words.usage("Toyota Camry") == "product"
    assert words.usage("GPS") == "noun"


def test_titles_are_cut_and_cut_names_restored() -> None:
    words = EventWords([
        "City Councilman Jumaane Williams spoke. James Steele, chief of the Central Mat-Su Fire Department, said. "
        "Central Mat-Su Fire Department Chief James Steele said. The Central Mat-Su fire chief said. The Central "
        "Mat-Su Fire Department is there.",
    ])
    assert words.clean_name("City Councilman Jumaane Williams", "PERSON") == "Jumaane Williams"
    assert words.clean_name("SeaMicro CEO", "ORG") == "SeaMicro"
    assert words.cut_end("Central Mat-Su") == "Central Mat-Su Fire Department"


def test_a_strip_is_a_place_and_an_acronym_inside_a_name_is_the_same_body() -> None:
    # ECB+ 41_ecb: "the Gaza Strip" was an actor; "UN Relief and Works Agency" and "United Nations Relief
    # and Works Agency" were two
    assert is_place_name("Gaza Strip")
    assert _acronym_inside("UN Relief and Works Agency", "United Nations Relief and Works Agency")
    assert _acronym_inside("US Geological Survey", "United States Geological Survey")
    assert not _acronym_inside("UN", "United Nations")  # a lone acronym joins its expansion elsewhere
    assert not _acronym_inside("UN Security Council", "United Nations Relief and Works Agency")


def test_a_possessive_inside_a_name_and_a_chain_store_as_a_site() -> None:
    # ECB+ 41_9ecbplus "Samaritan's Purse" was "Samaritan" and "Purse"; 21_ecb "outside the Sam's Club" is where
    words = EventWords([
        "The Christian relief group Samaritan's Purse said. Samaritan's Purse runs the clinic. The BBC's James "
        "Copnall reported. The BBC said.",
        "A woman was killed outside the Sam's Club in Bloomington. A man outside the Sam's Club told him to stop. "
        "He drove to the Bloomington Sam's Club. She walked into Sam's Club.",
    ])
    assert words.possessive_name("Purse") == "Samaritan's Purse"
    assert words.possessive_name("Samaritan") == "Samaritan's Purse"
    assert words.possessive_name("James Copnall") is None and words.possessive_name("BBC") is None
    assert words.usage("Sam's Club") == "place"
    assert _kind("Bloomington Sam's Club", "ORG", words) == ""
    assert _kind("Samaritan's Purse", "ORG", words) is None
    assert _kind("Endangered Species Act", "PERSON", words) == ""  # a law
    assert _kind("New Orleans", "PERSON", words) == ""  # a town's own name (ECB+ 25_ecb: "New" was cut, then restored)


def test_a_bare_name_far_more_reported_than_its_longer_forms_stays_itself() -> None:
    # ECB+ 27: "Microsoft" (28 reports) beside one-off "Microsoft Update", "Microsoft Fix": it was left out as
    # ambiguous; a longer form a few reports use joins the bare one ("Bloomington Sam's Club" → "Sam's Club")
    def tally(name: str, label: str, reports: int) -> _Tally:
        t = _Tally(groups={f"{name}{i}" for i in range(reports)})
        t.labels[label] += 1
        t.display[name] += 1
        return t

    out = _merge_variants({"microsoft": tally("Microsoft", "PERSON", 28),
                           "microsoft update": tally("Microsoft Update", "PERSON", 1),
                           "microsoft fix": tally("Microsoft Fix", "PERSON", 1)})
    assert "microsoft" in out
    out = _merge_variants({"sam": tally("Sam's Club", "ORG", 10), "bsam": tally("Bloomington Sam's Club", "ORG", 2)})
    assert list(out) == ["sam"] and len(out["sam"].groups) == 12
