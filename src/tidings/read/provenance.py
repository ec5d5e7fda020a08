"""The ``provenance`` stage: who published this copy, and where its content came from.

Re-published news is the norm in the data Tidings reads: a Chinese aggregator
runs an Epoch Times story ("来源: 大纪元"), a provincial Vietnamese site relays
Nhân Dân ("Theo Nhân Dân"), an Arabic site machine-translates Defense News
("نشر الخبر اول مرة على موقع … تم نشر الخبر مترجم عبر خدمة غوغل"). Those credit
lines are short, formulaic and few per language, so a small cue lexicon
(:data:`CUES`, below) reads them better than any model could: there is no
labelled data for it, and a wrong guess here would merge or split events later.

Outlet (the site that published *this* copy), best first: declared
``meta["source"]``, the URL's registered domain, the HTML ``sitename``, a domain
written in a header line ("· chineseheadlinenews.com ·"), a domain in the
copyright line ("©2024 redian.news").

Cues are read from header, footer, caption and the last body paragraphs (credit
lines the cleaner left in the body); from boilerplate only the *strong* patterns
(a cue word followed by a name), because a cleaner may file a credit line as
boilerplate, while lists there name other articles.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from tidings.article import Article, Block, Field, ProvenanceLink
from tidings.text.dates import find_dates

#: A domain name as written in text ("www.defensenews.com", "redian.news").
DOMAIN = re.compile(
    r"(?i)(?<![@\w.-])(?:https?://)?(?:www\.)?((?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,12})(?![\w-])"
)

#: News agencies and big outlets under their names in our languages → one canonical name,
#: so that "AP", "أسوشيتد برس" and "美联社" are one contributor.
AGENCIES: dict[str, str] = {}
for _canon, _names in {
    "Associated Press": (
        "associated press",
        "the associated press",
        "ap",
        "أسوشيتد برس",
        "أسوشيتيد برس",
        "اسوشيتد برس",
        "الأسوشيتد برس",
        "أسوشييتد برس",
        "美联社",
        "美聯社",
        "ассошиэйтед пресс",
        "hãng ap",
    ),
    "Reuters": ("reuters", "رويترز", "路透社", "路透", "рейтер", "рейтерс", "reuters news"),
    "AFP": ("afp", "agence france-presse", "agence france presse", "فرانس برس", "فرانس برس", "法新社", "франс пресс"),
    "Xinhua": ("xinhua", "新华社", "新華社", "شينخوا", "синьхуа", "tân hoa xã"),
    "TASS": ("tass", "塔斯社", "تاس", "тасс"),
    "RIA Novosti": ("ria novosti", "俄新社", "ريا نوفوستي", "риа новости"),
    "Google Translate": (
        "google translate",
        "google",
        "غوغل",
        "جوجل",
        "谷歌翻译",
        "谷歌",
        "google dịch",
        "google traduction",
        "google übersetzer",
    ),
    "DeepL": ("deepl",),
}.items():
    for _n in _names:
        AGENCIES[_n.casefold()] = _canon

#: Longest line read for prose-prone cues; AP/Reuters credit lines in the extraction dev
#: pages are 40–160 characters.
_CREDIT_LINE_CHARS = 240

_NAME = r"(?P<name>[^\n|｜:：·•,，;；。()（）\[\]]{1,40}?)"
_END = r"\s*(?:$|[|｜·•,，;；。\n(（])"


@dataclass(frozen=True)
class Cue:
    """One credit-line pattern: relation it gives, regex with a ``name`` group (or a fixed name), confidence.

    ``strong`` cues are specific enough to be trusted even in a boilerplate block.
    """

    relation: str
    pattern: re.Pattern[str]
    confidence: float
    strong: bool = True
    fixed_name: str | None = None
    #: Lower-case substrings one of which must occur for the regex to be tried: a substring
    #: test is ~50x cheaper than a regex scan, and almost no block holds a credit line.
    needles: tuple[str, ...] = ()
    #: Cues whose words also occur in prose ("the virus first appeared in …") are read
    #: only from lines at most this long: credit lines are short.
    max_chars: int | None = None


def _c(
    needles: tuple[str, ...],
    relation: str,
    pattern: str,
    confidence: float,
    strong: bool = True,
    fixed_name: str | None = None,
    max_chars: int | None = None,
) -> Cue:
    flags = re.IGNORECASE | re.MULTILINE
    return Cue(relation, re.compile(pattern, flags), confidence, strong, fixed_name, needles, max_chars)


#: The cue lexicon, written from the seeds' credit lines and the common equivalents in
#: the languages we read (en/zh/vi/ar/ru/fr/de/es). Order matters only for readability.
CUES: tuple[Cue, ...] = (
    # source — "来源: 大纪元", "来源|观察者网", "Source: Reuters", "Nguồn: VnExpress", "المصدر: الجزيرة".
    _c(
        ("来源", "來源", "稿源", "出处", "出處"),
        "source",
        r"(?:来源|來源|稿源|出处|出處|消息来源)\s*[:：|｜]\s*" + _NAME + _END,
        0.9,
    ),
    _c(
        ("source", "nguồn", "المصدر", "مصدر", "источник", "quelle", "fuente", "fonte"),
        "source",
        r"(?:^|[·•|｜]\s*)\s*(?:source|nguồn|المصدر|مصدر الخبر|источник|quelle|fuente|fonte)\s*[:：|]\s*"
        + _NAME
        + _END,
        0.85,
    ),
    # via — "Theo Nhân Dân" alone on a line, "via Reuters", "نقلا عن الجزيرة", "по материалам ТАСС".
    _c(
        ("theo", "via", "نقلا", "по материалам", "d'après", "según", "laut"),
        "via",
        r"^\s*(?:theo|via|نقلا عن|نقلاً عن|по материалам|d'après|según|laut)\s+" + _NAME + r"\s*\.?\s*$",
        0.8,
        strong=False,
    ),
    # via, at the end of a paragraph: "… (Theo Reuters)", "(Nguồn: TTXVN)", "(via AFP)".
    _c(
        ("theo", "nguồn", "via", "source"),
        "via",
        r"\((?:theo|nguồn|via|source)\s*[:：]?\s*(?P<name>[^()\n:：]{2,40}?)\s*\)\s*\.?\s*$",
        0.75,
        strong=False,
    ),
    # via — Chinese repost notes: "本文转自：新华网", "转载自人民网".
    _c(
        ("转载", "转自", "轉載", "轉自"),
        "via",
        r"(?:转载自|转自|轉載自|轉自)\s*[:：]?\s*" + _NAME + _END,
        0.8,
    ),
    # source — "Republished with permission from X", "Reprinted from X".
    _c(
        ("republished", "reprinted"),
        "source",
        r"(?:republished|reprinted)\s+(?:with\s+permission\s+)?(?:from|by)\s+"
        r"(?P<name>[^\n|,;()]{2,60}?)(?:\s*[,;(]|\.(?:\s|$)|\s*$)",
        0.85,
        max_chars=_CREDIT_LINE_CHARS,
    ),
    # first-published — "نشر الخبر اول مرة على موقع :www.defensenews.com", "Originally published on X".
    _c(
        ("مرة",),
        "first-published",
        r"نشر\s+(?:هذا\s+)?(?:الخبر|المقال|التقرير)?\s*(?:لأول|لاول|أول|اول)\s+مرة\s+(?:على|في)\s+"
        r"(?:موقع|صحيفة)?\s*[:：]?\s*(?P<name>[^\s|]{2,60})",
        0.9,
    ),
    _c(
        ("published", "appeared"),
        "first-published",
        r"(?:originally|first)\s+(?:published|appeared)\s+(?:on|in|at|by)\s+(?:the\s+)?"
        r"(?P<name>[^\n|,;()]{2,60}?)(?:\s+on\s+|\s*[,;(]|\.(?:\s|$)|\s*$)",
        0.9,
        max_chars=_CREDIT_LINE_CHARS,
    ),
    _c(
        ("首发", "首發", "原载", "原載", "最初发表", "最初發表"),
        "first-published",
        r"(?:本文)?(?:首发于|首發於|原载于|原載於|最初发表于|最初發表於)\s*[:：]?\s*" + _NAME + _END,
        0.85,
    ),
    _c(
        ("publié",),
        "first-published",
        r"publié\s+(?:initialement|pour\s+la\s+première\s+fois)\s+(?:sur|dans|par)\s+" + _NAME + _END,
        0.85,
    ),
    # contributor — agencies that contributed reporting.
    _c(
        ("ساهم",),
        "contributor",
        r"(?:ساهمت|ساهم)\s+(?:وكالة\s+)?(?P<name>[^\n.،]{2,40}?)\s+في\s+(?:هذا\s+)?(?:التقرير|إعداد)",
        0.9,
    ),
    _c(
        ("ساهم",),
        "contributor",
        r"(?:ساهم|ساهمت)\s+(?:مؤلفو|مراسلو|كتاب|صحفيو)\s+(?:وكالة\s+)?(?P<name>أسوشيتد برس|أسوشيتيد برس|"
        r"رويترز|فرانس برس|[^\s]+\s+[^\s]+)",
        0.85,
    ),
    _c(
        ("contributed",),
        "contributor",
        r"(?:the\s+)?(?P<name>[A-Z][\w&.' -]{1,40}?)\s+contributed\s+(?:to\s+this\s+report|reporting)",
        0.9,
        max_chars=_CREDIT_LINE_CHARS,
    ),
    _c(
        ("(reuters)", "(ap)", "(afp)", "(xinhua)", "(bloomberg)", "(dpa)", "(ansa)", "(efe)"),
        "contributor",
        r"^[^\n(]{0,60}\((?P<name>reuters|ap|afp|xinhua|bloomberg|dpa|ansa|efe)\)\s*[-—–]",
        0.9,
    ),
    _c(
        ("据",),
        "contributor",
        r"(?:^|[。，,；;！？\s])据(?P<name>[^\s,，。、的]{2,12}?)(?:\d{1,2}月\d{1,2}日)?(?:报道|報導)",
        0.7,
        strong=False,
    ),
    _c(
        ("dpa/", "afp/", "reuters/", "ap/"),
        "contributor",
        r"(?:dpa|afp|reuters|ap)/(?P<name>dpa|afp|reuters|ap)\b",
        0.6,
        strong=False,
    ),
    # translated — machine-translation notes; the name is the service when one is named.
    _c(
        ("ترجم",),
        "translated",
        r"(?:مترجم|مترجمة|ترجمة|ترجمت)\s+(?:آليا\s+)?(?:عبر|بواسطة|من خلال)\s+(?:خدمة\s+)?(?P<name>[^\s.،]+)",
        0.9,
    ),
    _c(
        ("translat",),
        "translated",
        r"(?:translated|translation)\s+(?:automatically\s+)?(?:by|with|using|via)\s+(?P<name>google translate|"
        r"google|deepl|bing translator|microsoft translator|yandex)",
        0.9,
    ),
    _c(
        ("machine", "automatically translated"),
        "translated",
        r"(?:machine[- ]translated|automatically translated|machine translation)",
        0.85,
        fixed_name="machine translation",
    ),
    _c(
        ("机器翻译", "機器翻譯", "机翻", "機翻"),
        "translated",
        r"(?:机器翻译|機器翻譯|机翻|機翻)",
        0.85,
        fixed_name="machine translation",
    ),
    _c(
        ("traduit", "traduction", "maschinell", "traducción", "traducido", "машинный", "dịch máy"),
        "translated",
        r"(?:traduit\s+automatiquement|traduction\s+automatique|maschinell\s+übersetzt|"
        r"traducción\s+automática|traducido\s+automáticamente|машинный\s+перевод|dịch\s+máy)",
        0.85,
        fixed_name="machine translation",
    ),
)

_ROLES_READ = ("header", "footer", "caption")
#: Credit lines the cleaner left in the body are in its last few paragraphs (AP's
#: "contributed to this report"), and the agency dateline in its first.
_BODY_HEAD = 2
_BODY_TAIL = 3
#: Misfiled credit lines sit next to the body: a few blocks before it, or among the
#: share buttons right after it (the seeds: 9 blocks after). Menus and link lists further
#: away are not read at all, which also keeps the stage cheap on pages with hundreds of them.
_BOILERPLATE_BEFORE = 5
_BOILERPLATE_AFTER = 15
_BOILERPLATE_MAX_CHARS = 300


@functools.cache
def _agency_pattern() -> re.Pattern[str]:
    names = sorted((n for n, canon in AGENCIES.items() if canon not in ("Google Translate", "DeepL")), key=len)
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(n) for n in reversed(names)) + r")(?!\w)", re.IGNORECASE)


def _agency_in(text: str) -> str | None:
    """The canonical name of the first news agency named in ``text``, if any."""
    m = _agency_pattern().search(text)
    return AGENCIES.get(m.group(0).casefold()) if m else None


def canonical_name(name: str) -> str:
    """Trimmed name; agencies and services under their canonical name; a bare domain as its registered domain."""
    name = name.strip(" \t:：.،-–—\"'“”«»")
    key = name.casefold()
    key = re.sub(r"^(?:the|وكالة|وكالة أنباء|hãng|агентство)\s+", "", key)
    if key in AGENCIES:
        return AGENCIES[key]
    m = DOMAIN.fullmatch(name)
    if m:
        return registered_domain(m.group(1)) or m.group(1).lower()
    return name


def registered_domain(host_or_url: str | None) -> str | None:
    """``https://www.bbc.co.uk/x`` → ``bbc.co.uk`` (public-suffix aware, offline list shipped with ``tld``)."""
    if not host_or_url:
        return None
    from tld import get_fld

    try:
        return get_fld(host_or_url.strip(), fix_protocol=True, fail_silently=True)
    except Exception:  # tld raises on some malformed hosts despite fail_silently
        return None


