"""The mechanism pages: who sees them, the secretariat's forms, the plan against what was held,
the figures, and the queries they cost."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from conftest import PASSWORD
from taizhang.meetings import services
from taizhang.meetings.models import Mechanism, MechanismMember, Meeting, PlannedMeeting

pytestmark = pytest.mark.django_db


def login(client, name):
    client.logout()
    assert client.login(username=name, password=PASSWORD)


def page(client, mechanism, **params):
    return client.get(reverse("meetings:mechanism", args=[mechanism.pk]), params)


def test_list_shows_mechanisms_the_user_sees(client, mechanism, people):
    login(client, "gzw")  # a member unit's handler
    response = client.get(reverse("meetings:mechanisms"))
    assert response.status_code == 200
    assert mechanism.name in response.content.decode()
    assert reverse("meetings:mechanism_new") not in response.content.decode()
    login(client, "steel")  # not a member
    assert mechanism.name not in client.get(reverse("meetings:mechanisms")).content.decode()
    assert page(client, mechanism).status_code == 404


def test_anonymous_is_sent_to_log_in(client, mechanism):
    response = page(client, mechanism)
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_secretariat_sets_up_and_edits_a_mechanism(client, org, units, people):
    login(client, "duban")
    response = client.post(
        reverse("meetings:mechanism_new"),
        {
            "name": "民营经济发展联席会议",
            "kind": "joint_meeting",
            "convening_unit": units["tzb"].pk,
            "member_units": [units["gzw"].pk, units["czj"].pk],
            "description": "促进民营经济发展",
            "rules_text": "每季度召开一次。",
            "countersign_working_days": 5,
        },
    )
    mechanism = Mechanism.objects.get(name="民营经济发展联席会议")
    assert response.status_code == 302
    assert response["Location"] == mechanism.get_absolute_url()
    assert mechanism.countersign_working_days == 5
    assert set(mechanism.members.values_list("unit__code", flat=True)) == {"tzb", "gzw", "czj"}

    edit = reverse("meetings:mechanism_edit", args=[mechanism.pk])
    data = {
        "name": "民营经济发展工作联席会议",
        "kind": "leading_group",
        "convening_unit": units["tzb"].pk,
        "description": "",
        "rules_text": "每半年召开一次。",
        "countersign_working_days": 3,
        "active": "on",
    }
    assert client.post(edit, {**data, "version": mechanism.version}).status_code == 302
    mechanism.refresh_from_db()
    assert (mechanism.name, mechanism.kind, mechanism.version) == (
        "民营经济发展工作联席会议",
        "leading_group",
        2,
    )
    # A stale form is refused and keeps what was typed.
    stale = client.post(edit, {**data, "name": "另一个名字", "version": 1})
    assert stale.status_code == 409
    assert "另一个名字" in stale.content.decode()


def test_duplicate_name_is_refused_with_a_message(client, mechanism, units):
    login(client, "duban")
    response = client.post(
        reverse("meetings:mechanism_new"),
        {
            "name": mechanism.name,
            "kind": "joint_meeting",
            "convening_unit": units["tzb"].pk,
            "countersign_working_days": 3,
        },
    )
    assert response.status_code == 400
    assert f"已有名为“{mechanism.name}”的机制" in response.content.decode()
    assert Mechanism.objects.count() == 1


def test_handlers_and_leaders_may_not_manage(client, mechanism):
    for name in ("gzw", "lingdao"):
        login(client, name)
        assert client.get(reverse("meetings:mechanism_new")).status_code == 403
        assert (
            client.get(reverse("meetings:mechanism_edit", args=[mechanism.pk])).status_code == 403
        )
        response = client.post(
            reverse("meetings:mechanism", args=[mechanism.pk]),
            {"op": "plan", "month": 3, "kind": "joint", "topic": "一季度会议"},
        )
        assert response.status_code == 403
    assert not PlannedMeeting.objects.exists()


def test_members_are_added_changed_and_removed(client, mechanism, units):
    login(client, "duban")
    url = reverse("meetings:mechanism", args=[mechanism.pk])
    client.post(
        url,
        {
            "op": "member",
            "unit": units["steel"].pk,
            "role": "member",
            "contact_name": "王联络",
            "contact_phone": "13800000000",
        },
    )
    member = MechanismMember.objects.get(mechanism=mechanism, unit=units["steel"])
    assert (member.contact_name, member.countersigns) == ("王联络", False)
    text = page(client, mechanism).content.decode()
    assert "王联络" in text and "13800000000" in text
    client.post(url, {"op": "remove_member", "unit": units["steel"].pk})
    assert not MechanismMember.objects.filter(mechanism=mechanism, unit=units["steel"]).exists()
    # The convening unit stays, with the service's reason shown.
    response = client.post(url, {"op": "remove_member", "unit": units["tzb"].pk})
    assert response.status_code == 400
    assert "召集单位不能退出本机制" in response.content.decode()
    assert MechanismMember.objects.filter(mechanism=mechanism, unit=units["tzb"]).exists()


def test_plan_against_what_was_held(client, mechanism, make_meeting):
    login(client, "duban")
    year = timezone.localdate().year
    url = reverse("meetings:mechanism", args=[mechanism.pk])
    for month, topic in ((1, "第一次全体会议"), (12, "年终总结会议")):
        client.post(
            url, {"op": "plan", "year": year, "month": month, "kind": "joint", "topic": topic}
        )
    first, last = PlannedMeeting.objects.filter(mechanism=mechanism).order_by("month")
    held = make_meeting("held", planned_as=first)
    response = page(client, mechanism, year=year)
    text = response.content.decode()
    plan = response.context["figures"]["plan"]
    assert (plan["planned"], plan["held"]) == (2, 1)
    assert held.get_absolute_url() in text
    assert "未召开" in text
    new = reverse("meetings:new")
    assert f"{new}?mechanism={mechanism.pk}&amp;planned_as={last.pk}" in text
    assert f"?mechanism={mechanism.pk}&amp;year={year}" in text  # held links to the list
    # A line with its meeting stays; one without goes.
    assert client.post(url, {"op": "remove_plan", "line": first.pk}).status_code == 400
    assert client.post(url, {"op": "remove_plan", "line": last.pk}).status_code == 302
    assert list(PlannedMeeting.objects.values_list("pk", flat=True)) == [first.pk]
    # Another year's plan is empty.
    assert page(client, mechanism, year=year + 1).context["figures"]["plan"]["planned"] == 0


def test_plan_a_meeting_from_a_plan_line(client, mechanism):
    """The plan line's button opens the form on that line; the meeting planned is its."""
    login(client, "duban")
    year = timezone.localdate().year
    url = reverse("meetings:mechanism", args=[mechanism.pk])
    client.post(url, {"op": "plan", "year": year, "month": 6, "kind": "joint", "topic": "年中"})
    line = PlannedMeeting.objects.get(mechanism=mechanism)
    link = f"{reverse('meetings:new')}?mechanism={mechanism.pk}&planned_as={line.pk}"
    assert link.replace("&", "&amp;") in page(client, mechanism, year=year).content.decode()
    form = client.get(link).context["form"]
    assert str(form["planned_as"].value()) == str(line.pk)
    response = client.post(
        link,
        {
            "kind": "joint",
            "mechanism": mechanism.pk,
            "planned_as": form["planned_as"].value(),
            "title": "年中推进会",
            "date": timezone.localdate().isoformat(),
            "place": "第一会议室",
        },
    )
    assert response.status_code == 302
    assert Meeting.objects.get(title="年中推进会").planned_as == line


