"""What the log records by itself: logins, changes with before/after, downloads, jobs."""

import datetime
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from conftest import PASSWORD
from taizhang.audit import chain, recorder
from taizhang.audit.models import AuditRecord
from taizhang.org.models import Membership, Unit, User
from taizhang.supervision import services
from taizhang.supervision.jobs import refresh_lights
from taizhang.supervision.models import Task

pytestmark = pytest.mark.django_db


def changes(record):
    return json.loads(record.changes) if record.changes else {}


def of(records, action, object_type=None):
    return [
        r
        for r in records
        if r.action == action and (object_type is None or r.object_type == object_type)
    ]


# ---- logins -------------------------------------------------------------------------------


def test_login_failed_login_and_logout_are_recorded(client, people, org, since):
    mark = since()
    client.post("/login/", {"username": "duban", "password": "wrong"}, REMOTE_ADDR="10.1.2.3")
    client.post("/login/", {"username": "nobody", "password": "wrong"})
    client.post("/login/", {"username": "duban", "password": PASSWORD}, REMOTE_ADDR="10.1.2.4")
    client.post("/logout/")
    records = since(mark)
    assert [r.action for r in records] == ["login_failed", "login_failed", "login", "logout"]
    failed, unknown, login, logout = records
    assert failed.actor == "duban" and failed.address == "10.1.2.3"
    assert json.loads(failed.extra) == {"username": "duban"}
    assert failed.organisation_id == org.pk  # the auditor of duban's organisation sees it
    assert failed.object_id == str(people["supervisor"].pk)
    assert unknown.actor == "nobody" and unknown.object_id == ""
    assert login.actor == "duban" and login.actor_id == people["supervisor"].pk
    assert login.address == "10.1.2.4" and login.request_id
    assert logout.actor == "duban"
    # A login saves last_login: recorded as the login itself, not as a change of the user.
    assert not of(records, "update")
    # No password, right or wrong, anywhere in the log.
    assert not AuditRecord.objects.filter(extra__contains="wrong").exists()
    assert not AuditRecord.objects.filter(extra__contains=PASSWORD).exists()


def test_api_token_failures_are_recorded_too(client, people, since):
    mark = since()
    client.post(
        "/api/auth/token",
        {"username": "lingdao", "password": "guess"},
        content_type="application/json",
    )
    (record,) = since(mark)
    assert record.action == "login_failed" and record.actor == "lingdao"


# ---- changes ------------------------------------------------------------------------------


def test_a_new_task_is_recorded_with_its_fields_units_and_event(make_task, people, since):
    mark = since()
    task = make_task()
    records = since(mark)
    (created,) = of(records, "create", "supervision.task")
    assert created.object_id == str(task.pk)
    assert created.object_repr == str(task)
    fields = changes(created)
    assert fields["title"] == [None, task.title]
    assert fields["number"] == [None, task.number]
    assert fields["deadline"] == [None, task.deadline.isoformat()]
    assert fields["created_by_id"] == [None, people["supervisor"].pk]
    assert created.organisation_id == task.organisation_id
    # The units (written in bulk by the service) and the timeline event are there too.
    units = of(records, "create", "supervision.taskunit")
    assert sorted(changes(u)["role"][1] for u in units) == [
        "cooperating",
        "lead",
        "responsible",
        "supervising",
    ]
    assert all(u.organisation_id == task.organisation_id for u in units)
    assert of(records, "create", "supervision.taskevent")
    # Nothing recorded here came from a request or job: the process names itself.
    assert created.actor.startswith("command:") and created.actor_id is None


def test_an_update_records_the_changed_fields_only(make_task, people, since):
    task = make_task()
    mark = since()
    services.update_task(task, by=people["supervisor"], version=task.version, title="新的标题")
    (update,) = of(since(mark), "update", "supervision.task")
    assert changes(update) == {
        "title": ["建立专门的建言献策台账", "新的标题"],
        "version": [1, 2],
    }


def test_a_save_that_changes_nothing_records_nothing(make_task, since):
    task = make_task()
    mark = since()
    Task.objects.get(pk=task.pk).save()
    assert since(mark) == []


