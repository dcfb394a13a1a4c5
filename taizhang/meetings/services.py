"""Workflow actions on mechanisms and meetings. Pages, the API, the demo and the daily job call
these; nothing else changes a meeting's status, invited, attendance, minutes or decisions.

Each action runs in one transaction: it locks the meeting, refuses a stale ``version`` (when
one is given), checks the transition table and the user's part, mutates, writes the timeline
event and queues its notifications. Decisions become tasks only through the ledger's services.
"""

import datetime
import secrets
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from taizhang.documents import services as documents
from taizhang.extract.read import SUFFIXES
from taizhang.notify.services import acted_on, lazy_message, notify
from taizhang.org.choices import Role
from taizhang.org.models import Unit, User
from taizhang.suggestions import services as suggestions
from taizhang.suggestions.choices import Channel
from taizhang.supervision import services as tasks
from taizhang.supervision.choices import SourceKind
from taizhang.supervision.choices import Status as TaskStatus
from taizhang.utils import services as steps
from taizhang.utils.errors import Conflict, NotAllowed, WorkflowError
from taizhang.utils.models import Counter
from taizhang.utils.services import optional_text as _optional
from taizhang.utils.services import text as _text
from taizhang.utils.text import clean_text
from taizhang.utils.workdays import add_working_days

from . import rules
from .choices import (
    Action,
    Answer,
    Attendance,
    DecisionState,
    FileKind,
    GuestKind,
    JointSession,
    MechanismKind,
    MeetingKind,
    MemberRole,
    Response,
    Status,
)
from .models import (
    AgendaItem,
    Countersignature,
    Decision,
    Invitee,
    Mechanism,
    MechanismFile,
    MechanismMember,
    Meeting,
    MeetingEvent,
    MeetingFile,
    MeetingSuggestion,
    PlannedMeeting,
    Speaker,
)

MAX_INVITED = 500  # a plenary of a big federation; beyond this it is a mistake, not a meeting
MAX_DECISIONS = 200

# ---- helpers ---------------------------------------------------------------------------------


def loaded():
    """Meetings with what the rules read."""
    return Meeting.objects.select_related(
        "organisation", "mechanism", "convener", "chair"
    ).prefetch_related(
        Prefetch("invitees", queryset=Invitee.objects.select_related("unit", "user")),
        Prefetch("countersignatures", queryset=Countersignature.objects.select_related("unit")),
        Prefetch(
            "decisions",
            queryset=Decision.objects.select_related("task", "lead_unit").prefetch_related(
                "responsible_units", "cooperating_units"
            ),
        ),
        "files",
        "mechanism__members",
    )


def locked(pk):
    """The meeting with what the rules read, locked for the transaction."""
    return loaded().select_for_update(of=("self",)).get(pk=pk)


STALE = gettext_lazy(
    "This meeting was changed by someone else since you opened it "
    "(your version %(yours)s, current %(current)s). Reload it and try again."
)


def _lock(meeting, version=None):
    """The meeting fresh from the database, locked; refuse a stale version."""
    fresh = locked(meeting.pk)
    steps.check_version(fresh, version, STALE)
    return fresh


def _require(user, action, meeting):
    steps.require(rules.LIFECYCLE, user, action, meeting)


def _needs_comment(action, comment):
    steps.needs_comment(rules.LIFECYCLE, action, comment)


def _limit(model, field):
    return model._meta.get_field(field).max_length


def _save(meeting, *fields):
    meeting.version += 1
    meeting.save(update_fields=[*fields, "version", "updated_at"])


def _answered(meeting):
    """A person's own answer (回执, 签到, 会签) changed the meeting's rows, not what others
    edit: its version stays, so two units answering at once never conflict. (Those services
    take ``version`` like every action and let it pass: the state checks guard them.)"""
    meeting.save(update_fields=["updated_at"])


def _event(meeting, action, by, *, comment="", from_status="", unit=None, changes=None):
    acted_on(by if isinstance(by, User) else None, meeting)  # what told them is read
    return MeetingEvent.objects.create(
        meeting=meeting,
        action=action,
        actor=by if isinstance(by, User) else None,
        unit=unit,
        comment=clean_text(comment or ""),
        from_status=from_status,
        to_status=meeting.status if from_status else "",
        changes=changes or {},
    )


def _move(meeting, action, by, comment="", *, extra_fields=(), changes=None):
    before = rules.LIFECYCLE.enter(meeting, action)
    _save(meeting, "status", *extra_fields)
    return _event(meeting, action, by, comment=comment, from_status=before, changes=changes)


def secretariat_of(meeting):
    return tasks.org_users(meeting, Role.SUPERVISOR)


def invited_users(meeting, invitees=None):
    """The accounts an invitation reaches: people invited in person, the handlers of invited
    units."""
    invitees = list(meeting.invitees.all() if invitees is None else invitees)
    people = [i.user for i in invitees if i.user_id]
    units = [i.unit for i in invitees if i.unit_id]
    return [*people, *tasks.handlers_of(units)]


def _tell(users, meeting, title, body=""):
    notify(
        users,
        title=format_lazy("{}：{}", title, meeting.title),
        body=body,
        url=meeting.get_absolute_url(),
        kind="meeting",
        subject=meeting,
    )


def _as_date(day, message=None):
    if isinstance(day, datetime.datetime):
        return day.date()
    if isinstance(day, datetime.date):
        return day
    try:
        return datetime.date.fromisoformat(str(day))
    except (TypeError, ValueError):
        raise WorkflowError(message or _("“%(value)s” is not a date.") % {"value": day}) from None


def _as_time(value):
    if value in (None, ""):
        return None
    if isinstance(value, datetime.time):
        return value
    try:
        return datetime.time.fromisoformat(str(value))
    except ValueError:
        raise WorkflowError(_("“%(value)s” is not a time of day.") % {"value": value}) from None


def _meeting_date(day):
    day = _as_date(day)
    today = timezone.localdate()
    if abs((day - today).days) > 366 * settings.TAIZHANG_DEADLINE_MAX_YEARS:
        raise WorkflowError(_("%(date)s is too far from today for a meeting.") % {"date": day})
    return day


def _units(organisation, value):
    """Units by object, primary key or code, all of the organisation, read in one query;
    unknown ones are named."""
    if value in (None, ""):
        return []
    if isinstance(value, str | Unit | int):
        value = [value]
    items = [i if isinstance(i, Unit | int) else str(i).strip() for i in value]
    keys = [i for i in items if not isinstance(i, Unit)]
    ours = Unit.objects.filter(organisation=organisation)
    known = {}
    if keys:
        for unit in ours.filter(
            Q(pk__in=[k for k in keys if isinstance(k, int)])
            | Q(code__in=[k for k in keys if isinstance(k, str)])
        ):
            known[unit.pk] = known[unit.code] = unit
    found, unknown = [], []
    for item in items:
        if isinstance(item, Unit):
            unit = item if item.organisation_id == organisation.pk else None
        else:
            unit = known.get(item)
        if unit is None:
            unknown.append(str(item))
        elif unit not in found:
            found.append(unit)
    if unknown:
        raise WorkflowError(
            _("No unit of this organisation is called %(codes)s.") % {"codes": "、".join(unknown)}
        )
    return found


def _unit(organisation, value, message=None):
    units = _units(organisation, value)
    if len(units) != 1:
        raise WorkflowError(message or _("Give exactly one unit."))
    return units[0]


