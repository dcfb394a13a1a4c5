"""Exchange events (speakers, photos, report, suggestions handed over) and the statistics page.

BEING WRITTEN: placeholders until the pages land."""

from django.http import Http404


def event_edit(request, *args, **kwargs):
    raise Http404


def hand_over(request, *args, **kwargs):
    raise Http404


def stats_page(request, *args, **kwargs):
    raise Http404
