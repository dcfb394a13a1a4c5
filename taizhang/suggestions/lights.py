"""The light of a suggestion's reply deadline, like a task's (see supervision/lights.py):
red when the deadline passed without a reply, blue when it is a few working days away,
green otherwise; none when no unit is working on it."""

from django.conf import settings

from taizhang.utils.workdays import working_days_between

from .choices import Light, Status


def compute_light(suggestion, today):
    if suggestion.status not in (Status.ASSIGNED, Status.IN_HAND) or not suggestion.deadline:
        return Light.NONE
    if today > suggestion.deadline:
        return Light.RED
    days_left = working_days_between(today, suggestion.deadline)
    if days_left <= settings.TAIZHANG_LIGHT_BLUE_WORKING_DAYS:
        return Light.BLUE
    return Light.GREEN
