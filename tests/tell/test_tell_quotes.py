"""English quotes are given to the speaker their sentence names, never to any name it holds (ECB+ sentences)."""

from __future__ import annotations

from tidings.tell.quotes import english_quotes

PEOPLE = {"Jack Ketsoyan": "Jack Ketsoyan", "Ketsoyan": "Jack Ketsoyan", "Tara Reid": "Tara Reid",
          "Reid": "Tara Reid", "James Bodiford": "James Bodiford", "Bodiford": "James Bodiford"}


def _speakers(text: str) -> list[str | None]:
    return [speaker for _q, speaker, _p, _c in english_quotes(text, PEOPLE)]


def test_the_named_speaker_not_any_name_of_the_sentence() -> None:
    text = ('"We appreciate your respect to her and her family\'s privacy," the 33-year-old actress\'s rep Jack '
            'Ketsoyan told the magazine.\n'
            '"Tara Reid has checked herself into Promises Treatment Center," Reid\'s rep told Us.\n'
            '"Her friends and family are supportive of her decision," a friend of the actress said.\n'
            '"I thought maybe Supermax might be a good place for Mr. Nichols," Bodiford said.\n'
            '"We\'ve learned a lot from this horrible tragedy," he said.\n'
            'Steven Moffat, lead writer and executive producer of Doctor Who, said: "It\'s an incendiary '
            'combination of talents."\n'
            '"The moment he hit that gas, I went, that woman just died," said WCCO TV Managing Editor Angela Benson.')
    assert _speakers(text) == ["Jack Ketsoyan", None, None, "James Bodiford", "James Bodiford", "Steven Moffat",
                               "Angela Benson"]
