"""Notifications are written in their recipient's language: the one they last chose in the
menu, or the installation's default."""

import datetime

import pytest
from django.utils import timezone, translation

from taizhang.notify.models import Notification
from taizhang.supervision import services
from taizhang.supervision.jobs import refresh_lights
from taizhang.supervision.models import Task

pytestmark = pytest.mark.django_db


def _latest(user):
    return Notification.objects.filter(recipient=user).first()


def test_the_menu_choice_is_kept_for_the_signed_in_person(client, people):
    leader = people["leader"]
    client.force_login(leader)
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    leader.refresh_from_db()
    assert leader.language == "en"
    # A language the installation does not offer changes nothing.
    client.post("/i18n/setlang/", {"language": "fr", "next": "/"})
    leader.refresh_from_db()
    assert leader.language == "en"


def test_each_recipient_reads_a_notification_in_their_own_language(make_task, people, org):
    people["leader"].language = "en"
    people["leader"].save()
    second = type(people["leader"]).objects.create_user(
        "lingdao2", organisation=org, role="leader", language="zh-hant"
    )
    # The supervisor registers the task in simplified Chinese; each leader reads it in theirs.
    with translation.override("zh-hans"):
        task = make_task(title="建立专门的建言献策台账")
    assert _latest(people["leader"]).title == "To approve：建立专门的建言献策台账"
    assert _latest(second).title == "待審核：建立专门的建言献策台账"
    # A person without a choice reads the default language.
    with translation.override("en"):
        services.approve_task(Task.objects.get(pk=task.pk), by=people["leader"])
    assert _latest(people["supervisor"]).title.startswith("已审核，待交办")


def test_the_daily_digest_is_written_in_each_handlers_language(make_task, people):
    people["tzb"].language = "en"
    people["tzb"].save()
    task = make_task("in_progress", deadline=timezone.localdate() - datetime.timedelta(days=3))
    Task.objects.filter(pk=task.pk).update(light="green")
    with translation.override("zh-hans"):
        refresh_lights.call()
    assert "1 overdue" in _latest(people["tzb"]).title
    assert "1 项超期" in _latest(people["gzw"]).title
