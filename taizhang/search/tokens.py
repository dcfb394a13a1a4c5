"""Text as the search index stores it, and queries as the index reads them.

Both databases index the same words, made here: the text is folded (full-width to half-width,
lower case, traditional to simplified script), then a run of Chinese (or Japanese, Korean)
characters becomes its overlapping bigrams and a unigram of its last character, and a run of
letters and digits becomes one word. 深化改革 is ``深化 化改 改革 革``; JXL-2026-0012 is
``jxl 2026 0012``. A query word is turned the same way into a phrase: its tokens in a row, the
last one a prefix unless it is a bigram, so 改革 finds 深化改革, 改 finds it too (``改*``
matches 改革), 统战部 is ``统战 战部`` and JXL-2026-00 finds JXL-2026-0012.
"""

import functools
import operator
import re
import unicodedata

# Han (with extensions and compatibility ideographs), 〇, kana and Hangul: written without
# spaces between words, so indexed as bigrams.
_CJK = (
    "\u3007\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\U00020000-\U0003134f"
)
_CJK_RUN = re.compile(f"[{_CJK}]+")
_RUNS = re.compile(f"([{_CJK}]+)|([^\\W_{_CJK}]+)")
# PostgreSQL skips words longer than 2,047 bytes; nobody searches for one.
MAX_WORD = 100


@functools.cache
def _converter():
    import opencc

    return opencc.OpenCC("t2s")


def _runs(text):
    """(Chinese run, word) pairs of the text, one of the two empty, folded: lower case,
    simplified script, and NFKC (full-width ＡＢＣ１２３ is abc123) for the few runs that need it
    (NFKC over all of a Chinese text is slow, for punctuation the index leaves out anyway)."""
    convert = _converter().convert
    for run, word in _RUNS.findall(convert(text.lower())):
        if run and not unicodedata.is_normalized("NFKC", run):
            run = convert(unicodedata.normalize("NFKC", run))  # compatibility ideographs
        elif word and not word.isascii():
            word = unicodedata.normalize("NFKC", word).lower()
        yield run, word[:MAX_WORD]


def _tokens(text):
    """(token, ends a bigram's run) for each token of the text."""
    for run, word in _runs(text):
        if not run:
            yield word, False
            continue
        for i in range(len(run) - 1):
            yield run[i : i + 2], False
        yield run[-1], len(run) > 1


def tokens(*texts):
    """The index's text for the given texts, as one string of space-separated tokens.

    The texts are folded in one go, joined by a line break, which no token crosses: no bigram
    joins the end of one field to the start of the next.
    """
    words = []
    for run, word in _runs("\n".join(t for t in texts if t)):
        if run:
            words.extend(map(operator.add, run, run[1:]))
            words.append(run[-1])
        else:
            words.append(word)
    return " ".join(words)


def query_phrases(query):
    """Each word of the query (split at white space) as its list of tokens; a last token
    ending in ``*`` is matched as a prefix (a word, or a single character, which may go on
    into a bigram in the text). Words without letters, digits or characters are left out."""
    phrases = []
    for word in query.split():
        found = list(_tokens(word))
        if len(found) > 1 and found[-1][1]:
            # The unigram after a bigram adds nothing: the bigram already ends in it, and
            # in the text that character may go on into another bigram.
            found.pop()
        if found:
            tokens = [t for t, _ in found]
            if not _is_bigram(tokens[-1]):  # a bigram is whole: matched as such, faster
                tokens[-1] += "*"
            phrases.append(tokens)
    return phrases


def _is_bigram(token):
    return len(token) == 2 and _CJK_RUN.fullmatch(token) is not None


def fts5_query(phrases):
    """An FTS5 MATCH expression: every phrase."""
    return " AND ".join(
        '"' + " ".join(tokens).removesuffix("*") + '"' + ("*" if tokens[-1][-1] == "*" else "")
        for tokens in phrases
    )


def tsquery(phrases):
    """A PostgreSQL ``to_tsquery`` expression: every phrase."""
    return " & ".join(
        "("
        + " <-> ".join(t.removesuffix("*") + (":*" if t[-1] == "*" else "") for t in tokens)
        + ")"
        for tokens in phrases
    )
