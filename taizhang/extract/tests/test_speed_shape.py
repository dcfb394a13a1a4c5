"""Facts the engine's speed work relies on, checked without timing anything."""

import re
from pathlib import Path

from taizhang.extract.normalise import normalise
from taizhang.extract.units import SUFFIX, SUFFIX_STARTS

DOCUMENTS = Path(__file__).parent / "documents"


def test_the_suffix_look_ahead_lets_every_suffix_through():
    """The look-ahead only skips characters no suffix starts with: on text holding every suffix
    (the pattern's own words) and the test documents, it finds the same names as without it."""
    body = re.compile(SUFFIX.pattern.removeprefix(f"(?=[{SUFFIX_STARTS}])"))
    assert body.pattern != SUFFIX.pattern
    words = "、".join(re.findall(r"[\u4e00-\u9fff]+", body.pattern))
    documents = "\n".join(normalise(p.read_text()) for p in DOCUMENTS.rglob("*.txt"))
    for text in (words, documents):
        assert [m.span() for m in SUFFIX.finditer(text)] == [m.span() for m in body.finditer(text)]