_COPYRIGHT_MARK = re.compile(r"(?i)[©ⓒ]|\(c\)|copyright")
#: Characters after the copyright mark searched for the holder's domain; the extraction
#: dev pages put it within 25 characters ("© 2000 - 2019 Al Bawaba (www.albawaba.com)").
_COPYRIGHT_WINDOW = 40


def _is_date(name: str) -> bool:
    """Whether a captured "name" is really a date ("November 19", "18/02/2025")."""
    mentions = find_dates(name)
    return bool(mentions) and mentions[0].start <= 2


#: Domains of platforms that appear in share buttons and "powered by" credits; they never
#: name the outlet (a header line "facebook.com/sharer…" on the SemEval dev texts did).
PLATFORMS = frozenset(
    {
        "facebook.com", "twitter.com", "x.com", "instagram.com", "youtube.com", "youtu.be", "t.me", "telegram.org",
        "whatsapp.com", "google.com", "wordpress.com", "blogspot.com", "tiktok.com", "linkedin.com",
        "pinterest.com", "reddit.com", "weibo.com", "weixin.qq.com", "qq.com", "vk.com", "ok.ru", "wa.me",
    }
)  # fmt: skip


def _site_domain(text: str) -> str | None:
    """The first registered domain in ``text`` that is not a platform's."""
    for m in DOMAIN.finditer(text):
        site = registered_domain(m.group(1))
        if site and site not in PLATFORMS:
            return site
    return None


