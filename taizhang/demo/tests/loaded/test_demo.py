import datetime
import shutil

import pytest
from django.core.management import call_command

from taizhang.org.models import Organisation, Unit, User
from taizhang.suggestions.models import Suggestion
from taizhang.supervision.choices import Light
from taizhang.supervision.models import Task
from taizhang.talent.models import Person

pytestmark = pytest.mark.django_db


def test_demo_loads_once(demo):
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


def test_demo_reloads_with_reset(demo, settings, tmp_path):
    # --reset deletes the archived files too, which no rollback brings back: it works on a
    # copy of them, and the next tests still read the originals.
    shutil.copytree(settings.MEDIA_ROOT, tmp_path / "media")
    settings.MEDIA_ROOT = tmp_path / "media"
    count, newest = Task.objects.count(), Task.objects.order_by("pk").last().pk
    suggestions = Suggestion.objects.count()
    pool = Person.objects.filter(organisation__code="xxs").count()
    # Parents and sub-tasks, units and sub-units go first; suggestions (merged ones hold
    # their targets), profiles, events and the log go with the organisation.
    call_command("demo", "--reset")
    assert not Task.objects.filter(pk__lte=newest).exists()  # loaded anew, not kept
    assert Task.objects.count() == count
    assert Suggestion.objects.count() == suggestions
    assert Person.objects.filter(organisation__code="xxs").count() == pool
    assert User.objects.filter(username="duban").count() == 1
    assert User.objects.filter(username="jy1").count() == 1


def test_demo_units_card_and_timeline_tell_the_same_dates(demo):
    """签收 on the units card (TaskUnit.signed_at) is when the timeline's 签收 line says."""
    from taizhang.supervision.choices import Action
    from taizhang.supervision.models import TaskEvent, TaskUnit

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
