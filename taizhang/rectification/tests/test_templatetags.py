"""The one percentage filter of the rectification pages, as a reader checks a rate."""

import pytest

from taizhang.rectification.templatetags.rectification_pages import pct


@pytest.mark.parametrize(
    ("rate", "shown"),
    [
        (None, "—"),
        (0, "0%"),
        (1, "100%"),
        (0.5, "50%"),
        (1 / 3, "33.3%"),
        (0.891, "89.1%"),
        (0.29, "29%"),
        (9999 / 10000, "99.9%"),  # something is left: never 100%
        (1 / 10000, "0.1%"),  # something is done: never 0%
    ],
)
def test_a_rate_is_shown_honestly(rate, shown):
    assert pct(rate) == shown
