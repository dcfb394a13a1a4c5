"""Fixtures shared by every app's tests: a small organisation with a unit tree and people
in every role, a helper that walks a task to a given state through the services, and the
steps of a browser walk."""

import datetime
import os
import shutil

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from taizhang.notify.tests.fake_robots import FakeRobot
from taizhang.org.choices import Role
from taizhang.org.models import Membership, Organisation, Unit, User
from taizhang.supervision import services
from taizhang.supervision.models import Task

PASSWORD = "pw-for-tests"

# Playwright's sync API runs an event loop in the test thread; Django's ORM must be allowed there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Debian's chromium (Playwright cannot download its own browser here)."""
    executable = os.environ.get("TAIZHANG_CHROMIUM") or shutil.which("chromium")
    if not executable:
        pytest.fail("Browser tests need Debian's chromium: run scripts/install-browser.")
    return {
        **browser_type_launch_args,
        "executable_path": executable,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture
def today():
    """The office's date when the test starts: read per test, not at import, so that a
    suite running across midnight (Beijing) does not compare with yesterday."""
    return timezone.localdate()


@pytest.fixture
def org(db):
    return Organisation.objects.create(code="city", name="XX市")


@pytest.fixture
def units(org):
    def unit(code, name, short="", aliases="", parent=None):
        return Unit.objects.create(
            organisation=org, code=code, name=name, short_name=short, aliases=aliases, parent=parent
        )

    office = unit("office", "市委督查室", "督查室")
    tzb = unit("tzb", "中共XX市委统战部", "市委统战部", "统战部")
    gzw = unit("gzw", "XX市人民政府国有资产监督管理委员会", "市国资委", "国资委\n市国资委员会")
    czj = unit("czj", "XX市财政局", "市财政局")
    steel = unit("steel", "XX钢铁集团有限公司", "XX钢铁集团", parent=gzw)
    return {"office": office, "tzb": tzb, "gzw": gzw, "czj": czj, "steel": steel}


def make_user(org, username, role, unit=None):
    user = User.objects.create_user(
        username, password=PASSWORD, organisation=org, role=role, display_name=username
    )
    if unit:
        Membership.objects.create(user=user, unit=unit)
    return user


@pytest.fixture
def people(org, units):
    """One person per role; a handler per unit, named after the unit's code."""
    found = {
        "supervisor": make_user(org, "duban", Role.SUPERVISOR, units["office"]),
        "leader": make_user(org, "lingdao", Role.LEADER),
        "admin": make_user(org, "admin", Role.ADMIN),
    }
    for code, unit in units.items():
        found[code] = make_user(org, code, Role.HANDLER, unit)
    return found


@pytest.fixture
def other_org(db):
    """A second organisation with its own supervisor and unit, to test isolation."""
    org = Organisation.objects.create(code="fed", name="联合会")
    unit = Unit.objects.create(organisation=org, code="fed-office", name="总部办公室")
    return {
        "org": org,
        "unit": unit,
        "supervisor": make_user(org, "fed-duban", Role.SUPERVISOR, unit),
    }


STEPS = ["approved", "assigned", "signed", "in_progress", "completion_reported", "closed"]


@pytest.fixture
def make_task(org, units, people):
    """A task walked by the services to ``state`` (draft … closed, returned, cancelled)."""

    def make(state="draft", *, title="建立专门的建言献策台账", deadline=None, **extra):
        unit_args = {
            "lead_unit": units["tzb"],
            "responsible_units": [units["gzw"]],
            "cooperating_units": [units["czj"]],
            "supervising_units": [units["office"]],
        }
        unit_args.update({k: v for k, v in extra.items() if k in unit_args})
        fields = {k: v for k, v in extra.items() if k not in unit_args}
        task = services.create_task(
            by=people["supervisor"],
            organisation=org,
            title=title,
            deadline=deadline or timezone.localdate() + datetime.timedelta(days=60),
            **unit_args,
            **fields,
        )
        walk(task, state, people)
        return Task.objects.with_units().get(pk=task.pk)

    return make


def walk(task, state, people):
    lead = people[Task.objects.with_units().get(pk=task.pk).lead_unit.code]
    steps = {
        "approved": lambda: services.approve_task(task, by=people["leader"]),
        "assigned": lambda: services.assign_task(task, by=people["supervisor"]),
        "signed": lambda: services.sign_task(task, by=lead),
        "in_progress": lambda: services.report_progress(
            task, by=lead, percent=40, text="已召开专题会议部署。"
        ),
        "completion_reported": lambda: services.submit_completion(
            task, by=lead, comment="已全部完成。"
        ),
        "closed": lambda: services.verify_task(
            task, by=people["supervisor"], confirm_unsigned=True
        ),
    }
    if state in ("draft",):
        return
    if state == "cancelled":
        services.cancel_task(task, by=people["supervisor"], comment="工作调整，不再办理。")
        return
    target = "completion_reported" if state == "returned" else state
    for step in STEPS[: STEPS.index(target) + 1]:
        steps[step]()
    if state == "returned":
        services.return_task(task, by=people["supervisor"], comment="材料不全，请补充。")


@pytest.fixture
def fake_robot():
    """A factory of started fake group robots (local webhook servers),
    ``fake_robot("wecom", secret=None)``; every one is stopped when the test ends."""
    robots = []

    def start(kind, secret=None):
        robot = FakeRobot(kind, secret=secret).start()
        robots.append(robot)
        return robot

    yield start
    for robot in robots:
        robot.stop()


@pytest.fixture
def steps(live_server, page, output_path):
    """A browser walk's steps: sign in as someone (cookies cleared first), and a screenshot
    per step, numbered, under the test's output folder."""
    taken = []

    class Steps:
        def login(self, username):
            page.context.clear_cookies()
            page.goto(f"{live_server.url}/login/")
            page.fill("#id_username", username)
            page.fill("#id_password", PASSWORD)
            page.click("button[type=submit]")
            expect(page.locator(".navbar")).to_contain_text("我的待办")

        def shot(self, name):
            taken.append(name)
            page.screenshot(path=f"{output_path}/{len(taken):02d}-{name}.png", full_page=True)

    return Steps()