def _attach(meeting, by, files, kind):
    for upload in files:
        tasks.validate_upload(upload)
    return [
        MeetingFile.objects.create(
            meeting=meeting,
            kind=kind,
            file=upload,
            name=upload.name.rsplit("/", 1)[-1][:200],
            size=upload.size,
            uploaded_by=by,
        )
        for upload in files
    ]


def _require_secretariat(by, organisation):
    if not rules.can_plan(by) or by.organisation_id != organisation.pk:
        raise NotAllowed(_("Only the secretariat (a supervisor) may do this."))


# ---- mechanisms ------------------------------------------------------------------------------


@transaction.atomic
def create_mechanism(
    *,
    by,
    name,
    convening_unit,
    member_units=(),
    kind=MechanismKind.JOINT_MEETING,
    description="",
    rules_text="",
    countersign_working_days=None,
):
    """建立机制: a joint-meeting system (or leading group, task force), its convening unit and
    members."""
    organisation = by.organisation
    _require_secretariat(by, organisation)
    name = _text(name, _("A mechanism needs a name."), _limit(Mechanism, "name"))
    if Mechanism.objects.filter(organisation=organisation, name=name).exists():
        raise WorkflowError(_("There is already a mechanism called “%(name)s”.") % {"name": name})
    if kind not in MechanismKind.values:
        raise WorkflowError(_("Unknown kind of mechanism “%(kind)s”.") % {"kind": kind})
    convener = _unit(organisation, convening_unit, _("Name the convening unit."))
    mechanism = Mechanism.objects.create(
        organisation=organisation,
        name=name,
        kind=kind,
        convening_unit=convener,
        description=_optional(description, 5000),
        rules_text=_optional(rules_text, 20000),
        countersign_working_days=_working_days(countersign_working_days),
        created_by=by,
    )
    members = [convener, *(u for u in _units(organisation, member_units) if u != convener)]
    MechanismMember.objects.bulk_create(
        [
            MechanismMember(
                mechanism=mechanism,
                unit=unit,
                role=MemberRole.CONVENER if unit == convener else MemberRole.MEMBER,
                sort_order=i,
            )
            for i, unit in enumerate(members)
        ]
    )
    return mechanism


def _working_days(value):
    if value in (None, ""):
        return settings.TAIZHANG_COUNTERSIGN_WORKING_DAYS
    return tasks.check_working_days(int(value))


def _lock_mechanism(mechanism, by, version=None):
    _require_secretariat(by, mechanism.organisation)
    fresh = Mechanism.objects.select_for_update().get(pk=mechanism.pk)
    if version not in (None, "") and int(version) != fresh.version:
        raise Conflict(
            _("This mechanism was changed by someone else since you opened it. Reload it.")
        )
    return fresh


def _touch(mechanism):
    mechanism.version += 1
    mechanism.save(update_fields=["version", "updated_at"])


MECHANISM_FIELDS = ("name", "kind", "description", "rules_text", "active")


@transaction.atomic
def update_mechanism(mechanism, *, by, version=None, **data):
    mechanism = _lock_mechanism(mechanism, by, version)
    if "name" in data:
        data["name"] = _text(data["name"], _("A mechanism needs a name."), 200)
        taken = Mechanism.objects.filter(organisation=mechanism.organisation, name=data["name"])
        if taken.exclude(pk=mechanism.pk).exists():
            raise WorkflowError(
                _("There is already a mechanism called “%(name)s”.") % {"name": data["name"]}
            )
    if "kind" in data and data["kind"] not in MechanismKind.values:
        raise WorkflowError(_("Unknown kind of mechanism “%(kind)s”.") % {"kind": data["kind"]})
    if "convening_unit" in data:
        convener = _unit(mechanism.organisation, data.pop("convening_unit"))
        mechanism.convening_unit = convener
        MechanismMember.objects.filter(mechanism=mechanism, role=MemberRole.CONVENER).exclude(
            unit=convener
        ).update(role=MemberRole.MEMBER)
        MechanismMember.objects.update_or_create(
            mechanism=mechanism, unit=convener, defaults={"role": MemberRole.CONVENER}
        )
    if "countersign_working_days" in data:
        mechanism.countersign_working_days = _working_days(data["countersign_working_days"])
    for field in MECHANISM_FIELDS:
        if field in data:
            setattr(mechanism, field, data[field])
    mechanism.version += 1
    mechanism.save()
    return mechanism


@transaction.atomic
def set_member(
    mechanism, *, by, unit, role=MemberRole.MEMBER, contact_name="", contact_phone="", **extra
):
    """Add a member unit, or change its part and contact (联络员)."""
    mechanism = _lock_mechanism(mechanism, by)
    unit = _unit(mechanism.organisation, unit)
    if role not in MemberRole.values:
        raise WorkflowError(_("Unknown part “%(role)s”.") % {"role": role})
    if role == MemberRole.CONVENER and unit != mechanism.convening_unit:
        raise WorkflowError(_("Change the convening unit on the mechanism itself."))
    defaults = {
        "role": MemberRole.CONVENER if unit == mechanism.convening_unit else role,
        "contact_name": _optional(contact_name, 60),
        "contact_phone": _optional(contact_phone, 30),
    }
    if "countersigns" in extra:
        defaults["countersigns"] = bool(extra["countersigns"])
    member, created = MechanismMember.objects.update_or_create(
        mechanism=mechanism, unit=unit, defaults=defaults
    )
    if created:
        member.sort_order = mechanism.members.count()
        member.save(update_fields=["sort_order"])
    _touch(mechanism)
    return member


@transaction.atomic
def remove_member(mechanism, *, by, unit):
    mechanism = _lock_mechanism(mechanism, by)
    if unit == mechanism.convening_unit or getattr(unit, "pk", None) == (
        mechanism.convening_unit_id
    ):
        raise WorkflowError(_("The convening unit cannot leave its own mechanism."))
    MechanismMember.objects.filter(mechanism=mechanism, unit=unit).delete()
    _touch(mechanism)


@transaction.atomic
def add_plan_line(mechanism, *, by, year, month, kind, topic):
    """年度计划: one meeting the mechanism intends to hold."""
    mechanism = _lock_mechanism(mechanism, by)
    try:
        year, month = int(year), int(month)
    except (TypeError, ValueError):
        raise WorkflowError(_("Give the year and the month as numbers.")) from None
    if not 1 <= month <= 12:
        raise WorkflowError(_("A month is from 1 to 12."))
    if abs(year - timezone.localdate().year) > settings.TAIZHANG_DEADLINE_MAX_YEARS:
        raise WorkflowError(_("%(year)d is too far from today for a plan.") % {"year": year})
    if kind not in MeetingKind.values:
        raise WorkflowError(_("Unknown kind of meeting “%(kind)s”.") % {"kind": kind})
    line = PlannedMeeting.objects.create(
        mechanism=mechanism,
        year=year,
        month=month,
        kind=kind,
        topic=_text(topic, _("Give the planned meeting a topic."), 200),
    )
    _touch(mechanism)
    return line


@transaction.atomic
def remove_plan_line(line, *, by):
    mechanism = _lock_mechanism(line.mechanism, by)
    if Meeting.objects.filter(planned_as=line).exists():
        raise WorkflowError(_("A meeting was held for this line of the plan; it stays."))
    line.delete()
    _touch(mechanism)


@transaction.atomic
def attach_mechanism_files(mechanism, *, by, files):
    mechanism = _lock_mechanism(mechanism, by)
    for upload in files:
        tasks.validate_upload(upload)
    created = [
        MechanismFile.objects.create(
            mechanism=mechanism,
            file=upload,
            name=upload.name.rsplit("/", 1)[-1][:200],
            size=upload.size,
            uploaded_by=by,
        )
        for upload in files
    ]
    _touch(mechanism)
    return created


