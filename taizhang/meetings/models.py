"""会议: mechanisms (联席会议制度, 领导小组, 专班) with their members and yearly plan; meetings
with their invited, attendance, agenda, minutes, 会签 and 议定事项, which become supervision
tasks when the minutes are issued. Every change goes through ``services``; every read through
``visible_to``."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from taizhang.org.choices import Role
from taizhang.org.models import Organisation, Unit
from taizhang.supervision.models import Task
from taizhang.utils.lifecycle import LifecycleEvent
from taizhang.utils.models import UploadedFile

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


class MechanismQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Supervisors and leaders see every mechanism of their organisation; a handler those
        one of their units is a member of; nobody else any."""
        if not user.is_authenticated or user.organisation_id is None:
            return self.none()
        mechanisms = self.filter(organisation_id=user.organisation_id)
        if user.sees_whole_organisation:
            return mechanisms
        if user.role == Role.HANDLER:
            mine = MechanismMember.objects.filter(unit_id__in=user.unit_ids())
            return mechanisms.filter(pk__in=mine.values("mechanism_id"))
        return self.none()


class Mechanism(models.Model):
    """议事协调机制: a joint-meeting system, a leading group or a task force."""

    organisation = models.ForeignKey(
        Organisation, models.PROTECT, related_name="mechanisms", verbose_name=_("organisation")
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(
        _("kind"), max_length=20, choices=MechanismKind, default=MechanismKind.JOINT_MEETING
    )
    convening_unit = models.ForeignKey(
        Unit, models.PROTECT, related_name="+", verbose_name=_("convening unit")
    )
    description = models.TextField(_("purpose"), blank=True)
    # Its rules (工作规则), as text and as the document that set them up.
    rules_text = models.TextField(_("rules"), blank=True)
    countersign_working_days = models.PositiveSmallIntegerField(
        _("working days to countersign"), default=3
    )
    active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(_("version"), default=1)

    objects = MechanismQuerySet.as_manager()

    class Meta:
        verbose_name = _("mechanism")
        verbose_name_plural = _("mechanisms")
        ordering = ["organisation", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="mechanism_name")
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("meetings:mechanism", args=[self.pk])


class MechanismMember(models.Model):
    """A unit of a mechanism, its part, and who is its contact (联络员)."""

    mechanism = models.ForeignKey(Mechanism, models.CASCADE, related_name="members")
    unit = models.ForeignKey(Unit, models.PROTECT, related_name="+", verbose_name=_("unit"))
    role = models.CharField(_("part"), max_length=10, choices=MemberRole, default=MemberRole.MEMBER)
    contact_name = models.CharField(_("contact person"), max_length=60, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    # Units whose agreement the minutes need (会签单位).
    countersigns = models.BooleanField(_("countersigns the minutes"), default=True)
    sort_order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("member unit")
        verbose_name_plural = _("member units")
        ordering = ["mechanism", "sort_order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["mechanism", "unit"], name="mechanism_member_unit")
        ]

    def __str__(self):
        return f"{self.mechanism} · {self.unit}"


def mechanism_file_path(instance, filename):
    mechanism = instance.mechanism
    return f"meetings/{mechanism.organisation_id}/mechanism-{mechanism.pk}/{filename}"


class MechanismFile(UploadedFile):
    """The document that set the mechanism up or its rules (工作规则)."""

    mechanism = models.ForeignKey(Mechanism, models.CASCADE, related_name="files")
    file = models.FileField(_("file"), upload_to=mechanism_file_path, max_length=300)

    class Meta(UploadedFile.Meta):
        verbose_name = _("mechanism document")
        verbose_name_plural = _("mechanism documents")


class PlannedMeeting(models.Model):
    """One line of a mechanism's yearly plan (年度会议计划): the meeting it intends to hold."""

    mechanism = models.ForeignKey(Mechanism, models.CASCADE, related_name="plan")
    year = models.PositiveSmallIntegerField(_("year"))
    month = models.PositiveSmallIntegerField(_("month"))
    kind = models.CharField(_("kind"), max_length=20, choices=MeetingKind)
    topic = models.CharField(_("topic"), max_length=200)

    class Meta:
        verbose_name = _("planned meeting")
        verbose_name_plural = _("planned meetings")
        ordering = ["mechanism", "year", "month", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(month__gte=1, month__lte=12), name="planned_meeting_month"
            )
        ]

    def __str__(self):
        return f"{self.year}-{self.month:02d} {self.topic}"


class MeetingQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The one visibility rule for pages, API, exports, calendars and statistics.

        Supervisors (the secretariat) and leaders see every meeting of their organisation; a
        handler the meetings one of their units, or they themselves, were invited to; any
        other account (an invited expert) the meetings it was invited to in person.
        Administrators see none.
        """
        if not user.is_authenticated or user.organisation_id is None:
            return self.none()
        meetings = self.filter(organisation_id=user.organisation_id)
        if user.sees_whole_organisation:
            return meetings
        if user.role in Role.administrators():
            return self.none()
        invited = Q(user=user)
        if user.role == Role.HANDLER:
            invited |= Q(unit_id__in=user.unit_ids())
        return meetings.filter(pk__in=Invitee.objects.filter(invited).values("meeting_id"))

    def for_lists(self):
        return self.select_related("mechanism", "convener", "chair")


class Meeting(models.Model):
    """会议 or 交流活动: from its plan through the notice, the sitting, the minutes and their
    会签 to the issued minutes whose decisions are followed as tasks."""

    organisation = models.ForeignKey(
        Organisation, models.PROTECT, related_name="meetings", verbose_name=_("organisation")
    )
    mechanism = models.ForeignKey(
        Mechanism,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="meetings",
        verbose_name=_("mechanism"),
    )
    planned_as = models.OneToOneField(
        PlannedMeeting,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="meeting",
        verbose_name=_("plan line"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=MeetingKind, db_index=True)
    joint_session = models.CharField(_("sitting"), max_length=10, choices=JointSession, blank=True)
    title = models.CharField(_("title"), max_length=200)
    topic = models.TextField(_("topic"), blank=True)
    date = models.DateField(_("date"), db_index=True)
    start_time = models.TimeField(_("starts at"), null=True, blank=True)
    end_time = models.TimeField(_("ends at"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    online = models.BooleanField(_("online"), default=False)
    online_link = models.CharField(_("online meeting link or number"), max_length=300, blank=True)
    convener = models.ForeignKey(
        Unit,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("convening unit"),
    )
    # The leader who chairs: approves the decisions' tasks in one go once the minutes are out.
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("chaired by"),
    )
    chair_name = models.CharField(_("chair (no account)"), max_length=60, blank=True)

    status = models.CharField(
        _("status"), max_length=20, choices=Status, default=Status.PLANNED, db_index=True
    )
    notice_text = models.TextField(_("notice"), blank=True)
    notice_sent_at = models.DateTimeField(_("notice sent at"), null=True, blank=True)
    held_at = models.DateTimeField(_("marked held at"), null=True, blank=True)
    minutes_text = models.TextField(_("minutes"), blank=True)
    countersign_round = models.PositiveSmallIntegerField(default=0)
    countersign_due = models.DateField(_("countersign by"), null=True, blank=True)
    # 印发: 〔2026〕第3期, numbered per mechanism (or per organisation) and year.
    minutes_year = models.PositiveSmallIntegerField(null=True, blank=True)
    minutes_seq = models.PositiveIntegerField(null=True, blank=True)
    issued_at = models.DateTimeField(_("issued at"), null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    # 交流活动: a short report of what was shared.
    report = models.TextField(_("report"), blank=True)
    # The secret in the sign-in sheet's QR code: who holds it may sign in on a phone.
    sign_in_token = models.CharField(max_length=32, editable=False, db_index=True)

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(_("version"), default=1)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-date", "-start_time", "-id"]
        indexes = [models.Index(fields=["organisation", "date"], name="meeting_org_date")]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "mechanism", "minutes_year", "minutes_seq"],
                name="meeting_minutes_number",
            ),
            # NULLs are distinct in a unique index: the organisation's own series needs its own.
            models.UniqueConstraint(
                fields=["organisation", "minutes_year", "minutes_seq"],
                condition=Q(mechanism__isnull=True),
                name="meeting_minutes_number_organisation",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("meetings:detail", args=[self.pk])

    @property
    def minutes_number(self):
        """〔2026〕第3期, once issued."""
        if not self.minutes_seq:
            return ""
        return _("〔%(year)d〕No. %(seq)d") % {"year": self.minutes_year, "seq": self.minutes_seq}

    @property
    def is_exchange_event(self):
        return self.kind in MeetingKind.exchange_events()

    @property
    def chaired_by(self):
        return str(self.chair) if self.chair_id else self.chair_name

    def get_status_colour(self):
        return Status.colour(self.status)


class AgendaItem(models.Model):
    """议程: one item of the agenda, with who presents it."""

    meeting = models.ForeignKey(Meeting, models.CASCADE, related_name="agenda")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    title = models.CharField(_("item"), max_length=300)
    presenter = models.CharField(_("presented by"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["meeting", "order", "id"]

    def __str__(self):
        return self.title


class Invitee(models.Model):
    """One invited unit, person with an account, or guest without one (党外专家, 企业家): their
    reply to the notice (回执) and their attendance (签到)."""

    meeting = models.ForeignKey(Meeting, models.CASCADE, related_name="invitees")
    unit = models.ForeignKey(
        Unit, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("unit")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("person"),
    )
    guest_name = models.CharField(_("guest"), max_length=60, blank=True)
    guest_kind = models.CharField(_("guest kind"), max_length=20, choices=GuestKind, blank=True)
    guest_affiliation = models.CharField(_("guest's organisation"), max_length=200, blank=True)
    guest_contact = models.CharField(_("contact"), max_length=100, blank=True)

    response = models.CharField(
        _("reply"), max_length=12, choices=Response, default=Response.PENDING
    )
    # Who comes in the invited one's place (代会), named in the reply or at the door.
    substitute = models.CharField(_("substitute"), max_length=60, blank=True)
    response_comment = models.CharField(_("reply note"), max_length=300, blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)

    attendance = models.CharField(
        _("attendance"), max_length=10, choices=Attendance, blank=True, default=""
    )
    # Who actually came (for a unit: the person it sent).
    attended_by = models.CharField(_("attended by"), max_length=60, blank=True)
    absence_reason = models.CharField(_("reason for absence"), max_length=300, blank=True)
    signed_in_on_phone = models.BooleanField(default=False)
    attendance_recorded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("invitee")
        verbose_name_plural = _("invitees")
        ordering = ["meeting", "id"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "unit"], name="invitee_unit"),
            models.UniqueConstraint(fields=["meeting", "user"], name="invitee_user"),
            models.CheckConstraint(
                condition=(
                    Q(unit__isnull=False, user__isnull=True, guest_name="")
                    | Q(unit__isnull=True, user__isnull=False, guest_name="")
                    | (Q(unit__isnull=True, user__isnull=True) & ~Q(guest_name=""))
                ),
                name="invitee_one_of",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def name(self):
        if self.unit_id:
            return str(self.unit)
        if self.user_id:
            return str(self.user)
        return self.guest_name

    @property
    def is_guest(self):
        return not self.unit_id and not self.user_id


class Speaker(models.Model):
    """交流发言: who shared experience at an exchange event (a unit such as XX矿业公司, or a
    person), and on what."""

    meeting = models.ForeignKey(Meeting, models.CASCADE, related_name="speakers")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    unit = models.ForeignKey(
        Unit, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("unit")
    )
    name = models.CharField(_("speaker"), max_length=100, blank=True)
    topic = models.CharField(_("on"), max_length=300)

    class Meta:
        verbose_name = _("speaker")
        verbose_name_plural = _("speakers")
        ordering = ["meeting", "order", "id"]

    def __str__(self):
        return self.name or str(self.unit)


def meeting_file_path(instance, filename):
    return f"meetings/{instance.meeting.organisation_id}/{instance.meeting_id}/{filename}"


class MeetingFile(UploadedFile):
    """A material for the meeting, a photo of an event, or the minutes as a file."""

    meeting = models.ForeignKey(Meeting, models.CASCADE, related_name="files")
    kind = models.CharField(_("kind"), max_length=10, choices=FileKind, default=FileKind.MATERIAL)
    file = models.FileField(_("file"), upload_to=meeting_file_path, max_length=300)

    class Meta(UploadedFile.Meta):
        verbose_name = _("meeting file")
        verbose_name_plural = _("meeting files")


class Decision(models.Model):
    """议定事项: one decision of the minutes. Accepted ones become one supervision task each
    when the minutes are issued; ``task`` is the link both ways."""

    meeting = models.ForeignKey(Meeting, models.CASCADE, related_name="decisions")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("details"), blank=True)
    state = models.CharField(
        _("state"), max_length=10, choices=DecisionState, default=DecisionState.ACCEPTED
    )
    lead_unit = models.ForeignKey(
        Unit,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("lead unit"),
    )
    responsible_units = models.ManyToManyField(
        Unit, blank=True, related_name="+", verbose_name=_("responsible units")
    )
    cooperating_units = models.ManyToManyField(
        Unit, blank=True, related_name="+", verbose_name=_("cooperating units")
    )
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    deadline_working_days = models.PositiveIntegerField(
        _("working days allowed"), null=True, blank=True
    )
    # What the text engine read (its quote and the names it could not match), for review.
    quote = models.TextField(_("quoted from the minutes"), blank=True)
    unmatched_units = models.CharField(_("units not recognised"), max_length=300, blank=True)
    confidence = models.FloatField(null=True, blank=True)
    task = models.OneToOneField(
        Task,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="meeting_decision",
        verbose_name=_("task"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["meeting", "order", "id"]

    def __str__(self):
        return self.title


class Countersignature(models.Model):
    """会签: a unit's answer to one round of the minutes."""

    meeting = models.ForeignKey(Meeting, models.CASCADE, related_name="countersignatures")
    round = models.PositiveSmallIntegerField()
    unit = models.ForeignKey(Unit, models.PROTECT, related_name="+", verbose_name=_("unit"))
    due = models.DateField(_("countersign by"))
    answer = models.CharField(_("answer"), max_length=10, choices=Answer, default=Answer.PENDING)
    comment = models.TextField(_("opinion"), blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    signed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("countersignature")
        verbose_name_plural = _("countersignatures")
        ordering = ["meeting", "round", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "round", "unit"], name="countersignature_unit"
            )
        ]

    def __str__(self):
        return f"{self.meeting_id} #{self.round} {self.unit_id}: {self.answer}"


