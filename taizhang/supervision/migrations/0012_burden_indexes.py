from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("org", "0005_user_language"),
        ("supervision", "0011_history_columns"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name="progressreport",
            index=models.Index(fields=["created_at"], name="progress_by_time"),
        ),
        migrations.AddIndex(
            model_name="taskevent",
            index=models.Index(fields=["action", "created_at"], name="taskevent_action_time"),
        ),
    ]
