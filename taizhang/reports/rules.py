"""Who sees which report: the organisation's overview, the bulletins' drafts and the year-end
summary are for the office (supervisors) and the leaders; a handler sees their units' own
view and the issued bulletins; only the office writes."""

from taizhang.org.choices import Role


def sees_overview(user):
    return user.is_authenticated and user.role in (Role.SUPERVISOR, Role.LEADER)


def sees_unit_view(user):
    return user.is_authenticated and user.role in (Role.SUPERVISOR, Role.LEADER, Role.HANDLER)


def writes(user):
    return user.is_authenticated and user.role == Role.SUPERVISOR
