"""Text as the search index stores it, and queries as the index reads them.

Both databases index the same words, made here: the text is folded (full-width to half-width,
lower case, traditional to simplified script), then a run of Chinese (or Japanese, Korean)
characters becomes its overlapping bigrams and a unigram of its last character, and a run of
letters and digits becomes one word. 深化改革 is ``深化 化改 改革 革``; JXL-2026-0012 is
``jxl 2026 0012``. A query word is turned the same way into a phrase: its tokens in a row, the
last one a prefix, so 改革 finds 深化改革, 改 finds it too (``改*`` matches 改革), 统战部 is
``统战 战部`` and JXL-2026-00 finds JXL-2026-0012.
"""

import functools
import re
import unicodedata

# Han (with extensions and compatibility ideographs), 〇, kana and Hangul: written without
# spaces between words, so indexed as bigrams.
_CJK = (
    "\u3007\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\U00020000-\U0003134f"
)
_RUNS = re.compile(f"(?P<cjk>[{_CJK}]+)|(?P<word>[^\\W_{_CJK}]+)")
# PostgreSQL skips words longer than 2,047 bytes; nobody searches for one.
MAX_WORD = 100


@functools.cache
def _converter():
    import opencc

    return opencc.OpenCC("t2s")


def fold(text):
    """The text as it is matched: half-width, lower case, simplified script."""
    text = unicodedata.normalize("NFKC", text).lower()
    return _converter().convert(text) if re.search(f"[{_CJK}]", text) else text


def _tokens(text):
    """(token, ends a bigram's run) for each token of already folded text."""
    for match in _RUNS.finditer(text):
        run = match.group("cjk")
        if run is None:
            yield match.group("word")[:MAX_WORD], False
            continue
        for i in range(len(run) - 1):
            yield run[i : i + 2], False
        yield run[-1], len(run) > 1


def tokens(*texts):
    """The index's text for the given texts, as one string of space-separated tokens.

    Each text is tokenised on its own, so no bigram joins the end of one field to the start
    of the next.
    """
    return " ".join(t for text in texts if text for t, _ in _tokens(fold(text)))


def query_phrases(query):
    """Each word of the query (split at white space) as a list of tokens, the last of which
    is matched as a prefix; words without letters, digits or characters are left out."""
    phrases = []
    for word in query.split():
        found = list(_tokens(fold(word)))
        if len(found) > 1 and found[-1][1]:
            # The unigram after a bigram adds nothing: the bigram already ends in it, and
            # in the text that character may go on into another bigram.
            found.pop()
        if found:
            phrases.append([t for t, _ in found])
    return phrases


def fts5_query(phrases):
    """An FTS5 MATCH expression: every phrase, its last token a prefix."""
    return " AND ".join('"' + " ".join(tokens) + '"*' for tokens in phrases)


def tsquery(phrases):
    """A PostgreSQL ``to_tsquery`` expression: every phrase, its last token a prefix."""
    return " & ".join(
        "(" + " <-> ".join([*tokens[:-1], tokens[-1] + ":*"]) + ")" for tokens in phrases
    )