class MeetingEvent(LifecycleEvent):
    """One line of a meeting's timeline (see ``LifecycleEvent``)."""

    meeting = models.ForeignKey(Meeting, models.CASCADE, related_name="events")
    action = models.CharField(_("action"), max_length=24, choices=Action)
    unit = models.ForeignKey(Unit, models.PROTECT, null=True, blank=True, related_name="+")
    from_status = models.CharField(max_length=20, choices=Status, blank=True)
    to_status = models.CharField(max_length=20, choices=Status, blank=True)

    class Meta(LifecycleEvent.Meta):
        verbose_name = _("meeting event")
        verbose_name_plural = _("meeting events")

    def __str__(self):
        return f"{self.meeting_id} {self.action}"


class MeetingSuggestion(models.Model):
    """A suggestion an exchange event produced, handed over to the 建言献策 channel."""

    meeting = models.ForeignKey(Meeting, models.CASCADE, related_name="handed_over")
    suggestion = models.OneToOneField(
        "suggestions.Suggestion", models.CASCADE, related_name="from_meeting"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("suggestion from a meeting")
        verbose_name_plural = _("suggestions from meetings")
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.meeting_id} → {self.suggestion_id}"


def task_source_link(task, user):
    """The meeting a task came from, for the task page (see supervision.sources)."""
    decision = Decision.objects.filter(task=task).select_related("meeting").first()
    if decision is None:
        return None
    meeting = decision.meeting
    visible = Meeting.objects.visible_to(user).filter(pk=meeting.pk).exists()
    # The page says 会议 already (the task's source kind): the meeting and its minutes' number.
    label = f"{meeting.title} {meeting.minutes_number}".strip()
    return (label, meeting.get_absolute_url() if visible else "")
