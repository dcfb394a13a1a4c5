"""What every appraisal page shares: who may open the pages at all, the cycle as the rules
read it (404 when the user may not see it), and how a rate and a point's address look."""

from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.urls import reverse

from taizhang.org.choices import Role

from . import services


def staff_only(user):
    """The appraisal is the organisation's staff's business: not a submitter's, not the
    administrators'."""
    if user.role not in Role.staff() or not user.organisation_id:
        raise PermissionDenied


def get_cycle(request, pk):
    """The cycle with what the rules read, if the user may see it; 404 otherwise."""
    staff_only(request.user)
    return get_object_or_404(services.loaded().visible_to(request.user), pk=pk)


def pct(value):
    """A rate 0–1 as a percentage with one decimal; "—" when there is none."""
    if value is None:
        return "—"
    return f"{(Decimal(value) * 100).quantize(Decimal('0.1'))}%"


def points_url(cycle, unit, point=None):
    url = reverse("appraisal:points", args=[cycle.pk, unit.code])
    return f"{url}#point-{point.pk}" if point is not None else url
