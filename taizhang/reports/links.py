"""The lists behind the reports' figures: each figure carries the address of the list that
counts it, with the filters that list understands, so that clicking a number shows as many
rows as it says."""

import functools

from django.urls import get_script_prefix, reverse
from django.utils.http import urlencode

from taizhang.supervision.choices import Status


@functools.lru_cache(maxsize=64)
def _reverse(name, args, prefix):
    return reverse(name, args=args)


@functools.lru_cache(maxsize=4096)
def _pair(key, value):
    return urlencode({key: value})


def _url(name, args=None, **filters):
    # An overview links hundreds of figures to a few lists with a few filters each: each
    # list's address is looked up once (per script prefix, which reverse() reads), and each
    # filter's ``key=value`` encoded once.
    base = _reverse(name, tuple(args) if args else None, get_script_prefix())
    pairs = [
        _pair(key, str(item))
        for key, value in filters.items()
        if value not in (None, "", [], ())
        for item in (value if isinstance(value, list | tuple) else [value])
    ]
    return f"{base}?{'&'.join(pairs)}" if pairs else base


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
