"""The three lists as Excel (问题清单, 任务清单, 责任清单) and the all-or-nothing plan import."""

from django.http import Http404


def export(request, pk, sheet):  # placeholder: the pages are written next
    raise Http404


def import_plan(request):  # placeholder: the pages are written next
    raise Http404


def import_template(request):  # placeholder: the pages are written next
    raise Http404
