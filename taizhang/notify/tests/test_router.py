"""The router and the sender against fake group robots: one delivery per recipient and
channel, rate windows that hold messages back instead of losing them, retries and give-up
with the in-app fallback, quiet hours, the units' daily limit, and nothing sent twice."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.translation import gettext_lazy

from taizhang.notify import digests, sending, sms
from taizhang.notify.choices import ChannelKind, DeliveryStatus
from taizhang.notify.models import (
    Channel,
    Delivery,
    Notification,
    OrganisationSettings,
    Preference,
)
from taizhang.notify.services import notify
from taizhang.org.choices import Role
from taizhang.org.models import Membership, User

# A Wednesday morning, outside the quiet hours (22:00–08:00).
NOW = timezone.make_aware(datetime.datetime(2026, 12, 2, 10, 0))


@pytest.fixture(autouse=True)
def frozen(monkeypatch):
    """The product's clock stands at NOW (each test moves it where it needs)."""
    monkeypatch.setattr(timezone, "now", lambda: NOW)


def robot_of(org, unit, fake, **extra):
    channel = Channel(organisation=org, unit=unit, kind=fake.kind, **extra)
    channel.set_webhook(fake.url, fake.secret or "")
    channel.save()
    return channel


def at(fake, moment):
    """The fake platform's clock at ``moment``."""
    fake.clock = lambda: moment.timestamp()


def tell_unit(unit, handlers=(), **extra):
    return notify(handlers, units=[unit], title=extra.pop("title", "催办：报送进展"), **extra)


@pytest.fixture
def wecom(fake_robot, org, units):
    fake = fake_robot("wecom")
    at(fake, NOW)
    return fake, robot_of(org, units["tzb"], fake)


def robot_deliveries():
    return Delivery.objects.exclude(channel=ChannelKind.IN_APP).order_by("pk")


def test_a_unit_is_reached_in_its_group_calling_out_its_handlers(fake_robot, org, units, people):
    fake = fake_robot("dingtalk", secret="SEC0123456789")
    at(fake, NOW)
    robot_of(org, units["tzb"], fake)
    handler = people["tzb"]
    handler.phone = "13800138000"
    handler.save()
    tell_unit(units["tzb"], [handler], facts=[("编号", "DB-2026-0001")], url="/tasks/1/")
    assert sending.send_due(now=NOW)["sent"] == 1
    text = fake.received[0]["markdown"]["text"]
    assert "催办：报送进展" in text and "DB-2026-0001" in text and "@13800138000" in text
    assert fake.received[0]["at"]["atMobiles"] == ["13800138000"]
    delivery = robot_deliveries().get()
    assert (delivery.status, delivery.attempts, delivery.unit) == ("sent", 1, units["tzb"])
    # The handler also has it in-app, once.
    assert Notification.objects.filter(recipient=handler).count() == 1


def test_the_21st_message_of_a_minute_is_held_and_sent_when_the_window_frees(wecom, units):
    fake, robot = wecom
    for n in range(21):
        tell_unit(units["tzb"], title=f"第{n + 1}条")
    counts = sending.send_due(now=NOW)
    assert (counts["sent"], counts["held"]) == (20, 1)
    assert len(fake.received) == 20
    held = robot_deliveries().get(status=DeliveryStatus.QUEUED)
    assert held.message["title"] == "第21条" and held.attempts == 0
    assert held.next_attempt_at == NOW + datetime.timedelta(seconds=60)
    # Thirty seconds on, the window is still full: nothing goes out.
    assert sending.send_due(now=NOW + datetime.timedelta(seconds=30))["sent"] == 0
    later = NOW + datetime.timedelta(seconds=61)
    at(fake, later)
    assert sending.send_due(now=later)["sent"] == 1
    assert len(fake.received) == 21 and "第21条" in fake.received[-1]["markdown"]["content"]
    assert not robot_deliveries().exclude(status=DeliveryStatus.SENT).exists()


def test_a_throttled_robot_waits_out_its_pause(fake_robot, org, units):
    fake = fake_robot("dingtalk")
    at(fake, NOW)
    robot = robot_of(org, units["tzb"], fake)
    fake.throttle_next(1)
    tell_unit(units["tzb"])
    assert sending.send_due(now=NOW)["held"] == 1
    robot.refresh_from_db()
    assert robot.paused_until == NOW + datetime.timedelta(minutes=10)  # DingTalk's pause
    delivery = robot_deliveries().get()
    assert (delivery.status, delivery.attempts) == ("queued", 0)
    assert "130101" in delivery.answer
    assert sending.send_due(now=NOW + datetime.timedelta(minutes=5))["sent"] == 0
    later = NOW + datetime.timedelta(minutes=10, seconds=1)
    at(fake, later)
    assert sending.send_due(now=later)["sent"] == 1


