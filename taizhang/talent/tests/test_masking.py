"""Masking and the access log: a handler, a supervisor and a keeper each see what they should,
in the pages, the export and the API."""

import io

import pytest
from openpyxl import load_workbook

from taizhang.audit.models import AuditRecord
from taizhang.talent import services
from taizhang.talent.models import SensitiveAccess

from .conftest import id_ending, login

pytestmark = pytest.mark.django_db

ID = id_ending("1234")
MASKED_ID = "110***********1234"


@pytest.fixture
def expert(make_person):
    return make_person(
        "陈立群", unit="steel", id_number=ID, phone="13812345678", email="zhang@example.com"
    )


def sheet_rows(response):
    wb = load_workbook(
        io.BytesIO(b"".join(response.streaming_content) if response.streaming else response.content)
    )
    return [
        [c if c is not None else "" for c in row] for row in wb.active.iter_rows(values_only=True)
    ]


def id_column(rows):
    header = rows[2]
    return [row[header.index("身份证号")] for row in rows[3:]]


@pytest.mark.parametrize("role", ["steel", "supervisor", "keeper"])
def test_list_and_profile_pages_mask_for_everyone_until_shown(client, people, keeper, expert, role):
    login(client, keeper if role == "keeper" else people[role])
    for url in ("/talent/", expert.get_absolute_url()):
        body = client.get(url).content.decode()
        assert "陈立群" in body
        assert MASKED_ID in body and ID not in body
        assert "13812345678" not in body
    assert not SensitiveAccess.objects.exists()


def test_a_keeper_shows_one_person_and_the_view_is_logged(client, keeper, expert):
    login(client, keeper)
    page = client.get(expert.get_absolute_url()).content.decode()
    assert 'data-testid="reveal"' in page
    body = client.post(f"/talent/{expert.pk}/show/").content.decode()
    assert ID in body and "13812345678" in body and "zhang@example.com" in body
    access = SensitiveAccess.objects.get()
    assert (access.person, access.user, access.kind, access.unmasked) == (
        expert,
        keeper,
        "page",
        True,
    )
    assert access.fields == "id_number,phone,email"
    # The log is in the audit log as well, and on the profile for the keeper.
    assert AuditRecord.objects.filter(object_type="talent.sensitiveaccess").count() == 1
    profile = client.get(expert.get_absolute_url()).content.decode()
    assert 'id="access-log"' in profile and 'data-access="page"' in profile
    assert "陈立群" in client.get("/talent/accesses/").content.decode()


@pytest.mark.parametrize("role", ["steel", "supervisor"])
def test_non_keepers_cannot_unmask_nor_read_the_log(client, people, keeper, expert, role):
    login(client, people[role])
    assert 'data-testid="reveal"' not in client.get(expert.get_absolute_url()).content.decode()
    assert client.post(f"/talent/{expert.pk}/show/").status_code == 403
    assert client.get("/talent/accesses/").status_code == 403
    assert 'id="access-log"' not in client.get(expert.get_absolute_url()).content.decode()
    assert not SensitiveAccess.objects.exists()


def test_a_handler_of_another_unit_does_not_find_the_person(client, people, keeper, expert):
    login(client, people["czj"])
    assert client.get(expert.get_absolute_url()).status_code == 404
    assert "陈立群" not in client.get("/talent/").content.decode()


def test_administrators_have_no_pool_page(client, people, security, expert):
    for user in (people["admin"], security):
        login(client, user)
        assert client.get("/talent/").status_code == 403
        assert client.get(expert.get_absolute_url()).status_code == 404


@pytest.mark.parametrize(
    ("role", "shown", "unmasked"),
    [("steel", MASKED_ID, False), ("supervisor", MASKED_ID, False), ("keeper", ID, True)],
)
def test_export_masks_unless_a_keeper_and_every_export_is_logged(
    client, people, keeper, expert, make_person, role, shown, unmasked
):
    make_person("国资专家", unit="gzw")
    user = keeper if role == "keeper" else people[role]
    login(client, user)
    response = client.get("/talent/export.xlsx")
    assert response.status_code == 200
    rows = sheet_rows(response)
    assert shown in id_column(rows)
    if not unmasked:
        assert all("*" in value for value in id_column(rows))
        assert "13812345678" not in str(rows)
    logged = SensitiveAccess.objects.filter(kind="export", user=user)
    expected = 1 if role == "steel" else 2  # the handler's export holds their unit's person
    assert logged.count() == expected == len(rows) - 3
    assert all(a.unmasked == unmasked for a in logged)


@pytest.mark.parametrize(
    ("role", "shown", "masked"),
    [("steel", MASKED_ID, True), ("supervisor", MASKED_ID, True), ("keeper", ID, False)],
)
def test_api_masks_unless_a_keeper_and_logs_a_keepers_reads(
    client, people, keeper, expert, role, shown, masked
):
    user = keeper if role == "keeper" else people[role]
    login(client, user)
    listed = client.get("/api/talent/people").json()["results"]
    assert [p["id_number"] for p in listed] == [shown]
    detail = client.get(f"/api/talent/people/{expert.pk}").json()
    assert detail["id_number"] == shown and detail["masked"] is masked
    assert detail["phone"] == ("138****5678" if masked else "13812345678")
    assert detail["email"] == ("z***@example.com" if masked else "zhang@example.com")
    logged = SensitiveAccess.objects.filter(kind="api", person=expert)
    assert logged.count() == (0 if masked else 2)  # the list and the detail


def test_api_hides_people_a_handler_may_not_see(client, people, keeper, expert):
    login(client, people["czj"])
    assert client.get("/api/talent/people").json()["results"] == []
    assert client.get(f"/api/talent/people/{expert.pk}").status_code == 404


def test_the_access_log_is_append_only(keeper, expert):
    from taizhang.talent import services
    from taizhang.talent.models import AppendOnly

    services.reveal(expert, by=keeper)
    access = SensitiveAccess.objects.get()
    access.username = "someone-else"
    with pytest.raises(AppendOnly):
        access.save()
    with pytest.raises(AppendOnly):
        SensitiveAccess.objects.update(username="x")
    assert SensitiveAccess.objects.get().username == keeper.username


def test_the_audit_log_records_that_personal_fields_changed_never_their_values(make_person, keeper):
    person = make_person("陈立群")
    created = AuditRecord.objects.filter(object_type="talent.person", action="create").get()
    for field in ("id_number", "phone", "email"):
        value = getattr(person, field)
        assert value and value not in str(created.changes)
        assert created.changes_dict()[field][1].startswith("***")
    services.update_person(person, by=keeper, phone="13912345678")
    updated = AuditRecord.objects.filter(object_type="talent.person", action="update").get()
    before, after = updated.changes_dict()["phone"]
    assert before != after and "13912345678" not in str(updated.changes)


def test_opening_the_edit_form_is_logged_like_showing(client, make_person, keeper):
    person = make_person("陈立群")
    login(client, keeper)
    page = client.get(f"/talent/{person.pk}/edit/")
    assert person.id_number in page.content.decode()
    access = SensitiveAccess.objects.get(person=person)
    assert access.kind == "edit" and access.user == keeper and access.unmasked
