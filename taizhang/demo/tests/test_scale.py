"""``taizhang seed-scale``: a large ledger that the product itself accepts as its own."""

import datetime
from collections import Counter as Tally

import pytest
from django.core.management import call_command
from django.utils import timezone

from taizhang.org.models import User
from taizhang.supervision import services
from taizhang.supervision.choices import Light, Status, UnitRole
from taizhang.supervision.lights import compute_light
from taizhang.supervision.models import Task, TaskUnit

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(capsys):
    call_command("seed-scale", tasks=600, organisations=2)
    return capsys.readouterr().out


def test_it_builds_the_tasks_in_every_state_across_organisations(seeded):
    assert "Added 600 tasks" in seeded
    per_org = Tally(Task.objects.values_list("organisation__code", flat=True))
    assert per_org == {"scale1": 480, "scale2": 120}
    assert set(Task.objects.values_list("status", flat=True)) == set(Status.values)
    every = Task.objects.count()
    assert TaskUnit.objects.filter(role=UnitRole.LEAD).count() == every
    assert TaskUnit.objects.count() > 3 * every


def test_lights_are_todays_and_the_running_work_has_a_history(seeded):
    today = timezone.localdate()
    tasks = list(Task.objects.filter(status__in=Status.open_states())[:200])
    assert all(t.light == compute_light(t, today) for t in tasks)
    assert {t.light for t in tasks} >= {Light.RED, Light.GREEN}
    running = Task.objects.filter(status=Status.IN_PROGRESS).first()
    assert running.events.count() >= 4 and running.progress_reports.exists()


def test_handlers_see_their_part_and_the_busiest_unit_sees_a_large_share(seeded):
    busiest = User.objects.get(username="scale1-u01")
    quiet = User.objects.get(username="scale1-u12-4")
    org_tasks = Task.objects.filter(organisation__code="scale1").count()
    assert Task.objects.visible_to(busiest).count() > org_tasks / 5
    assert Task.objects.visible_to(quiet).count() < Task.objects.visible_to(busiest).count()
    assert busiest.check_password("taizhang2026")


def test_numbers_go_on_from_the_data_set_and_a_second_run_adds_to_it(seeded):
    supervisor = User.objects.get(username="scale1-duban")
    lead = supervisor.organisation.units.first()
    task = services.create_task(
        by=supervisor,
        organisation=supervisor.organisation,
        title="规模数据之后的新事项",
        deadline=timezone.localdate() + datetime.timedelta(days=30),
        lead_unit=lead,
    )
    assert Task.objects.filter(number=task.number).count() == 1
    call_command("seed-scale", tasks=100)
    assert Task.objects.count() == 701
    assert Task.objects.values("number").distinct().count() == 701