def test_a_server_error_is_retried_with_back_off(wecom, units):
    fake, _robot = wecom
    fake.fail_next(2, status=502)
    tell_unit(units["tzb"])
    assert sending.send_due(now=NOW)["failed"] == 1
    delivery = robot_deliveries().get()
    assert (delivery.status, delivery.attempts) == ("failed", 1)
    assert delivery.next_attempt_at == NOW + datetime.timedelta(minutes=1)
    assert "502" in delivery.answer
    second = NOW + datetime.timedelta(minutes=1)
    at(fake, second)
    assert sending.send_due(now=second)["failed"] == 1
    delivery.refresh_from_db()
    assert delivery.next_attempt_at == second + datetime.timedelta(minutes=2)  # doubled
    third = second + datetime.timedelta(minutes=2)
    at(fake, third)
    assert sending.send_due(now=third)["sent"] == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, len(fake.received)) == ("sent", 3, 1)


def test_after_the_last_attempt_it_is_given_up_and_shown_in_app(wecom, units, people, settings):
    settings.TAIZHANG_NOTIFY_ATTEMPTS = 3
    fake, _robot = wecom
    fake.fail_next(10)
    tell_unit(units["tzb"], title="催办：报送进展")  # to the group only
    moment = NOW
    for _attempt in range(3):
        at(fake, moment)
        sending.send_due(now=moment)
        moment += datetime.timedelta(hours=1)
    delivery = robot_deliveries().get()
    assert (delivery.status, delivery.attempts, delivery.fell_back) == ("given_up", 3, True)
    # The unit's handler, whom the group message was for, now has it in-app, saying why.
    shown = Notification.objects.get(recipient=people["tzb"])
    assert shown.title == "催办：报送进展"
    assert shown.note == "未能通过企业微信群机器人送达，已改为站内通知。"
    assert sending.send_due(now=moment)["sent"] == 0  # and it is not tried again


def test_a_refused_signature_is_not_retried(fake_robot, org, units, people):
    fake = fake_robot("feishu", secret="the-right-secret")
    at(fake, NOW)
    robot = robot_of(org, units["tzb"], fake)
    robot.set_webhook(fake.url, "a-wrong-secret")
    robot.save()
    tell_unit(units["tzb"], [people["tzb"]])
    assert sending.send_due(now=NOW)["given_up"] == 1
    delivery = robot_deliveries().get()
    assert "19021" in delivery.answer and "a-wrong-secret" not in delivery.answer
    # The handler already had it in-app: the notice says the group was not reached.
    assert Notification.objects.get(recipient=people["tzb"]).note.startswith("未能通过飞书")


def test_an_event_reaches_each_recipient_once(wecom, units, people):
    for _again in range(2):
        tell_unit(units["tzb"], [people["tzb"]], event="supervision.remind:1")
    assert robot_deliveries().count() == 1
    assert Notification.objects.filter(recipient=people["tzb"]).count() == 1
    sending.send_due(now=NOW)
    sending.send_due(now=NOW + datetime.timedelta(minutes=5))
    assert len(wecom[0].received) == 1


def test_a_worker_stopped_while_sending_does_not_send_it_again(wecom, units, people, settings):
    fake, _robot = wecom
    tell_unit(units["tzb"], [people["tzb"]])
    tell_unit(units["tzb"], title="第二条")
    first, second = robot_deliveries()
    sending.send_one(second.pk, NOW)  # sent before the worker stopped
    assert sending._claim(first.pk, NOW)  # claimed, then the worker was killed mid-send
    # A new worker, a minute later: the claimed one is not the new worker's to send yet.
    assert sending.send_due(now=NOW + datetime.timedelta(minutes=1))["sent"] == 0
    # Past the sending timeout, it may have arrived: given up, not sent a second time.
    restart = NOW + datetime.timedelta(seconds=settings.TAIZHANG_NOTIFY_SENDING_SECONDS + 1)
    at(fake, restart)
    assert sending.send_due(now=restart)["given_up"] == 1
    first.refresh_from_db()
    assert first.status == "given_up" and "为避免重复送达" in first.answer
    assert len(fake.received) == 1  # the second message, once
    assert Notification.objects.get(recipient=people["tzb"]).note


def test_quiet_hours_hold_the_group_message_until_morning_unless_urgent(wecom, units, monkeypatch):
    night = timezone.make_aware(datetime.datetime(2026, 12, 2, 23, 30))
    monkeypatch.setattr(timezone, "now", lambda: night)
    tell_unit(units["tzb"], title="夜间催办")
    tell_unit(units["tzb"], title="加急催办", urgent=True)
    quiet, urgent = robot_deliveries()
    morning = timezone.make_aware(datetime.datetime(2026, 12, 3, 8, 0))
    assert quiet.next_attempt_at == morning
    assert urgent.next_attempt_at == night
    at(wecom[0], night)
    assert sending.send_due(now=night)["sent"] == 1
    at(wecom[0], morning)
    assert sending.send_due(now=morning)["sent"] == 1
    assert [m["markdown"]["content"].count("夜间催办") for m in wecom[0].received] == [0, 1]


