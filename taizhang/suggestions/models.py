"""建言献策: suggestions, the units that handle them, replies, ratings, adoption, outcomes and
commendations. Every change goes through ``services``; every read through ``visible_to``."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from taizhang.org.choices import Role
from taizhang.org.models import Organisation, Unit
from taizhang.supervision.models import Task
from taizhang.utils.lifecycle import LifecycleEvent
from taizhang.utils.models import UploadedFile

from .choices import (
    Action,
    Channel,
    CommendationKind,
    Extent,
    Light,
    Rating,
    ReplyClass,
    Status,
    UnitPart,
)


class SuggestionQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The one visibility rule for pages, API, exports, statistics and search.

        Supervisors (the office that runs the channel) and leaders see every suggestion of
        their organisation; a handler those given to one of their units (and not returned); a
        submitter their
        own (joint ones and those merged into another included). Administrators see none.
        """
        if not user.is_authenticated or user.organisation_id is None:
            return self.none()
        suggestions = self.filter(organisation_id=user.organisation_id)
        if user.sees_whole_organisation:
            return suggestions
        if user.role == Role.HANDLER:
            # A unit that returned it (退回: not ours) no longer follows it.
            given = SuggestionUnit.objects.filter(
                unit_id__in=user.unit_ids(), returned_at__isnull=True
            ).values("suggestion_id")
            return suggestions.filter(pk__in=given)
        if user.role == Role.SUBMITTER:
            own = SuggestionSubmitter.objects.filter(user=user).values("suggestion_id")
            return suggestions.filter(pk__in=own)
        return self.none()

    def published(self, organisation_id):
        """Replies the office made public (公开答复), which every submitter may read."""
        return self.filter(
            organisation_id=organisation_id,
            status__in=[Status.REPLIED, Status.CLOSED],
            replies__approved=True,
            replies__public=True,
        ).distinct()

    def for_lists(self):
        return self.select_related("affiliation", "organisation").prefetch_related(
            models.Prefetch(
                "suggestion_units",
                queryset=SuggestionUnit.objects.select_related("unit"),
            ),
            models.Prefetch(
                "suggestion_submitters",
                queryset=SuggestionSubmitter.objects.select_related("user"),
            ),
        )


class RefusalReason(models.Model):
    """不予立案 reasons, a list each organisation keeps."""

    organisation = models.ForeignKey(Organisation, models.CASCADE, related_name="refusal_reasons")
    code = models.SlugField(_("code"), max_length=40)
    label = models.CharField(_("reason"), max_length=100)
    active = models.BooleanField(_("in use"), default=True)
    sort_order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("refusal reason")
        verbose_name_plural = _("refusal reasons")
        ordering = ["organisation", "sort_order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "code"], name="refusal_reason_code")
        ]

    def __str__(self):
        return self.label


class ChannelSettings(models.Model):
    """How the organisation runs its channel (the office changes it)."""

    organisation = models.OneToOneField(
        Organisation, models.CASCADE, related_name="suggestion_settings"
    )
    anonymous_allowed = models.BooleanField(_("anonymous suggestions allowed"), default=False)

    class Meta:
        verbose_name = _("suggestion channel settings")
        verbose_name_plural = _("suggestion channel settings")

    def __str__(self):
        return str(self.organisation)

    @classmethod
    def of(cls, organisation):
        return cls.objects.filter(organisation=organisation).first() or cls(
            organisation=organisation
        )


