"""Pages of mechanisms: members, the yearly plan against what was held, and their figures.

BEING WRITTEN: placeholders until the pages land."""

from django.http import Http404


def mechanism_list(request, *args, **kwargs):
    raise Http404


def mechanism_new(request, *args, **kwargs):
    raise Http404


def mechanism_detail(request, *args, **kwargs):
    raise Http404


def mechanism_edit(request, *args, **kwargs):
    raise Http404
