import datetime

import pytest
from django.core.management import call_command

from taizhang.org.models import Organisation, Unit, User
from taizhang.supervision.choices import Light
from taizhang.supervision.models import Task

pytestmark = pytest.mark.django_db


def test_demo_loads_once_and_reloads_with_reset():
    call_command("demo")
    federation = Organisation.objects.get(code="jxl")
    assert federation.units.count() == 12  # the headquarters' 12 departments
    assert Unit.objects.get(code="gzw").short_name == "市国资委"
    for username in ("admin", "duban", "lingdao", "city-duban", "tzb", "djb"):
        assert User.objects.filter(username=username).exists(), username
    lights = set(Task.objects.values_list("light", flat=True))
    assert {Light.RED, Light.YELLOW, Light.BLUE, Light.GREEN} <= lights
    count = Task.objects.count()
    call_command("demo")  # already loaded: nothing changes
    assert Task.objects.count() == count
    call_command("demo", "--reset")  # parents and sub-tasks, units and sub-units go first
    assert Task.objects.count() == count
    assert User.objects.filter(username="duban").count() == 1


def test_demo_units_card_and_timeline_tell_the_same_dates():
    """签收 on the units card (TaskUnit.signed_at) is when the timeline's 签收 line says."""
    from taizhang.supervision.choices import Action
    from taizhang.supervision.models import TaskEvent, TaskUnit

    call_command("demo")
    signed = {
        (tu.task_id, tu.unit_id): tu.signed_at
        for tu in TaskUnit.objects.filter(signed_at__isnull=False)
    }
    events = TaskEvent.objects.filter(action=Action.SIGN, unit__isnull=False)
    assert events.exists()
    # The service stamps the part and then writes its event: the same moment to the minute
    # the page shows.
    differ = [
        (e.task.number, str(e.unit), signed.get((e.task_id, e.unit_id)), e.created_at)
        for e in events.select_related("task", "unit")
        if abs(signed[(e.task_id, e.unit_id)] - e.created_at) > datetime.timedelta(seconds=5)
    ]
    assert not differ
