"""Foreign names written in Chinese characters, read back into Latin letters by the Xinhua conventions.

Chinese writes a foreign name syllable by syllable with a fixed set of characters (the Xinhua News
Agency's transliteration tables, which the press follows): Blinken → 布林肯 (bu-lin-ken), Ryabkov →
里亚布科夫 (li-ya-bu-ke-fu), Antonov → 安东诺夫 (an-dong-nuo-fu). Pinyin reads those characters as
Chinese ("Bulinken", "Liyabukefu"); read with the values the tables give them — 布 is *b* before a
consonant, 夫 is *v* after -o-/-e-, 里 is *ri* — most names come back as the press spells them in
Latin letters: "Blinken", "Ryabkov", "Antonov".

Only a reading, never a certainty: the tables merge l/r, f/v and several vowels, and English
spellings are not phonetic ("Price" comes back "Prais"). Cards show it with the original beside it.
Written by hand because no offline package reverses the Xinhua tables; the values below are those of
the tables for the characters of foreign names (general, not tuned on any data set).
"""

from __future__ import annotations

import re

#: Each character of foreign names with its Latin value (a Xinhua syllable, as English spells names).
_TABLE = """
阿a 埃e 艾ai 爱ai 安an 昂an 奥o 巴ba 拜bai 班ban 邦bon 鲍bo 贝be 本ben 比bi 彼pe 别be 宾bin
波bo 伯ber 博bo 布bu 查cha 达da 戴dai 丹dan 道do 德de 登den 邓den 迪di 蒂ti 丁din 东ton
杜du 多do 厄e 恩en 尔er 法fa 凡van 范van 菲fi 费fe 芬fin 丰fon 佛fo 弗fu 福fo 夫fu 盖gai
甘gan 冈gan 戈go 格ge 根gen 古gu 哈ha 海hai 汉han 豪ho 赫he 亨hen 胡hu 华wa 霍ho 吉gi 基ki
加ga 贾ja 杰je 金kin 卡ka 凯kai 坎kan 康kon 柯ko 科ko 克ke 肯ken 库ku 奎kwi 拉la 莱le 兰lan
朗ran 劳lo 勒le 雷re 蕾re 里ri 利li 莉li 丽li 连lian 列le 林lin 琳lin 隆lon 卢lu 鲁ru 路lu
伦ren 罗ro 洛lo 马ma 玛ma 迈mai 麦mac 曼man 梅me 门men 蒙mon 米mi 密mi 明min 莫mo 默mer
姆mu 穆mu 纳na 娜na 内ne 尼ni 涅ne 宁nin 纽nu 努nu 诺no 欧o 帕pa 潘pan 庞pon 佩pe 彭pen 皮pi
珀per 普pu 奇chi 齐chi 乔jo 切che 琼jon 丘chu 萨sa 塞se 赛sai 桑san 瑟ser 森sen 沙sha
莎sha 舍she 谢she 什shi 圣san 施shi 史shi 舒shu 斯si 苏su 索so 塔ta 泰tai 坦tan 汤tan
唐tan 特te 提ti 廷tin 图tu 托to 瓦va 万van 威wi 韦we 维vi 温wen 文ven 翁won 沃wo 乌u 伍wu
西si 希hi 夏sha 辛sin 休hu 雅ya 亚ya 扬yan 耶ye 伊i 因in 尤yu 于yu 约yo 泽ze 扎za 詹jan 兹zi
茨tsi 朱ju 卓jo 佐zo 京kin 龙lon 乾chan 肖sho
"""
_VALUES: dict[str, str] = {item[0]: item[1:] for item in _TABLE.split()}

#: Characters that stand for a bare consonant before another consonant or at a name's end: 布 b, 斯 s …
_BARE = {"布": "b", "普": "p", "德": "d", "特": "t", "克": "k", "格": "g", "夫": "f", "弗": "f", "斯": "s",
         "兹": "z", "茨": "ts", "尔": "r", "姆": "m", "赫": "h", "勒": "l", "什": "sh"}
_VOWEL = re.compile(r"^[aeiouy]")
_SEPARATORS = re.compile(r"[·・•‧.\s-]+")


def xinhua_word(word: str) -> str | None:
    """One transliterated word ("布林肯") in Latin letters ("Blinken"); None when a character is not a name's."""
    if not word or any(ch not in _VALUES for ch in word):
        return None
    parts: list[str] = []
    for i, ch in enumerate(word):
        value = _VALUES[ch]
        nxt = _VALUES[word[i + 1]] if i + 1 < len(word) else ""
        if ch in _BARE and (not nxt or not _VOWEL.match(nxt)):
            value = _BARE[ch]
            if ch == "夫" and ((nxt and nxt[0] in "rl") or (not nxt and parts and parts[-1][-1:] in "oe")):
                value = "v"  # -ov, -ev at the end (Ryabkov), v before r (Lavrov)
        elif ch == "夫" and nxt and _VOWEL.match(nxt):
            value = "v"  # Vladimir-like: 夫 before a vowel is mostly v in Russian names
        parts.append(value)
    out = ""
    for part in parts:
        if out and part and out[-1] == part[0] and part[0] not in "aeiou":
            part = part[1:]  # an-ton-no-v → Antonov: one consonant ends a syllable and starts the next
        if out.endswith("i") and part.startswith("ya"):
            out = out[:-1]  # ri-ya → rya
        elif out.endswith("i") and part.startswith("ye"):
            part = part[1:]  # ri-ye-v → riev (Dmitriev)
        out += part
    return out[:1].upper() + out[1:] if out else None


def xinhua_latin(name: str) -> str | None:
    """A name in Chinese characters ("米哈伊尔·乌里扬诺夫") read back into Latin letters, word by word, or None."""
    words = [w for w in _SEPARATORS.split(name) if w]
    read = [xinhua_word(w) for w in words]
    if not read or any(r is None for r in read):
        return None
    return " ".join(r for r in read if r)
