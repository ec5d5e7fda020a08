"""Foreign names in Chinese characters read back by the Xinhua conventions (the seeds' Cairo report)."""

from __future__ import annotations

from tidings.understand.names_xinhua import xinhua_latin


def test_xinhua_readings_of_the_cairo_names() -> None:
    right = {"布林肯": "Blinken", "里亚布科夫": "Ryabkov", "安东诺夫": "Antonov", "拉夫罗夫": "Lavrov",
             "乌沙科夫": "Ushakov", "佩斯科夫": "Peskov", "鲁比奥": "Rubio", "德米特里耶夫": "Dmitriev"}
    assert {han: xinhua_latin(han) for han in right} == right
    # a reading, not a certainty: English spelling is not phonetic (Milley, Sullivan, Price)
    assert (xinhua_latin("米利"), xinhua_latin("沙利文"), xinhua_latin("普莱斯")) == ("Mili", "Shaliven", "Ples")
    assert xinhua_latin("北京") is None  # not a transliteration: no reading
