"""Normalised text for matching: simplified script, half-width ASCII, same length as the original.

Every rule downstream matches on the normalised text and quotes the original, so the two must
line up character for character: offsets found in one are offsets in the other.
"""

import functools

import opencc

# Full-width ASCII variants (！…～) map one-to-one onto ASCII; the ideographic space onto a space.
_HALF_WIDTH = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}


@functools.cache
def _converter() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    """Traditional → simplified, keeping the length.

    OpenCC converts phrases, which keeps the length for nearly all text; a line whose length
    changed is converted character by character instead, so offsets still line up.
    """
    convert = _converter().convert
    converted = convert(text)
    if len(converted) == len(text):
        return converted
    lines = []
    for line in text.split("\n"):
        simple = convert(line)
        if len(simple) != len(line):
            simple = "".join(ch if len(c := convert(ch)) != 1 else c for ch in line)
        lines.append(simple)
    return "\n".join(lines)


def normalise(text: str) -> str:
    """The text as the rules read it: simplified script, half-width punctuation and digits."""
    return to_simplified(text).translate(_HALF_WIDTH)