def test_figures_per_member_unit(client, mechanism, make_meeting, people, units):
    meeting = make_meeting("issued")
    login(client, "lingdao")
    response = page(client, mechanism)
    assert response.status_code == 200
    figures = response.context["figures"]
    assert figures["decisions"].total == 2
    led = {u.unit.code: u.decisions.total for u in figures["units"]}
    assert led == {"tzb": 0, "gzw": 1, "czj": 1}
    assert 'data-testid="days-to-minutes">0' in response.content.decode()
    chart = response.context["chart"]
    assert chart["series"][1]["data"][meeting.date.month - 1] == 1


def test_rules_documents_download_by_visibility(client, mechanism, people):
    services.attach_mechanism_files(
        mechanism,
        by=people["supervisor"],
        files=[SimpleUploadedFile("工作规则.pdf", b"%PDF-1.4 rules", "application/pdf")],
    )
    document = mechanism.files.get()
    login(client, "czj")
    response = page(client, mechanism, file=document.pk)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 rules"
    login(client, "steel")
    assert page(client, mechanism, file=document.pk).status_code == 404


def test_upload_on_the_page(client, mechanism):
    login(client, "duban")
    upload = SimpleUploadedFile("实施方案.pdf", b"%PDF-1.4 plan", "application/pdf")
    response = client.post(
        reverse("meetings:mechanism", args=[mechanism.pk]), {"op": "files", "files": upload}
    )
    assert response.status_code == 302
    assert mechanism.files.get().name == "实施方案.pdf"


