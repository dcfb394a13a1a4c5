"""@单位 mentions in a comment: "@市国资委 请于周五前反馈" names a unit of the organisation by its
full name, short name, code or alias; a shorter "@市国资" names the one unit whose name begins
so. Chinese has no spaces, so at each "@" the longest name the text goes on with wins."""

import re

from taizhang.org.models import Unit

# Where a shortened name ends: a space or a punctuation mark (Latin or CJK).
_WORD_END = re.compile(r"[\s,.;:!?，。；：！？、（）()【】\[\]“”\"'@]")
MAX_MENTIONS = 20  # no comment names more units than that; the rest are ignored


def _prefix_match(word, index):
    """The one unit one of whose names begins with ``word`` (at least two characters)."""
    if len(word) < 2:
        return None
    found = {unit.pk: unit for name, unit in index.items() if name.startswith(word)}
    return next(iter(found.values())) if len(found) == 1 else None


def find_mentions(text, organisation_id):
    """The units mentioned in ``text``, in the order first mentioned, without repeats."""
    if "@" not in text:
        return []
    index = Unit.objects.filter(organisation_id=organisation_id).by_name()
    names = sorted(index, key=len, reverse=True)
    longest = len(names[0]) if names else 0
    found = {}
    for match in re.finditer("@", text):
        # What a name can span, no more: a long comment full of "@" stays cheap.
        rest = text[match.end() : match.end() + longest + 1]
        unit = next((index[name] for name in names if rest.startswith(name)), None)
        if unit is None:
            end = _WORD_END.search(rest)
            unit = _prefix_match(rest[: end.start()] if end else rest, index)
        if unit is not None:
            found.setdefault(unit.pk, unit)
        if len(found) >= MAX_MENTIONS:
            break
    return list(found.values())
