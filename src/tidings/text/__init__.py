"""Text primitives shared by every stage: scripts, tokens, date mentions, sentences.

No stage logic lives here (nothing reads or sets an :class:`~tidings.article.Article`
field): these modules answer "what is written in this string", once for the whole
project, so that read, understand, group and tell agree on it. They import only the
data model and libraries.
"""
