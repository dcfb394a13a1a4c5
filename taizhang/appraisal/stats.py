"""Figures of a cycle for pages, charts and the reports: the results table, the grade
distribution, how many units are at a grade or better, the commendations.

Everything here ranks units, never persons: the staff figures are counts by grade."""

from collections import Counter

from .choices import Grade, Subject
from .models import Result
from .rules import quota_allowed


def results_table(cycle, user=None):
    """The cycle's results in rank order with their units (one query), limited to what the
    user may see when a user is given."""
    rows = Result.objects.filter(cycle=cycle)
    if user is not None:
        rows = Result.objects.visible_to(user).filter(cycle=cycle)
    return list(rows.select_related("unit").order_by("rank", "unit__code"))


def _grades(cycle):
    if cycle.subject == Subject.STAFF:
        return [a.grade for a in cycle.assessees.all()]
    return list(Result.objects.filter(cycle=cycle).values_list("grade", flat=True))


def grade_distribution(cycle):
    """[(grade, label, count)] best first, every grade of the scheme (0 when none)."""
    counts = Counter(_grades(cycle))
    return [(g, Grade(g).label, counts[g]) for g in Grade.of_scheme(cycle.grade_scheme)]


def quotas(cycle):
    """[(grade, label, given, allowed or None)] of each band, with ``rules.quota_allowed``."""
    grades = _grades(cycle)
    counts = Counter(grades)
    return [
        (b.grade, Grade(b.grade).label, counts[b.grade], quota_allowed(len(grades), b))
        for b in cycle.bands.order_by("-min_score")
    ]


def at_or_above(cycle, grade):
    """How many got ``grade`` or a better one (``at_or_above(cycle, "B")``: B级以上)."""
    scheme = Grade.of_scheme(cycle.grade_scheme)
    if grade not in scheme:
        raise ValueError(f"{grade} is not a grade of {cycle}")
    good = set(scheme[: scheme.index(grade) + 1])
    return sum(1 for g in _grades(cycle) if g in good)


def appraised_count(cycle):
    if cycle.subject == Subject.STAFF:
        return cycle.assessees.count()
    return cycle.cycle_units.count()


def commendations_count(cycle, title=None):
    rows = cycle.commendations.all()
    if title:
        rows = rows.filter(title=title)
    return rows.count()
