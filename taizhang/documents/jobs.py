"""Reading a document and proposing its tasks, in the background (long documents take a while).

Documents have a queue of their own, so a long document never delays the daily lights and
reminders on the default queue.
"""

from django.dispatch import receiver
from django.tasks import TaskResultStatus, task
from django.tasks.signals import task_finished
from django.utils.translation import gettext as _

from taizhang.utils.jobs import JobInterrupted

from . import services

QUEUE = "documents"


@task(queue_name=QUEUE)
def process_document(document_id):
    services.process(document_id)


@receiver(task_finished, dispatch_uid="documents.job_finished")
def document_job_finished(sender, task_result, **kwargs):
    """A reading job that failed outside ``process`` (its worker died, it overran, an error
    before the document could be marked) still ends its document, with the reason."""
    if task_result.status != TaskResultStatus.FAILED:
        return
    if task_result.task.module_path != process_document.module_path:
        return
    error = task_result.errors[-1] if task_result.errors else None
    interrupted = JobInterrupted.__qualname__
    if error and error.exception_class_path.endswith(interrupted):
        reason = error.traceback.strip()
    else:
        reason = _("an unexpected error occurred and has been logged.")
    services.fail_interrupted(task_result.args[0], reason)
