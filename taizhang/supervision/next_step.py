"""What happens next to a task and who holds it: the one answer the task page shows at its
top (等待 市国资委、市财政局 签收, 等待领导审核, 已逾期 3 个工作日, 已销号 2026-11-30 …).

Read from the task with its units and extension requests (``with_units()``; the requests are
read once here when not prefetched), never from the template.
"""

from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from .choices import ExtensionStatus, Status, UnitRole


@dataclass(frozen=True)
class NextStep:
    text: str  # what happens next, in the user's language
    holder: str = ""  # who holds the task now (units, 领导, 督查室); "" when nobody does
    overdue_days: int = 0  # working days past the deadline of a running task
    tone: str = "secondary"  # Tabler colour of the line
    units: list = field(default_factory=list)  # the units that hold it, when units do


def _names(units):
    return "、".join(str(unit) for unit in units)


def unsigned_units(task):
    """The acting units (lead, responsible, cooperating) that have not signed for the task."""
    order = {UnitRole.LEAD: 0, UnitRole.RESPONSIBLE: 1, UnitRole.COOPERATING: 2}
    parts = [tu for tu in task.task_units.all() if tu.role in order and tu.signed_at is None]
    return [tu.unit for tu in sorted(parts, key=lambda tu: order[tu.role])]


def pending_extension(task):
    return next(
        (x for x in task.extension_requests.all() if x.status == ExtensionStatus.PENDING), None
    )


def next_step(task):
    """The task's next step as a ``NextStep``."""
    status = task.status
    if status == Status.DRAFT:
        return NextStep(
            _("Waiting for the leaders' approval"), pgettext("holder of a task", "Leaders")
        )
    if status == Status.APPROVED:
        return NextStep(_("Waiting for the office to assign it"), _("Supervision office"))
    if status == Status.CLOSED:
        day = timezone.localdate(task.closed_at) if task.closed_at else None
        text = _("Closed on %(day)s") % {"day": day.isoformat()} if day else _("Closed")
        return NextStep(text, tone="green")
    if status == Status.CANCELLED:
        return NextStep(_("Cancelled"), tone="dark")
    overdue = task.overdue_working_days
    tone = "red" if overdue else "blue"
    extension = pending_extension(task)
    if extension is not None:
        text = _("Extension to %(day)s requested, waiting for a decision") % {
            "day": extension.requested_deadline.isoformat()
        }
        return NextStep(text, pgettext("holder of a task", "Leaders"), overdue, "yellow")
    if status == Status.COMPLETION_REPORTED:
        return NextStep(
            _("Waiting for the office to verify it"), _("Supervision office"), overdue, tone
        )
    unsigned = unsigned_units(task)
    if unsigned:
        names = _names(unsigned)
        text = _("Waiting for %(units)s to sign for it") % {"units": names}
        return NextStep(text, names, overdue, tone, unsigned)
    lead = task.lead_unit
    names = str(lead) if lead else ""
    if status == Status.RETURNED:
        text = _("Returned: waiting for %(unit)s to report completion again") % {"unit": names}
        return NextStep(text, names, overdue, "orange" if not overdue else tone, [lead])
    text = _("Waiting for %(unit)s to report progress") % {"unit": names}
    return NextStep(text, names, overdue, tone, [lead] if lead else [])
