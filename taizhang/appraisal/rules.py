"""May this user take this action on this cycle or appeal, and see these rows? One answer for
pages, the API and the demo."""

import math
from collections import Counter
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from taizhang.org.choices import Role
from taizhang.utils.lifecycle import Lifecycle
from taizhang.utils.workdays import add_working_days

from .choices import (
    Action,
    AppealAction,
    AppealStatus,
    Grade,
    IndicatorKind,
    ScorerKind,
    StaffPart,
    Status,
    Subject,
)
from .workflow import APPEAL_TRANSITIONS, ASSESSEE, SCORER, TRANSITIONS, UNIT

HANDLER_SCORERS = {ScorerKind.PEER, ScorerKind.DEMOCRATIC}


def appraised_unit_ids(cycle):
    if cycle.subject == Subject.STAFF:
        return {a.unit_id for a in cycle.assessees.all()}
    return {cu.unit_id for cu in cycle.cycle_units.all()}


def my_units(user, cycle):
    """The appraised units the user is a handler of."""
    if user.role != Role.HANDLER:
        return set()
    return appraised_unit_ids(cycle) & set(user.unit_ids())


def may_score(user, cycle, indicator=None, unit_id=None):
    """Who scores a manual indicator: leaders the leaders' one, the panel (office and
    leaders) the panel's, a handler the peer units' (not their own unit) and the democratic
    one; nobody else."""
    if not user.is_authenticated or user.organisation_id != cycle.organisation_id:
        return False
    if indicator is None:
        return user.role in (Role.SUPERVISOR, Role.LEADER) or (
            user.role == Role.HANDLER
            and any(i.scorer_kind in HANDLER_SCORERS for i in cycle.indicators.all())
        )
    kind = indicator.scorer_kind
    if kind == ScorerKind.LEADER:
        return user.role == Role.LEADER
    if kind == ScorerKind.PANEL:
        return user.role in (Role.SUPERVISOR, Role.LEADER)
    own = unit_id is not None and unit_id in user.unit_ids()
    if kind == ScorerKind.PEER:
        return user.role == Role.HANDLER and not own
    return user.role in Role.staff() and not own  # democratic: nobody scores their own unit


def may_score_staff(user, assessee, part):
    """A staff member's unit score is given by their unit's handlers (or the office), the
    leaders' score by a leader; nobody scores themself."""
    if assessee.user_id and assessee.user_id == user.pk:
        return False
    if part == StaffPart.LEADER:
        return user.role == Role.LEADER
    return user.role == Role.SUPERVISOR or (
        user.role == Role.HANDLER and assessee.unit_id in user.unit_ids()
    )


def _parts(user, cycle, parts):
    found = []
    if UNIT in parts and my_units(user, cycle):
        found.append(UNIT)
    if SCORER in parts and user.role == Role.HANDLER:
        if cycle.subject == Subject.STAFF:
            if any(a.unit_id in user.unit_ids() for a in cycle.assessees.all()):
                found.append(SCORER)
        elif may_score(user, cycle):
            found.append(SCORER)
    if ASSESSEE in parts and any(a.user_id == user.pk for a in cycle.assessees.all()):
        found.append(ASSESSEE)
    return found


def appeal_deadline(cycle):
    """The last day a unit may appeal: N working days after the day of 公示."""
    if cycle.publicised_on is None:
        return None
    return add_working_days(cycle.publicised_on, cycle.appeal_working_days)


def acting_day(cycle):
    """The day an action is taken: the services set ``cycle.acting_day`` when given one (the
    demo lodges and confirms on the days of its story), else today."""
    return getattr(cycle, "acting_day", None) or timezone.localdate()


def appeal_window_open(cycle, today=None):
    deadline = appeal_deadline(cycle)
    return deadline is not None and (today or acting_day(cycle)) <= deadline


def quota_allowed(total, band):
    """How many of ``total`` may get the band's grade: the share rounded down (30% of 12 is
    3, of 3 is 0); None when the band has no quota. The one rule of pages, stats and checks."""
    share = band if isinstance(band, int | float | Decimal) or band is None else band.max_share
    if share is None:
        return None
    return math.floor(Decimal(total) * Decimal(share) / 100)


def quota_breaches(cycle, rows):
    """The grades given to more than their quota allows: [(grade label, count, allowed)].
    ``rows`` are the cycle's results (or assessees) with their ``grade``."""
    total = len(rows)
    counts = Counter(r.grade for r in rows)
    breaches = []
    for band in cycle.bands.all():
        allowed = quota_allowed(total, band)
        if allowed is None:
            continue
        if counts[band.grade] > allowed:
            breaches.append((Grade(band.grade).label, counts[band.grade], allowed))
    return breaches


def graded_rows(cycle):
    if cycle.subject == Subject.STAFF:
        return list(cycle.assessees.all())
    return list(cycle.results.all())


def missing_manual_scores(cycle):
    """(unit, indicator) pairs of manual indicators nobody has scored yet."""
    manual = [i for i in cycle.indicators.all() if i.kind == IndicatorKind.MANUAL]
    if not manual:
        return []
    scored = {(s.unit_id, s.indicator_id) for s in cycle.manual_scores.all()}
    return [
        (cu.unit, indicator)
        for cu in cycle.cycle_units.all()
        for indicator in manual
        if (cu.unit_id, indicator.pk) not in scored
    ]