def test_mechanism_page_queries_do_not_grow_with_meetings(client, mechanism, make_meeting):
    login(client, "duban")

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert page(client, mechanism).status_code == 200
        return len(queries)

    today = timezone.localdate()
    for i in range(2):
        make_meeting("issued", title=f"会议{i}")
    few = count()
    for i in range(8):
        make_meeting("held", title=f"又一次会议{i}", date=today - datetime.timedelta(days=i))
    assert count() == few


def test_a_bad_file_number_shows_the_page(client, mechanism):
    login(client, "duban")
    assert page(client, mechanism, file="abc").status_code == 200
    assert page(client, mechanism, file="999").status_code == 404


def test_the_list_counts_the_meetings_the_user_sees(client, mechanism, make_meeting, people, units):
    make_meeting()
    services.create_meeting(
        by=people["supervisor"],
        kind="joint",
        title="只请财政局的会议",
        date=timezone.localdate(),
        mechanism=mechanism,
        invited_units=[units["czj"]],
    )
    login(client, "duban")
    (row,) = client.get(reverse("meetings:mechanisms")).context["mechanisms"]
    assert row.meeting_count == 2
    login(client, "gzw")
    (row,) = client.get(reverse("meetings:mechanisms")).context["mechanisms"]
    assert row.meeting_count == 1


def test_a_garbled_version_on_the_edit_form_is_a_400_in_chinese(client, mechanism, units):
    login(client, "duban")
    edit = reverse("meetings:mechanism_edit", args=[mechanism.pk])
    data = {
        "name": "改过的名字",
        "kind": mechanism.kind,
        "convening_unit": units["tzb"].pk,
        "countersign_working_days": 3,
        "version": "abc",
    }
    response = client.post(edit, data)
    assert response.status_code == 400
    assert "页面内容已过期" in response.content.decode()
    assert "改过的名字" in response.content.decode()
    mechanism.refresh_from_db()
    assert mechanism.name != "改过的名字"


def test_the_page_forms_keep_what_was_typed_after_an_error(client, mechanism, units):
    login(client, "duban")
    url = reverse("meetings:mechanism", args=[mechanism.pk])
    # The form refuses: a plan line without a topic, in a month that does not exist.
    response = client.post(url, {"op": "plan", "month": 13, "kind": "joint", "topic": ""})
    assert response.status_code == 400
    form = response.context["plan_form"]
    assert form.is_bound and form.errors and form["kind"].value() == "joint"
    # A phone number too long: the contact person typed stays.
    data = {
        "op": "member",
        "unit": units["steel"].pk,
        "role": "member",
        "contact_name": "王联络",
        "contact_phone": "bad" * 20,
    }
    response = client.post(url, data)
    assert response.status_code == 400
    text = response.content.decode()
    assert 'value="王联络"' in text
    assert response.context["member_form"].errors
    response = client.post(url, {"op": "files"})
    assert response.status_code == 400
    assert response.context["files_form"].errors["files"] == ["请选择要上传的文件。"]
    assert "请选择要上传的文件。" in response.content.decode()


def test_a_garbled_row_on_the_page_buttons_is_a_404_not_a_crash(client, mechanism):
    login(client, "duban")
    url = reverse("meetings:mechanism", args=[mechanism.pk])
    assert client.post(url, {"op": "remove_member", "unit": "abc"}).status_code == 404
    assert client.post(url, {"op": "remove_plan", "line": "1; drop"}).status_code == 404