def test_a_units_group_gets_its_daily_allowance_of_reminders_then_the_digest(wecom, org, units):
    OrganisationSettings.objects.create(organisation=org, unit_reminders_per_day=2)
    for n in range(3):
        tell_unit(units["tzb"], title=f"催办{n}", kind="remind")
    tell_unit(units["tzb"], title="加急", kind="remind", urgent=True)
    tell_unit(units["tzb"], title="通知", kind="assign")  # not a reminder: not limited
    waiting = list(robot_deliveries().filter(digest=True).values_list("message__title", flat=True))
    assert waiting == ["催办2"]


def test_an_organisation_that_does_not_use_a_platform_does_not_post_to_it(wecom, org, units):
    OrganisationSettings.objects.create(organisation=org, channels=["email"])
    tell_unit(units["tzb"])
    assert not robot_deliveries().exists()


def test_an_inactive_robot_gets_nothing(wecom, units):
    _fake, robot = wecom
    robot.is_active = False
    robot.save()
    tell_unit(units["tzb"])
    assert not robot_deliveries().exists()


def test_the_queries_of_a_notification_do_not_grow_with_its_recipients(wecom, org, units, people):
    def queries(recipients):
        with CaptureQueriesContext(connection) as captured:
            tell_unit(units["tzb"], recipients, kind="remind")
        return len(captured)

    one = queries([people["tzb"]])
    many = []
    for n in range(10):
        person = User.objects.create_user(
            f"h{n}", organisation=org, role=Role.HANDLER, email=f"h{n}@example.cn"
        )
        Membership.objects.create(user=person, unit=units["tzb"])
        Preference.objects.create(user=person, email=n % 2 == 0, sms=n % 3 == 0)
        many.append(person)
    assert queries(many) == one


# ---- people: e-mail, SMS, quiet hours, the daily digest ------------------------------------


@pytest.fixture
def by_mail(people):
    """The 统战部 handler, who also wants e-mail and SMS."""
    person = people["tzb"]
    person.email, person.phone = "tzb@example.cn", "13800138000"
    person.save()
    Preference.objects.create(user=person, email=True, sms=True)
    return person


@pytest.fixture(autouse=True)
def empty_sms_outbox():
    sms.outbox.clear()


def test_a_person_who_chose_e_mail_and_sms_gets_both_in_their_language(by_mail, org, mailoutbox):
    OrganisationSettings.objects.create(organisation=org, channels=["email", "sms"])  # SMS costs
    by_mail.language = "en"
    by_mail.save()
    notify(
        [by_mail],
        title=gettext_lazy("Supervision reminder"),
        facts=[(gettext_lazy("Number"), "DB-2026-0001")],
        url="/tasks/1/",
    )
    assert sending.send_due(now=NOW)["sent"] == 2
    (mail,) = mailoutbox
    assert mail.to == ["tzb@example.cn"] and "Supervision reminder" in mail.subject
    assert "DB-2026-0001" in mail.body
    (text,) = sms.outbox
    assert text.phone == "13800138000" and "Supervision reminder" in text.text


def test_an_organisation_uses_no_sms_unless_it_chooses_to(by_mail, org, mailoutbox):
    notify([by_mail], title="催办")
    assert sending.send_due(now=NOW)["sent"] == 1
    assert len(mailoutbox) == 1 and sms.outbox == []


def test_a_persons_quiet_hours_hold_the_mail_unless_they_opted_out(by_mail, people, monkeypatch):
    night = timezone.make_aware(datetime.datetime(2026, 12, 2, 22, 15))
    monkeypatch.setattr(timezone, "now", lambda: night)
    notify([by_mail], title="夜间通知")
    mails = Delivery.objects.filter(channel=ChannelKind.EMAIL)
    assert mails.get().next_attempt_at == timezone.make_aware(datetime.datetime(2026, 12, 3, 8))
    Preference.objects.filter(user=by_mail).update(quiet_hours=False)
    notify([by_mail], title="再通知")
    assert mails.get(message__title="再通知").next_attempt_at == night


