"""A job for the bookkeeping tests, so they need no app above utils."""

from django.tasks import task


@task
def tidy_up():
    return "tidied"
