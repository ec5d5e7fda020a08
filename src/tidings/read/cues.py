"""The multilingual cue lexicon and line patterns the text cleaner judges lines by.

Kept apart from :mod:`tidings.read.boilerplate` (the algorithm) so the word lists
can be read and extended on their own. Every entry is a generic word or pattern
of its language — never a site's name or a seed's string.
"""

from __future__ import annotations

import re

from tidings.text.scripts import CJK_CHAR, CJK_CLASS

# --------------------------------------------------------------------------- lexicon
# Small, documented multilingual cue lists (en, zh, vi, ar, ru, ko, fr, es, de, pt, it),
# lower-case literals. Most cues only act on *short* lines (``TextCleanOptions.cue_max_units``):
# the word "related" in a body sentence never triggers anything.

CUE_WORDS: dict[str, tuple[str, ...]] = {
    # headings that open a list of other articles
    "related": (
        "related", "related articles", "related stories", "read more", "read also", "more from", "more stories",
        "see also", "also read", "you may also like", "you might also like", "recommended", "most popular",
        "most read", "trending", "top stories", "latest news", "more news", "editor's picks", "editors' picks",
        "相关阅读", "相关文章", "相关新闻", "相關閱讀", "延伸阅读", "推荐阅读", "热门", "排行榜", "更多>>",
        "tin cùng chuyên mục", "tin liên quan", "tin khác", "xem thêm", "đọc thêm",
        "متعلق ب", "اقرأ أيضا", "اقرأ أيضاً", "مواضيع ذات صلة", "أخبار ذات صلة", "الأكثر قراءة",
        "читайте также", "похожие", "по теме", "популярное",
        "관련기사", "관련 기사", "많이 본",
        "à lire aussi", "lire aussi", "voir aussi", "noticias relacionadas", "leer más", "lesen sie auch",
        "mehr zum thema", "leia também", "leggi anche", "related posts", "related content", "related coverage",
        "more like this", "you may like", "don't miss", "recommended for you", "trending now", "most viewed",
        "most shared", "more in", "also on",
        "explore further", "read next", "up next", "next article", "previous article", "next post",
        "previous post",
        "artigos relacionados", "posts relacionados", "notícias relacionadas", "artículos relacionados",
        "articles similaires", "articoli correlati", "ähnliche artikel", "weitere artikel", "больше новостей",
    ),
    # share / follow / subscribe prompts and social networks
    "share": (
        "share", "share this", "follow us", "join us", "subscribe", "sign up", "newsletter", "download the app",
        "facebook", "twitter", "telegram", "whatsapp", "instagram", "tiktok", "youtube", "linkedin", "pinterest",
        "google news", "扫码", "关注", "分享", "订阅", "公众号", "微信", "微博",
        "chia sẻ", "theo dõi", "تابعونا", "تابعنا", "شارك", "اشترك", "поделиться", "подписывайтесь", "공유", "구독",
    ),
    # copyright / legal lines
    "copyright": (
        "©", "copyright", "all rights reserved", "版权所有", "版权", "bản quyền", "جميع الحقوق", "حقوق النشر",
        "все права",
    ),
    # notes on where the text came from (the provenance stage reads them)
    "source": (
        "contributed to this report", "contributed to this story", "contributed reporting", "ساهم", "ساهمت",
        "first published", "originally published", "نشر الخبر", "首发于", "原文", "translated", "مترجم", "翻译",
        "bản dịch",
    ),
    # disclaimers of the hosting site
    "disclaimer": (
        "does not necessarily reflect", "do not necessarily reflect", "does not reflect", "views expressed",
        "不代表", "不构成", "لا تتبنى", "لا تعبر", "không chịu trách nhiệm", "не несет ответственности",
    ),
    # photo captions and credits
    "caption": (
        "资料图", "截图", "图片来源", "(ảnh:", "(ảnh minh họa", "(photo:", "(图:", "（图:", "(фото:",
        "getty images", "ap photo", "afp photo", "reuters photo", "shutterstock",
    ),
    # short interface strings that are never article text
    "ui": (
        "advertisement", "sponsored", "continue reading", "supported by", "skip to", "log in", "login",
        "sign in", "back to top", "print", "email", "advert", "广告", "登录", "注册", "返回",
        "quảng cáo", "إعلان", "реклама", "광고",
    ),
    # the start of a comment section
    "comments": (
        "comments", "comment", "view comments", "leave a reply", "leave a comment", "add a comment", "responses to",
        "replies", "reply", "post a comment", "join the discussion", "join the conversation", "评论", "留言",
        "bình luận", "ý kiến bạn đọc", "تعليقات", "التعليقات", "комментарии", "댓글", "cancel reply",
        "deixe uma resposta", "deixe um comentário", "comentários", "comentarios", "deja un comentario",
        "laisser un commentaire", "commentaires", "kommentare", "commenti", "lascia un commento",
    ),
    # the author box that follows an article
    "author": (
        "about the author", "about the writer", "sobre o autor", "sobre el autor", "à propos de l'auteur",
        "über den autor", "об авторе", "关于作者", "作者简介", "l'autore",
    ),
    # cookie and consent banners (may be long sentences)
    "cookies": ("cookies", "cookie policy", "cookie settings", "we use cookies", "use of cookies"),
}

