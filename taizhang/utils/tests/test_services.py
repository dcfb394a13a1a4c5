"""The steps every app's services share: stale versions, required and bounded text."""

import types

import pytest

from taizhang.utils import services
from taizhang.utils.errors import Conflict, WorkflowError


def test_a_stale_or_malformed_version_is_refused():
    record = types.SimpleNamespace(version=3)
    services.check_version(record, None)
    services.check_version(record, "3")
    with pytest.raises(Conflict, match="3"):
        services.check_version(record, 2)
    with pytest.raises(WorkflowError):
        services.check_version(record, "abc")


def test_text_is_cleaned_required_and_bounded():
    assert services.text("  整改  ", "missing") == "整改"
    with pytest.raises(WorkflowError, match="missing"):
        services.text(" \x07 ", "missing")
    with pytest.raises(WorkflowError):
        services.text("长" * 11, "missing", limit=10)
    assert services.optional_text(None) == ""
