"""Calendars of meetings (month and list views) and .ics files for Outlook, WPS and phones.

Both read ``Meeting.objects.visible_to`` only: a calendar never shows nor exports a meeting
its reader could not open. The .ics files follow RFC 5545 through the ``icalendar`` package
(folding, escaping, the Asia/Shanghai time zone): one VEVENT per meeting with a UID that stays
the same across downloads, so a calendar that imports the file again updates the event
(SEQUENCE is the meeting's version) instead of adding a copy."""

import calendar
import datetime
from zoneinfo import ZoneInfo

import chinese_calendar
import icalendar
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from .choices import Status
from .models import Mechanism, Meeting

TIME_ZONE = "Asia/Shanghai"
WEEKDAYS = (
    pgettext_lazy("calendar column", "Mon"),
    pgettext_lazy("calendar column", "Tue"),
    pgettext_lazy("calendar column", "Wed"),
    pgettext_lazy("calendar column", "Thu"),
    pgettext_lazy("calendar column", "Fri"),
    pgettext_lazy("calendar column", "Sat"),
    pgettext_lazy("calendar column", "Sun"),
)
# chinese_calendar's holidays (法定节假日), by its English names.
HOLIDAYS = {
    "New Year's Day": gettext_lazy("New Year's Day"),
    "Spring Festival": gettext_lazy("Spring Festival"),
    "Tomb-sweeping Day": gettext_lazy("Tomb-sweeping Day"),
    "Labour Day": gettext_lazy("Labour Day"),
    "Dragon Boat Festival": gettext_lazy("Dragon Boat Festival"),
    "National Day": gettext_lazy("National Day"),
    "Mid-autumn Festival": gettext_lazy("Mid-autumn Festival"),
    "Anti-Fascist 70th Day": gettext_lazy("Anti-Fascist 70th Day"),
}


def _visible(request):
    return Meeting.objects.visible_to(request.user)


def _mechanism(request):
    """The ?mechanism=ID filter, among the mechanisms the user sees (None when absent or not)."""
    value = request.GET.get("mechanism", "")
    if not value.isdigit():
        return None
    return Mechanism.objects.visible_to(request.user).filter(pk=int(value)).first()


def _month(request):
    """?month=YYYY-MM, today's month by default."""
    today = timezone.localdate()
    try:
        year, month = (int(part) for part in request.GET.get("month", "").split("-"))
        if abs(year - today.year) <= 100:
            return datetime.date(year, month, 1)
    except ValueError:
        pass
    return today.replace(day=1)


def _shift(first, months):
    index = first.year * 12 + first.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


def _holiday(day):
    """(label, is_day_off) for an official holiday or a make-up working day, else None."""
    try:
        day_off, name = chinese_calendar.get_holiday_detail(day)
    except NotImplementedError:  # a year the package has no State Council notice for
        return None
    if not name:
        return None
    label = HOLIDAYS.get(name, name)
    return (label, True) if day_off else (_("Make-up working day"), False)


def _day(day, first, today, by_day):
    holiday = _holiday(day)
    return {
        "date": day,
        "in_month": day.month == first.month,
        "today": day == today,
        # A day off: a weekend that is not a make-up working day, or an official holiday.
        "off": holiday[1] if holiday else day.weekday() >= 5,
        "holiday": holiday,
        "meetings": by_day.get(day, []),
    }


@login_required
def calendar_page(request):
    first = _month(request)
    mechanism = _mechanism(request)
    view = "list" if request.GET.get("view") == "list" else "month"
    weeks = calendar.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month)
    if view == "month":
        start, end = weeks[0][0], weeks[-1][-1]
    else:
        start, end = first, _shift(first, 1) - datetime.timedelta(days=1)
    meetings = _visible(request).filter(date__range=(start, end)).select_related("mechanism")
    if mechanism is not None:
        meetings = meetings.filter(mechanism=mechanism)
    meetings = list(meetings.order_by("date", "start_time", "id"))
    by_day = {}
    for meeting in meetings:
        by_day.setdefault(meeting.date, []).append(meeting)
    today = timezone.localdate()
    grid = [[_day(day, first, today, by_day) for day in week] for week in weeks]
    query = f"&mechanism={mechanism.pk}" if mechanism else ""
    context = {
        "first": first,
        "view": view,
        "weekdays": WEEKDAYS,
        "weeks": grid,
        "meetings": meetings,
        "mechanism": mechanism,
        "mechanisms": Mechanism.objects.visible_to(request.user).only("pk", "name"),
        "prev": _shift(first, -1),
        "next": _shift(first, 1),
        "today": today,
        "query": query,
        "statuses": [(label, Status.colour(value)) for value, label in Status.choices],
        "ics_url": reverse("meetings:calendar_ics")
        + (f"?mechanism={mechanism.pk}" if mechanism else ""),
    }
    return render(request, "meetings/calendar.html", context)


