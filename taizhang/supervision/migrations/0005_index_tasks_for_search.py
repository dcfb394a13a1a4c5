"""Put the existing tasks in the search index (new writes index themselves)."""

from django.db import migrations


def index_tasks(apps, schema_editor):
    from taizhang.search.models import entry_id
    from taizhang.search.tokens import tokens
    from taizhang.supervision.indexing import KIND, task_rows

    entry_model = apps.get_model("search", "SearchEntry")
    rows = task_rows(
        task_model=apps.get_model("supervision", "Task"),
        report_model=apps.get_model("supervision", "ProgressReport"),
    )
    batch = []
    for pk, organisation_id, texts in rows:
        batch.append(
            entry_model(
                id=entry_id(KIND, pk),
                kind=KIND,
                object_id=pk,
                organisation_id=organisation_id,
                text=tokens(*texts),
            )
        )
        if len(batch) >= 2000:
            entry_model.objects.bulk_create(batch)
            batch = []
    entry_model.objects.bulk_create(batch)


def unindex_tasks(apps, schema_editor):
    from taizhang.supervision.indexing import KIND

    apps.get_model("search", "SearchEntry").objects.filter(kind=KIND).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("supervision", "0004_ledger_indexes"),
        ("search", "0002_full_text_index"),
    ]

    operations = [migrations.RunPython(index_tasks, unindex_tasks)]
