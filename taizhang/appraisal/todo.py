"""Appraisal work waiting for a user, for the ledger's 我的待办 (see supervision.other_work):
the panel's appeals to decide, the manual scores the user still has to give (市委领导评价,
民主测评 …), and a person's self-report (述职) to write."""

from django.urls import reverse
from django.utils.translation import gettext as _

from taizhang.org.choices import Role

from . import rules, services
from .choices import Action, AppealStatus, IndicatorKind, Status, Subject
from .models import Appeal, Assessee, ManualScore


def _where(rows, one_url):
    """The page of the one cycle (or person) when there is one, else the list."""
    targets = {one_url(row) for row in rows}
    return targets.pop() if len(targets) == 1 else reverse("appraisal:list")


def todo_counts(user):
    """(title, count, url) of each kind of appraisal work the user has now."""
    if not user.is_authenticated or user.organisation_id is None or user.role not in Role.staff():
        return []
    found = []
    if user.role in (Role.SUPERVISOR, Role.LEADER):
        appeals = list(
            Appeal.objects.visible_to(user)
            .filter(status=AppealStatus.LODGED, cycle__status=Status.PUBLICISED)
            .only("cycle_id")
        )
        if appeals:
            url = _where(appeals, lambda a: reverse("appraisal:appeal", args=[a.cycle_id]))
            found.append((_("Appraisal: appeals to decide"), len(appeals), url))
    waiting = scores_waiting(user)
    if waiting:
        url = _where(
            waiting, lambda row: reverse("appraisal:detail", args=[row[0].pk]) + "#scoring"
        )
        found.append((_("Appraisal: scores to give"), len(waiting), url))
    reports = list(
        Assessee.objects.visible_to(user)
        .filter(user=user, self_report="", cycle__status=Status.SCORING)
        .only("id")
    )
    if reports:
        url = _where(reports, lambda a: reverse("appraisal:staff_detail", args=[a.pk]))
        found.append((_("Appraisal: your self-report to write"), len(reports), url))
    return found


def scores_waiting(user):
    """[(cycle, indicator, unit)] of each cycle in scoring: the manual indicators the user may
    score and has not scored yet for a unit (the same rule as the cycle page's scoring forms)."""
    cycles = list(
        services.loaded().visible_to(user).filter(status=Status.SCORING, subject=Subject.UNITS)
    )
    cycles = [c for c in cycles if rules.can(user, Action.SCORE, c)]
    if not cycles:
        return []
    given = set(
        ManualScore.objects.filter(cycle__in=cycles, scorer=user).values_list(
            "cycle_id", "indicator_id", "unit_id"
        )
    )
    return [
        (cycle, indicator, cu.unit)
        for cycle in cycles
        for indicator in cycle.indicators.all()
        if indicator.kind == IndicatorKind.MANUAL
        for cu in cycle.cycle_units.all()
        if (cycle.pk, indicator.pk, cu.unit_id) not in given
        and rules.may_score(user, cycle, indicator, cu.unit_id)
    ]