# ---- planning a meeting ----------------------------------------------------------------------

# A change of these after the notice is told to everyone invited (变更通知).
NOTICE_FIELDS = {"date", "start_time", "end_time", "place", "online", "online_link"}
MEETING_FIELDS = (
    "kind",
    "joint_session",
    "title",
    "topic",
    "date",
    "start_time",
    "end_time",
    "place",
    "online",
    "online_link",
    "convener",
    "chair",
    "chair_name",
)


def _meeting_values(organisation, data):
    """Clean the fields of a meeting as given by a form or the API."""
    values = _choice_values(data)
    if "title" in data:
        values["title"] = _text(data["title"], _("A meeting needs a title."), 200)
    for field, limit in (("topic", 5000), ("place", 200), ("online_link", 300), ("chair_name", 60)):
        if field in data:
            values[field] = _optional(data[field], limit)
    if "date" in data:
        values["date"] = _meeting_date(data["date"])
    values.update({f: _as_time(data[f]) for f in ("start_time", "end_time") if f in data})
    if "online" in data:
        values["online"] = bool(data["online"])
    if "convener" in data:
        values["convener"] = _unit(organisation, data["convener"]) if data["convener"] else None
    if "chair" in data:
        values["chair"] = _chair(organisation, data["chair"])
    start, end = values.get("start_time"), values.get("end_time")
    if start and end and end <= start:
        raise WorkflowError(_("The meeting must end after it starts."))
    return values


def _choice_values(data):
    values = {}
    if "kind" in data:
        if data["kind"] not in MeetingKind.values:
            raise WorkflowError(_("Unknown kind of meeting “%(kind)s”.") % {"kind": data["kind"]})
        values["kind"] = data["kind"]
    if "joint_session" in data:
        session = data["joint_session"] or ""
        if session and session not in JointSession.values:
            raise WorkflowError(_("Unknown sitting “%(value)s”.") % {"value": session})
        values["joint_session"] = session
    return values


def _chair(organisation, value):
    if value in (None, ""):
        return None
    if isinstance(value, User):
        user = value
    else:
        key = {"pk": value} if isinstance(value, int) else {"username": str(value)}
        user = User.objects.filter(organisation=organisation, is_active=True, **key).first()
    if user is None or user.organisation_id != organisation.pk or user.role != Role.LEADER:
        raise WorkflowError(_("The chair must be a leader of this organisation."))
    return user


@transaction.atomic
def create_meeting(
    *,
    by,
    kind,
    title,
    date,
    mechanism=None,
    invited_units=None,
    invited_people=(),
    guests=(),
    agenda=(),
    planned_as=None,
    **fields,
):
    """计划召开: register a meeting. A mechanism's meeting invites its member units unless
    others are named; the convener defaults to the mechanism's."""
    organisation = by.organisation
    _require_secretariat(by, organisation)
    if mechanism is not None and not isinstance(mechanism, Mechanism):
        mechanism = Mechanism.objects.filter(organisation=organisation, pk=mechanism).first()
        if mechanism is None:
            raise WorkflowError(_("No such mechanism."))
    if mechanism is not None and mechanism.organisation_id != organisation.pk:
        raise WorkflowError(_("No such mechanism."))
    if planned_as is not None and (mechanism is None or planned_as.mechanism_id != mechanism.pk):
        raise WorkflowError(_("The plan line belongs to another mechanism."))
    if planned_as is not None and Meeting.objects.filter(planned_as=planned_as).exists():
        raise WorkflowError(_("A meeting was already held for this line of the plan."))
    values = _meeting_values(organisation, {"kind": kind, "title": title, "date": date, **fields})
    if mechanism is not None and "convener" not in values:
        values["convener"] = mechanism.convening_unit
    meeting = Meeting.objects.create(
        organisation=organisation,
        mechanism=mechanism,
        planned_as=planned_as,
        sign_in_token=secrets.token_urlsafe(16),
        created_by=by,
        **values,
    )
    if invited_units is None and mechanism is not None:
        invited_units = [m.unit for m in mechanism.members.select_related("unit")]
    _add_invitees(meeting, invited_units or (), invited_people, guests)
    _set_agenda(meeting, agenda)
    _event(meeting, Action.CREATE, by, from_status=Status.PLANNED)
    return meeting


@transaction.atomic
def update_meeting(meeting, *, by, version=None, **data):
    """Change a planned meeting's date, place, chair…; after the notice, everyone invited is
    told what changed."""
    meeting = _lock(meeting, version)
    _require(by, Action.EDIT, meeting)
    values = _meeting_values(
        meeting.organisation, {k: data[k] for k in MEETING_FIELDS if k in data}
    )
    changes = {}
    for field, value in values.items():
        if getattr(meeting, field) != value:
            changes[field] = [str(getattr(meeting, field) or ""), str(value or "")]
            setattr(meeting, field, value)
    if "agenda" in data:
        _set_agenda(meeting, data["agenda"])
        changes["agenda"] = ["", "; ".join(a.title for a in meeting.agenda.all())]
    if not changes:
        return meeting
    _save(meeting, *values)
    _event(meeting, Action.EDIT, by, changes=changes)
    if meeting.status == Status.NOTIFIED and NOTICE_FIELDS & set(changes):
        _tell(invited_users(meeting), meeting, gettext_lazy("Meeting changed"))
    return meeting


def _set_agenda(meeting, agenda):
    """The agenda as a list of titles, or of (title, presenter) pairs."""
    items = []
    for i, item in enumerate(agenda or (), 1):
        title, presenter = (item, "") if isinstance(item, str) else (item[0], item[1])
        title = clean_text(title or "").strip()
        if title:
            items.append(
                AgendaItem(
                    meeting=meeting,
                    order=i,
                    title=_optional(title, 300),
                    presenter=_optional(presenter, 100),
                )
            )
    meeting.agenda.all().delete()
    AgendaItem.objects.bulk_create(items)


def _guest(meeting, guest):
    name = _text(guest.get("name"), _("A guest needs a name."), 60)
    kind = guest.get("kind") or GuestKind.OTHER
    if kind not in GuestKind.values:
        raise WorkflowError(_("Unknown kind of guest “%(kind)s”.") % {"kind": kind})
    return Invitee(
        meeting=meeting,
        guest_name=name,
        guest_kind=kind,
        guest_affiliation=_optional(guest.get("affiliation"), 200),
        guest_contact=_optional(guest.get("contact"), 100),
    )


def _add_invitees(meeting, units, people, guests):
    organisation = meeting.organisation
    present = list(meeting.invitees.all())
    have_units = {i.unit_id for i in present}
    have_users = {i.user_id for i in present}
    have_guests = {i.guest_name for i in present if i.is_guest}
    rows = [
        Invitee(meeting=meeting, unit=unit)
        for unit in _units(organisation, units)
        if unit.pk not in have_units
    ]
    for person in people or ():
        user = person if isinstance(person, User) else None
        if user is None:
            user = User.objects.filter(
                organisation=organisation, username=str(person), is_active=True
            ).first()
        if user is None or user.organisation_id != organisation.pk:
            raise WorkflowError(
                _("No one of this organisation has the user name “%(name)s”.") % {"name": person}
            )
        if user.pk not in have_users:
            have_users.add(user.pk)
            rows.append(Invitee(meeting=meeting, user=user))
    for guest in guests or ():
        row = _guest(meeting, guest)
        if row.guest_name not in have_guests:
            have_guests.add(row.guest_name)
            rows.append(row)
    if len(present) + len(rows) > MAX_INVITED:
        raise WorkflowError(_("At most %(limit)d invited to one meeting.") % {"limit": MAX_INVITED})
    return Invitee.objects.bulk_create(rows)


