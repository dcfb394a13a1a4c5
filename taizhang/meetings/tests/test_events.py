"""Exchange events: the section on the meeting page (rendered on its own, the page is another
module's), the secretariat's event page and handing a suggestion over to 建言献策."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from conftest import PASSWORD
from taizhang.meetings import services
from taizhang.meetings.models import Meeting, MeetingSuggestion
from taizhang.suggestions.choices import Channel
from taizhang.suggestions.models import Suggestion

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 32


def photo(name="现场.png"):
    return SimpleUploadedFile(name, PNG, "image/png")


@pytest.fixture
def make_event(org, units, people):
    """An experience exchange meeting held today: 国资委 and XX钢铁集团 invited, with an expert
    and an entrepreneur."""

    def make(kind="exchange", title="市属国有企业统战工作经验交流会", held=True, guests=()):
        office = people["supervisor"]
        meeting = services.create_meeting(
            by=office,
            kind=kind,
            title=title,
            date=timezone.localdate(),
            invited_units=[units["gzw"], units["steel"]],
            guests=[
                {"name": "王教授", "kind": "expert", "affiliation": "XX大学经济学院"},
                {"name": "李总", "kind": "entrepreneur", "affiliation": "XX科技公司"},
                *guests,
            ],
        )
        if held:
            services.hold(meeting, by=office)
        return Meeting.objects.get(pk=meeting.pk)

    return make


def login(client, name):
    client.logout()
    assert client.login(username=name, password=PASSWORD)


def section(meeting, user):
    request = RequestFactory().get(meeting.get_absolute_url())
    request.user = user
    meeting = Meeting.objects.get(pk=meeting.pk)
    with translation.override("zh-hans"):
        return render_to_string(
            "meetings/_event_section.html",
            {"meeting": meeting, "request": request},
            request=request,
        )


def fill(meeting, people, units):
    office = people["supervisor"]
    services.record_attendance(meeting, by=office, person="王教授", status="present")
    services.set_speakers(
        meeting,
        by=office,
        speakers=[
            {"unit": units["steel"], "topic": "建言献策工作室的做法"},
            {"name": "王教授", "topic": "民营经济发展形势"},
        ],
    )
    services.save_report(meeting, by=office, report="交流会在XX钢铁集团召开。", files=[photo()])
    return services.hand_over_suggestion(
        meeting,
        by=office,
        title="设立企业家建言直通车",
        body="建议每季度收集一次。",
        submitter_name="李总",
    )


# ---- the section on the meeting page -----------------------------------------------------------


def test_the_section_shows_speakers_report_photos_guests_and_suggestions(make_event, people, units):
    meeting = make_event()
    suggestion = fill(meeting, people, units)
    html = section(meeting, people["supervisor"])
    assert "XX钢铁集团</strong>：建言献策工作室的做法" in html
    assert "王教授</strong>：民营经济发展形势" in html
    assert "交流会在XX钢铁集团召开。" in html
    file = meeting.files.get(kind="photo")
    assert html.count(f'href="{reverse("meetings:file", args=[file.pk])}"') == 1
    assert f'<img src="{reverse("meetings:file", args=[file.pk])}"' in html
    assert "王教授（XX大学经济学院）" in html and "李总（XX科技公司）" in html
    assert "党外专家" in html and "企业家" in html
    assert "邀请单位 2 家" in html and "出席 1" in html
    assert (
        f'<a href="{suggestion.get_absolute_url()}">{suggestion.number} 设立企业家建言直通车'
        in html
    )
    assert reverse("meetings:event", args=[meeting.pk]) in html
    assert reverse("meetings:hand_over", args=[meeting.pk]) in html


def test_an_invited_handler_sees_the_section_without_the_secretariats_tools(
    make_event, people, units
):
    meeting = make_event()
    suggestion = fill(meeting, people, units)
    html = section(meeting, people["gzw"])
    assert "建言献策工作室的做法" in html
    # A suggestion they may not see: neither its number nor its title, only how many.
    assert "设立企业家建言直通车" not in html and suggestion.number not in html
    assert suggestion.get_absolute_url() not in html  # not given to their unit
    assert "1 条建议已转建言献策" in html
    assert reverse("meetings:event", args=[meeting.pk]) not in html
    assert reverse("meetings:hand_over", args=[meeting.pk]) not in html


def test_the_section_reads_a_fixed_number_of_queries(make_event, people, units):
    small = make_event()
    fill(small, people, units)
    with CaptureQueriesContext(connection) as few:
        section(Meeting.objects.get(pk=small.pk), people["supervisor"])
    big = make_event(
        title="专题研讨会", guests=[{"name": f"专家{i}", "kind": "expert"} for i in range(6)]
    )
    fill(big, people, units)
    office = people["supervisor"]
    services.set_speakers(
        big,
        by=office,
        speakers=[{"unit": units[c], "topic": "经验"} for c in ("gzw", "czj", "tzb")],
    )
    for i in range(4):
        services.save_report(big, by=office, report="又一张", files=[photo()])
        services.hand_over_suggestion(big, by=office, title=f"建议{i}", body="内容")
    with CaptureQueriesContext(connection) as many:
        html = section(Meeting.objects.get(pk=big.pk), office)
    assert html.count("<img ") == 5 and "专家5" in html
    assert len(many) == len(few)


# ---- the event page ----------------------------------------------------------------------------


def test_the_secretariat_sets_speakers_one_a_line(client, make_event, people, units):
    meeting = make_event()
    login(client, "duban")
    url = reverse("meetings:event", args=[meeting.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "交流发言" in page.text
    response = client.post(
        url,
        {
            "part": "speakers",
            "version": meeting.version,
            "speakers": "steel｜建言献策工作室的做法\n\n"
            "市国资委|张处长|国企统战工作\n王教授｜民营经济形势",
        },
    )
    assert response.status_code == 302
    speakers = [(str(s.unit or ""), s.name, s.topic) for s in meeting.speakers.all()]
    assert speakers == [
        ("XX钢铁集团", "", "建言献策工作室的做法"),
        ("市国资委", "张处长", "国企统战工作"),
        ("", "王教授", "民营经济形势"),
    ]
    # The form shows them again as it takes them.
    assert "XX钢铁集团｜建言献策工作室的做法" in client.get(url).text


def test_bad_speaker_lines_are_refused_in_chinese(client, make_event, people):
    meeting = make_event()
    login(client, "duban")
    url = reverse("meetings:event", args=[meeting.pk])
    response = client.post(
        url,
        {
            "part": "speakers",
            "version": meeting.version,
            "speakers": "王教授谈形势\n不存在的单位｜某人｜题目\nsteel｜",
        },
    )
    assert response.status_code == 400
    assert "第1行" in response.text
    assert "第2行：没有名为“不存在的单位”的单位" in response.text
    assert "第3行" in response.text
    assert not meeting.speakers.exists()


def test_a_stale_form_is_refused(client, make_event, people):
    meeting = make_event()
    login(client, "duban")
    url = reverse("meetings:event", args=[meeting.pk])
    data = {"part": "speakers", "version": meeting.version - 1, "speakers": "王教授｜形势"}
    response = client.post(url, data)
    assert response.status_code == 409
    assert "已有他人修改" in response.text


def test_the_report_and_its_photos(client, make_event, people):
    meeting = make_event()
    login(client, "duban")
    url = reverse("meetings:event", args=[meeting.pk])
    response = client.post(
        url,
        {
            "part": "report",
            "version": meeting.version,
            "report": "与会企业交流了经验。",
            "photos": [photo()],
        },
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.report == "与会企业交流了经验。"
    assert meeting.files.filter(kind="photo").count() == 1
    page = client.get(url)
    assert 'form="remove-photo-' in page.text
    response = client.post(
        url,
        {
            "part": "report",
            "version": meeting.version,
            "report": "x",
            "photos": [SimpleUploadedFile("纪要.pdf", b"%PDF-1.4", "application/pdf")],
        },
    )
    assert response.status_code == 400
    assert "只能上传照片" in response.text
    assert meeting.files.count() == 1
    meeting.refresh_from_db()
    [kept] = meeting.files.all()
    data = {"part": "remove_photo", "file": kept.pk, "version": meeting.version}
    response = client.post(url, data, follow=True)
    assert "已删除" in response.text
    assert not meeting.files.exists()
    assert client.post(url, data).status_code == 404  # gone
    assert client.post(url, {**data, "file": "x"}).status_code == 404


@pytest.mark.parametrize(
    ("name", "status"),
    [("gzw", 403), ("lingdao", 403), ("steel", 403), ("czj", 404), ("admin", 404)],
)
def test_only_the_secretariat_edits_an_event(client, make_event, people, name, status):
    meeting = make_event()
    login(client, name)
    url = reverse("meetings:event", args=[meeting.pk])
    assert client.get(url).status_code == status
    assert client.post(url, {"part": "speakers", "speakers": "王教授｜形势"}).status_code == status
    hand_over = reverse("meetings:hand_over", args=[meeting.pk])
    assert client.post(hand_over, {"title": "t", "body": "b"}).status_code == status
    assert not meeting.speakers.exists()
    assert not Suggestion.objects.exists()


def test_a_joint_meeting_has_no_event_page(client, make_meeting, people):
    meeting = make_meeting("held")
    login(client, "duban")
    assert client.get(reverse("meetings:event", args=[meeting.pk])).status_code == 404


# ---- handing a suggestion over -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "channel"), [("exchange", Channel.MEETING), ("forum", Channel.FORUM)]
)
def test_a_suggestion_handed_over_is_in_the_suggestions_ledger(
    client, make_event, people, kind, channel
):
    meeting = make_event(kind=kind)
    login(client, "duban")
    response = client.post(
        reverse("meetings:hand_over", args=[meeting.pk]),
        {
            "title": "设立企业家建言直通车",
            "body": "建议每季度收集一次企业家意见。",
            "submitter_name": "李总",
        },
    )
    suggestion = Suggestion.objects.get()
    assert response.status_code == 302
    assert response.url == suggestion.get_absolute_url()
    assert suggestion.channel == channel
    assert suggestion.submitter_name == "李总"
    assert suggestion.received_on == meeting.date
    assert MeetingSuggestion.objects.get().meeting == meeting
    ledger = client.get(reverse("suggestions:list"))
    assert "设立企业家建言直通车" in ledger.text
    page = client.get(suggestion.get_absolute_url())
    assert page.status_code == 200 and "李总" in page.text


def test_hand_over_refuses_bad_input_and_a_meeting_not_held(client, make_event, people):
    meeting = make_event()
    login(client, "duban")
    url = reverse("meetings:hand_over", args=[meeting.pk])
    response = client.post(url, {"title": "", "body": ""})
    assert response.status_code == 400
    assert response.text.count("该字段是必填项") == 2
    planned = make_event(title="下月的专题研讨会", held=False, kind="seminar")
    response = client.post(
        reverse("meetings:hand_over", args=[planned.pk]), {"title": "建议", "body": "内容"}
    )
    assert response.status_code == 403
    assert "不能" in response.text
    assert not Suggestion.objects.exists()


def test_a_photo_uploaded_by_mistake_is_removed_by_the_secretariat_only(make_event, people):
    from taizhang.meetings.choices import Action
    from taizhang.meetings.models import MeetingEvent
    from taizhang.utils.errors import NotAllowed, WorkflowError

    meeting = make_event()
    office = people["supervisor"]
    services.save_report(meeting, by=office, report="", files=[photo("错的.png"), photo()])
    wrong = meeting.files.get(name="错的.png")
    with pytest.raises(NotAllowed):
        services.remove_file(wrong, by=people["gzw"])
    services.remove_file(wrong, by=office)
    assert list(meeting.files.values_list("name", flat=True)) == ["现场.png"]
    assert MeetingEvent.objects.filter(
        meeting=meeting, action=Action.EDIT, changes__files=["错的.png", ""]
    ).exists()
    [minutes] = services.attach_files(meeting, by=office, files=[photo("纪要.png")], kind="minutes")
    with pytest.raises(WorkflowError):
        services.remove_file(minutes, by=office)


def test_forms_live_in_forms_and_the_pages_keep_their_addresses():
    """View modules hold views; the forms are in forms.py. "events" is the timeline elsewhere,
    so the exchange-event and statistics pages have their own modules, at the same URLs."""
    import importlib
    import importlib.util

    from django import forms as django_forms

    for name in ("views", "mechanism_views", "exchange_views", "stats_views", "calendars"):
        module = importlib.import_module(f"taizhang.meetings.{name}")
        defined = [
            value.__name__
            for value in vars(module).values()
            if isinstance(value, type)
            and issubclass(value, django_forms.BaseForm)
            and value.__module__ == module.__name__
        ]
        assert defined == [], name
    assert importlib.util.find_spec("taizhang.meetings.events") is None
    assert reverse("meetings:event", args=[7]) == "/meetings/7/event/"
    assert reverse("meetings:hand_over", args=[7]) == "/meetings/7/event/suggestion/"
    assert reverse("meetings:stats") == "/meetings/stats/"


def test_a_garbled_version_is_a_stale_page_not_a_crash(client, make_event):
    meeting = make_event()
    services.save_report(meeting, by=meeting.created_by, report="", files=[photo()])
    login(client, "duban")
    url = reverse("meetings:event", args=[meeting.pk])
    [kept] = meeting.files.all()
    response = client.post(url, {"part": "remove_photo", "file": kept.pk, "version": "abc"})
    assert response.status_code == 400
    assert "页面内容已过期" in response.text
    assert meeting.files.exists()
    data = {"part": "speakers", "speakers": "王教授｜形势", "version": "v2"}
    response = client.post(url, data)
    assert response.status_code == 400 and "王教授｜形势" in response.text
