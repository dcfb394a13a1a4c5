"""Pages of meetings: the list, planning form, the meeting page
with its notice, replies, attendance, minutes, decisions, 会签 and issuing.

BEING WRITTEN: placeholders until the pages land."""

from django.http import Http404


def meeting_list(request, *args, **kwargs):
    raise Http404


def meeting_new(request, *args, **kwargs):
    raise Http404


def meeting_detail(request, *args, **kwargs):
    raise Http404


def meeting_edit(request, *args, **kwargs):
    raise Http404


def meeting_action(request, *args, **kwargs):
    raise Http404


def file_download(request, *args, **kwargs):
    raise Http404