@transaction.atomic
def invite(meeting, *, by, units=(), people=(), guests=(), version=None):
    """Invite more units, people or guests; after the notice, the new ones receive it too."""
    meeting = _lock(meeting, version)
    _require(by, Action.EDIT, meeting)
    added = _add_invitees(meeting, units, people, guests)
    if not added:
        return []
    _save(meeting)
    _event(meeting, Action.EDIT, by, changes={"invited": ["", "、".join(i.name for i in added)]})
    if meeting.status == Status.NOTIFIED:
        _tell(
            invited_users(meeting, added),
            meeting,
            gettext_lazy("Meeting notice"),
            meeting.notice_text,
        )
    return added


@transaction.atomic
def uninvite(invitee, *, by, version=None):
    meeting = _lock(invitee.meeting, version)
    _require(by, Action.EDIT, meeting)
    invitee = meeting.invitees.get(pk=invitee.pk)
    name = invitee.name
    invitee.delete()
    _save(meeting)
    _event(meeting, Action.EDIT, by, changes={"invited": [name, ""]})


# ---- notice, replies, attendance, holding ----------------------------------------------------


def default_notice(meeting):
    """会议通知 as the secretariat usually words it, for the secretary to adjust."""
    when = meeting.date.isoformat()
    if meeting.start_time:
        when = f"{when} {meeting.start_time:%H:%M}"
    where = meeting.place or ""
    if meeting.online:
        where = f"{where} {_('online')} {meeting.online_link}".strip()
    lines = [
        _("It has been decided to hold the %(title)s.") % {"title": meeting.title},
        _("Time: %(when)s") % {"when": when},
    ]
    if where:
        lines.append(_("Place: %(where)s") % {"where": where})
    if meeting.topic:
        lines.append(_("Topic: %(topic)s") % {"topic": meeting.topic})
    agenda = list(meeting.agenda.all())
    if agenda:
        lines.append(_("Agenda:"))
        lines += [f"{i}. {item.title}" for i, item in enumerate(agenda, 1)]
    lines.append(
        _("Please confirm attendance in the system; if you cannot attend, name a substitute.")
    )
    return "\n".join(lines)


@transaction.atomic
def send_notice(meeting, *, by, text="", comment="", version=None):
    """发会议通知 to everyone invited (again, amended, when the meeting moved)."""
    meeting = _lock(meeting, version)
    _require(by, Action.SEND_NOTICE, meeting)
    amended = meeting.status == Status.NOTIFIED
    meeting.notice_text = _optional(text, 10000) or default_notice(meeting)
    meeting.notice_sent_at = timezone.now()
    _move(meeting, Action.SEND_NOTICE, by, comment, extra_fields=("notice_text", "notice_sent_at"))
    title = gettext_lazy("Amended meeting notice") if amended else gettext_lazy("Meeting notice")
    _tell(invited_users(meeting), meeting, title, meeting.notice_text)
    return meeting


@transaction.atomic
def respond(meeting, *, by, response, substitute="", comment="", version=None):
    """回执: the invited confirm attendance, name who comes in their place, or excuse
    themselves. A handler answers for each of their invited units."""
    meeting = locked(meeting.pk)
    _require(by, Action.RESPOND, meeting)
    if response not in (Response.ATTENDING, Response.SUBSTITUTE, Response.DECLINED):
        raise WorkflowError(_("Say whether you attend, send a substitute or cannot attend."))
    substitute = _optional(substitute, _limit(Invitee, "substitute"))
    if response == Response.SUBSTITUTE and not substitute:
        raise WorkflowError(_("Name the substitute who attends in your place."))
    comment = _optional(comment, _limit(Invitee, "response_comment"))
    if response == Response.DECLINED and not comment:
        raise WorkflowError(_("Give the reason you cannot attend."))
    mine = rules.my_invitations(by, meeting)
    for invitee in mine:
        invitee.response = response
        invitee.substitute = substitute if response == Response.SUBSTITUTE else ""
        invitee.response_comment = comment
        invitee.responded_at = timezone.now()
        invitee.save(update_fields=["response", "substitute", "response_comment", "responded_at"])
    _answered(meeting)
    words = (
        f"{substitute}（{Response(response).label}）" if substitute else Response(response).label
    )
    _event(
        meeting,
        Action.RESPOND,
        by,
        comment=comment,
        unit=next((i.unit for i in mine if i.unit_id), None),
        changes={"reply": ["", str(words)]},
    )
    if response != Response.ATTENDING:
        _tell(
            secretariat_of(meeting), meeting, gettext_lazy("Reply to the notice"), f"{by}：{words}"
        )
    return meeting


def _find_invitee(meeting, person=None, unit=None, guest=None, invitee=None):
    """The invitation of a unit (code), a person (user name, or a guest's name) or a ``guest``
    (a name). Whoever came uninvited is added to the list: a unit, an account, or a name that
    is no account (a guest)."""
    if invitee is not None:
        return meeting.invitees.get(pk=getattr(invitee, "pk", invitee))
    given = [v for v in (person, unit, guest) if v not in (None, "")]
    if len(given) != 1:
        raise WorkflowError(_("Name one person, unit or guest."))
    organisation = meeting.organisation
    if unit not in (None, ""):
        found = _unit(organisation, unit)
        return meeting.invitees.filter(unit=found).first() or _walk_in(meeting, unit=found)
    if guest not in (None, ""):
        name = _text(guest, _("A guest needs a name."), 60)
        invited = meeting.invitees.filter(unit__isnull=True, user__isnull=True, guest_name=name)
        return invited.first() or _walk_in(meeting, guest_name=name)
    name = _text(person, _("Name the person or the unit."), 60)
    user = User.objects.filter(organisation=organisation, username=name).first()
    if user is not None:
        return meeting.invitees.filter(user=user).first() or _walk_in(meeting, user=user)
    # Not an account: an invited guest, or (as the API's ``person`` has always meant) someone
    # who came uninvited, added to the list as a guest.
    invited = meeting.invitees.filter(unit__isnull=True, user__isnull=True, guest_name=name)
    return invited.first() or _walk_in(meeting, guest_name=name)


def _walk_in(meeting, **who):
    if meeting.invitees.count() >= MAX_INVITED:
        raise WorkflowError(_("At most %(limit)d invited to one meeting.") % {"limit": MAX_INVITED})
    return Invitee.objects.create(meeting=meeting, **who)


def _mark(invitee, status, *, attended_by="", reason="", phone=False):
    if status not in (Attendance.PRESENT, Attendance.EXCUSED, Attendance.ABSENT):
        raise WorkflowError(_("Attendance is present, excused or absent."))
    reason = _optional(reason, _limit(Invitee, "absence_reason"))
    if status == Attendance.EXCUSED and not reason:
        raise WorkflowError(_("Give the reason for the leave of absence."))
    invitee.attendance = status
    invitee.attended_by = _optional(attended_by, 60) if status == Attendance.PRESENT else ""
    invitee.absence_reason = reason if status != Attendance.PRESENT else ""
    invitee.signed_in_on_phone = phone
    invitee.attendance_recorded_at = timezone.now()
    invitee.save(
        update_fields=[
            "attendance",
            "attended_by",
            "absence_reason",
            "signed_in_on_phone",
            "attendance_recorded_at",
        ]
    )


