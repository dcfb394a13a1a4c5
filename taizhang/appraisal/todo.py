"""Appraisal work waiting for a user, for the ledger's 我的待办 (see supervision.other_work):
the panel's appeals to decide, and a person's self-report (述职) to write."""

from django.urls import reverse
from django.utils.translation import gettext as _

from taizhang.org.choices import Role

from .choices import AppealStatus, Status
from .models import Appeal, Assessee


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
    reports = list(
        Assessee.objects.visible_to(user)
        .filter(user=user, self_report="", cycle__status=Status.SCORING)
        .only("id")
    )
    if reports:
        url = _where(reports, lambda a: reverse("appraisal:staff_detail", args=[a.pk]))
        found.append((_("Appraisal: your self-report to write"), len(reports), url))
    return found
