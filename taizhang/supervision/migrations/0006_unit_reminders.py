"""Reminders become one digest per unit and day (UnitReminder) instead of one row per task
and day; the daily job's light changes get their own timeline action. The old rows are
carried over: each day's reminded tasks go into the digests of their lead and responsible
units, so that the appraisal's reminder counts stay what they were."""

import django.db.models.deletion
from django.db import migrations, models

CHASED_ROLES = ("lead", "responsible")
LIGHTS = ("red", "yellow", "blue")


def carry_over(apps, schema_editor):
    Reminder = apps.get_model("supervision", "Reminder")
    UnitReminder = apps.get_model("supervision", "UnitReminder")
    days = Reminder.objects.order_by("day").values_list("day", flat=True).distinct()
    for day in days.iterator():
        digests = {}
        rows = (
            Reminder.objects.filter(day=day, task__task_units__role__in=CHASED_ROLES)
            .order_by("task__task_units__unit_id", "task_id")
            .values_list("task__task_units__unit_id", "task_id", "light")
        )
        for unit_id, task_id, light in rows.iterator():
            if light in LIGHTS:
                tasks = digests.setdefault(unit_id, {}).setdefault(light, [])
                if task_id not in tasks:
                    tasks.append(task_id)
        UnitReminder.objects.bulk_create(
            [
                UnitReminder(
                    unit_id=unit_id,
                    day=day,
                    tasks=tasks,
                    **{light: len(tasks.get(light, ())) for light in LIGHTS},
                )
                for unit_id, tasks in digests.items()
            ],
            batch_size=500,
        )


class Migration(migrations.Migration):
    dependencies = [
        ("org", "0004_alter_user_role"),
        ("supervision", "0005_index_tasks_for_search"),
    ]

    operations = [
        migrations.CreateModel(
            name="UnitReminder",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("day", models.DateField(verbose_name="day")),
                ("red", models.PositiveIntegerField(default=0)),
                ("yellow", models.PositiveIntegerField(default=0)),
                ("blue", models.PositiveIntegerField(default=0)),
                ("tasks", models.JSONField(blank=True, default=dict)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                (
                    "unit",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="org.unit",
                        verbose_name="unit",
                    ),
                ),
            ],
            options={
                "verbose_name": "reminder",
                "verbose_name_plural": "reminders",
                "indexes": [models.Index(fields=["day", "unit"], name="unitreminder_day_unit")],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("unit", "day"), name="one_reminder_per_unit_per_day"
                    )
                ],
            },
        ),
        migrations.AlterField(
            model_name="taskevent",
            name="action",
            field=models.CharField(
                choices=[
                    ("create", "Registered"),
                    ("edit", "Edited"),
                    ("approve", "Approved"),
                    ("assign", "Assigned"),
                    ("sign", "Signed for"),
                    ("progress", "Progress reported"),
                    ("submit_completion", "Completion reported"),
                    ("verify", "Verified and closed"),
                    ("return", "Returned"),
                    ("request_extension", "Extension requested"),
                    ("decide_extension", "Extension decided"),
                    ("cancel", "Cancelled"),
                    ("remind", "Reminder sent"),
                    ("light", "Light changed"),
                    ("comment", "Comment"),
                    ("instruct", "Leader instruction"),
                    ("attach", "Attachment added"),
                ],
                max_length=20,
                verbose_name="action",
            ),
        ),
        migrations.RunPython(carry_over, migrations.RunPython.noop),
        migrations.DeleteModel(name="Reminder"),
    ]
