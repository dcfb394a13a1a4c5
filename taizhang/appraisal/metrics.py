"""What the computed indicators read from the ledgers: for each appraised unit, the facts
(events) of the cycle's period behind its point.

A fact is a task closed on time or late, a completion report returned, a reminder, a
reporting window with or without a progress report, a suggestion answered, a reply rated, a
meeting attended or missed. Rates count ``hit`` facts among the counted ones; counts add up
``amount``. Tasks are a unit's when it leads them or is a responsible unit (配合单位 are not
charged with another unit's deadline); the period ends at the cycle's end or today, whichever
comes first, and a task not yet due by then is not counted.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from taizhang.meetings.choices import Attendance
from taizhang.meetings.choices import Status as MeetingStatus
from taizhang.meetings.models import Invitee
from taizhang.suggestions.choices import Rating, UnitPart
from taizhang.suggestions.models import Reply, SuggestionUnit
from taizhang.supervision.choices import Action as TaskAction
from taizhang.supervision.choices import Light, UnitRole
from taizhang.supervision.choices import Status as TaskStatus
from taizhang.supervision.models import ProgressReport, TaskEvent, TaskUnit, UnitReminder

from .choices import Metric

CHARGED_ROLES = (UnitRole.LEAD, UnitRole.RESPONSIBLE)
NOT_RUNNING = (TaskStatus.DRAFT, TaskStatus.APPROVED, TaskStatus.CANCELLED)
MAX_WINDOWS = 400  # a reporting window a day for a year and a bit: beyond that a mistake


@dataclass
class Fact:
    title: str
    what: str
    date: datetime.date | None = None
    task_id: int | None = None
    number: str = ""
    hit: bool = False  # rates: a success (or, lower-is-better, the bad event counted)
    counted: bool = True  # rates: part of n
    amount: Decimal = Decimal(0)  # counts: days, reminders


def _day(value):
    return timezone.localdate(value) if isinstance(value, datetime.datetime) else value


def _until(cycle, today):
    return min(cycle.end, today)


def _bounds(cycle, today):
    zone = timezone.get_current_timezone()
    start = timezone.make_aware(datetime.datetime.combine(cycle.start, datetime.time.min), zone)
    end = datetime.datetime.combine(_until(cycle, today), datetime.time.max)
    return start, timezone.make_aware(end, zone)


def _charged(cycle, unit_ids, *, roles=CHARGED_ROLES, running_until=None, **task_filters):
    """{unit_id: [task, …]} of the running tasks the units lead or are responsible for;
    with ``running_until`` (today) only the tasks running in the cycle's period: assigned by
    its end and not closed before its start (a compute never reads every year's tasks)."""
    rows = TaskUnit.objects.filter(
        unit_id__in=unit_ids,
        role__in=roles,
        task__organisation_id=cycle.organisation_id,
        **{f"task__{k}": v for k, v in task_filters.items()},
    )
    if running_until is not None:
        start, end = _bounds(cycle, running_until)
        rows = rows.filter(
            Q(task__assigned_at__isnull=True) | Q(task__assigned_at__lte=end),
            Q(task__closed_at__isnull=True) | Q(task__closed_at__gte=start),
        )
    rows = (
        rows.exclude(task__status__in=NOT_RUNNING)
        .select_related("task")
        .order_by("task__deadline", "task__number")
    )
    found = defaultdict(dict)
    for row in rows:
        found[row.unit_id][row.task_id] = row.task
    return {unit_id: list(tasks.values()) for unit_id, tasks in found.items()}


def _task_fact(task, **kwargs):
    return Fact(task_id=task.pk, number=task.number, title=task.title, **kwargs)


def _on_time(cycle, indicator, unit_ids, today, **task_filters):
    until = _until(cycle, today)
    facts = defaultdict(list)
    charged = _charged(
        cycle, unit_ids, deadline__gte=cycle.start, deadline__lte=cycle.end, **task_filters
    )
    closed_tasks = {
        t.pk: t for tasks in charged.values() for t in tasks if t.status == TaskStatus.CLOSED
    }
    reported = {}  # the unit's part: its last completion report before the office verified
    for event in TaskEvent.objects.filter(
        task_id__in=closed_tasks, action=TaskAction.SUBMIT_COMPLETION
    ).values("task_id", "created_at"):
        task = closed_tasks[event["task_id"]]
        if task.closed_at and event["created_at"] <= task.closed_at:
            day = _day(event["created_at"])
            reported[task.pk] = max(reported.get(task.pk, day), day)
    for unit_id, tasks in charged.items():
        for task in tasks:
            closed = _day(task.closed_at) if task.status == TaskStatus.CLOSED else None
            if closed is not None:
                done = reported.get(task.pk, closed)
                late = (done - task.deadline).days
                words = {"done": done, "closed": closed, "deadline": task.deadline, "days": late}
                if task.pk in reported:
                    what = (
                        _(
                            "completion reported on %(done)s (closed %(closed)s), due "
                            "%(deadline)s: on time"
                        )
                        if late <= 0
                        else _(
                            "completion reported on %(done)s (closed %(closed)s), due "
                            "%(deadline)s: %(days)d days late"
                        )
                    ) % words
                else:
                    what = (
                        _("closed on %(closed)s, due %(deadline)s: on time")
                        if late <= 0
                        else _("closed on %(closed)s, due %(deadline)s: %(days)d days late")
                    ) % words
                facts[unit_id].append(_task_fact(task, date=done, what=what, hit=late <= 0))
            elif task.deadline < until:
                what = _("due %(deadline)s, still open on %(until)s") % {
                    "deadline": task.deadline,
                    "until": until,
                }
                facts[unit_id].append(_task_fact(task, date=task.deadline, what=what))
            # Open and not yet due: not counted.
    return facts


def on_time_rate(cycle, indicator, unit_ids, today):
    """Tasks due in the period done by their deadline / tasks due. A task is done on the day
    of the unit's last completion report (办结报告) before the office verified it — the office's
    销号 date when there is no such report — so the office's own delay charges no unit."""
    return _on_time(cycle, indicator, unit_ids, today)


def rectification_on_time(cycle, indicator, unit_ids, today):
    """The same, for the tasks that are a rectification plan's measures (整改措施): a ledger
    task whose source merely says 整改 belongs to no plan and is not one."""
    return _on_time(cycle, indicator, unit_ids, today, rectification_measure__isnull=False)


def _events(cycle, today, actions, task_ids):
    start, end = _bounds(cycle, today)
    return TaskEvent.objects.filter(
        task_id__in=task_ids, action__in=actions, created_at__gte=start, created_at__lte=end
    ).order_by("created_at", "id")


def returned_rate(cycle, indicator, unit_ids, today):
    """Tasks whose completion was reported in the period and returned at least once (退回) /
    tasks whose completion was reported. Lower is better. Only the lead unit (牵头单位) reports
    completion, so only it is charged with a return."""
    facts = defaultdict(list)
    charged = _charged(cycle, unit_ids, roles=(UnitRole.LEAD,), running_until=today)
    task_ids = {t.pk for tasks in charged.values() for t in tasks}
    reported, returns = defaultdict(list), defaultdict(list)
    for event in _events(cycle, today, [TaskAction.SUBMIT_COMPLETION, TaskAction.RETURN], task_ids):
        (reported if event.action == TaskAction.SUBMIT_COMPLETION else returns)[
            event.task_id
        ].append(_day(event.created_at))
    for unit_id, tasks in charged.items():
        for task in tasks:
            if task.pk not in reported:
                continue
            back = returns.get(task.pk, [])
            if back:
                what = _("completion report returned %(count)d times (last %(date)s)") % {
                    "count": len(back),
                    "date": back[-1],
                }
            else:
                what = _("completion report accepted without return")
            date = back[-1] if back else reported[task.pk][-1]
            facts[unit_id].append(_task_fact(task, date=date, what=what, hit=bool(back)))
    return facts


def overdue_days(cycle, indicator, unit_ids, today):
    """Calendar days within the period that each task stayed open past its deadline."""
    until = _until(cycle, today)
    facts = defaultdict(list)
    charged = _charged(cycle, unit_ids, deadline__lt=until)
    for unit_id, tasks in charged.items():
        for task in tasks:
            closed = _day(task.closed_at) if task.status == TaskStatus.CLOSED else None
            stop = min(closed, until) if closed else until
            begin = max(task.deadline, cycle.start - datetime.timedelta(days=1))
            days = (stop - begin).days
            if days <= 0:
                continue
            what = (
                _("due %(deadline)s, closed %(closed)s: %(days)d days overdue")
                if closed
                else _("due %(deadline)s, still open: %(days)d days overdue")
            ) % {"deadline": task.deadline, "closed": closed, "days": days}
            facts[unit_id].append(
                _task_fact(task, date=task.deadline, what=what, amount=Decimal(days))
            )
    return facts


def _digested(cycle, unit_ids, until, tasks):
    """(task, day) pairs of ``tasks`` that the daily job's digests to the charged units listed
    in the period, of any light and red only. A task led by one unit and shared with another is
    one reminder, not two."""
    listed, red = set(), set()
    for day, reminded in UnitReminder.objects.filter(
        unit_id__in=unit_ids, day__gte=cycle.start, day__lte=until
    ).values_list("day", "tasks"):
        for light, task_ids in reminded.items():
            pairs = {(task_id, day) for task_id in task_ids if task_id in tasks}
            listed |= pairs
            if light == Light.RED:
                red |= pairs
    return listed, red


def reminders_received(cycle, indicator, unit_ids, today):
    """Reminders for overdue work received in the period: the daily job's red-light
    reminders (超期催办) and reminders written by hand (a 催办 event the job did not write);
    the job's blue and yellow reminders (due soon, behind schedule) are not charged. A task is
    charged once per calendar week it was reminded in, however many days of that week the job
    reminded it: a task overdue for a month costs four or five, not thirty."""
    until = _until(cycle, today)
    facts = defaultdict(list)
    charged = _charged(cycle, unit_ids, running_until=today)
    by_task = defaultdict(list)
    for unit_id, tasks in charged.items():
        for task in tasks:
            by_task[task.pk].append((unit_id, task))
    job_days, red = _digested(cycle, unit_ids, until, by_task)
    red = [(task_id, day, _("overdue reminder (red light)")) for task_id, day in red]
    # A 催办 event on a day the job reminded the task is the job's own line, as it wrote one
    # until it sent digests: not a second reminder.
    by_hand = [
        (e.task_id, _day(e.created_at), e.comment[:200] or _("reminder"))
        for e in _events(cycle, today, [TaskAction.REMIND], by_task)
        if (e.task_id, _day(e.created_at)) not in job_days
    ]
    weeks = {}
    for task_id, day, what in sorted(red + by_hand, key=lambda r: (r[0], r[1])):
        weeks.setdefault((task_id, day.isocalendar()[:2]), []).append((day, what))
    for (task_id, _week), rows in weeks.items():
        first, what = rows[0]
        if len(rows) > 1:
            what = _("%(what)s; %(count)d reminders that week, counted once") % {
                "what": what,
                "count": len(rows),
            }
        for unit_id, task in by_task[task_id]:
            facts[unit_id].append(_task_fact(task, date=first, what=what, amount=Decimal(1)))
    for unit_facts in facts.values():
        unit_facts.sort(key=lambda f: (f.date, f.number))
    return facts


def progress_on_time(cycle, indicator, unit_ids, today):
    """Reporting windows of ``cadence_days`` counted from each task's assignment: a window
    that lies in the period and ends before the task closed is on time when the unit filed a
    progress report in it (a completion report counts as one)."""
    until = _until(cycle, today)
    cadence = max(1, indicator.cadence_days)
    step = datetime.timedelta(days=cadence)
    facts = defaultdict(list)
    charged = _charged(cycle, unit_ids, running_until=today, assigned_at__isnull=False)
    task_ids = {t.pk for tasks in charged.values() for t in tasks}
    reports = defaultdict(list)
    start, end = _bounds(cycle, today)
    for row in ProgressReport.objects.filter(
        task_id__in=task_ids, unit_id__in=unit_ids, created_at__gte=start, created_at__lte=end
    ).values("task_id", "unit_id", "created_at"):
        reports[(row["task_id"], row["unit_id"])].append(_day(row["created_at"]))
    completions = defaultdict(list)
    for event in TaskEvent.objects.filter(
        task_id__in=task_ids,
        action=TaskAction.SUBMIT_COMPLETION,
        created_at__gte=start,
        created_at__lte=end,
    ).values("task_id", "created_at"):
        completions[event["task_id"]].append(_day(event["created_at"]))
    for unit_id, tasks in charged.items():
        for task in tasks:
            closed = _day(task.closed_at) if task.status == TaskStatus.CLOSED else None
            days = reports[(task.pk, unit_id)] + completions[task.pk]
            window = _day(task.assigned_at)
            if window < cycle.start:  # the first window that starts in the period
                window += step * -(-(cycle.start - window).days // cadence)
            for _i in range(MAX_WINDOWS):
                last = window + step - datetime.timedelta(days=1)
                if last > until or (closed and last >= closed):
                    break
                filed = [d for d in days if window <= d <= last]
                what = (
                    _("reporting window %(start)s – %(end)s: reported on %(day)s")
                    % {"start": window, "end": last, "day": min(filed)}
                    if filed
                    else _("reporting window %(start)s – %(end)s: no report")
                    % {"start": window, "end": last}
                )
                facts[unit_id].append(_task_fact(task, date=last, what=what, hit=bool(filed)))
                window += step
    return facts


def suggestions_on_time(cycle, indicator, unit_ids, today):
    """Suggestions the unit leads (主办) due in the period, replied by their deadline."""
    until = _until(cycle, today)
    facts = defaultdict(list)
    rows = SuggestionUnit.objects.filter(
        unit_id__in=unit_ids,
        part=UnitPart.LEAD,
        suggestion__organisation_id=cycle.organisation_id,
        suggestion__deadline__gte=cycle.start,
        suggestion__deadline__lte=cycle.end,
    ).select_related("suggestion")
    for row in rows.order_by("suggestion__deadline", "suggestion__number"):
        s = row.suggestion
        replied = _day(s.replied_at) if s.replied_at else None
        if replied is None and s.deadline >= until:
            continue
        if replied is not None:
            what = _("replied on %(day)s, due %(deadline)s") % {
                "day": replied,
                "deadline": s.deadline,
            }
        else:
            what = _("due %(deadline)s, no reply by %(until)s") % {
                "deadline": s.deadline,
                "until": until,
            }
        hit = replied is not None and replied <= s.deadline
        facts[row.unit_id].append(
            Fact(number=s.number, title=s.title, date=replied or s.deadline, what=what, hit=hit)
        )
    return facts


def suggestions_satisfied(cycle, indicator, unit_ids, today):
    """Replies of the unit rated in the period: rated 满意 / rated."""
    until = _until(cycle, today)
    facts = defaultdict(list)
    rows = (
        Reply.objects.filter(
            unit_id__in=unit_ids,
            suggestion__organisation_id=cycle.organisation_id,
            rated_at__isnull=False,
        )
        .exclude(rating="")
        .select_related("suggestion")
        .order_by("rated_at", "id")
    )
    for reply in rows:
        day = _day(reply.rated_at)
        if not cycle.start <= day <= until:
            continue
        s = reply.suggestion
        what = _("rated “%(rating)s”") % {"rating": Rating(reply.rating).label}
        facts[reply.unit_id].append(
            Fact(
                number=s.number,
                title=s.title,
                date=day,
                what=what,
                hit=reply.rating == Rating.SATISFIED,
            )
        )
    return facts


def meetings_attended(cycle, indicator, unit_ids, today):
    """Meetings held in the period the unit was invited to: present / present or absent
    (an excused absence, 请假, is listed but not counted)."""
    until = _until(cycle, today)
    facts = defaultdict(list)
    rows = (
        Invitee.objects.filter(
            unit_id__in=unit_ids,
            meeting__organisation_id=cycle.organisation_id,
            meeting__date__gte=cycle.start,
            meeting__date__lte=until,
            meeting__status__in=MeetingStatus.held_states(),
        )
        .filter(~Q(attendance=Attendance.UNKNOWN))
        .select_related("meeting")
        .order_by("meeting__date", "meeting_id")
    )
    for invitee in rows:
        meeting = invitee.meeting
        facts[invitee.unit_id].append(
            Fact(
                title=meeting.title,
                date=meeting.date,
                what=str(Attendance(invitee.attendance).label),
                hit=invitee.attendance == Attendance.PRESENT,
                counted=invitee.attendance != Attendance.EXCUSED,
            )
        )
    return facts


READERS = {
    Metric.ON_TIME_RATE: on_time_rate,
    Metric.RETURNED_RATE: returned_rate,
    Metric.OVERDUE_DAYS: overdue_days,
    Metric.REMINDERS_RECEIVED: reminders_received,
    Metric.PROGRESS_ON_TIME: progress_on_time,
    Metric.RECTIFICATION_ON_TIME: rectification_on_time,
    Metric.SUGGESTIONS_ON_TIME: suggestions_on_time,
    Metric.SUGGESTIONS_SATISFIED: suggestions_satisfied,
    Metric.MEETINGS_ATTENDED: meetings_attended,
}


def read(cycle, indicator, unit_ids, today=None):
    """{unit_id: [Fact, …]} for one computed indicator."""
    return READERS[indicator.metric](cycle, indicator, unit_ids, today or timezone.localdate())