def test_a_delete_records_what_was_there(org, since):
    unit = Unit.objects.create(organisation=org, code="tmp", name="临时单位")
    mark, pk = since(), unit.pk
    unit.delete()
    (record,) = since(mark)
    assert record.action == "delete" and record.object_id == str(pk)
    assert changes(record)["name"] == ["临时单位", None]
    assert record.organisation_id == org.pk


def test_a_workflow_step_records_status_before_and_after(make_task, people, since):
    task = make_task()
    mark = since()
    services.approve_task(task, by=people["leader"])
    (update,) = of(since(mark), "update", "supervision.task")
    assert changes(update)["status"] == ["draft", "approved"]


def test_a_rolled_back_change_leaves_no_record(make_task, people, org, units, since):
    mark = since()
    with pytest.raises(RuntimeError), transaction.atomic():
        make_task()
        raise RuntimeError("changed my mind")
    assert since(mark) == []
    make_task()
    assert chain.verify().ok


def test_a_rolled_back_savepoint_takes_its_records_and_the_chain_stays_whole(make_task, org, since):
    """Inside one transaction the head is remembered; a savepoint rolled back must make the
    next record link to what is really there."""
    mark = since()
    with transaction.atomic():
        make_task(title="第一项")
        try:
            with transaction.atomic():
                make_task(title="第二项")
                raise RuntimeError
        except RuntimeError:
            pass
        make_task(title="第三项")
    titles = [changes(r)["title"][1] for r in of(since(mark), "create", "supervision.task")]
    assert titles == ["第一项", "第三项"]
    assert chain.verify().ok


def test_membership_changes_through_the_relation_are_recorded(people, units, since):
    user = people["tzb"]
    mark = since()
    user.units.add(units["czj"])
    user.units.remove(units["tzb"])
    records = since(mark)
    first, second = of(records, "update", "org.user")
    tzb, czj = units["tzb"].pk, units["czj"].pk
    assert first.object_id == str(user.pk) and first.action == "update"
    assert changes(first) == {"units": [[tzb], sorted([tzb, czj])]}
    assert changes(second) == {"units": [sorted([tzb, czj]), [czj]]}
    # Removing goes through the membership rows, which are recorded as deleted too.
    assert of(records, "delete", "org.membership")
    # A membership row written the ordinary way is recorded as itself.
    mark = since()
    Membership.objects.create(user=user, unit=units["gzw"])
    (record,) = since(mark)
    assert record.object_type == "org.membership" and record.action == "create"


def test_a_role_change_is_recorded(people, since):
    user = people["tzb"]
    mark = since()
    user.role = "supervisor"
    user.save()
    (record,) = since(mark)
    assert changes(record) == {"role": ["handler", "supervisor"]}


# ---- secrets ------------------------------------------------------------------------------


def test_passwords_and_their_hashes_are_masked(org, since):
    mark = since()
    user = User.objects.create_user("newcomer", password="Initial-Secret-1", organisation=org)
    user.set_password("Changed-Secret-2")
    user.save()
    created, changed = [r for r in since(mark) if r.object_type == "org.user"]
    assert changes(created)["password"] == [None, "***"]
    assert changes(changed) == {"password": ["***", "***"]}
    text = " ".join(r.changes + r.extra for r in AuditRecord.objects.all())
    assert user.password not in text and "Secret" not in text


@pytest.mark.parametrize(
    "name",
    ["password", "password_hash", "totp_secret", "token_hash", "key_hash", "api_key", "key"],
)
def test_secret_field_names_are_masked(name):
    assert recorder.is_secret(name)
    assert recorder.diff({name: "a"}, {name: "b"}) == {name: ["***", "***"]}
    assert recorder.snapshot({name: "b"}) == {name: [None, "***"]}


@pytest.mark.parametrize("name", ["name", "title", "token_expires_at", "keyword", "monkey"])
def test_other_field_names_are_not(name):
    assert not recorder.is_secret(name)


# ---- where from, which request --------------------------------------------------------------


