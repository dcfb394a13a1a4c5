from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from taizhang.org.choices import Role
from taizhang.org.models import Organisation, Unit
from taizhang.utils.lifecycle import LifecycleEvent
from taizhang.utils.models import UploadedFile
from taizhang.utils.workdays import working_days_between

from .choices import Action, ExtensionStatus, Light, Priority, SourceKind, Status, UnitRole
from .ordering import LedgerRank, LightRank, StatusRank

# Tasks a unit does not see yet: registered and approved, not assigned (交办) to it.
HIDDEN_FROM_UNITS = (Status.DRAFT, Status.APPROVED)


def handler_parts(user):
    """The parts the user's units take in tasks, as the rule for handlers counts them."""
    return TaskUnit.objects.filter(unit_id__in=user.unit_ids(), role__in=UnitRole.acting())


def units_seeing(task):
    """The units whose handlers may see the task (the rule of ``visible_to``, for one task):
    its acting units, once it is assigned."""
    if task.status in HIDDEN_FROM_UNITS:
        return set()
    return {tu.unit_id for tu in task.task_units.all() if tu.role in UnitRole.acting()}


def running_parts_visible_to(user):
    """The units' parts in the running tasks ``user`` may see (what the unit tree counts),
    read from the task units alone by the light each carries (NONE: not running).

    The rule of ``visible_to``: a running task is past HIDDEN_FROM_UNITS, so for a handler it
    is the tasks of their units' parts, for supervisors and leaders the organisation's.
    """
    if not user.is_authenticated or user.organisation_id is None:
        return TaskUnit.objects.none()
    parts = TaskUnit.objects.filter(unit__organisation_id=user.organisation_id).exclude(
        light=Light.NONE
    )
    if user.sees_whole_organisation:
        return parts
    if user.role != Role.HANDLER:
        return parts.none()
    return parts.filter(task_id__in=handler_parts(user).values("task_id"))


class TaskQuerySet(models.QuerySet):
    def visible_to(self, user, *, probe=False, parts=None):
        """The one visibility rule for pages, API, exports and counts.

        Supervisors and leaders see every task of their organisation. A handler sees the
        tasks, once assigned, in which one of their units is lead, responsible or cooperating.
        Nobody else sees any: the three administrators (三员分立) run the system, not the
        business, whatever units their account may have.

        For a handler the rule has two shapes, the same rule. A list or a count reads the
        units' task ids once (``pk IN (…)``: one index range, where a correlated probe per task
        of the organisation was ten times slower at 100,000 tasks). ``probe=True``, for a query
        narrowed to a few tasks by other means (one task, a task's children, a short list of
        ids), checks each of them (``EXISTS``): the list shape would first read every task id
        of the handler's units (12 ms a lookup at 100,000 tasks). ``parts`` (a handler's
        waiting lists: ``{"signed_at__isnull": True}``, ``{"light": "red"}``) narrows the rule to
        the tasks in which their units' part is such, so that the shorter list is what is read.
        """
        if not user.is_authenticated or user.organisation_id is None:
            return self.none()
        tasks = self.filter(organisation_id=user.organisation_id)
        if user.sees_whole_organisation:
            return tasks
        if user.role != Role.HANDLER:
            return self.none()
        parts = handler_parts(user).filter(**(parts or {}))
        if probe:
            involved = models.Exists(parts.filter(task=models.OuterRef("pk")))
        else:
            involved = models.Q(pk__in=parts.values("task_id"))
        return tasks.filter(involved).exclude(status__in=HIDDEN_FROM_UNITS)

    def with_units(self):
        return self.prefetch_related(
            models.Prefetch("task_units", queryset=TaskUnit.objects.select_related("unit"))
        )


# Assigned and neither closed nor cancelled: open today (history.open_on), and the condition of
# the indexes that read the open tasks alone.
OPEN = models.Q(assigned_at__isnull=False, closed_at__isnull=True, cancelled_at__isnull=True)


