"""The ledger's orders at scale: the default one (running first, finished last) and the
columns' sorts, each an index in its order (supervision/ordering.py). The ranks' SQL is the
classes' of ordering.py: changing their groups needs a migration that re-creates the index."""

import taizhang.supervision.ordering
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('org', '0004_alter_user_role'),
        ('supervision', '0006_unit_reminders'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name='task',
            index=models.Index(models.F('organisation'), taizhang.supervision.ordering.LedgerRank(), models.F('deadline'), models.F('number'), name='task_rank_order'),
        ),
        migrations.AddIndex(
            model_name='task',
            index=models.Index(fields=['organisation', 'number'], name='task_number_order'),
        ),
        migrations.AddIndex(
            model_name='task',
            index=models.Index(models.F('organisation'), taizhang.supervision.ordering.StatusRank(), models.F('deadline'), models.F('number'), name='task_status_rank_order'),
        ),
        migrations.AddIndex(
            model_name='task',
            index=models.Index(models.F('organisation'), taizhang.supervision.ordering.LightRank(), models.F('deadline'), models.F('number'), name='task_light_rank_order'),
        ),
    ]
