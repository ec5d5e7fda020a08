"""Finding names in Chinese text without a trained NER model.

Three cues, from most to least reliable:

1. parenthetical originals — ``国务卿卢比奥(Marco Rubio)``: the Latin form is the
   canonical name; which trailing characters of the Chinese run are the name is
   decided by sound (the suffix whose phonetic key is closest to the Latin key);
2. known names — gazetteer place names and aliases the lexicon already learned,
   matched longest-first;
3. runs of transliteration characters (音译用字, derived from jieba's dictionary by
   :mod:`build_names_data`) after a title (副外长里亚布科夫) or repeated in the text.

Why not jieba's POS tags: ``posseg`` costs ~130 ms per article and splits
transliterations (卢比/奥, 布/林肯), which are exactly the names that matter here.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

from tidings.understand.names_mention import Coverage, Mention
from tidings.understand.names_phonetic import key_distance, name_key

_DATA = Path(__file__).with_name("data") / "zh_translit_chars.txt"

#: Titles and roles that introduce a person's name in Chinese news (general vocabulary).
ZH_TITLES = (
    "总统", "副总统", "国务卿", "外长", "副外长", "外交部长", "部长", "防长", "国防部长", "总理", "首相", "主席",
    "顾问", "特使", "发言人", "大使", "议员", "参议员", "众议员", "教授", "将军", "国王", "王储", "亲王", "司令",
    "秘书长", "负责人", "局长", "主任", "市长", "州长", "法官", "先生", "女士", "总裁", "执行长", "创始人", "领导人",
    "总书记", "议长", "省长", "助理", "特派员", "外相", "元帅",
)

_HAN = "\u4e00-\u9fff"
_PAREN = re.compile(rf"([{_HAN}·・‧]{{1,16}})\s*[（(]\s*([A-Z][A-Za-z.'’\- ]{{0,60}}?)\s*[)）]")


@lru_cache(maxsize=1)
def translit_chars() -> frozenset[str]:
    """Characters Chinese uses to spell foreign names (generated data file)."""
    return frozenset(line.split("\t")[0] for line in _DATA.read_text(encoding="utf-8").splitlines() if line)


@lru_cache(maxsize=1)
def _translit_run() -> re.Pattern[str]:
    chars = "".join(sorted(translit_chars()))
    return re.compile(f"[{re.escape(chars)}]{{2,8}}(?:[·・‧][{re.escape(chars)}]{{1,8}})*")


def _best_suffix(run: str, latin: str) -> str | None:
    """The trailing part of ``run`` that transliterates ``latin`` (None when none sounds like it)."""
    lk = name_key(latin).split()
    if not lk:
        return None
    targets = {"".join(lk), lk[-1]}
    tchars = translit_chars()
    best: tuple[float, int, int] | None = None
    best_s: str | None = None
    dots = [i for i, ch in enumerate(run) if ch in "·・‧"]
    # a dotted name is whole or nothing: 史蒂夫·维特科夫, never 特科夫
    longest = min(len(run), 12)
    for k in range(1, longest + 1):
        cand = run[-k:]
        if cand[0] in "·・‧" or (dots and len(run) - k > dots[-1]) or (k < len(run) and run[-k - 1] in "·・‧"):
            continue
        ck = name_key(cand).replace(" ", "")
        if not ck:
            continue
        d = min(key_distance(ck, t) / max(len(t), 1) for t in targets)
        non_translit = sum(ch not in tchars and ch not in "·・‧" for ch in cand)
        # equal sound: fewer non-transliteration characters, then the longer (乌沙科夫 over 沙科夫)
        score = (d, non_translit, -k)
        if best is None or score < best:
            best, best_s = score, cand
    # Calibrated on the seeds' 14 parentheticals: real pairs score <= 0.34 (斯科夫/Schoof).
    if best is None or best[0] > 0.4:
        return None
    return best_s


def _last_word(run: str) -> str:
    words = [w for w in _jieba().lcut(run) if w.strip()]
    return words[-1] if words else run


@lru_cache(maxsize=1)
def _jieba() -> Any:
    """jieba, initialised once and quietly (it logs its dictionary build to stderr)."""
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    return jieba


def parentheticals(text: str) -> list[Mention]:
    """``X(Latin Name)`` pairs: the Chinese span with its Latin original."""
    out = []
    for m in _PAREN.finditer(text):
        run, latin = m.group(1), m.group(2).strip()
        if len(latin) < 2:
            continue
        if latin.replace(".", "").isupper():  # an acronym: CNN, NATO — the Chinese is a translation
            surface = _last_word(run)
            label = "ORG"
        else:
            surface = _best_suffix(run, latin) or _last_word(run)
            label = ""  # decided by the resolver (gazetteer or person)
        start = m.start(1) + len(run) - len(surface)
        out.append(Mention(start, m.end(), surface, label, "parenthetical", 0.95, latin=latin))
    return out


#: First characters of each name table scanned (tables are long-lived: the gazetteer's, the lexicon's).
#: The table itself is kept in the entry so that its id cannot be reused by another object.
_FIRSTS: dict[int, tuple[Mapping[str, object], int, frozenset[str]]] = {}


def known_names(
    text: str, names: Mapping[str, object], taken: Coverage, max_len: int = 10
) -> list[tuple[int, int, str]]:
    """Longest-first matches of ``names`` (Han strings) in ``text`` outside ``taken`` spans."""
    cached = _FIRSTS.get(id(names))
    if cached is None or cached[0] is not names or cached[1] != len(names):
        cached = _FIRSTS[id(names)] = (names, len(names), frozenset(n[0] for n in names))
    firsts = cached[2]
    out = []
    i, n = 0, len(text)
    while i < n:
        if text[i] in firsts:
            for k in range(min(max_len, n - i), 1, -1):
                s = text[i:i + k]
                if s in names and taken.free(i, i + k):
                    out.append((i, i + k, s))
                    i += k - 1
                    break
        i += 1
    return out


def title_before(text: str, start: int) -> str | None:
    """The title word ending right before ``start`` (国务卿布林肯 → 国务卿)."""
    head = text[max(0, start - 6):start]
    for t in sorted(ZH_TITLES, key=len, reverse=True):
        if head.endswith(t):
            return t
    return None


def translit_runs(text: str, taken: Coverage, cued_only: bool = False) -> list[Mention]:
    """Runs of transliteration characters that look like names (after a title, or repeated).

    ``cued_only`` keeps only runs after a title or joined by a name dot; those are
    taken before gazetteer places so that 国务卿布林肯 is not read as 布 + 林肯 (Lincoln).
    """
    runs = [(m.start(), m.end(), m.group()) for m in _translit_run().finditer(text)]
    runs = [r for r in runs if taken.free(r[0], r[1])]
    counts = Counter(r[2] for r in runs)
    out = []
    for s, e, run in runs:
        cue = title_before(text, s)
        dotted = any(c in run for c in "·・‧")
        if dotted or cue or (not cued_only and len(run) >= 3 and counts[run] >= 2):
            conf = 0.75 if (dotted or cue) else 0.55
            out.append(Mention(s, e, run, "PERSON", "translit", conf, cue=cue))
    return out


@lru_cache(maxsize=1)
def dictionary_person_names() -> frozenset[str]:
    """Words jieba's dictionary tags as person names (nr, nrfg, nrt), 2–4 characters.

    Read straight from jieba's ``dict.txt`` (no segmenter initialisation). Many are
    noise on their own (the tagger's dictionary calls 明白 a name), so they are only
    trusted right after a title (国安顾问沙利文, 主席习近平).
    """
    import jieba

    names = set()
    path = Path(jieba.__file__).with_name("dict.txt")
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split(" ")
        if len(parts) >= 3 and parts[2] in ("nr", "nrfg", "nrt") and 2 <= len(parts[0]) <= 4:
            names.add(parts[0])
    return frozenset(names)


@lru_cache(maxsize=1)
def _title_pattern() -> re.Pattern[str]:
    return re.compile("|".join(sorted(map(re.escape, ZH_TITLES), key=len, reverse=True)))


def titled_dictionary_names(text: str, taken: Coverage) -> list[Mention]:
    """Dictionary person names right after a title: 白宫国安顾问沙利文 → 沙利文."""
    names = dictionary_person_names()
    out = []
    for m in _title_pattern().finditer(text):
        i = m.end()
        for k in (4, 3, 2):
            cand = text[i:i + k]
            if len(cand) == k and cand in names and taken.free(i, i + k):
                out.append(Mention(i, i + k, cand, "PERSON", "title", 0.7, cue=m.group()))
                break
    return out
