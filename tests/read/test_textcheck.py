"""No text, or bytes that are not text, make a dead letter (``text-check``), never an article."""

from __future__ import annotations

import random

import pytest

from tidings.article import Article, RawDocument
from tidings.pipeline import StageError
from tidings.read import article_from_raw, read_pipeline

PIPELINE = read_pipeline()


def read(text: str, fmt: str = "html", encoding: str = "utf-8") -> Article:
    return PIPELINE(article_from_raw(RawDocument(uri="in", text=text, format=fmt, encoding=encoding)))


@pytest.mark.parametrize(
    "page",
    ["<html><head><title>x</title></head><body><div><img src='a.png'></div></body></html>",
     "<html><body><p>&nbsp;</p><p>12 345 -- 678</p></body></html>", "<img src='only-an-image.png'>"],
)  # fmt: skip
def test_pages_without_text_are_refused(page: str) -> None:
    with pytest.raises(StageError, match=r"^text-check: no text \(") as caught:
        read(page)
    assert caught.value.stage == "text-check"


def test_random_high_bytes_named_html_are_not_text() -> None:
    rng = random.Random(12)
    noise = bytes(rng.randrange(0x80, 0x100) for _ in range(20_000)).decode("cp1252", "replace")
    with pytest.raises(StageError, match=r"^text-check: not text \("):
        read(noise, encoding="cp1252?")


def test_real_texts_pass_even_short_or_with_a_long_token(seeds_read: dict[str, Article]) -> None:
    assert all(a.text for a in seeds_read.values())  # the seeds went through the check
    assert read("<p>Floods hit Tokyo.</p>").text == "Floods hit Tokyo."
    assert read("<p>东京发生地震</p>").text == "东京发生地震"  # a character is a word in Chinese
    long_token = "Floods hit the north of the country on Monday, officials said.\n" + "7" * 30_000
    assert read(long_token, fmt="text").text


def test_a_page_nested_100000_deep_keeps_its_text() -> None:
    body = "Floods hit the north of the country on Monday after three days of heavy rain, officials said."
    page = "<html><body>" + "<div>" * 100_000 + f"<p>{body}</p>" + "</div>" * 100_000 + "</body></html>"
    assert read(page).text == body
