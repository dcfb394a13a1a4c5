"""Figures of mechanisms and meetings, computed from the records in a constant number of
queries: meetings held against plan, attendance per member unit, decisions and how many are
closed, and the days from a meeting to its issued minutes."""

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, F, Q
from django.utils import timezone

from taizhang.org.models import Unit
from taizhang.supervision.choices import Light
from taizhang.supervision.choices import Status as TaskStatus

from .choices import Attendance, DecisionState, Status
from .models import Decision, Invitee, PlannedMeeting


def rate(part, whole):
    """A percentage with one decimal, or None when there is nothing to count."""
    return round(100 * part / whole, 1) if whole else None


@dataclass
class DecisionFigures:
    total: int = 0
    closed: int = 0
    cancelled: int = 0  # 中止: neither done nor open, and not in the closing rate
    overdue: int = 0

    @property
    def open(self):
        return self.total - self.closed - self.cancelled

    @property
    def closing_rate(self):
        return rate(self.closed, self.total - self.cancelled)


@dataclass
class UnitFigures:
    unit: object
    invited: int = 0
    present: int = 0
    excused: int = 0
    absent: int = 0
    decisions: DecisionFigures = field(default_factory=DecisionFigures)

    @property
    def attendance_rate(self):
        return rate(self.present, self.invited)


def decision_figures(decisions):
    """Accepted decisions (with their tasks selected) counted: total, closed, cancelled,
    overdue."""
    figures = DecisionFigures()
    for d in decisions:
        figures.total += 1
        status = d.task.status if d.task_id else None
        if status == TaskStatus.CLOSED:
            figures.closed += 1
        elif status == TaskStatus.CANCELLED:
            figures.cancelled += 1
        elif d.task_id and d.task.light == Light.RED:
            figures.overdue += 1
    return figures


def meetings_in(meetings, year):
    return meetings.filter(date__year=year)


def held_against_plan(meetings, plan_lines):
    """计划召开 N 次，已召开 M 次 (of the planned ones, and in all)."""
    planned = plan_lines.count()
    held = meetings.filter(status__in=Status.held_states())
    return {
        "planned": planned,
        "held": held.count(),
        "held_as_planned": held.filter(planned_as__isnull=False).count(),
        "rate": rate(held.filter(planned_as__isnull=False).count(), planned),
    }


def attendance_by_unit(meetings):
    """Per invited unit, over the meetings that took place: invited, present, excused, absent."""
    rows = (
        Invitee.objects.filter(
            meeting__in=meetings.filter(status__in=Status.held_states()), unit__isnull=False
        )
        .values("unit")
        .annotate(
            invited=Count("id"),
            present=Count("id", filter=Q(attendance=Attendance.PRESENT)),
            excused=Count("id", filter=Q(attendance=Attendance.EXCUSED)),
            absent=Count("id", filter=Q(attendance=Attendance.ABSENT)),
        )
    )
    return {r["unit"]: r for r in rows}


def days_to_minutes(meetings):
    """Average days from the meeting to its minutes issued (None before any was issued)."""
    issued = [
        (timezone.localdate(m.issued_at) - m.date).days
        for m in meetings.filter(issued_at__isnull=False).only("date", "issued_at")
    ]
    return round(sum(issued) / len(issued), 1) if issued else None


def mechanism_figures(mechanism, year, visible):
    """The mechanism's page: the year's plan against what was held, each member unit's
    attendance and decisions, all decisions, and the days to minutes, over the meetings in
    ``visible`` (the ones the reader may see: a member unit's handler, those it was invited
    to)."""
    meetings = meetings_in(visible.filter(mechanism=mechanism), year)
    plan = PlannedMeeting.objects.filter(mechanism=mechanism, year=year)
    decisions = list(
        Decision.objects.filter(meeting__in=meetings, state=DecisionState.ACCEPTED).select_related(
            "task", "lead_unit"
        )
    )
    attendance = attendance_by_unit(meetings)
    by_lead = defaultdict(list)
    for d in decisions:
        by_lead[d.lead_unit_id].append(d)
    units = []
    for member in mechanism.members.select_related("unit"):
        a = attendance.get(member.unit_id, {})
        units.append(
            UnitFigures(
                unit=member.unit,
                invited=a.get("invited", 0),
                present=a.get("present", 0),
                excused=a.get("excused", 0),
                absent=a.get("absent", 0),
                decisions=decision_figures(by_lead.get(member.unit_id, ())),
            )
        )
    return {
        "year": year,
        "plan": held_against_plan(meetings, plan),
        "units": units,
        "decisions": decision_figures(decisions),
        "days_to_minutes": days_to_minutes(meetings),
        "kinds": Counter(
            meetings.filter(status__in=Status.held_states()).values_list("kind", flat=True)
        ),
    }