# ---- .ics --------------------------------------------------------------------------------


def _calendar(name):
    cal = icalendar.Calendar()
    cal.add("prodid", "-//taizhang//meetings//ZH")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", TIME_ZONE)
    return cal


def _uid(meeting):
    """The same however the server is reached (by name, by address, behind a proxy)."""
    return f"meeting-{meeting.pk}@{meeting.organisation.code}.taizhang"


# How long a meeting given only its start time is taken to last.
USUAL_LENGTH = datetime.timedelta(hours=2)


def _ics_status(meeting):
    """Planned but not yet notified is TENTATIVE (the date may still move); cancelled is
    CANCELLED; every other state is CONFIRMED."""
    if meeting.status == Status.CANCELLED:
        return "CANCELLED"
    if meeting.status == Status.PLANNED:
        return "TENTATIVE"
    return "CONFIRMED"


def _event(meeting, request, stamp):
    event = icalendar.Event()
    event.add("uid", _uid(meeting))
    event.add("dtstamp", stamp)
    if meeting.start_time:
        zone = ZoneInfo(TIME_ZONE)
        start = datetime.datetime.combine(meeting.date, meeting.start_time, tzinfo=zone)
        event.add("dtstart", start)
        if meeting.end_time and meeting.end_time > meeting.start_time:
            end = datetime.datetime.combine(meeting.date, meeting.end_time, zone)
        else:
            # No end time given: a meeting usually takes a morning or an afternoon, so the
            # calendar blocks two hours (without DTEND, programs show a meeting of no length).
            end = start + USUAL_LENGTH
        event.add("dtend", end)
    else:
        event.add("dtstart", meeting.date)
        event.add("dtend", meeting.date + datetime.timedelta(days=1))
    event.add("summary", meeting.title)
    location = meeting.place
    if meeting.online and meeting.online_link:
        location = f"{location} {meeting.online_link}".strip()
    if location:
        event.add("location", location)
    lines = []
    if meeting.topic:
        lines.append(_("Topic: %(topic)s") % {"topic": meeting.topic})
    agenda = list(meeting.agenda.all())
    if agenda:
        lines.append(_("Agenda:"))
        lines += [
            f"{i}. {item.title}" + (f"（{item.presenter}）" if item.presenter else "")
            for i, item in enumerate(agenda, 1)
        ]
    if lines:
        event.add("description", "\n".join(lines))
    event.add("url", request.build_absolute_uri(meeting.get_absolute_url()))
    event.add("status", _ics_status(meeting))
    event.add("sequence", meeting.version)
    event.add("last-modified", meeting.updated_at)
    return event


def _response(cal, filename):
    cal.add_missing_timezones()
    response = HttpResponse(cal.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _for_ics(meetings):
    return meetings.select_related("organisation").prefetch_related("agenda")


@login_required
def meeting_ics(request, pk):
    meeting = get_object_or_404(_for_ics(_visible(request)), pk=pk)
    cal = _calendar(meeting.title)
    cal.add_component(_event(meeting, request, timezone.now()))
    return _response(cal, f"meeting-{meeting.pk}.ics")


@login_required
def organisation_ics(request):
    meetings = _visible(request)
    mechanism = _mechanism(request)
    name = _("Meetings of %(organisation)s") % {"organisation": request.user.organisation or ""}
    if mechanism is not None:
        meetings = meetings.filter(mechanism=mechanism)
        name = mechanism.name
    cal = _calendar(name)
    stamp = timezone.now()
    for meeting in _for_ics(meetings).order_by("date", "id"):
        cal.add_component(_event(meeting, request, stamp))
    suffix = f"-mechanism-{mechanism.pk}" if mechanism else ""
    return _response(cal, f"meetings{suffix}.ics")
