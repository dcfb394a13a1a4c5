"""Reading a document and proposing its tasks, in the background (long documents take a while)."""

from django.tasks import task

from . import services


@task
def process_document(document_id):
    services.process(document_id)
