"""Printed 会议通知 and 签到表 (A4), and the phone sign-in page the sheet's QR code opens.

BEING WRITTEN: placeholders until the pages land."""

from django.http import Http404


def notice(request, *args, **kwargs):
    raise Http404


def sign_in_sheet(request, *args, **kwargs):
    raise Http404


def sign_in(request, *args, **kwargs):
    raise Http404
