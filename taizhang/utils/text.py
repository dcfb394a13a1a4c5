"""Text as people type it, made safe to keep: no control characters (they break Excel files,
XML and terminals), whatever the input path."""

import re

# C0 controls and DEL, except tab, line feed and carriage return.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean_text(value):
    """The text without control characters; anything that is not a string is returned as is."""
    return CONTROL_CHARACTERS.sub("", value) if isinstance(value, str) else value
