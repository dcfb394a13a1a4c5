import importlib

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.db.models import OuterRef, Subquery
from django.db.models.functions import Coalesce

# The light copies' triggers (0004): on SQLite, removing ``lead`` (a foreign key) rebuilds the
# task table, which the triggers name; they are dropped before and made again after.
_LIGHTS = importlib.import_module("taizhang.supervision.migrations.0004_ledger_indexes")


def _drop_light_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for sql in _LIGHTS.SQLITE_REVERSE:
            schema_editor.execute(sql)


def _make_light_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for sql in _LIGHTS.SQLITE:
            schema_editor.execute(sql)
        schema_editor.execute(_LIGHTS.COPY)


def fill(apps, schema_editor):
    """A cancelled task's moment is its CANCEL event's (the history read it from there); a
    task's lead unit is its lead part's."""
    Task = apps.get_model("supervision", "Task")
    TaskEvent = apps.get_model("supervision", "TaskEvent")
    TaskUnit = apps.get_model("supervision", "TaskUnit")
    cancel = TaskEvent.objects.filter(task=OuterRef("pk"), action="cancel").order_by("-created_at")
    # Without its event (none such is known), the last change of the task.
    Task.objects.filter(status="cancelled").update(
        cancelled_at=Coalesce(Subquery(cancel.values("created_at")[:1]), "updated_at")
    )
    lead = TaskUnit.objects.filter(task=OuterRef("pk"), role="lead")
    Task.objects.update(lead=Subquery(lead.values("unit_id")[:1]))


class Migration(migrations.Migration):
    dependencies = [
        ("org", "0005_user_language"),
        ("supervision", "0010_escalation"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="task",
            name="cancelled_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="cancelled at"),
        ),
        migrations.RunPython(migrations.RunPython.noop, _make_light_triggers),
        migrations.AddField(
            model_name="task",
            name="lead",
            field=models.ForeignKey(
                blank=True,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="org.unit",
                verbose_name="lead unit",
            ),
        ),
        migrations.RunPython(migrations.RunPython.noop, _drop_light_triggers),
        # Before the indexes: the fill then does not maintain them row by row.
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="task",
            index=models.Index(
                fields=[
                    "organisation",
                    "lead",
                    "source_kind",
                    "assigned_at",
                    "closed_at",
                    "cancelled_at",
                    "deadline",
                    "status",
                    "light",
                ],
                name="task_figures",
            ),
        ),
        migrations.AddIndex(
            model_name="task",
            index=models.Index(
                condition=models.Q(
                    ("assigned_at__isnull", False),
                    ("cancelled_at__isnull", True),
                    ("closed_at__isnull", True),
                ),
                fields=["organisation", "deadline", "number"],
                name="task_open_by_deadline",
            ),
        ),
        migrations.AddIndex(
            model_name="task",
            index=models.Index(
                condition=models.Q(
                    ("assigned_at__isnull", False),
                    ("cancelled_at__isnull", True),
                    ("closed_at__isnull", True),
                ),
                fields=["organisation", "assigned_at", "number"],
                name="task_open_by_assignment",
            ),
        ),
        migrations.AddIndex(
            model_name="task",
            index=models.Index(
                fields=["organisation", "closed_at", "status", "deadline", "lead", "source_kind"],
                name="task_closings",
            ),
        ),
    ]
