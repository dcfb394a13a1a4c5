from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('org', '0005_user_language'),
        ('supervision', '0012_burden_indexes'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name='taskunit',
            index=models.Index(condition=models.Q(('signed_at__isnull', True)), fields=['light', 'role', 'task'], name='task_unit_unsigned_by_light'),
        ),
    ]