def meeting_attendance(meeting):
    """One meeting's attendance: counts by status and the rate over everyone invited."""
    counts = Counter(i.attendance for i in meeting.invitees.all())
    invited = sum(counts.values())
    return {
        "invited": invited,
        "present": counts[Attendance.PRESENT],
        "excused": counts[Attendance.EXCUSED],
        "absent": counts[Attendance.ABSENT],
        "unrecorded": counts[Attendance.UNKNOWN],
        "rate": rate(counts[Attendance.PRESENT], invited),
    }


def organisation_figures(meetings, year):
    """All meetings of the year the user sees: held by kind, decisions, days to minutes."""
    meetings = meetings_in(meetings, year)
    decisions = Decision.objects.filter(
        meeting__in=meetings, state=DecisionState.ACCEPTED
    ).select_related("task")
    held = meetings.filter(status__in=Status.held_states())
    return {
        "year": year,
        "held": held.count(),
        "kinds": Counter(held.values_list("kind", flat=True)),
        "decisions": decision_figures(decisions),
        "days_to_minutes": days_to_minutes(meetings),
    }


def _accepted_decisions(meetings):
    return Decision.objects.filter(meeting__in=meetings, state=DecisionState.ACCEPTED)


def unit_figures(meetings, year):
    """Per unit over all the year's meetings given (those a user sees): its invitations and
    attendance at the meetings held, and the decisions it leads. Three queries, however many
    meetings or units; units in the tree's order."""
    meetings = meetings_in(meetings, year)
    attendance = attendance_by_unit(meetings)
    by_lead = defaultdict(list)
    for d in _accepted_decisions(meetings).filter(lead_unit__isnull=False).select_related("task"):
        by_lead[d.lead_unit_id].append(d)
    units = Unit.objects.filter(pk__in={*attendance, *by_lead})
    rows = []
    for unit in units:
        a = attendance.get(unit.pk, {})
        rows.append(
            UnitFigures(
                unit=unit,
                invited=a.get("invited", 0),
                present=a.get("present", 0),
                excused=a.get("excused", 0),
                absent=a.get("absent", 0),
                decisions=decision_figures(by_lead.get(unit.pk, ())),
            )
        )
    return rows


@dataclass
class MechanismRow:
    """One mechanism's year: 计划召开 N 次，已召开 M 次, and its decisions."""

    mechanism: object
    planned: int = 0
    held: int = 0
    held_as_planned: int = 0
    decisions: DecisionFigures = field(default_factory=DecisionFigures)
    days_to_minutes: float | None = None

    @property
    def plan_rate(self):
        return rate(self.held_as_planned, self.planned)


def mechanism_rows(mechanisms, meetings, year):
    """Every mechanism given with its plan against the meetings held (of those given), the
    closing of their decisions and the days to their minutes, in five queries however many
    mechanisms or meetings."""
    mechanisms = list(mechanisms)
    ids = [m.pk for m in mechanisms]
    meetings = meetings_in(meetings, year).filter(mechanism_id__in=ids)
    planned = dict(
        PlannedMeeting.objects.filter(mechanism_id__in=ids, year=year)
        .order_by()
        .values_list("mechanism")
        .annotate(n=Count("id"))
    )
    held = {
        r["mechanism"]: r
        for r in meetings.filter(status__in=Status.held_states())
        .order_by()
        .values("mechanism")
        .annotate(n=Count("id"), as_planned=Count("id", filter=Q(planned_as__isnull=False)))
    }
    decisions = defaultdict(list)
    for d in (
        _accepted_decisions(meetings)
        .select_related("task")
        .annotate(mechanism_of=F("meeting__mechanism_id"))
    ):
        decisions[d.mechanism_of].append(d)
    days = defaultdict(list)
    for mechanism_id, day, issued_at in meetings.filter(issued_at__isnull=False).values_list(
        "mechanism_id", "date", "issued_at"
    ):
        days[mechanism_id].append((timezone.localdate(issued_at) - day).days)
    return [
        MechanismRow(
            mechanism=m,
            planned=planned.get(m.pk, 0),
            held=held.get(m.pk, {}).get("n", 0),
            held_as_planned=held.get(m.pk, {}).get("as_planned", 0),
            decisions=decision_figures(decisions.get(m.pk, ())),
            days_to_minutes=_average(days.get(m.pk)),
        )
        for m in mechanisms
    ]


def _average(values):
    return round(sum(values) / len(values), 1) if values else None


def held_by_month(meetings, year):
    """{kind: [meetings held in January, …, December]} for the kinds held that year."""
    rows = (
        meetings_in(meetings, year)
        .filter(status__in=Status.held_states())
        .order_by()
        .values_list("kind", "date__month")
        .annotate(n=Count("id"))
    )
    months = defaultdict(lambda: [0] * 12)
    for kind, month, n in rows:
        months[kind][month - 1] = n
    return dict(months)