class Suggestion(models.Model):
    """建议: one line of the 建言献策台账."""

    audit_personal = ("submitter_contact",)  # the audit log seals it (see audit.recorder)

    organisation = models.ForeignKey(
        Organisation, models.PROTECT, related_name="suggestions", verbose_name=_("organisation")
    )
    number = models.CharField(_("number"), max_length=30, unique=True, editable=False)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("suggestion"))
    topic = models.CharField(_("topic"), max_length=60, blank=True, db_index=True)
    channel = models.CharField(
        _("channel"), max_length=12, choices=Channel, default=Channel.ONLINE, db_index=True
    )
    received_on = models.DateField(_("received on"))
    # The submitters' unit when it came in (their enterprise or department), for the ledger.
    affiliation = models.ForeignKey(
        Unit,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("submitter's unit"),
    )
    # Someone without an account, written down by staff from a letter or a forum.
    submitter_name = models.CharField(_("submitter (no account)"), max_length=100, blank=True)
    submitter_contact = models.CharField(_("contact"), max_length=100, blank=True)
    anonymous = models.BooleanField(_("anonymous"), default=False)
    # SHA-256 of the claim code printed on an anonymous suggestion's receipt.
    claim_code_hash = models.CharField(max_length=64, blank=True, editable=False, db_index=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("entered by"),
    )

    status = models.CharField(
        _("status"), max_length=20, choices=Status, default=Status.SUBMITTED, db_index=True
    )
    light = models.CharField(
        _("light"), max_length=10, choices=Light, default=Light.NONE, db_index=True
    )
    # 1, or 2 once an unsatisfied submitter reopened it (重办).
    round = models.PositiveSmallIntegerField(_("round"), default=1)
    deadline = models.DateField(_("reply deadline"), null=True, blank=True)
    deadline_working_days = models.PositiveIntegerField(
        _("working days allowed"), null=True, blank=True
    )
    assigned_at = models.DateTimeField(_("assigned at"), null=True, blank=True)

    refusal_reason = models.ForeignKey(
        RefusalReason,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reason not accepted"),
    )
    alternative_channel = models.CharField(_("where to turn instead"), max_length=200, blank=True)
    merged_into = models.ForeignKey(
        "self",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_from",
        verbose_name=_("merged into"),
    )

    # The reply as sent (copied from the approved Reply, for the ledger's filters).
    reply_class = models.CharField(
        _("reply class"), max_length=1, choices=ReplyClass, blank=True, db_index=True
    )
    replied_at = models.DateTimeField(_("replied at"), null=True, blank=True)
    replied_on_time = models.BooleanField(_("replied on time"), null=True, blank=True)
    rating_due = models.DateField(_("rate by"), null=True, blank=True)
    rating = models.CharField(_("rating"), max_length=20, choices=Rating, blank=True)
    rating_auto = models.BooleanField(_("rating deemed"), default=False)
    # B: the promised date; C: the yearly review. The follow-up list is due by this date.
    follow_up_on = models.DateField(_("follow up on"), null=True, blank=True)

    adopted_at = models.DateTimeField(_("adopted at"), null=True, blank=True)
    adoption_extent = models.CharField(_("adoption"), max_length=10, choices=Extent, blank=True)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("submitted at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    version = models.PositiveIntegerField(_("version"), default=1)

    objects = SuggestionQuerySet.as_manager()

    class Meta:
        verbose_name = _("suggestion")
        verbose_name_plural = _("suggestions")
        ordering = ["-received_on", "-number"]
        indexes = [models.Index(fields=["organisation", "status", "received_on"])]

    def __str__(self):
        return f"{self.number} {self.title}"

    def get_absolute_url(self):
        return reverse("suggestions:detail", args=[self.pk])

    def units_in(self, *parts):
        """The units with a live part (not returned), from the prefetch when there is one."""
        return [
            su.unit
            for su in self.suggestion_units.all()
            if su.part in parts and su.returned_at is None
        ]

    @property
    def lead_unit(self):
        units = self.units_in(UnitPart.LEAD)
        return units[0] if units else None

    @property
    def joint_units(self):
        return self.units_in(UnitPart.JOINT)

    @property
    def assisting_units(self):
        return self.units_in(UnitPart.ASSISTING)

    @property
    def submitters(self):
        return [s.user for s in self.suggestion_submitters.all()]

    @property
    def submitter_display(self):
        if self.anonymous:
            return str(_("Anonymous"))
        names = [str(u) for u in self.submitters] + [self.submitter_name]
        return "、".join(n for n in names if n)

    @property
    def status_colour(self):
        return Status.colour(self.status)

    @property
    def light_colour(self):
        return Light.colour(self.light)

    @property
    def is_redo(self):
        return self.round > 1


class SuggestionSubmitter(models.Model):
    """A person who made the suggestion; several for a joint one (联名), the first leads."""

    suggestion = models.ForeignKey(Suggestion, models.CASCADE, related_name="suggestion_submitters")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    is_lead = models.BooleanField(_("lead submitter"), default=False)
    # Set when the person came with a suggestion merged into this one (并案).
    via = models.ForeignKey(Suggestion, models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("submitter")
        verbose_name_plural = _("submitters")
        ordering = ["-is_lead", "id"]
        constraints = [
            models.UniqueConstraint(fields=["suggestion", "user"], name="suggestion_submitter")
        ]

    def __str__(self):
        return str(self.user)


class SuggestionUnit(models.Model):
    """A unit's part in handling a suggestion (主办 / 会办 / 协办), its 签收 or 退回."""

    suggestion = models.ForeignKey(Suggestion, models.CASCADE, related_name="suggestion_units")
    unit = models.ForeignKey(Unit, models.PROTECT, related_name="suggestion_units")
    part = models.CharField(_("part"), max_length=10, choices=UnitPart)
    assigned_at = models.DateTimeField(_("assigned at"))
    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    returned_at = models.DateTimeField(_("returned at"), null=True, blank=True)
    return_reason = models.TextField(_("reason for returning"), blank=True)

    class Meta:
        verbose_name = _("handling unit")
        verbose_name_plural = _("handling units")
        ordering = ["suggestion", "part", "id"]
        constraints = [
            models.UniqueConstraint(fields=["suggestion", "unit"], name="suggestion_unit"),
            models.UniqueConstraint(
                fields=["suggestion"],
                condition=models.Q(part="lead", returned_at__isnull=True),
                name="one_lead_unit_per_suggestion",
            ),
        ]

    def __str__(self):
        return f"{self.unit} ({self.get_part_display()})"


class Opinion(models.Model):
    """会办/协办意见: a joint or assisting unit's contribution to the lead unit's reply."""

    suggestion = models.ForeignKey(Suggestion, models.CASCADE, related_name="opinions")
    unit = models.ForeignKey(Unit, models.PROTECT, related_name="+", verbose_name=_("unit"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    round = models.PositiveSmallIntegerField(default=1)
    text = models.TextField(_("opinion"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("opinion")
        verbose_name_plural = _("opinions")
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.unit}: {self.text[:20]}"


class Reply(models.Model):
    """答复: drafted by the lead unit, reviewed by the office, rated by the submitter."""

    suggestion = models.ForeignKey(Suggestion, models.CASCADE, related_name="replies")
    round = models.PositiveSmallIntegerField(_("round"), default=1)
    unit = models.ForeignKey(Unit, models.PROTECT, related_name="+", verbose_name=_("unit"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    reply_class = models.CharField(_("reply class"), max_length=1, choices=ReplyClass)
    text = models.TextField(_("reply"))
    promised_date = models.DateField(_("to be solved by"), null=True, blank=True)
    created_at = models.DateTimeField(_("drafted at"), auto_now_add=True)
    # None while the office has not decided; False: sent back for another draft.
    approved = models.BooleanField(_("approved"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    review_comment = models.TextField(_("review comment"), blank=True)
    public = models.BooleanField(_("published"), default=False)
    rating = models.CharField(_("rating"), max_length=20, choices=Rating, blank=True)
    rating_comment = models.TextField(_("rating comment"), blank=True)
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    rated_at = models.DateTimeField(_("rated at"), null=True, blank=True)
    rating_auto = models.BooleanField(_("rating deemed"), default=False)

    class Meta:
        verbose_name = _("reply")
        verbose_name_plural = _("replies")
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.suggestion_id} {self.reply_class}"

    @property
    def class_colour(self):
        return ReplyClass.colour(self.reply_class)

    @property
    def rating_colour(self):
        return Rating.colour(self.rating)


class Outcome(models.Model):
    """成果转化: what changed because of an adopted suggestion, and the measured benefit."""

    suggestion = models.ForeignKey(Suggestion, models.CASCADE, related_name="outcomes")
    text = models.TextField(_("what changed"))
    place = models.CharField(_("where"), max_length=200, blank=True)
    benefit = models.TextField(_("benefit"), blank=True)
    benefit_amount = models.DecimalField(
        _("benefit (10,000 yuan)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    benefit_days = models.PositiveIntegerField(_("time saved (days)"), null=True, blank=True)
    benefit_people = models.PositiveIntegerField(_("people reached"), null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("outcome")
        verbose_name_plural = _("outcomes")
        ordering = ["created_at", "id"]

    def __str__(self):
        return self.text[:30]


class Commendation(models.Model):
    """表彰: a public commendation or a material reward, approved by a leader."""

    suggestion = models.ForeignKey(Suggestion, models.CASCADE, related_name="commendations")
    kind = models.CharField(_("kind"), max_length=10, choices=CommendationKind)
    amount = models.DecimalField(
        _("amount (yuan)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    reason = models.TextField(_("reason"), blank=True)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)

    class Meta:
        verbose_name = _("commendation")
        verbose_name_plural = _("commendations")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["suggestion"],
                condition=models.Q(approved_at__isnull=True),
                name="one_pending_commendation",
            )
        ]

    def __str__(self):
        return self.get_kind_display()


def attachment_path(instance, filename):
    return f"suggestions/{instance.suggestion.organisation_id}/{instance.suggestion_id}/{filename}"


class SuggestionAttachment(UploadedFile):
    """A file with the suggestion (a scanned letter) or the evidence of an outcome."""

    suggestion = models.ForeignKey(Suggestion, models.CASCADE, related_name="attachments")
    outcome = models.ForeignKey(
        Outcome, models.CASCADE, null=True, blank=True, related_name="attachments"
    )
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=300)
    # None for a file an anonymous submitter sent: nothing on it may point back to them.
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta(UploadedFile.Meta):
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")


class SpawnedTask(models.Model):
    """A supervision task made from an adopted suggestion; the task page links back."""

    suggestion = models.ForeignKey(Suggestion, models.PROTECT, related_name="spawned")
    task = models.OneToOneField(Task, models.CASCADE, related_name="source_suggestion")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("task from a suggestion")
        verbose_name_plural = _("tasks from suggestions")
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.suggestion_id} → {self.task_id}"


def task_source_link(task, user):
    """The suggestion a task came from, for the task page (see supervision.sources)."""
    link = SpawnedTask.objects.filter(task=task).select_related("suggestion").first()
    if link is None:
        return None
    suggestion = link.suggestion
    visible = Suggestion.objects.visible_to(user).filter(pk=suggestion.pk).exists()
    return (
        _("Suggestion %(number)s") % {"number": suggestion.number},
        suggestion.get_absolute_url() if visible else "",
    )


class SuggestionEvent(LifecycleEvent):
    """One line of a suggestion's timeline (see ``LifecycleEvent``)."""

    suggestion = models.ForeignKey(Suggestion, models.CASCADE, related_name="events")
    action = models.CharField(_("action"), max_length=24, choices=Action)
    unit = models.ForeignKey(Unit, models.PROTECT, null=True, blank=True, related_name="+")
    from_status = models.CharField(max_length=20, choices=Status, blank=True)
    to_status = models.CharField(max_length=20, choices=Status, blank=True)
    # Shown to the submitter on their page (the office's internal notes are not).
    public = models.BooleanField(default=True)

    class Meta(LifecycleEvent.Meta):
        verbose_name = _("suggestion event")
        verbose_name_plural = _("suggestion events")

    def __str__(self):
        return f"{self.suggestion_id} {self.action}"


class WrongClaim(models.Model):
    """A wrong claim code tried from an address, so that every app server counts the same
    guesses (a per-process cache would give each worker its own allowance)."""

    audit_log = False  # guesses, not changes of any record

    address = models.CharField(max_length=45, db_index=True)
    created = models.DateTimeField(default=timezone.now, db_index=True)

    def __str__(self):
        return f"{self.address} {self.created:%Y-%m-%d %H:%M}"


class Reminder(models.Model):
    """催办 of a suggestion's units: one per suggestion and day."""

    suggestion = models.ForeignKey(Suggestion, models.CASCADE, related_name="reminders")
    day = models.DateField()
    light = models.CharField(max_length=10, choices=Light)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["suggestion", "day"], name="one_suggestion_reminder_per_day"
            )
        ]

    def __str__(self):
        return f"{self.suggestion_id} {self.day}"
