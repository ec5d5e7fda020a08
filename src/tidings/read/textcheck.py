"""The ``text-check`` stage: an input with no text, or with bytes that are not text, is not an article.

Without it, pages that are all markup, feed entries that hold only an image, and
random bytes named ``.html`` (decoded as some code page, detected as Tagalog) were
stored and grouped: one event held 407 empty articles. Rejected inputs become dead
letters with the reason, like any unreadable file.

Two tests, both on the clean body (after boilerplate removal):

* **no text**: fewer than :data:`MIN_WORDS` words (a character counts as a word in
  scripts written without spaces), or no letter at all;
* **not text**: in a script written with spaces, tokens that average more than
  :data:`MAX_MEAN_WORD` characters, most of them longer than a word — bytes read in
  the wrong code page have no word structure (random high bytes as cp1252: ~128
  characters per "word").

Neither fires on the seeds, the 496 ECB+ dev texts or the 184 pages of the extraction
sets; the cost on a normal text is one ``str.split`` of the body.
"""

from __future__ import annotations

import re

from tidings.article import Article
from tidings.pipeline import Rejected

#: Fewest words (characters, in scripts without spaces) of body an article has: "Floods hit Tokyo".
MIN_WORDS = 3
#: Longest average word of a real text, in characters. Natural languages average 4-8 (German,
#: Finnish, Turkish ~8); URL-heavy or code-like texts stay far below 25.
MAX_MEAN_WORD = 25
#: Bodies shorter than this are not judged by word length (a few long names are not noise).
MIN_CHARS_FOR_WORDS = 200
#: Share of word-sized tokens (≤ ``MAX_MEAN_WORD``) a text with a long average still needs: random
#: high bytes read as cp1252 split into ~128-character "words" at stray no-break spaces (~18 %
#: word-sized); a text with one 30,000-digit line is 99 % words.
MIN_SHORT_SHARE = 0.5
#: ISO 15924 scripts written without spaces between words.
UNSPACED = frozenset({"Hani", "Hans", "Hant", "Jpan", "Thai", "Laoo", "Khmr", "Mymr", "Tibt"})

_LETTER = re.compile(r"[^\W\d_]")


class TextCheck:
    """Pipeline stage: refuses (:class:`~tidings.pipeline.Rejected`) an article with no text or not text."""

    name = "text-check"
    reads = ("blocks", "script")
    sets = ()

    def __call__(self, article: Article) -> Article:
        body = article.text
        words = body.split()
        if not words or not _LETTER.search(body):
            raise Rejected("no text (nothing but markup, boilerplate or symbols)")
        chars = sum(map(len, words))
        script = article.script.value if article.script else None
        if script in UNSPACED:
            if chars < MIN_WORDS:
                raise Rejected(f"no text ({chars} character(s) after boilerplate removal)")
            return article
        if len(words) < MIN_WORDS:
            raise Rejected(f"no text ({len(words)} word(s) after boilerplate removal)")
        if chars > MAX_MEAN_WORD * len(words) and chars >= MIN_CHARS_FOR_WORDS:
            # Long on average: noise, or a text with one very long token (a 30,000-digit line, a
            # data URI)? Noise has few word-sized tokens; a text has mostly words.
            short = sum(1 for w in words if len(w) <= MAX_MEAN_WORD)
            if short < MIN_SHORT_SHARE * len(words):
                raise Rejected(f"not text ({len(words) - short} of its {len(words)} 'words' are over "
                               f"{MAX_MEAN_WORD} characters: binary or mis-decoded bytes?)")  # fmt: skip
        return article
