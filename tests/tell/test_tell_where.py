"""Where, read in context: a place name used for something else is not where it happened (real ECB+ sentences)."""

from __future__ import annotations

from tidings.article import Article, Block
from tidings.tell.where import _header_datelines, _regions, other_use


def test_a_town_named_for_its_team_is_not_where() -> None:
    text = ("Tyler Hansbrough scored 20 points in the top-ranked Tar Heels' 91-73 victory against Evansville on "
            "Thursday night.\nThe Tar Heels beat visiting Evansville, 91-73.\nShy Ely scored 23 points to lead "
            "Evansville.\nThe No. 1 Tar Heels remain unbeaten with a 91-73 victory over Evansville in "
            "Chapel Hill, N.C.")
    assert other_use(text, "Evansville") == "team"
    assert other_use(text, "Chapel Hill") is None
    # ECB+ 25_ecbplus: the Saints' roster move before their playoff game at Seattle
    text = ("Pierre Thomas was placed on injured reserve by the New Orleans Saints on Wednesday. New Orleans plays "
            "at Seattle on Saturday. He broke his fibula in New Orleans’ loss to Atlanta. New Orleans replaced "
            "him by signing Joique Bell. The New Orleans Saints have placed their rookie on the list.")
    assert other_use(text, "New Orleans") == "team"
    assert other_use(text, "Seattle") is None


def test_a_birthplace_and_a_government_are_not_where() -> None:
    assert other_use("The 55 - year - old Glasgow - born star will be the 12th Doctor.", "Glasgow") == "origin"
    text = ("Khartoum denies.\nTaban Deng accused Khartoum of carrying out the attack.\n"
            "There was no immediate comment from the Sudanese government in Khartoum on Thursday.")
    assert other_use(text, "Khartoum", capital=True) == "government"
    assert other_use(text, "Khartoum", capital=False) is None  # only a capital stands for its government
    assert other_use("First implemented by President Reagan and called the “ Mexico City ” rule",
                     "Mexico City") == "quoted"


def test_a_header_dateline_and_a_region_with_its_country_are_places() -> None:
    article = Article("a", "u", "", blocks=[Block("Scientific Consultations Restored", "header"),
                                            Block("WASHINGTON, DC, April 28, 2009", "header"),
                                            Block("PUBLISHED FRIDAY, MARCH 8, 2013", "header")])
    assert [(town, p.name_en, p.country_code) for town, p in _header_datelines(article)] == [
        ("Washington", "Washington", "US")]
    regions = _regions("A refugee camp was the target of an air strike in South Sudan's Unity state on Thursday.")
    assert [(name, p.country_code, p.kind) for name, p in regions] == [("Unity state", "SS", "region")]