def test_each_request_has_an_id_that_its_records_carry(client, people, since):
    client.force_login(people["supervisor"])
    mark = since()
    response = client.post(
        "/tasks/new/",
        {
            "title": "从页面登记",
            "lead_unit": people["tzb"].units.get().pk,
            "deadline": (timezone.localdate() + datetime.timedelta(days=30)).isoformat(),
            "source_kind": "meeting",
            "priority": "normal",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    records = since(mark)
    assert records and {r.request_id for r in records} == {response.headers["X-Request-ID"]}
    assert {r.actor for r in records} == {"duban"}


@pytest.mark.parametrize(
    ("trusted", "forwarded", "expected"),
    [
        ([], "1.2.3.4", "10.0.0.9"),  # no proxy trusted: the header is not believed
        (["10.0.0.0/8"], "1.2.3.4", "1.2.3.4"),
        (["10.0.0.0/8"], "6.6.6.6, 1.2.3.4", "1.2.3.4"),  # what the client wrote is left of it
        (["10.0.0.0/8"], "1.2.3.4, 10.0.0.7", "1.2.3.4"),  # two proxies of ours
        (["10.0.0.0/8"], "", "10.0.0.9"),
    ],
)
def test_the_address_honours_trusted_proxies_only(
    client, people, since, trusted, forwarded, expected
):
    with override_settings(TAIZHANG_TRUSTED_PROXIES=trusted):
        mark = since()
        client.post(
            "/login/",
            {"username": "duban", "password": "wrong"},
            REMOTE_ADDR="10.0.0.9",
            HTTP_X_FORWARDED_FOR=forwarded,
        )
    (record,) = since(mark)
    assert record.address == expected


# ---- downloads ----------------------------------------------------------------------------


def test_exports_and_attachment_downloads_are_recorded(client, make_task, people, since):
    task = make_task("assigned")
    services.add_attachments(
        task,
        by=people["supervisor"],
        files=[SimpleUploadedFile("会议纪要.txt", "纪要".encode())],
    )
    attachment = task.attachments.get()
    client.force_login(people["supervisor"])
    mark = since()
    assert client.get("/tasks/export.xlsx?status=assigned").status_code == 200
    response = client.get(f"/attachments/{attachment.pk}/")
    b"".join(response.streaming_content)
    export, download = since(mark)
    assert export.action == download.action == "download"
    assert export.actor == "duban" and export.organisation_id == task.organisation_id
    details = json.loads(export.extra)
    assert details["path"] == "/tasks/export.xlsx" and details["query"] == "status=assigned"
    assert details["filename"].startswith("督办台账-") and details["filename"].endswith(".xlsx")
    assert json.loads(download.extra)["filename"] == "会议纪要.txt"
    assert download.object_repr == "会议纪要.txt"


def test_a_page_is_not_a_download(client, people, since):
    client.force_login(people["supervisor"])
    mark = since()
    client.get("/tasks/")
    assert since(mark) == []


# ---- jobs ---------------------------------------------------------------------------------


def test_the_daily_job_records_its_bulk_writes_as_itself(make_task, since):
    task = make_task("assigned")
    mark = since()
    later = (timezone.localdate() + datetime.timedelta(days=90)).isoformat()
    refresh_lights.enqueue(day=later)
    records = since(mark)
    (light,) = of(records, "update", "supervision.task")
    assert light.object_id == str(task.pk) and light.actor == "job:refresh_lights"
    assert changes(light) == {"light": [task.light, "red"]}
    assert of(records, "create", "supervision.unitreminder")
    assert of(records, "create", "supervision.taskevent")
    assert all(r.organisation_id == task.organisation_id for r in records)


def test_noise_is_not_traced():
    from django.contrib.contenttypes.models import ContentType
    from django.contrib.sessions.models import Session
    from django_tasks_db.models import DBTaskResult

    from taizhang.audit.models import AuditChain

    for model in (Session, DBTaskResult, ContentType, AuditRecord, AuditChain):
        assert not recorder.audited(model), model
    for model in (User, Task, Unit, Membership):
        assert recorder.audited(model), model
