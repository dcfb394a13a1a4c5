"""What every appraisal page shares: who may open the pages at all, the cycle as the rules
read it (404 when the user may not see it), and how a rate and a point's address look."""

from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.urls import reverse

from taizhang.org.choices import Role

from . import services, stats
from .choices import CommendationTitle, Grade, Subject


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
    # Half up, as the method text of each point (services._pct): a cell never differs from it.
    return f"{(Decimal(value) * 100).quantize(Decimal('0.1'), ROUND_HALF_UP)}%"


def grade_filter(cycle, params):
    """The grades a ``?grade=B`` (that grade) or ``?at_least=B`` (B and better) link asks for;
    None when the link asks for no grade (or for one outside the cycle's scheme)."""
    scheme = Grade.of_scheme(cycle.grade_scheme)
    grade, at_least = params.get("grade", ""), params.get("at_least", "")
    if grade in scheme:
        return {grade}
    if at_least in scheme:
        return set(scheme[: scheme.index(at_least) + 1])
    return None


def headline(cycle):
    """The cycle's figures at a glance, each with the link to the rows behind it: how many
    were appraised, how many at the scheme's second grade or better (B级以上), each grade, the
    commendations. Counts by grade only: nobody is ranked here."""
    if cycle.subject == Subject.STAFF:
        rows = reverse("appraisal:staff", args=[cycle.pk])
        title = CommendationTitle.STAFF
    else:
        rows = reverse("appraisal:results", args=[cycle.pk])
        title = CommendationTitle.UNIT
    scheme = Grade.of_scheme(cycle.grade_scheme)
    good = scheme[1]
    return {
        "appraised": stats.appraised_count(cycle),
        "rows_url": rows,
        "good": Grade(good).label,
        "at_or_above": stats.at_or_above(cycle, good),
        "good_url": f"{rows}?at_least={good}",
        "grades": [
            {
                "grade": grade,
                "label": label,
                "colour": Grade.colour(grade),
                "count": count,
                "url": f"{rows}?grade={grade}",
            }
            for grade, label, count in stats.grade_distribution(cycle)
        ],
        "title": CommendationTitle(title).label,
        "commended": stats.commendations_count(cycle, title),
        "commendations": stats.commendations_count(cycle),
        "commendations_url": reverse("appraisal:detail", args=[cycle.pk]) + "#commendations",
    }


def points_url(cycle, unit, point=None):
    url = reverse("appraisal:points", args=[cycle.pk, unit.code])
    return f"{url}#point-{point.pk}" if point is not None else url