#: Cues that only count at the start of a line: "Source: X", "Theo X", "来源 X", "Photo: X".
_ANCHORED = re.compile(
    r"^(?:(?P<source>(?:source|sources|nguồn|来源|來源|出处|稿源|источник|출처|fuente|quelle|fonte)\s*[:|：｜]"
    r"|(?:theo|via)\s+\S|来源|مصدر)"
    r"|(?P<caption>(?:photo|image|picture|credit|caption|foto|фото|사진|ảnh|صورة|图|圖)\s*[:：|]))"
    r"|(?P<caption2>[(（](?:photo|ảnh|图|圖|фото|صورة)\s*[:：])",
    re.IGNORECASE,
)


def trie_pattern(words: list[str]) -> str:
    """A regex matching any of ``words``, shaped as a trie.

    Python's ``re`` tries every alternative at every position; a trie-shaped
    pattern tries one branch per character, which made cue matching ~15x faster
    on noisy.jsonl (the read stage must do hundreds of articles a second).
    """
    root: dict[str, dict] = {}
    for w in words:
        node = root
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict[str, dict]) -> str:
        alts = [re.escape(ch) + emit(sub) for ch, sub in sorted(node.items()) if ch]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        return f"(?:{body})?" if "" in node else body

    return emit(root)


_CUE_KIND = {w: kind for kind, words in CUE_WORDS.items() for w in words}
_spaced = [w for w in _CUE_KIND if re.fullmatch(r"\w.*\w", w) and not CJK_CHAR.search(w)]
_unspaced = [w for w in _CUE_KIND if w not in set(_spaced)]
#: Words of spaced scripts must match whole words; CJK cues and © match anywhere.
_CUES = re.compile(rf"(?<!\w)(?:{trie_pattern(_spaced)})(?!\w)|{trie_pattern(_unspaced)}")


def cue_kinds(text: str) -> tuple[frozenset[str], int]:
    """Which cue kinds occur in ``text`` (``source-start``: a "Source:"/"Theo X" opening), and where
    the first literal source cue starts (-1 if none)."""
    low = text.lower()
    kinds: set[str] = set()
    source_at = -1
    m = _ANCHORED.match(low)
    if m:
        kinds.add({"caption2": "caption", "source": "source-start"}.get(m.lastgroup or "", m.lastgroup or ""))
    n_share = 0
    for m in _CUES.finditer(low):
        kind = _CUE_KIND.get(m.group(), "")
        kinds.add(kind)
        n_share += kind == "share"
        if kind == "source" and source_at < 0:
            source_at = m.start()
    if n_share >= 2:  # "Follow us on Facebook, Twitter and Instagram." is a share prompt at any length
        kinds.add("share-many")
    return frozenset(kinds), source_at


