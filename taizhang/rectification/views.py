"""Plans, their aspects, problems and measures, and the 问题清单 / 任务清单 across plans."""

from django.http import Http404


def plan_list(request):  # placeholder: the pages are written next
    raise Http404


def plan_new(request):  # placeholder: the pages are written next
    raise Http404


def plan_detail(request, pk):  # placeholder: the pages are written next
    raise Http404


def plan_edit(request, pk):  # placeholder: the pages are written next
    raise Http404


def plan_action(request, pk, action):  # placeholder: the pages are written next
    raise Http404


def aspect_new(request, pk):  # placeholder: the pages are written next
    raise Http404


def aspect_edit(request, pk):  # placeholder: the pages are written next
    raise Http404


def problem_new(request, pk):  # placeholder: the pages are written next
    raise Http404


def problem_list(request):  # placeholder: the pages are written next
    raise Http404


def problem_detail(request, pk):  # placeholder: the pages are written next
    raise Http404


def problem_edit(request, pk):  # placeholder: the pages are written next
    raise Http404


def problem_action(request, pk, action):  # placeholder: the pages are written next
    raise Http404


def measure_new(request, pk):  # placeholder: the pages are written next
    raise Http404


def measure_list(request):  # placeholder: the pages are written next
    raise Http404


def plan_file(request, pk):  # placeholder: the pages are written next
    raise Http404


def problem_file(request, pk):  # placeholder: the pages are written next
    raise Http404