@transaction.atomic
def record_attendance(
    meeting,
    *,
    by,
    status,
    person=None,
    unit=None,
    guest=None,
    invitee=None,
    attended_by="",
    reason="",
    version=None,
):
    """签到: one person's, unit's or guest's attendance (出席, 请假 with its reason, 缺席), and
    who attended for a unit (代会). Each row is its own: no conflict with other rows."""
    meeting = locked(meeting.pk)
    _require(by, Action.RECORD_ATTENDANCE, meeting)
    row = _find_invitee(meeting, person=person, unit=unit, guest=guest, invitee=invitee)
    before = row.get_attendance_display()
    _mark(row, status, attended_by=attended_by, reason=reason)
    _answered(meeting)
    _event(
        meeting,
        Action.RECORD_ATTENDANCE,
        by,
        unit=row.unit,
        changes={row.name: [str(before), str(row.get_attendance_display())]},
    )
    return row


def sign_in_open(meeting):
    """Phone sign-in works on the meeting's day, while it is notified or just held."""
    return meeting.date == timezone.localdate() and meeting.status in (
        Status.NOTIFIED,
        Status.HELD,
    )


@transaction.atomic
def sign_in(meeting, *, token, invitee, name="", by=None):
    """扫码签到: whoever holds the sign-in sheet's code marks one invitation present, once: a
    row already recorded (by the secretariat, or an earlier sign-in) is corrected only by
    the secretariat. ``by`` is the account signing in, when someone is logged in."""
    meeting = locked(meeting.pk)
    if not secrets.compare_digest(str(token or ""), meeting.sign_in_token):
        raise NotAllowed(_("This sign-in link is not valid."))
    if not sign_in_open(meeting):
        raise WorkflowError(_("Sign-in is open on the day of the meeting only."))
    row = meeting.invitees.filter(pk=getattr(invitee, "pk", invitee)).first()
    if row is None:
        raise WorkflowError(_("Choose your name or unit from the list."))
    if row.attendance:
        raise WorkflowError(
            _("%(name)s is already recorded as %(status)s; ask the meeting staff to correct it.")
            % {"name": row.name, "status": row.get_attendance_display()}
        )
    if row.unit_id and not clean_text(name or "").strip():
        raise WorkflowError(_("Write your name: who attends for the unit?"))
    _mark(row, Attendance.PRESENT, attended_by=name, phone=True)
    _answered(meeting)
    _event(
        meeting,
        Action.RECORD_ATTENDANCE,
        by if by is not None and by.is_authenticated else None,
        unit=row.unit,
        comment=_("Signed in on a phone"),
        changes={row.name: ["", str(Attendance.PRESENT.label)]},
    )
    return row


@transaction.atomic
def hold(meeting, *, by, comment="", version=None):
    """召开: the meeting took place. Invited who excused themselves in their reply and have no
    attendance recorded are marked excused with their reason."""
    meeting = _lock(meeting, version)
    _require(by, Action.HOLD, meeting)
    for row in meeting.invitees.all():
        if not row.attendance and row.response == Response.DECLINED:
            _mark(row, Attendance.EXCUSED, reason=row.response_comment or _("Replied declining"))
    meeting.held_at = timezone.now()
    _move(meeting, Action.HOLD, by, comment, extra_fields=("held_at",))
    return meeting


@transaction.atomic
def cancel(meeting, *, by, comment="", version=None):
    meeting = _lock(meeting, version)
    _require(by, Action.CANCEL, meeting)
    _needs_comment(Action.CANCEL, comment)
    notified = meeting.status == Status.NOTIFIED
    _move(meeting, Action.CANCEL, by, comment)
    if notified:
        _tell(invited_users(meeting), meeting, gettext_lazy("Meeting cancelled"), comment)
    return meeting


# ---- minutes and decisions -------------------------------------------------------------------


def _writing(meeting, by, version=None):
    """Lock a meeting whose minutes are being written; the first change moves it to drafted."""
    meeting = _lock(meeting, version)
    _require(by, Action.WRITE_MINUTES, meeting)
    return meeting


def _drafted(meeting, by, comment="", changes=None):
    if meeting.status == Status.HELD:
        _move(meeting, Action.WRITE_MINUTES, by, comment, changes=changes)
    else:
        _save(meeting)
        _event(meeting, Action.WRITE_MINUTES, by, comment=comment, changes=changes)


@transaction.atomic
def write_minutes(meeting, *, by, text=None, files=(), version=None):
    """起草纪要: the minutes' text written in the page, or the minutes as a file."""
    meeting = _writing(meeting, by, version)
    fields = []
    if text is not None:
        meeting.minutes_text = _optional(text, 100000)
        fields.append("minutes_text")
    if not meeting.minutes_text and not files:
        raise WorkflowError(_("Write the minutes or upload them first."))
    for upload in files:
        _check_minutes_file(upload)
    added = _attach(meeting, by, files, FileKind.MINUTES)
    if fields:
        meeting.save(update_fields=fields)
    _drafted(
        meeting,
        by,
        comment="、".join(f.name for f in added),
        changes={"minutes": ["", _("text")]} if fields else None,
    )
    return meeting


def _decision_values(organisation, data, current=None):
    """Clean a decision's fields; ``current`` is the decision being changed, whose other
    fields the checks read too (a unit plays one part; one kind of deadline)."""
    values = {}
    if "title" in data:
        values["title"] = _text(data["title"], _("A decision needs a title."), 200)
    if "body" in data:
        values["body"] = _optional(data["body"], 20000)
    if "lead_unit" in data:
        values["lead_unit"] = _unit(organisation, data["lead_unit"]) if data["lead_unit"] else None
    for field in ("responsible_units", "cooperating_units"):
        if field in data:
            values[field] = _units(organisation, data[field])
    values.update(_deadline_values(data))
    _check_one_part(values, current)
    return values


def _deadline_values(data):
    """A date, or a number of working days (counted from 交办): one of them, never both."""
    day, days = data.get("deadline"), data.get("deadline_working_days")
    if day and days:
        raise WorkflowError(_("Give a deadline date or a number of working days, not both."))
    values = {}
    if "deadline" in data:
        values["deadline"] = tasks.check_deadline(_as_date(day)) if day else None
    if "deadline_working_days" in data:
        values["deadline_working_days"] = tasks.check_working_days(int(days)) if days else None
    if day:
        values["deadline_working_days"] = None
    if days:
        values["deadline"] = None
    return values


def _check_one_part(values, current):
    def stored(field):
        if current is None or current.pk is None:
            return [] if field != "lead_unit" else None
        if field == "lead_unit":
            return current.lead_unit
        return list(getattr(current, field).all())

    lead = values["lead_unit"] if "lead_unit" in values else stored("lead_unit")
    units = [
        lead,
        *values.get("responsible_units", stored("responsible_units")),
        *values.get("cooperating_units", stored("cooperating_units")),
    ]
    units = [u.pk for u in units if u]
    if len(units) != len(set(units)):
        raise WorkflowError(_("A unit can play only one part in a decision."))


def _apply(decision, values):
    for field, value in values.items():
        if field not in ("responsible_units", "cooperating_units"):
            setattr(decision, field, value)
    decision.save()
    for field in ("responsible_units", "cooperating_units"):
        if field in values:
            getattr(decision, field).set(values[field])


def _check_open_decision(decision):
    if decision.task_id:
        raise WorkflowError(_("This decision is already a task; change the task instead."))


