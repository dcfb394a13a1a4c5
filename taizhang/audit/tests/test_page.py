"""The audit administrator's page: theirs alone, their organisation's records alone."""

import io
import json

import pytest
from django.utils import translation
from openpyxl import load_workbook

from conftest import make_user
from taizhang.audit.models import AuditRecord
from taizhang.org.choices import Role
from taizhang.org.models import Unit
from taizhang.supervision.choices import Status
from taizhang.supervision.models import Task

pytestmark = pytest.mark.django_db


def page(client, who, **params):
    client.force_login(who)
    return client.get("/audit/", params)


@pytest.mark.parametrize("role", ["supervisor", "leader", "tzb", "admin", "security"])
def test_every_other_role_is_refused(client, people, org, role):
    user = people.get(role) or make_user(org, "anquan", Role.SECURITY)
    client.force_login(user)
    assert client.get("/audit/").status_code == 403
    assert client.get("/audit/export.xlsx").status_code == 403


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get("/audit/")
    assert response.status_code == 302 and response.url.startswith("/login/")


def test_only_auditors_see_the_link(client, people, auditor):
    client.force_login(people["admin"])
    assert b'href="/audit/"' not in client.get("/notifications/").content
    client.force_login(auditor)
    assert b'href="/audit/"' in client.get("/notifications/").content


def test_an_auditor_sees_their_organisation_only(client, people, other_org, auditor, org):
    Unit.objects.create(organisation=org, code="ours", name="本市单位")
    Unit.objects.create(organisation=other_org["org"], code="theirs", name="联合会单位")
    response = page(client, auditor, q="单位")
    shown = {row["record"].object_repr for row in response.context["rows"]}
    assert "本市单位" in shown and "联合会单位" not in shown
    assert all(row["record"].organisation_id == org.pk for row in response.context["rows"])
    # Nor by guessing: the other organisation's records are not in any filter's reach.
    response = page(client, auditor, user="fed-duban")
    assert response.context["rows"] == []


def test_the_other_organisations_auditor_sees_theirs(client, other_org, other_auditor, org):
    Unit.objects.create(organisation=other_org["org"], code="theirs", name="联合会单位")
    rows = page(client, other_auditor).context["rows"]
    assert rows and all(r["record"].organisation_id == other_org["org"].pk for r in rows)


def test_filters_narrow_the_list(client, people, auditor, make_task):
    make_task()
    client.post("/login/", {"username": "lingdao", "password": "wrong"}, REMOTE_ADDR="192.0.2.7")
    failed = page(client, auditor, action="login_failed").context["rows"]
    assert [r["record"].actor for r in failed] == ["lingdao"]
    by_address = page(client, auditor, address="192.0.2.").context["rows"]
    assert [r["record"].action for r in by_address] == ["login_failed"]
    tasks = page(client, auditor, object_type="supervision.task").context["rows"]
    assert {r["record"].object_type for r in tasks} == {"supervision.task"}
    assert page(client, auditor, q="建言献策台账").context["rows"]
    assert page(client, auditor, user="duban", action="delete").context["rows"] == []
    assert page(client, auditor, since="2000-01-01", until="2000-01-02").context["rows"] == []


def test_the_page_shows_before_and_after_in_words(client, people, auditor, make_task):
    make_task()
    response = page(client, auditor, object_type="supervision.task", action="create")
    (row,) = response.context["rows"]
    with translation.override("zh-hans"):
        title = str(Task._meta.get_field("title").verbose_name)
        draft = str(Status.DRAFT.label)
        status = str(Task._meta.get_field("status").verbose_name)
    # Fields by their names in the user's language, choices by their labels.
    assert (title, "—", "建立专门的建言献策台账") in row["changes"]
    assert (status, "—", draft) in row["changes"]
    assert title != "title" and draft != "draft"
    assert "建立专门的建言献策台账" in response.content.decode()


def test_viewing_and_exporting_are_recorded(client, auditor):
    page(client, auditor, action="login")
    response = client.get("/audit/export.xlsx", {"action": "login"})
    assert response.status_code == 200
    view, export = AuditRecord.objects.filter(actor="shenji").order_by("-seq")[:2][::-1]
    assert view.action == "view" and json.loads(view.extra)["query"] == "action=login"
    assert export.action == "download"
    assert json.loads(export.extra)["path"] == "/audit/export.xlsx"


def test_the_export_holds_the_filtered_list_as_text(client, org, auditor):
    Unit.objects.create(organisation=org, code="evil", name="x", short_name='=HYPERLINK("h","y")')
    client.force_login(auditor)
    response = client.get("/audit/export.xlsx", {"q": "HYPERLINK"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=False))
    assert len(rows) == 2  # the header and the one record
    cell = rows[1][5]
    assert cell.value == '=HYPERLINK("h","y")' and cell.data_type == "s"


def test_the_page_costs_the_same_queries_however_many_records(
    client, org, auditor, django_assert_num_queries
):
    def units(n, prefix):
        for i in range(n):
            Unit.objects.create(organisation=org, code=f"{prefix}{i}", name=f"单位{prefix}{i}")

    client.force_login(auditor)
    units(3, "a")
    client.get("/audit/")  # warm the session
    # session, user, count, page, the head of the chain (locked), the view's own record
    with django_assert_num_queries(6):
        assert client.get("/audit/").status_code == 200
    units(80, "b")
    with django_assert_num_queries(6):
        response = client.get("/audit/")
    assert len(response.context["rows"]) == 50
