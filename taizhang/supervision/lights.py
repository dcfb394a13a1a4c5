"""督办灯: the warning light of a task on a given day.

red: overdue; yellow: returned, or reported progress lags the elapsed share of the time;
blue: the deadline is within a few working days; green: on track. Tasks that are not running
(draft, closed, cancelled) have no light.
"""

from django.conf import settings
from django.utils import timezone

from taizhang.utils.workdays import working_days_between

from .choices import Light, Status


def compute_light(task, today):
    if task.status not in Status.open_states():
        return Light.NONE
    if task.status == Status.COMPLETION_REPORTED:
        return Light.GREEN  # the units are done; the supervisor's check is next
    if today > task.deadline:
        return Light.RED
    if task.status == Status.RETURNED or _behind_schedule(task, today):
        return Light.YELLOW
    if working_days_between(today, task.deadline) <= settings.TAIZHANG_LIGHT_BLUE_WORKING_DAYS:
        return Light.BLUE
    return Light.GREEN


def _behind_schedule(task, today):
    if task.assigned_at is None:
        return False
    start = timezone.localdate(task.assigned_at)
    total = (task.deadline - start).days
    if total <= 0:
        return False
    expected = 100 * (today - start).days / total
    return task.progress_percent + settings.TAIZHANG_LIGHT_BEHIND_TOLERANCE < expected