def test_a_person_who_chose_the_digest_gets_one_message_a_day(by_mail, org, mailoutbox):
    Preference.objects.filter(user=by_mail).update(digest=True, sms=False)
    for n in range(3):
        notify([by_mail], title=f"催办{n}", url=f"/tasks/{n}/")
    notify([by_mail], title="加急催办", urgent=True)
    assert sending.send_due(now=NOW)["sent"] == 1  # the urgent one, at once
    assert [m.subject for m in mailoutbox] == ["【台账】【加急】加急催办"]
    assert digests.fold(org.pk, NOW.date(), now=NOW) == 1
    assert digests.fold(org.pk, NOW.date(), now=NOW) == 0  # once a day
    assert sending.send_due(now=NOW)["sent"] == 1
    digest = mailoutbox[-1]
    assert "2026-12-02 每日待办汇总：3 条" in digest.subject
    assert all(f"催办{n}" in digest.body for n in range(3))
    parts = Delivery.objects.filter(channel=ChannelKind.EMAIL, status=DeliveryStatus.DIGESTED)
    assert parts.count() == 3 and len({p.digested_into_id for p in parts}) == 1


def test_the_digest_is_queued_at_the_organisations_hour_on_working_days_only(org):
    OrganisationSettings.objects.create(organisation=org, digest_at=datetime.time(9, 0))
    saturday = timezone.make_aware(datetime.datetime(2026, 12, 5, 10, 0))
    assert digests.enqueue_due_digests(saturday) == []
    early = timezone.make_aware(datetime.datetime(2026, 12, 7, 8, 30))
    assert digests.enqueue_due_digests(early) == []
    monday = timezone.make_aware(datetime.datetime(2026, 12, 7, 9, 1))
    assert digests.enqueue_due_digests(monday) == [org.pk]
    assert digests.enqueue_due_digests(monday) == []  # once that day


def test_the_organisations_own_group_hears_only_what_is_meant_for_the_whole_office(
    fake_robot, org, units, people
):
    fake = fake_robot("feishu")
    at(fake, NOW)
    office = robot_of(org, None, fake)
    tell_unit(units["tzb"], [people["tzb"]], title="催办：只给单位")
    notify([people["leader"]], title="升级督办：请批示", organisation_group=True)
    assert sending.send_due(now=NOW)["sent"] == 1
    delivery = robot_deliveries().get()
    assert (delivery.robot, delivery.unit, delivery.recipient_key) == (
        office,
        None,
        f"robot:{office.pk}",
    )
    assert "升级督办：请批示" in str(fake.received[0])


def test_a_unit_with_two_robots_counts_each_reminder_once(wecom, fake_robot, org, units):
    OrganisationSettings.objects.create(organisation=org, unit_reminders_per_day=2)
    robot_of(org, units["tzb"], fake_robot("dingtalk"))
    for n in range(3):
        tell_unit(units["tzb"], title=f"催办{n}", kind="remind")
    waiting = robot_deliveries().filter(digest=True).values_list("message__title", flat=True)
    assert sorted(waiting) == ["催办2", "催办2"]  # the third, in both groups


def test_a_robot_switched_off_while_a_message_waited_does_not_post_it(wecom, units, people):
    fake, robot = wecom
    tell_unit(units["tzb"], title="催办：等候中")
    robot.is_active = False
    robot.save()
    assert sending.send_due(now=NOW)["given_up"] == 1
    assert fake.received == []
    assert Notification.objects.get(recipient=people["tzb"]).title == "催办：等候中"


def test_the_organisations_group_falls_back_to_its_supervisors(fake_robot, org, people):
    fake = fake_robot("wecom")
    at(fake, NOW)
    robot_of(org, None, fake)
    fake.fail_next(1, status=400)
    notify([people["leader"]], title="升级督办：请批示", organisation_group=True)
    assert sending.send_due(now=NOW)["given_up"] == 1
    assert robot_deliveries().get().fell_back
    assert Notification.objects.get(recipient=people["supervisor"]).title == "升级督办：请批示"


def test_a_retry_that_would_fall_in_the_quiet_hours_waits_for_the_morning(wecom, units):
    fake, _robot = wecom
    evening = timezone.make_aware(datetime.datetime(2026, 12, 2, 21, 59, 30))
    at(fake, evening)
    fake.fail_next(1, status=502)
    tell_unit(units["tzb"])
    assert sending.send_due(now=evening)["failed"] == 1
    morning = timezone.make_aware(datetime.datetime(2026, 12, 3, 8, 0))
    assert robot_deliveries().get().next_attempt_at == morning


def test_a_message_that_waits_after_the_days_digest_goes_in_the_next(by_mail, org):
    Preference.objects.filter(user=by_mail).update(digest=True, sms=False)
    notify([by_mail], title="上午的")
    assert digests.fold(org.pk, NOW.date(), now=NOW) == 1
    notify([by_mail], title="下午的")
    assert digests.fold(org.pk, NOW.date(), now=NOW) == 0
    late = Delivery.objects.get(message__title="下午的", channel=ChannelKind.EMAIL)
    assert (late.status, late.digest) == ("queued", True)  # still waiting, not lost
    tomorrow = NOW + datetime.timedelta(days=1)
    assert digests.fold(org.pk, tomorrow.date(), now=tomorrow) == 1