@transaction.atomic
def add_decision(meeting, *, by, title, version=None, **data):
    """议定事项: a decision written by the secretary (accepted as it is)."""
    meeting = _writing(meeting, by, version)
    if meeting.decisions.count() >= MAX_DECISIONS:
        raise WorkflowError(
            _("At most %(limit)d decisions to a meeting.") % {"limit": MAX_DECISIONS}
        )
    values = _decision_values(meeting.organisation, {"title": title, **data})
    decision = Decision(meeting=meeting, order=meeting.decisions.count() + 1)
    _apply(decision, values)
    _drafted(meeting, by, comment=_("Decision added: %(title)s") % {"title": decision.title})
    return decision


def _lock_decision(decision, by, version=None):
    meeting = _writing(decision.meeting, by, version)
    decision = meeting.decisions.get(pk=decision.pk)
    _check_open_decision(decision)
    return meeting, decision


@transaction.atomic
def update_decision(decision, *, by, version=None, **data):
    meeting, decision = _lock_decision(decision, by, version)
    _apply(decision, _decision_values(meeting.organisation, data, decision))
    _drafted(meeting, by, comment=_("Decision changed: %(title)s") % {"title": decision.title})
    return decision


@transaction.atomic
def accept_decision(decision, *, by, version=None, **data):
    """Keep a decision the engine proposed, with the secretary's corrections."""
    meeting, decision = _lock_decision(decision, by, version)
    values = _decision_values(meeting.organisation, data, decision)
    values["state"] = DecisionState.ACCEPTED
    _apply(decision, values)
    _drafted(meeting, by, comment=_("Decision accepted: %(title)s") % {"title": decision.title})
    return decision


@transaction.atomic
def drop_decision(decision, *, by, version=None):
    meeting, decision = _lock_decision(decision, by, version)
    decision.state = DecisionState.DROPPED
    decision.save(update_fields=["state", "updated_at"])
    _drafted(meeting, by, comment=_("Decision dropped: %(title)s") % {"title": decision.title})
    return decision


_MINUTES_ERRORS = {
    "timed_out": gettext_lazy(
        "Reading these minutes took too long for this page; upload the file on the "
        "documents page, which reads it in the background."
    ),
    "crashed": gettext_lazy("The text engine failed on these minutes; the error has been logged."),
}


def _check_minutes_file(upload):
    """Minutes come as a file the engine can read: .txt, .docx, .xlsx or .pdf."""
    suffix = Path(upload.name).suffix.lower()
    if suffix not in SUFFIXES:
        raise WorkflowError(
            _("“%(name)s” is not a .txt, .docx, .xlsx or .pdf file.") % {"name": upload.name}
        )
    return suffix


def propose_decisions(meeting, *, by, upload=None):
    """Run the text engine on the minutes (their text, or a .txt/.docx/.xlsx/.pdf upload) and add
    what it finds as proposed decisions for the secretary to accept, correct or drop. The
    engine runs in a child process within the documents' limits, outside any transaction."""
    meeting = loaded().get(pk=meeting.pk)
    rules_check = rules.why_not(by, Action.WRITE_MINUTES, meeting)
    if rules_check:
        raise NotAllowed(rules_check)
    if upload is not None:
        suffix = _check_minutes_file(upload)
        tasks.validate_upload(upload)
        data = upload.read()
    else:
        if not meeting.minutes_text.strip():
            raise WorkflowError(_("Write the minutes or upload them first."))
        data, suffix = meeting.minutes_text.encode("utf-8"), ".txt"
    # In a web request: done well before the server gives up on the request (minutes are a
    # few pages; a long file belongs on the documents page, which reads in the background).
    outcome = documents.run_engine(
        data, suffix, meeting.organisation, time_limit=settings.TAIZHANG_WEB_TIMEOUT // 2
    )
    if outcome.kind != "done":
        documents.log_crash(f"the minutes of meeting {meeting.pk}", outcome)
        raise WorkflowError(_MINUTES_ERRORS.get(outcome.kind) or documents.outcome_error(outcome))
    return _store_proposals(meeting, by, outcome.result, upload)


@transaction.atomic
def _store_proposals(meeting, by, result, upload):
    meeting = _writing(meeting, by)
    if upload is not None:
        upload.seek(0)
        _attach(meeting, by, [upload], FileKind.MINUTES)
        if not meeting.minutes_text.strip():
            meeting.minutes_text = result.text[:100000]
            meeting.save(update_fields=["minutes_text"])
    # A new run replaces the proposals of the last one still waiting for the secretary.
    meeting.decisions.filter(state=DecisionState.PROPOSED).delete()
    index = Unit.objects.filter(organisation=meeting.organisation).by_name()
    start = meeting.decisions.count()
    room = MAX_DECISIONS - start
    created = []
    for i, proposal in enumerate(result.proposals[:room], start + 1):
        matched, unknown = documents.match_units(proposal, index)
        leads = matched["lead_units"]
        decision = Decision(
            meeting=meeting,
            order=i,
            title=proposal.title[:200],
            body=proposal.text[:20000],
            state=DecisionState.PROPOSED,
            lead_unit=leads[0] if leads else None,
            deadline=proposal.deadline,
            quote=proposal.text[:20000],
            unmatched_units="、".join(unknown)[:300],
            confidence=proposal.confidence,
        )
        decision.save()
        decision.responsible_units.set(leads[1:] + matched["responsible_units"])
        decision.cooperating_units.set(matched["cooperating_units"])
        created.append(decision)
    _drafted(
        meeting,
        by,
        comment=_("The text engine proposed %(count)d decisions.") % {"count": len(created)},
    )
    return created, result.warnings


# ---- 会签 --------------------------------------------------------------------------------------


def _countersign_units(meeting, units):
    """The units asked: a mechanism's countersigning members always (its rules say whose
    agreement the minutes need), with any others named; else those named, or the invited."""
    named = _units(meeting.organisation, units) if units else []
    if meeting.mechanism_id:
        members = meeting.mechanism.members.select_related("unit")
        required = [m.unit for m in members if m.countersigns]
        return required + [u for u in named if u not in required]
    return named or [i.unit for i in meeting.invitees.all() if i.unit_id]


@transaction.atomic
def request_countersign(meeting, *, by, units=None, comment="", version=None):
    """发起会签: the units that must agree to the minutes each answer within the working days
    of the mechanism (or of the settings)."""
    meeting = _lock(meeting, version)
    _require(by, Action.REQUEST_COUNTERSIGN, meeting)
    chosen = _countersign_units(meeting, units)
    if not chosen:
        raise WorkflowError(_("Name the units that countersign the minutes."))
    days = (
        meeting.mechanism.countersign_working_days
        if meeting.mechanism_id
        else settings.TAIZHANG_COUNTERSIGN_WORKING_DAYS
    )
    due = add_working_days(timezone.localdate(), days)
    meeting.countersign_round += 1
    meeting.countersign_due = due
    Countersignature.objects.bulk_create(
        [
            Countersignature(meeting=meeting, round=meeting.countersign_round, unit=u, due=due)
            for u in chosen
        ]
    )
    _move(
        meeting,
        Action.REQUEST_COUNTERSIGN,
        by,
        comment,
        extra_fields=("countersign_round", "countersign_due"),
        changes={"countersign": ["", "、".join(str(u) for u in chosen)]},
    )
    _tell(
        tasks.handlers_of(chosen),
        meeting,
        gettext_lazy("Minutes to countersign"),
        lazy_message(gettext_lazy("Please answer by %(date)s."), {"date": due}),
    )
    return meeting


