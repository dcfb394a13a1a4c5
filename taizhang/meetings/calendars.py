"""Calendars of meetings (month and list views) and .ics files for Outlook, WPS and phones.

BEING WRITTEN: placeholders until the pages land."""

from django.http import Http404


def calendar_page(request, *args, **kwargs):
    raise Http404


def organisation_ics(request, *args, **kwargs):
    raise Http404


def meeting_ics(request, *args, **kwargs):
    raise Http404