# --------------------------------------------------------------------------- layout cues
WORD = re.compile(r"\w+")
#: A line that ends like a sentence (optionally followed by closing quotes/brackets).
SENT_END = re.compile(r"[.!?。！？؟…:;：；]['\"”’»)）\]」』]*\s*$")
#: Sentence terminals followed by more text.
TERMINAL = re.compile(r"[.!?。！？؟](?:\s|$)|[。！？]")
#: Photo credits, which mark a caption even when it reads like a sentence ("… (AP Photo/J. Doe)").
CREDIT = re.compile(
    r"\((?:ap |afp |reuters |epa )?(?:photo|foto|ảnh|фото)\b|\bphoto(?:graph)?\s*(?:by\b|:)|\bcredits?\s*(?::|\.\.\.|…)"
    r"|\bimage\s*(?:source|credit|via)?\s*:|\bimage (?:via|copyright|caption)\b|\[\+\]|\bgetty images\b"
    r"|\bshutterstock\b|©\s*reuters"
    r"|/\s*(?:ap|afp|reuters|getty|epa)\)|图片来源|资料图",
    re.IGNORECASE,
)
#: A gallery counter ("Image 2 of 5", "1 / 23"); the line after it is a caption.
GALLERY = re.compile(
    r"^(?:image|photo|picture|slide|foto|ảnh|图)?\s*\d+\s*(?:of|/|из|de|di|von)\s*\d+$", re.IGNORECASE
)
#: Numbered or bulleted list items ("1. ", "- ", "• ", "► ").
LIST_ITEM = re.compile(r"^\s*(?:\d{1,3}[.)、]\s|[-–—•·▪►*»]\s?)")
#: A date or time stamp at the end of a line, typical of related-article lists.
TRAILING_DATE = re.compile(
    r"(?:\d{1,4}[./-]\d{1,2}[./-]\d{2,4}|\d{1,2}:\d{2}(?:\s*[AP]M)?|\d{4}年\d{1,2}月\d{1,2}日)\s*(?:[|·]\s*)?"
    r"(?:\d{1,2}:\d{2}(?:\s*[AP]M)?)?\s*\)?$",
    re.IGNORECASE,
)
#: A date, a clock time or a relative time ("3 hours ago"). Every branch starts with a digit
#: (or منذ) so that the engine skips other positions fast: this runs on most short lines.
#: ``(?<!\d)``: a match may only start where a run of digits starts; without it every digit of a
#: long run started a fresh ``\d+`` that ran to the end of the run (quadratic: a 30,000-digit
#: line took 92 s). Any match that started inside a run also matches from the run's start.
DATE_ANY = re.compile(
    r"(?<!\d)\d+(?:[./-]\d{1,2}[./-]\d{2,4}|年\d{1,2}月|:\d{2}|\s*(?:h|hrs?|hours?|m|mins?|minutes?|d|days?|weeks?)\s+ago\b"
    r"|\s*(?:小时|分钟|天)前|\s*(?:giờ|phút|ngày) trước|\s*(?:час|минут|дн)\w*\s+назад)|منذ\s+\d+",
    re.IGNORECASE,
)
#: An author box sentence: "Jane Doe is a reporter for …" (English and a few common forms).
AUTHOR_BIO = re.compile(
    r"^(?:[A-Z][\w.'’-]+\s){1,3}(?:\([^)]*\)\s)?(?:is|was)\s(?:a|an|the)\s[^.]{0,80}?"
    r"\b(?:writer|reporter|editor|journalist|author|correspondent|columnist|contributor|producer|blogger|educator)\b"
)
BYLINE = re.compile(
    r"^(?:by|par|por|von|di|文|作者|记者|撰文|编辑|責任編輯|责任编辑|بقلم|автор|기자)\b|^►|^(?:by|文)\s|\b(?:writer|reporter|correspondent|editor)\b",
    re.IGNORECASE,
)


#: One token per CJK character or per run of other word characters.
_UNIT_TOKEN = re.compile(f"([{CJK_CLASS}])|[^\\W{CJK_CLASS}]+")


def word_units(line: str, cjk_weight: float) -> float:
    """Length in word units: words of spaced scripts count 1, a CJK character ``cjk_weight``."""
    if not CJK_CHAR.search(line):
        return float(len(WORD.findall(line)))
    toks = _UNIT_TOKEN.findall(line)  # the group is "" for a non-CJK token
    n_cjk = len(toks) - toks.count("")
    return (len(toks) - n_cjk) + cjk_weight * n_cjk


#: Substrings one of which every ``CREDIT`` match contains: a cheap test before the regex.
_CREDIT_HINTS = ("photo", "foto", "ảnh", "фото", "credit", "image", "[+]", "getty", "shutterstock", "reuters",
                 "ap)", "afp)", "epa)", "图片来源", "资料图")


_CREDIT_HINT = re.compile(trie_pattern(list(_CREDIT_HINTS)))


def has_credit(t: str) -> bool:
    return bool(_CREDIT_HINT.search(t.lower())) and bool(CREDIT.search(t))
