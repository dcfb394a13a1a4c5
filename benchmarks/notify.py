"""The notification router and its sender at volume: what ``notify`` costs a service function,
and how fast the worker empties the queue into the group robots.

    DATABASE_URL=sqlite:////tmp/notify-bench.sqlite3 python benchmarks/notify.py [--units 50]

Migrates the database named by DATABASE_URL (use a scratch one), builds an organisation with
``--units`` units, each with two handlers (one of whom also wants e-mail) and a WeCom group
robot served by a local fake webhook server (the test suite's, which checks the message and
the platform's limit of 20 a minute). Then announces 20 reminders to every unit (each one
the handlers in-app and by e-mail, and the unit's group), and runs the sender once: every
message within the robots' limits must go out, then one more per unit must be held back.
Prints the milliseconds and queries per ``notify`` call, and the sender's messages a second.
"""

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "taizhang.settings")
os.environ.setdefault("TAIZHANG_EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from taizhang.notify import sending, services  # noqa: E402
from taizhang.notify.choices import ChannelKind  # noqa: E402
from taizhang.notify.models import (  # noqa: E402
    Channel,
    Delivery,
    OrganisationSettings,
    Preference,
)
from taizhang.notify.tests.fake_robots import FakeRobot  # noqa: E402
from taizhang.org.choices import Role  # noqa: E402
from taizhang.org.models import Membership, Organisation, Unit, User  # noqa: E402

PER_UNIT = 20  # a WeCom robot's allowance of a minute


def build(count):
    org, _new = Organisation.objects.get_or_create(
        code="notify-bench", defaults={"name": "通知基准"}
    )
    Delivery.objects.filter(organisation=org).delete()
    Channel.objects.filter(organisation=org).delete()
    # No quiet hours: at night they would hold every message (the benchmark runs at any hour).
    OrganisationSettings.objects.update_or_create(
        organisation=org, defaults={"quiet_start": "00:00", "quiet_end": "00:00"}
    )
    robots, units = [], []
    for n in range(count):
        unit, _new = Unit.objects.get_or_create(
            organisation=org, code=f"nb{n:03d}", defaults={"name": f"基准单位{n:03d}"}
        )
        for k in range(2):
            user, _new = User.objects.get_or_create(
                username=f"nb{n:03d}-{k}",
                defaults={"organisation": org, "role": Role.HANDLER, "email": f"h{n}-{k}@bench.cn"},
            )
            Membership.objects.get_or_create(user=user, unit=unit)
            Preference.objects.update_or_create(user=user, defaults={"email": k == 0})
        fake = FakeRobot("wecom").start()
        robot = Channel(organisation=org, unit=unit, kind=ChannelKind.WECOM)
        robot.set_webhook(fake.url)
        robot.save()
        robots.append(fake)
        units.append(unit)
    return units, robots


def handlers(unit):
    return list(User.objects.filter(memberships__unit=unit))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--units", type=int, default=50)
    args = parser.parse_args()
    services.wake_sender = lambda: None  # the sender runs below, measured on its own
    call_command("migrate", verbosity=0)
    units, robots = build(args.units)
    people = {unit.pk: handlers(unit) for unit in units}

    calls = queries = 0
    started = time.perf_counter()
    for round_ in range(PER_UNIT):
        for unit in units:
            with CaptureQueriesContext(connection) as captured, transaction.atomic():
                services.notify(
                    people[unit.pk],
                    units=[unit],
                    title=f"催办：第{round_ + 1}次",
                    body="请于本周五前报送进展。",
                    url="/tasks/1/",
                    kind="remind-bench",
                )
            calls += 1
            queries += len(captured)
    notify_seconds = time.perf_counter() - started

    started = time.perf_counter()
    counts = sending.send_due()
    send_seconds = time.perf_counter() - started
    posted = sum(len(robot.received) for robot in robots)

    for unit in units:  # one more each: past the minute's allowance
        services.notify([], units=[unit], title="第21次", kind="remind-bench")
    held = sending.send_due()["held"]
    for robot in robots:
        robot.stop()

    outside = counts["sent"]
    print(f"units: {args.units}, notify calls: {calls}")
    per_call = notify_seconds * 1000 / calls
    print(f"notify: {per_call:.2f} ms and {queries / calls:.1f} queries a call")
    print(
        f"sender: {outside} messages ({posted} to robots, {outside - posted} e-mails) "
        f"in {send_seconds:.2f} s = {outside / send_seconds:.0f} a second"
    )
    print(f"the 21st message of the minute: {held} of {args.units} held back")
    assert posted == args.units * PER_UNIT and held == args.units, (posted, held)


if __name__ == "__main__":
    main()
