"""Template helpers of the meetings pages: ``{% load meetings_tags %}``."""

from django import template

from taizhang.suggestions.models import Suggestion

from .. import rules
from ..choices import Action, Attendance, FileKind, GuestKind
from ..models import MeetingSuggestion, Speaker

register = template.Library()


def _guests(invitees):
    """Invited guests without an account (党外专家, 企业家) by kind, with their organisation."""
    groups = {kind: [] for kind in GuestKind.values}
    for invitee in invitees:
        if invitee.is_guest:
            groups[invitee.guest_kind or GuestKind.OTHER].append(invitee)
    return [(GuestKind(kind).label, people) for kind, people in groups.items() if people]


@register.simple_tag
def event_section(meeting, user):
    """What the exchange-event part of a meeting page shows, read in a fixed number of
    queries however many speakers, photos, guests or suggestions it has:
    ``{% event_section meeting request.user as event %}``."""
    invitees = list(meeting.invitees.all())
    handed_over = list(
        MeetingSuggestion.objects.filter(meeting=meeting)
        .select_related("suggestion")
        .order_by("created_at", "id")
    )
    ids = [h.suggestion_id for h in handed_over]
    visible = (
        set(Suggestion.objects.visible_to(user).filter(pk__in=ids).values_list("pk", flat=True))
        if ids
        else set()
    )
    return {
        "speakers": list(Speaker.objects.filter(meeting=meeting).select_related("unit")),
        "photos": [f for f in meeting.files.all() if f.kind == FileKind.PHOTO],
        "guests": _guests(invitees),
        "units_invited": sum(1 for i in invitees if i.unit_id),
        "people_invited": sum(1 for i in invitees if i.user_id),
        "present": sum(1 for i in invitees if i.attendance == Attendance.PRESENT),
        # Those the user may open; of the others only how many (no number, no title).
        "suggestions": [h.suggestion for h in handed_over if h.suggestion_id in visible],
        "suggestions_hidden": sum(1 for h in handed_over if h.suggestion_id not in visible),
        "can_manage": rules.can_manage(user, meeting),
        "can_hand_over": rules.can(user, Action.TO_SUGGESTION, meeting),
    }


@register.filter
def percent(value):
    """A rate from ``stats`` (66.7) as people read it (66.7%); a dash when nothing was counted."""
    if value is None:
        return "—"
    return f"{value:.1f}%"
