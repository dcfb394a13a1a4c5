from django.db import migrations, models
from django.db.models import F


def supersede_orphans(apps, schema_editor):
    """Reviews whose proposal is gone were left by a document read again: they no longer count."""
    Review = apps.get_model("documents", "Review")
    Review.objects.filter(proposal=None, superseded_at=None).update(superseded_at=F("at"))


class Migration(migrations.Migration):
    dependencies = [
        ("documents", "0002_review_reason_title"),
    ]

    operations = [
        migrations.AddField(
            model_name="review",
            name="superseded_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.RunPython(supersede_orphans, migrations.RunPython.noop),
    ]
