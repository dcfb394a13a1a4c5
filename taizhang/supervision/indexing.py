"""Tasks in the search index: their number, title, source, requirements and every progress
text, indexed again whenever one of them changes (signals: every write goes through them)."""

from django.db.models.signals import post_delete, post_save

from taizhang import search

KIND = "task"
TEXT_FIELDS = ("number", "title", "source_ref", "body", "latest_progress")
BATCH = 2000


def task_rows(ids=None, *, task_model=None, report_model=None):
    """(id, organisation id, texts) of the given tasks (of all when None), read in batches.

    The models may be a migration's historical ones.
    """
    if task_model is None:
        from .models import ProgressReport as report_model
        from .models import Task as task_model
    tasks = task_model._base_manager.order_by("pk")
    batches = (
        (tasks.filter(pk__in=ids[i : i + BATCH]) for i in range(0, len(ids), BATCH))
        if ids is not None
        else _keyset(tasks)
    )
    for batch in batches:
        rows = list(batch.values_list("pk", "organisation_id", *TEXT_FIELDS))
        reports = {}
        for task_id, text in (
            report_model._base_manager.filter(task_id__in=[row[0] for row in rows])
            .order_by("task_id", "-created_at", "-id")
            .values_list("task_id", "text")
        ):
            reports.setdefault(task_id, []).append(text)
        for pk, organisation_id, *texts in rows:
            yield pk, organisation_id, _texts(texts, reports.get(pk, ()))


def _keyset(tasks):
    last = 0
    while True:
        batch = tasks.filter(pk__gt=last)[:BATCH]
        pks = list(batch.values_list("pk", flat=True))
        if not pks:
            return
        yield tasks.filter(pk__in=pks)
        last = pks[-1]


def _texts(fields, reports):
    # The latest progress is most often the latest report's text: index it once.
    return tuple(dict.fromkeys([*fields, *reports]))


def index_task(task):
    texts = [getattr(task, name) for name in TEXT_FIELDS]
    from .models import ProgressReport

    reports = ProgressReport.objects.filter(task_id=task.pk).values_list("text", flat=True)
    search.index(KIND, task.pk, task.organisation_id, *_texts(texts, reports))


def _task_saved(sender, instance, update_fields=None, **kwargs):
    if update_fields is None or set(update_fields) & set(TEXT_FIELDS):
        index_task(instance)


def _task_deleted(sender, instance, **kwargs):
    search.unindex(KIND, instance.pk)


def _report_changed(sender, instance, **kwargs):
    from .models import Task

    task = Task._base_manager.filter(pk=instance.task_id).first()
    if task is not None:
        index_task(task)


def connect():
    from .models import ProgressReport, Task

    search.register(KIND, task_rows)
    post_save.connect(_task_saved, sender=Task, dispatch_uid="search_task_saved")
    post_delete.connect(_task_deleted, sender=Task, dispatch_uid="search_task_deleted")
    post_save.connect(_report_changed, sender=ProgressReport, dispatch_uid="search_report_saved")
    post_delete.connect(
        _report_changed, sender=ProgressReport, dispatch_uid="search_report_deleted"
    )
