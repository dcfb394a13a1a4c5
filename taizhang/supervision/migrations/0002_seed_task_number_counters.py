"""Task numbers now come from utils.Counter: start each organisation-year's counter at the
highest number already given (compared as an integer, not as a string)."""

from django.db import migrations


def seed(apps, schema_editor):
    Task = apps.get_model("supervision", "Task")
    Counter = apps.get_model("utils", "Counter")
    highest = {}
    for number in Task.objects.values_list("number", flat=True).iterator():
        prefix, _sep, seq = number.rpartition("-")
        if seq.isdigit():
            highest[prefix] = max(highest.get(prefix, 0), int(seq))
    for prefix, value in highest.items():
        Counter.objects.update_or_create(
            name=f"task-number:{prefix}", defaults={"value": value}
        )


class Migration(migrations.Migration):
    dependencies = [
        ("supervision", "0001_initial"),
        ("utils", "0002_counter"),
    ]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