def _short(text: str, limit: int = 200) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


class ProvenanceFinder:
    """Sets ``outlet`` (Field) and ``provenance`` (list of :class:`ProvenanceLink`)."""

    name = "provenance"
    reads = ("blocks", "meta", "url")
    sets = ("outlet", "provenance")

    def __init__(self, cues: tuple[Cue, ...] = CUES) -> None:
        self.cues = cues

    def _blocks_to_read(self, blocks: list[Block]) -> list[tuple[Block, bool]]:
        """(block, strong_only) pairs: roles where credit lines live, plus the body's head and tail."""
        body = [i for i, b in enumerate(blocks) if b.role == "body"]
        edge = set(body[:_BODY_HEAD] + body[-_BODY_TAIL:])
        first, last = (body[0], body[-1]) if body else (0, len(blocks))
        out: list[tuple[Block, bool]] = []
        for i, b in enumerate(blocks):
            if b.role in _ROLES_READ or i in edge:
                out.append((b, False))
            elif (
                b.role == "boilerplate"
                and first - _BOILERPLATE_BEFORE <= i <= last + _BOILERPLATE_AFTER
                and len(b.text) <= _BOILERPLATE_MAX_CHARS
            ):
                out.append((b, True))
        return out

    def _links(self, article: Article) -> list[ProvenanceLink]:
        links: list[ProvenanceLink] = []
        seen: set[tuple[str, str]] = set()
        for block, strong_only in self._blocks_to_read(article.blocks):
            if block.reason == "copyright":
                continue
            low = block.text.lower()
            for cue in self.cues:
                if strong_only and not cue.strong:
                    continue
                if cue.needles and not any(n in low for n in cue.needles):
                    continue
                if cue.max_chars is not None and len(block.text) > cue.max_chars:
                    continue
                for m in cue.pattern.finditer(block.text):
                    raw = cue.fixed_name or m.groupdict().get("name") or ""
                    name = canonical_name(raw)
                    conf = cue.confidence
                    if cue.relation == "contributor" and name not in AGENCIES.values():
                        # "Associated Press writers A and B contributed": the agency, not the people.
                        agency = _agency_in(block.text)
                        name, conf = (agency, conf) if agency else (name, conf * 0.7)
                    if not name or len(name) > 60:
                        continue
                    if cue.relation == "first-published" and _is_date(name):
                        continue  # "First published on November 19, 2019": this copy's date, not an origin
                    if cue.relation == "translated" and cue.fixed_name is None and name not in AGENCIES.values():
                        name = "machine translation" if name.casefold() in ("خدمة", "آلية") else name
                    key = (cue.relation, name.casefold())
                    if key in seen:
                        continue
                    seen.add(key)
                    url = None
                    dm = DOMAIN.search(raw)
                    if dm:
                        url = dm.group(0) if "://" in dm.group(0) else "https://" + dm.group(0).lstrip("/")
                    date = None
                    if cue.relation == "first-published":
                        dates = [d for d in find_dates(block.text[m.end() :]) if d.year is not None]
                        resolved = dates[0].resolve() if dates else None
                        date = resolved.isoformat() if resolved else None
                    conf *= 0.85 if block.role == "boilerplate" else 1.0
                    links.append(ProvenanceLink(cue.relation, name, _short(block.text), round(conf, 3), url, date))
        return links

    def _outlet(self, article: Article) -> Field[str] | None:
        declared = article.meta.get("source")
        if isinstance(declared, str) and declared.strip():
            value = declared.strip()
            # A declared URL or domain names the site by its registered domain, like a page URL does.
            if "/" in value or DOMAIN.fullmatch(value):
                value = registered_domain(value) or value
            return Field(value, "meta", 0.95, declared)
        domain = registered_domain(article.url)
        if domain:
            return Field(domain, "url", 0.9, article.url)
        html = article.meta.get("html")
        if isinstance(html, dict):
            for key in ("sitename", "hostname"):
                value = html.get(key)
                if isinstance(value, str) and value.strip():
                    return Field(canonical_name(value), "html-meta", 0.8, value)
        for block in article.blocks:
            if block.role == "header" and len(block.text) <= 200 and DOMAIN.search(block.text):
                # A domain inside a credit ("Source: reuters.com") names the origin, not this site.
                own = block.text
                for cue in self.cues:
                    if cue.relation in ("source", "via", "first-published"):
                        own = cue.pattern.sub(" ", own)
                site = _site_domain(own)
                if site:
                    return Field(site, "header-domain", 0.7, _short(block.text))
        for block in article.blocks:
            mark = _COPYRIGHT_MARK.search(block.text)
            if mark and (block.reason == "copyright" or block.role in ("footer", "boilerplate")):
                # The holder follows the mark closely ("© 2019 OregonLive.com", "©2024 redian.news");
                # a domain further on is a platform credit ("… Powered by WordPress.com VIP").
                site = _site_domain(block.text[mark.end() : mark.end() + _COPYRIGHT_WINDOW])
                if site:
                    return Field(site, "copyright", 0.6, _short(block.text))
        return None

    def __call__(self, article: Article) -> Article:
        article.provenance = self._links(article)
        article.outlet = self._outlet(article)
        return article