class Task(models.Model):
    """督办事项: one line of the supervision ledger."""

    organisation = models.ForeignKey(
        Organisation, models.PROTECT, related_name="tasks", verbose_name=_("organisation")
    )
    number = models.CharField(_("number"), max_length=30, unique=True, editable=False)
    title = models.CharField(_("title"), max_length=300)
    body = models.TextField(_("requirements"), blank=True)
    source_kind = models.CharField(
        _("source"), max_length=20, choices=SourceKind, default=SourceKind.MEETING
    )
    source_ref = models.CharField(_("source reference"), max_length=300, blank=True)
    priority = models.CharField(
        _("priority"), max_length=10, choices=Priority, default=Priority.NORMAL
    )
    # The lead part's unit (the TaskUnit with role LEAD), kept on the task by the services
    # that set its units, so that the figures by lead unit read one table, not a join.
    lead = models.ForeignKey(
        Unit,
        models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("lead unit"),
    )
    parent = models.ForeignKey(
        "self",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent task"),
    )
    deadline = models.DateField(_("deadline"))
    # Set when the deadline was given as N working days (办理时限 N 个工作日).
    deadline_working_days = models.PositiveIntegerField(
        _("working days allowed"), null=True, blank=True
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status, default=Status.DRAFT, db_index=True
    )
    light = models.CharField(
        _("light"), max_length=10, choices=Light, default=Light.NONE, db_index=True
    )
    progress_percent = models.PositiveSmallIntegerField(_("progress"), default=0)
    latest_progress = models.TextField(_("latest progress"), blank=True)
    assigned_at = models.DateTimeField(_("assigned at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("registered by")
    )
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    # Optimistic lock: every write bumps it; a write based on an older version is refused.
    version = models.PositiveIntegerField(_("version"), default=1)

    objects = TaskQuerySet.as_manager()

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["deadline", "number"]
        # The ledger's order, so that a page is read from an index instead of sorting every
        # row: all tasks, by status (the waiting lists), by light (due soon, overdue).
        indexes = [
            models.Index(fields=["organisation", "deadline", "number"], name="task_ledger_order"),
            models.Index(
                fields=["organisation", "status", "deadline", "number"], name="task_status_order"
            ),
            models.Index(
                fields=["organisation", "light", "deadline", "number"], name="task_light_order"
            ),
            # A task's children in the same order (the page of a parent task).
            models.Index(fields=["parent", "deadline", "number"], name="task_children_order"),
            # The ledger's default order: running first, finished last (ordering.py).
            models.Index(
                models.F("organisation"),
                LedgerRank(),
                models.F("deadline"),
                models.F("number"),
                name="task_rank_order",
            ),
            # The columns' sorts (by number; by status in the lifecycle's order; by light).
            models.Index(fields=["organisation", "number"], name="task_number_order"),
            # The reports (reports/overview.py): the figures by lead unit and source read from
            # an index alone; the open tasks by deadline
            # (overdue) and by age (longest open) without reading the finished ones; the
            # closings of a span.
            models.Index(
                fields=[
                    "organisation",
                    "lead",
                    "source_kind",
                    "assigned_at",
                    "closed_at",
                    "cancelled_at",
                    "deadline",
                    "status",
                    "light",
                ],
                name="task_figures",
            ),
            models.Index(
                fields=["organisation", "deadline", "number"],
                condition=OPEN,
                name="task_open_by_deadline",
            ),
            models.Index(
                fields=["organisation", "assigned_at", "number"],
                condition=OPEN,
                name="task_open_by_assignment",
            ),
            models.Index(
                fields=["organisation", "closed_at", "status", "deadline", "lead", "source_kind"],
                name="task_closings",
            ),
            models.Index(
                models.F("organisation"),
                StatusRank(),
                models.F("deadline"),
                models.F("number"),
                name="task_status_rank_order",
            ),
            models.Index(
                models.F("organisation"),
                LightRank(),
                models.F("deadline"),
                models.F("number"),
                name="task_light_rank_order",
            ),
        ]

    def __str__(self):
        return f"{self.number} {self.title}"

    def get_absolute_url(self):
        return reverse("supervision:task", args=[self.pk])

    def units_in(self, *roles):
        """Units of the task in the given roles, from the prefetch when there is one."""
        return [tu.unit for tu in self.task_units.all() if tu.role in roles]

    @property
    def lead_unit(self):
        units = self.units_in(UnitRole.LEAD)
        return units[0] if units else None

    @property
    def responsible_units(self):
        return self.units_in(UnitRole.RESPONSIBLE)

    @property
    def cooperating_units(self):
        return self.units_in(UnitRole.COOPERATING)

    @property
    def supervising_units(self):
        return self.units_in(UnitRole.SUPERVISING)

    @property
    def status_colour(self):
        return Status.colour(self.status)

    @property
    def light_colour(self):
        return Light.colour(self.light)

    @property
    def priority_colour(self):
        return Priority.colour(self.priority)

    @property
    def is_running(self):
        """The units are working on it and its deadline runs (what a 催办单 is for)."""
        return self.status in Status.open_states()

    @property
    def overdue_working_days(self):
        """已逾期 N 个工作日: working days (China's calendar) since the deadline of a running
        task past it, else 0. Lists show it on red rows; the task page in its next step."""
        if not self.is_running:
            return 0
        return max(0, working_days_between(self.deadline, timezone.localdate()))


class TaskUnit(models.Model):
    """A unit's part in a task, and its sign-for (签收)."""

    audit_ignored_fields = ("light",)  # the task's, copied by the database

    task = models.ForeignKey(Task, models.CASCADE, related_name="task_units")
    unit = models.ForeignKey(Unit, models.PROTECT, related_name="task_units")
    role = models.CharField(_("role"), max_length=12, choices=UnitRole)
    # The task's light, copied by database triggers (migration 0004) whenever either row is
    # written, never by the code: the unit tree counts open and red tasks per unit from the
    # task units alone (NONE: the task is not running).
    light = models.CharField(max_length=10, choices=Light, default=Light.NONE, editable=False)
    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("task unit")
        verbose_name_plural = _("task units")
        ordering = ["task", "role", "id"]
        # From a unit to its tasks, read from the index alone: a handler's task ids, the
        # unit tree's counts by light.
        indexes = [
            models.Index(fields=["unit", "role", "light", "task"], name="task_unit_by_unit"),
            # 待签收: the few parts not yet signed for, without reading the signed ones.
            models.Index(
                fields=["unit", "role", "task"],
                condition=models.Q(signed_at__isnull=True),
                name="task_unit_unsigned",
            ),
            # 未签收 of running tasks (a part carries its task's light, none unless it runs):
            # the reports' count reads the running tasks' parts alone.
            models.Index(
                fields=["light", "role", "task"],
                condition=models.Q(signed_at__isnull=True),
                name="task_unit_unsigned_by_light",
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["task", "unit"], name="task_unit_unique"),
            models.UniqueConstraint(
                fields=["task"], condition=models.Q(role="lead"), name="one_lead_unit_per_task"
            ),
        ]

    def __str__(self):
        # UnitRole(…).label rather than get_role_display(), which rebuilds the choices'
        # mapping on every call (bulk writes record thousands of these).
        return f"{self.unit} ({UnitRole(self.role).label})"


class ProgressReport(models.Model):
    """进展反馈: what a unit did, and how far along the task is."""

    task = models.ForeignKey(Task, models.CASCADE, related_name="progress_reports")
    unit = models.ForeignKey(Unit, models.PROTECT, related_name="+", verbose_name=_("unit"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    percent = models.PositiveSmallIntegerField(_("progress (%)"))
    text = models.TextField(_("progress"))
    created_at = models.DateTimeField(_("reported at"), auto_now_add=True)

    class Meta:
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        ordering = ["-created_at", "-id"]
        # The reports of a span (the burden meter), whatever the task.
        indexes = [models.Index(fields=["created_at"], name="progress_by_time")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(percent__lte=100), name="progress_percent_at_most_100"
            )
        ]

    def __str__(self):
        return f"{self.unit} {self.percent}%"


class ExtensionRequest(models.Model):
    """延期申请 and its decision."""

    task = models.ForeignKey(Task, models.CASCADE, related_name="extension_requests")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    current_deadline = models.DateField(_("current deadline"))
    requested_deadline = models.DateField(_("requested deadline"))
    reason = models.TextField(_("reason"))
    status = models.CharField(
        _("status"), max_length=10, choices=ExtensionStatus, default=ExtensionStatus.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_comment = models.TextField(_("decision comment"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("extension request")
        verbose_name_plural = _("extension requests")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["task"],
                condition=models.Q(status="pending"),
                name="one_pending_extension_per_task",
            )
        ]

    def __str__(self):
        return f"{self.current_deadline} → {self.requested_deadline}"

    @property
    def status_colour(self):
        return ExtensionStatus.colour(self.status)


def attachment_path(instance, filename):
    return f"attachments/{instance.task.organisation_id}/{instance.task_id}/{filename}"


class Attachment(UploadedFile):
    task = models.ForeignKey(Task, models.CASCADE, related_name="attachments")
    progress_report = models.ForeignKey(
        ProgressReport, models.CASCADE, null=True, blank=True, related_name="attachments"
    )
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=300)
    # The completion report (办结报告: its SUBMIT_COMPLETION event) the file came with.
    completion_report = models.ForeignKey(
        "TaskEvent", models.CASCADE, null=True, blank=True, related_name="report_files"
    )

    class Meta(UploadedFile.Meta):
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")


class TaskEvent(LifecycleEvent):
    """One line of a task's timeline (see ``LifecycleEvent``)."""

    task = models.ForeignKey(Task, models.CASCADE, related_name="events")
    action = models.CharField(_("action"), max_length=20, choices=Action)
    unit = models.ForeignKey(Unit, models.PROTECT, null=True, blank=True, related_name="+")
    from_status = models.CharField(max_length=20, choices=Status, blank=True)
    to_status = models.CharField(max_length=20, choices=Status, blank=True)
    # A comment answering another comment of the same task (a thread one level deep).
    reply_to = models.ForeignKey(
        "self", models.CASCADE, null=True, blank=True, related_name="replies"
    )

    class Meta(LifecycleEvent.Meta):
        verbose_name = _("task event")
        verbose_name_plural = _("task events")
        # The reminders (催办) of a span (the burden meter).
        indexes = [models.Index(fields=["action", "created_at"], name="taskevent_action_time")]

    def __str__(self):
        return f"{self.task_id} {self.action}"


class UnitReminder(models.Model):
    """催办: the daily job's digest to one unit on one day, so that a unit is reminded at most
    once a day however many of its tasks are late. ``tasks`` lists the ids of the tasks it
    leads or is responsible for by light (``{"red": [...], "yellow": [...], "blue": [...]}``),
    as they were that day: the appraisal's reminder count reads them."""

    unit = models.ForeignKey(Unit, models.CASCADE, related_name="+", verbose_name=_("unit"))
    day = models.DateField(_("day"))
    red = models.PositiveIntegerField(default=0)
    yellow = models.PositiveIntegerField(default=0)
    blue = models.PositiveIntegerField(default=0)
    tasks = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        constraints = [
            models.UniqueConstraint(fields=["unit", "day"], name="one_reminder_per_unit_per_day")
        ]
        indexes = [models.Index(fields=["day", "unit"], name="unitreminder_day_unit")]

    def __str__(self):
        return f"{self.unit_id} {self.day} {self.red}/{self.yellow}/{self.blue}"

    def task_ids(self, light):
        return self.tasks.get(light, [])


class SavedFilter(models.Model):
    """我的常用筛选: a ledger filter a user keeps under a name (theirs alone)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.CASCADE,
        related_name="saved_ledger_filters",
        verbose_name=_("user"),
    )
    name = models.CharField(_("name"), max_length=40)
    # The ledger's query string (filters and order; never a page number).
    query = models.CharField(_("filter"), max_length=2000, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("saved filter")
        verbose_name_plural = _("saved filters")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["user", "name"], name="saved_filter_unique_name")
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return f"{reverse('supervision:ledger')}?{self.query}"
