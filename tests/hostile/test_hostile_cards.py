"""Cards escape what articles bring: Markdown stays inert, terminal text drives no terminal."""

from __future__ import annotations

import re

from tidings.tell.render import render_markdown, render_text
from tidings.tell.types import Actor, Coverage, CoverageItem, EventCard, Quote, SourcedText, TimelineEntry, When

HOSTILE = "Storm <script>alert(1)</script> *warning* [here](javascript:alert(2)) <img src=x onmouseover=alert(3)>"


def hostile_card() -> EventCard:
    said = SourcedText(HOSTILE + "\n# injected heading", "a1", "en", "Evil <b>Daily</b>")
    return EventCard(
        event_id="ev-1", title=said, title_lang_matches=True, summary=[said],
        who=[Actor("<i>Mallory</i>", "PERSON", 1, 1)], where=[],
        when=When("2025-02-18", evidence="<svg onload=alert(4)>"),
        quotes=[Quote(HOSTILE, "<u>someone</u>", "a1", "en", "Evil Daily")], outcomes=[said],
        timeline=[TimelineEntry("a1", "2025-02-18", True, "en", "Evil Daily", HOSTILE, "first report", adds=HOSTILE)],
        coverage=Coverage(by_lang={"en": [CoverageItem("en", "<marquee>Evil</marquee>", ("a1",), "2025-02-18")]}),
        languages=["en"], outlets=["Evil <b>Daily</b>"], article_count=1,
    )  # fmt: skip


def test_markdown_card_is_inert() -> None:
    out = render_markdown(hostile_card())
    assert "<" not in out  # no raw HTML: every "<" of an article became "&lt;"
    assert not re.search(r"(?<!\\)\]\(", out)  # no link
    assert "\n# injected" not in out  # an article cannot open a block of its own
    assert "\\*warning\\*" in out and "&lt;script&gt;" in out  # escaped, not dropped


def test_terminal_card_escapes_control_characters() -> None:
    card = hostile_card()
    card.summary = [SourcedText("Floods \x1b[2J\x1b]0;owned\x07 hit", "a1", "en", "Daily")]
    out = render_text(card)
    assert "\x1b" not in out and "\x07" not in out and "Floods \\x1b[2J" in out
