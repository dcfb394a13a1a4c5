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