def _check_open_scoring(user, cycle):
    if not cycle.bands.all():
        return _("Set the grade bands first.")
    if cycle.subject == Subject.STAFF:
        if not cycle.assessees.all():
            return _("Add the staff to assess first.")
        return None
    if not cycle.cycle_units.all():
        return _("Choose the units to appraise first.")
    if not cycle.indicators.all():
        return _("Add the indicators first.")
    return None


def _check_compute(user, cycle):
    if cycle.subject == Subject.STAFF:
        return _("A staff assessment is scored by people, not from the ledgers.")
    return None


def _check_publicise(user, cycle):
    if cycle.subject == Subject.STAFF:
        unscored = [a.name for a in cycle.assessees.all() if a.total is None]
        if unscored:
            return _("These staff have no unit's or leaders' score yet: %(names)s") % {
                "names": "、".join(unscored[:20])
            }
        return None
    if cycle.computed_at is None:
        return _("Compute the points from the ledgers first.")
    if missing := missing_manual_scores(cycle):
        return _("Nobody has scored these yet: %(items)s") % {
            "items": "；".join(f"{u} · {i}" for u, i in missing[:20])
        }
    return _quota_refusal(
        cycle,
        _(
            "These grades exceed their quota: %(items)s. The bands are fixed after the draft: "
            "change the manual scores before publicising."
        ),
    )


def _quota_refusal(cycle, message):
    if breaches := quota_breaches(cycle, graded_rows(cycle)):
        return message % {
            "items": "；".join(
                _("%(grade)s given %(count)d, at most %(allowed)d")
                % {"grade": g, "count": c, "allowed": a}
                for g, c, a in breaches
            )
        }
    return None


def _check_appeal(user, cycle):
    if not appeal_window_open(cycle):
        return _("The appeal period ended on %(date)s.") % {"date": appeal_deadline(cycle)}
    return None


def _check_confirm(user, cycle):
    if any(a.status == AppealStatus.LODGED for a in cycle.appeals.all()):
        return _("Decide the open appeals first.")
    if appeal_window_open(cycle):
        return _("Units may appeal until %(date)s; confirm after that.") % {
            "date": appeal_deadline(cycle)
        }
    return _quota_refusal(
        cycle,
        _(
            "These grades exceed their quota: %(items)s. Uphold an appeal with an adjusted "
            "score, or reopen scoring (the units are told), change the scores and publicise "
            "again."
        ),
    )


def _check_reopen(user, cycle):
    if any(a.status == AppealStatus.LODGED for a in cycle.appeals.all()):
        return _("Decide the open appeals first.")
    return None


EXTRA_CONDITIONS = {
    Action.OPEN_SCORING: _check_open_scoring,
    Action.COMPUTE: _check_compute,
    Action.PUBLICISE: _check_publicise,
    Action.APPEAL: _check_appeal,
    Action.CONFIRM: _check_confirm,
    Action.REOPEN_SCORING: _check_reopen,
}


LIFECYCLE = Lifecycle(
    TRANSITIONS.values(),
    verbs=Action.VERBS,
    state_label=lambda status: Status(status).label,
    parts=_parts,
    extra=EXTRA_CONDITIONS,
    messages={
        "outside": gettext_lazy("You may not act on this appraisal."),
        "state": gettext_lazy("“%(action)s” is not possible while the appraisal is “%(status)s”."),
        "role": gettext_lazy("Your role may not take the action “%(action)s” on this appraisal."),
    },
)
why_not = LIFECYCLE.why_not
can = LIFECYCLE.can


def _appeal_extra(user, action, appeal):
    if appeal.cycle.status != Status.PUBLICISED:
        return _("Appeals are decided while the result is publicised.")
    return None


APPEAL_LIFECYCLE = Lifecycle(
    APPEAL_TRANSITIONS.values(),
    verbs=AppealAction.VERBS,
    state_label=lambda status: AppealStatus(status).label,
    extra=_appeal_extra,
    messages={"outside": gettext_lazy("You may not decide this appeal.")},
)


def available_buttons(user, cycle):
    return [(a, LIFECYCLE.verbs[a]) for a in Action.buttons() if can(user, a, cycle)]


def can_create(user):
    """The office (督查室/办公室) runs appraisals."""
    return user.is_authenticated and user.role == Role.SUPERVISOR and bool(user.organisation_id)


def can_see_unit(user, cycle, unit_id):
    """A unit's points, appeals and detail: supervisors and leaders always, its handlers from
    公示 on."""
    if not user.is_authenticated or user.organisation_id != cycle.organisation_id:
        return False
    if user.sees_whole_organisation:
        return True
    return (
        user.role == Role.HANDLER
        and unit_id in user.unit_ids()
        and cycle.status in Status.shown_to_units()
    )


def can_see_staff(user, cycle):
    """The staff assessment's table of persons: supervisors and leaders only (a person sees
    their own line through ``Assessee.objects.visible_to``)."""
    return (
        user.is_authenticated
        and user.organisation_id == cycle.organisation_id
        and user.sees_whole_organisation
    )