def _record_answers(meeting, by, answer, comment):
    mine = rules.my_countersignatures(by, meeting)
    now = timezone.now()
    for row in mine:
        row.answer = answer
        row.comment = comment
        row.signed_by = by
        row.signed_at = now
        row.save(update_fields=["answer", "comment", "signed_by", "signed_at"])
    return mine


@transaction.atomic
def countersign(meeting, *, by, comment="", agree=True, version=None):
    """会签: the user's unit agrees to the minutes; ``agree=False`` objects (see ``object_to``)."""
    if not agree or str(agree).lower() in ("false", "0", "no"):
        return object_to(meeting, by=by, comment=comment, version=version)
    meeting = locked(meeting.pk)
    _require(by, Action.COUNTERSIGN, meeting)
    mine = _record_answers(meeting, by, Answer.AGREED, _optional(comment, 5000))
    _answered(meeting)
    for row in mine:
        _event(meeting, Action.COUNTERSIGN, by, comment=comment, unit=row.unit)
    if not rules.waiting_countersignatures(meeting) and not any(
        c.answer == Answer.PENDING for c in rules.current_countersignatures(meeting)
    ):
        _tell(secretariat_of(meeting), meeting, gettext_lazy("Countersigned by every unit"))
    return meeting


@transaction.atomic
def object_to(meeting, *, by, comment="", version=None):
    """会签不同意: the unit's opinion sends the minutes back to the secretary, who revises them
    and asks again (a new round). A unit's own answer: the version does not matter."""
    meeting = locked(meeting.pk)
    _require(by, Action.OBJECT, meeting)
    _needs_comment(Action.OBJECT, comment)
    mine = _record_answers(meeting, by, Answer.DISAGREED, _optional(comment, 5000))
    before = rules.LIFECYCLE.enter(meeting, Action.OBJECT)
    _save(meeting, "status")
    for row in mine:
        _event(meeting, Action.OBJECT, by, comment=comment, unit=row.unit, from_status=before)
    objection = "、".join(str(r.unit) for r in mine) + f"：{comment}"
    _tell(secretariat_of(meeting), meeting, gettext_lazy("Minutes objected to"), objection)
    # The round is over for everyone: the units still to answer wait for the revised minutes.
    waiting = [
        c.unit
        for c in rules.current_countersignatures(meeting)
        if c.answer == Answer.PENDING and c not in mine
    ]
    _tell(
        tasks.handlers_of(waiting),
        meeting,
        gettext_lazy("Minutes sent back for revision"),
        lazy_message(
            gettext_lazy("No need to answer this round: %(objection)s"), {"objection": objection}
        ),
    )
    return meeting


@transaction.atomic
def withdraw_countersign(meeting, *, by, comment="", version=None):
    """撤回会签: the secretary takes the minutes back to correct them; the units asked are told,
    and the next request is a new round."""
    meeting = _lock(meeting, version)
    _require(by, Action.WITHDRAW_COUNTERSIGN, meeting)
    _needs_comment(Action.WITHDRAW_COUNTERSIGN, comment)
    asked = [c.unit for c in rules.current_countersignatures(meeting)]
    _move(meeting, Action.WITHDRAW_COUNTERSIGN, by, comment)
    _tell(
        tasks.handlers_of(asked),
        meeting,
        gettext_lazy("Minutes taken back from countersigning"),
        comment,
    )
    return meeting


# ---- issuing, and the decisions' tasks -------------------------------------------------------


def _next_minutes_number(meeting, year):
    scope = f"mechanism-{meeting.mechanism_id}" if meeting.mechanism_id else "organisation"
    return Counter.next_value(f"meetings:{meeting.organisation_id}:{scope}:{year}")


def _source_ref(meeting):
    return f"{meeting.title}（{_('minutes')} {meeting.minutes_number}）"


def _task_for(meeting, decision, by):
    return tasks.create_task(
        by=by,
        organisation=meeting.organisation,
        title=decision.title,
        body=decision.body,
        source_kind=SourceKind.MEETING,
        source_ref=_source_ref(meeting),
        deadline=decision.deadline,
        deadline_working_days=decision.deadline_working_days,
        lead_unit=decision.lead_unit,
        responsible_units=list(decision.responsible_units.all()),
        cooperating_units=list(decision.cooperating_units.all()),
        notify=False,  # the chair is told once, of all of them (below)
    )


def _issue_day(meeting, day):
    """The day the minutes went out: today, or an earlier day for minutes recorded after the
    fact (a year's meetings entered in January); never before the meeting."""
    if day in (None, ""):
        return timezone.localdate()
    day = _as_date(day)
    if day > timezone.localdate() or day < meeting.date:
        raise WorkflowError(
            _("Minutes are issued between the meeting (%(date)s) and today.")
            % {"date": meeting.date}
        )
    return day


@transaction.atomic
def issue(meeting, *, by, comment="", issued_on=None, version=None):
    """印发: number the minutes (〔2026〕第N期, by the year they go out) and make every accepted
    decision a draft task in the ledger, in one transaction: all of them or none. Units silent
    past the countersign date are recorded as agreeing. Issuing again creates nothing (said
    before any stale-version answer: a second click is told what happened)."""
    meeting = locked(meeting.pk)
    if meeting.status in (Status.ISSUED, Status.CLOSED):
        raise Conflict(
            _("These minutes were issued already as %(number)s; nothing new was created.")
            % {"number": meeting.minutes_number}
        )
    meeting = _lock(meeting, version)
    _require(by, Action.ISSUE, meeting)
    for row in rules.current_countersignatures(meeting):
        if row.answer == Answer.PENDING:
            row.answer = Answer.DEEMED
            row.save(update_fields=["answer"])
    day = _issue_day(meeting, issued_on)
    meeting.minutes_year = day.year
    meeting.minutes_seq = _next_minutes_number(meeting, day.year)
    meeting.issued_at = (
        timezone.now()
        if day == timezone.localdate()
        else timezone.make_aware(datetime.datetime.combine(day, datetime.time(17)))
    )
    meeting.issued_by = by
    created = []
    for decision in rules.decisions(meeting):
        if decision.task_id is None:
            decision.task = _task_for(meeting, decision, by)
            decision.save(update_fields=["task", "updated_at"])
            created.append(decision.task)
    _move(
        meeting,
        Action.ISSUE,
        by,
        comment,
        extra_fields=("minutes_year", "minutes_seq", "issued_at", "issued_by"),
        changes={"tasks": ["", "、".join(t.number for t in created)]},
    )
    everyone = invited_users(meeting)
    _tell(
        everyone,
        meeting,
        lazy_message(gettext_lazy("Minutes issued %(number)s"), {"number": meeting.minutes_number}),
    )
    if created:
        chair = [meeting.chair] if meeting.chair_id else tasks.org_users(meeting, Role.LEADER)
        _tell(
            chair,
            meeting,
            gettext_lazy("Decisions to approve as tasks"),
            lazy_message(
                gettext_lazy("%(count)d tasks wait for your approval."), {"count": len(created)}
            ),
        )
    else:
        close_if_done(meeting)
    return meeting


@transaction.atomic
def approve_tasks(meeting, *, by, comment="", version=None):
    """批准: the chair approves every draft task of the meeting's decisions in one go."""
    meeting = _lock(meeting, version)
    _require(by, Action.APPROVE_TASKS, meeting)
    approved = [
        tasks.approve_task(task, by=by, comment=comment)
        for task in rules.decision_tasks(meeting, TaskStatus.DRAFT)
    ]
    _save(meeting)
    _event(
        meeting,
        Action.APPROVE_TASKS,
        by,
        comment=comment,
        changes={"tasks": ["", "、".join(t.number for t in approved)]},
    )
    return approved


