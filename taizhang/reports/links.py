"""The lists behind the reports' figures: each figure carries the address of the list that
counts it, with the filters that list understands, so that clicking a number shows as many
rows as it says."""

from django.urls import reverse
from django.utils.http import urlencode

from taizhang.supervision.choices import Status


def _url(name, args=None, **filters):
    base = reverse(name, args=args)
    filters = {k: v for k, v in filters.items() if v not in (None, "", [], ())}
    return f"{base}?{urlencode(filters, doseq=True)}" if filters else base


def ledger(**filters):
    """The ledger (督办台账) with the task filters (supervision/filters.py)."""
    return _url("supervision:ledger", **filters)


def running_states():
    return sorted(Status.open_states())


def suggestions(**filters):
    return _url("suggestions:list", **filters)


def meetings(**filters):
    return _url("meetings:list", **filters)


def rectification_plan(plan_id):
    return reverse("rectification:detail", args=[plan_id])


def rectification_problems(**filters):
    return _url("rectification:problems", **filters)


def rectification_measures(**filters):
    return _url("rectification:measures", **filters)


def appraisal_results(cycle_id):
    return reverse("appraisal:results", args=[cycle_id])


def appraisal_staff(cycle_id):
    return reverse("appraisal:staff", args=[cycle_id])


def bulletins(**filters):
    return _url("reports:bulletins", **filters)
