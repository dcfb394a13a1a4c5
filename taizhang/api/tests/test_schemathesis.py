"""The API against its own OpenAPI document: generated requests, as a supervisor and as a
handler, must never get a server error or an answer the document does not describe."""

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from conftest import PASSWORD
from taizhang.suggestions import services as suggestions
from taizhang.wsgi import application

EXAMPLES = 25  # per operation and role: about a thousand requests in all
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture
def api_schema(transactional_db, make_task, people):
    make_task("draft")
    make_task("in_progress")
    entered, _code = suggestions.create_suggestion(
        by=people["supervisor"], title="建立建言献策台账", body="定期梳理。", submitter_name="王工"
    )
    suggestions.accept(entered, by=people["supervisor"])
    return schemathesis.openapi.from_wsgi("/api/openapi.json", application)


@pytest.fixture
def tokens(client, api_schema):
    found = {}
    for username in ("duban", "tzb"):
        response = client.post(
            "/api/auth/token",
            {"username": username, "password": PASSWORD},
            content_type="application/json",
        )
        found[username] = response.json()["token"]
    return found


def test_generated_requests_get_documented_answers(api_schema, tokens):
    # schemathesis' own pytest plugin does not run under pytest 9, so each operation gets its
    # own hypothesis run here; every operation is tried, and every failure is reported.
    failures, calls = {}, []
    for result in api_schema.get_all_operations():
        operation = result.ok()

        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy())
        def run(case):
            for token in tokens.values():
                calls.append(case.operation.label)
                case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, checks=CHECKS)

        try:
            run()
        except Exception as exc:  # noqa: BLE001 — collect every operation's failure
            failures[operation.label] = str(exc)[:2000]
    assert failures == {}
    assert len(set(calls)) >= 10 and len(calls) > 300  # every operation, many times