@transaction.atomic
def assign_tasks(meeting, *, by, comment="", version=None):
    """交办: the secretariat sends every approved task of the meeting to its units."""
    meeting = _lock(meeting, version)
    _require(by, Action.ASSIGN_TASKS, meeting)
    assigned = [
        tasks.assign_task(task, by=by, comment=comment)
        for task in rules.decision_tasks(meeting, TaskStatus.APPROVED)
    ]
    _save(meeting)
    _event(
        meeting,
        Action.ASSIGN_TASKS,
        by,
        comment=comment,
        changes={"tasks": ["", "、".join(t.number for t in assigned)]},
    )
    return assigned


def open_decisions(meeting):
    """Accepted decisions whose task is not closed or cancelled yet."""
    final = TaskStatus.final_states()
    return [d for d in rules.decisions(meeting) if not d.task_id or d.task.status not in final]


def close_if_done(meeting):
    """Close an issued meeting once every decision's task is closed or cancelled (the daily
    job, and issuing minutes without decisions)."""
    if meeting.status != Status.ISSUED or open_decisions(meeting):
        return False
    meeting.closed_at = timezone.now()
    _move(meeting, Action.CLOSE, None, extra_fields=("closed_at",))
    return True


# ---- exchange events -------------------------------------------------------------------------


@transaction.atomic
def set_speakers(meeting, *, by, speakers, version=None):
    """交流发言: who shared experience, and on what: dicts with ``topic`` and ``unit`` (a code)
    or ``name``."""
    meeting = _lock(meeting, version)
    if not rules.can_manage(by, meeting):
        raise NotAllowed(_("Only the secretariat may do this."))
    rows = []
    for i, item in enumerate(speakers or (), 1):
        topic = _text(item.get("topic"), _("Say what the speaker shared."), 300)
        unit = _unit(meeting.organisation, item["unit"]) if item.get("unit") else None
        name = _optional(item.get("name"), 100)
        if unit is None and not name:
            raise WorkflowError(_("Name the speaker or their unit."))
        rows.append(Speaker(meeting=meeting, order=i, unit=unit, name=name, topic=topic))
    meeting.speakers.all().delete()
    Speaker.objects.bulk_create(rows)
    _save(meeting)
    _event(meeting, Action.EDIT, by, changes={"speakers": ["", "、".join(str(s) for s in rows)]})
    return rows


@transaction.atomic
def save_report(meeting, *, by, report, files=(), version=None):
    """活动简报: a short report of an exchange event, with its photos."""
    meeting = _lock(meeting, version)
    if not rules.can_manage(by, meeting):
        raise NotAllowed(_("Only the secretariat may do this."))
    meeting.report = _optional(report, 20000)
    _attach(meeting, by, files, FileKind.PHOTO)
    _save(meeting, "report")
    _event(meeting, Action.EDIT, by, changes={"report": ["", _("text")]})
    return meeting


@transaction.atomic
def attach_files(meeting, *, by, files, kind=FileKind.MATERIAL, version=None):
    meeting = _lock(meeting, version)
    if not rules.can_manage(by, meeting):
        raise NotAllowed(_("Only the secretariat may do this."))
    if kind not in FileKind.values:
        raise WorkflowError(_("Unknown kind of file “%(kind)s”.") % {"kind": kind})
    added = _attach(meeting, by, files, kind)
    _save(meeting)
    _event(meeting, Action.EDIT, by, comment="、".join(f.name for f in added))
    return added


@transaction.atomic
def remove_file(meeting_file, *, by, version=None):
    """Take back a material or photo uploaded by mistake (not the minutes file, which the
    minutes' history keeps): the secretariat, on the timeline; the audit log keeps the row."""
    meeting = _lock(meeting_file.meeting, version)
    if not rules.can_manage(by, meeting):
        raise NotAllowed(_("Only the secretariat may do this."))
    if meeting_file.meeting_id != meeting.pk or meeting_file.kind == FileKind.MINUTES:
        raise WorkflowError(_("This file cannot be removed here."))
    name = meeting_file.name
    meeting_file.delete()
    _save(meeting)
    _event(meeting, Action.EDIT, by, changes={"files": [name, ""]})
    return meeting


@transaction.atomic
def hand_over_suggestion(meeting, *, by, title, body, submitter_name="", version=None):
    """转建言献策: a suggestion made at an exchange event goes to the suggestion channel, entered
    by the secretariat on the speaker's behalf, and stays linked to the event."""
    meeting = _lock(meeting, version)
    _require(by, Action.TO_SUGGESTION, meeting)
    suggestion, _code = suggestions.create_suggestion(
        by=by,
        title=title,
        body=body,
        submitter_name=submitter_name or meeting.title,
        channel=Channel.FORUM if meeting.kind == MeetingKind.FORUM else Channel.MEETING,
        received_on=meeting.date,
    )
    MeetingSuggestion.objects.create(meeting=meeting, suggestion=suggestion, created_by=by)
    _save(meeting)
    _event(meeting, Action.TO_SUGGESTION, by, comment=f"{suggestion.number} {suggestion.title}")
    return suggestion


# ---- reminders (the daily job) ---------------------------------------------------------------


def remind_tomorrow(meeting):
    """The day before: everyone invited who has not excused themselves."""
    going = [i for i in meeting.invitees.all() if i.response != Response.DECLINED]
    _tell(
        invited_users(meeting, going),
        meeting,
        gettext_lazy("Meeting tomorrow"),
        meeting.notice_text,
    )
    _event(meeting, Action.REMIND, None, comment=_("Reminder of the meeting sent"))


def remind_countersign(meeting):
    """Units whose answer to the minutes is still owed."""
    owing = [c.unit for c in rules.waiting_countersignatures(meeting)]
    if not owing:
        return False
    _tell(
        tasks.handlers_of(owing),
        meeting,
        gettext_lazy("Minutes to countersign"),
        lazy_message(gettext_lazy("Please answer by %(date)s."), {"date": meeting.countersign_due}),
    )
    _event(
        meeting,
        Action.REMIND,
        None,
        comment=_("Countersign reminder: %(units)s") % {"units": "、".join(map(str, owing))},
    )
    return True


# ---- by name (the API and the page) ------------------------------------------------------------

HANDLERS = {
    Action.SEND_NOTICE: (send_notice, ("text", "comment")),
    Action.RESPOND: (respond, ("response", "substitute", "comment")),
    Action.HOLD: (hold, ("comment",)),
    Action.REQUEST_COUNTERSIGN: (request_countersign, ("units", "comment")),
    Action.COUNTERSIGN: (countersign, ("comment", "agree")),
    Action.OBJECT: (object_to, ("comment",)),
    Action.WITHDRAW_COUNTERSIGN: (withdraw_countersign, ("comment",)),
    Action.ISSUE: (issue, ("comment", "issued_on")),
    Action.APPROVE_TASKS: (approve_tasks, ("comment",)),
    Action.ASSIGN_TASKS: (assign_tasks, ("comment",)),
    Action.CANCEL: (cancel, ("comment",)),
}
ACTION_PARAMS = {action: params for action, (_f, params) in HANDLERS.items()}


def perform(meeting, action, *, by, version=None, **params):
    """Run a transition by its name; unknown inputs are ignored, missing required ones are
    refused by the action itself."""
    if action not in HANDLERS:
        raise WorkflowError(_("Unknown action “%(action)s”.") % {"action": action})
    handler, names = HANDLERS[action]
    params = {k: v for k, v in params.items() if k in names and v is not None}
    return handler(meeting, by=by, version=version, **params)
