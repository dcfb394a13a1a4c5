"""The reports' own records: an organisation's rules for them, the bulletins it issues
(督办通报 and 工作简报) and its year-end summaries. Nothing here is written back into the ledgers
the reports read."""

import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from taizhang.org.choices import Role
from taizhang.org.models import Organisation
from taizhang.utils.lifecycle import LifecycleEvent

from .choices import Action, Kind, Status


class ReportSettings(models.Model):
    """What an organisation sets for its reports: the 版头's issuer, who a 督办通报 praises
    and criticises, when a task waits too long for its signature, and how much asking of a
    unit the burden meter flags."""

    organisation = models.OneToOneField(
        Organisation, models.CASCADE, related_name="report_settings"
    )
    issuer = models.CharField(
        _("issuer"),
        max_length=60,
        blank=True,
        help_text=_("The red heading of notices and briefings; the organisation's name if empty."),
    )
    praise_min_closed = models.PositiveSmallIntegerField(
        _("praise: closed tasks at least"), default=3
    )
    praise_on_time_percent = models.PositiveSmallIntegerField(
        _("praise: on-time rate at least (%)"),
        default=100,
        validators=[MaxValueValidator(100)],
    )
    criticise_overdue = models.PositiveSmallIntegerField(
        _("criticise: overdue tasks at least"), default=2, validators=[MinValueValidator(1)]
    )
    unsigned_working_days = models.PositiveSmallIntegerField(
        _("not signed for after working days"), default=2, validators=[MinValueValidator(1)]
    )
    # The burden meter's (减负) thresholds: a unit above one is flagged.
    burden_reports_per_month = models.PositiveSmallIntegerField(
        _("burden: progress reports a month at most"), default=20, validators=[MinValueValidator(1)]
    )
    burden_reminders_per_month = models.PositiveSmallIntegerField(
        _("burden: reminders a month at most"), default=8, validators=[MinValueValidator(1)]
    )
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("report settings")

    def __str__(self):
        return str(self.organisation)

    @classmethod
    def of(cls, organisation_id):
        """The organisation's settings, the defaults until someone saves them."""
        found = cls.objects.filter(organisation_id=organisation_id).first()
        return found or cls(organisation_id=organisation_id)

    @property
    def issuer_name(self):
        return self.issuer or self.organisation.name


class BulletinQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The one rule for bulletins: the organisation's staff see the issued ones; drafts
        are the office's (supervisors) and the leaders'."""
        if not user.is_authenticated or user.organisation_id is None or user.is_administrator:
            return self.none()
        bulletins = self.filter(organisation_id=user.organisation_id)
        if user.sees_whole_organisation:
            return bulletins
        if user.role == Role.HANDLER:
            return bulletins.filter(status=Status.ISSUED)
        return self.none()


def bulletin_file_path(instance, filename):
    return f"reports/{instance.organisation_id}/{instance.year}/{filename}"


class Bulletin(models.Model):
    """A 督办通报 (the period's closed, overdue and red-lit tasks, the units praised and
    criticised) or a 工作简报 (items chosen and written up). Edited as a draft; issuing gives
    it its number and keeps the Word file, which is served from then on as it was."""

    organisation = models.ForeignKey(
        Organisation, models.PROTECT, related_name="bulletins", verbose_name=_("organisation")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind)
    status = models.CharField(_("status"), max_length=20, choices=Status, default=Status.DRAFT)
    year = models.PositiveSmallIntegerField(_("year"))
    number = models.PositiveIntegerField(_("issue number"), null=True, blank=True)
    title = models.CharField(_("title"), max_length=200)
    # The period a notice reports on (a month, a quarter); a briefing may leave it empty.
    period_start = models.DateField(_("from"), null=True, blank=True)
    period_end = models.DateField(_("to"), null=True, blank=True)
    body = models.TextField(_("text"), blank=True)
    # A briefing's items: [{"kind", "id", "title", "text"}], each from a record of its kind.
    items = models.JSONField(default=list, blank=True)
    # What an issued notice stated, frozen at issue (the draft computes it live).
    facts = models.JSONField(default=dict, blank=True)
    report_to = models.CharField(_("report to (报)"), max_length=300, blank=True)
    send_to = models.CharField(_("send to (送)"), max_length=300, blank=True)
    issue_to = models.CharField(_("issue to (发)"), max_length=300, blank=True)
    copy_to = models.CharField(_("copy to (抄送)"), max_length=300, blank=True)
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    file = models.FileField(upload_to=bulletin_file_path, blank=True, max_length=300)
    sha256 = models.CharField(max_length=64, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    objects = BulletinQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "kind", "-number", "-id"]
        verbose_name = _("bulletin")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "kind", "year", "number"], name="bulletin_number_once"
            )
        ]

    def __str__(self):
        return f"{self.number_label} {self.title}" if self.number else self.title

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("reports:bulletin", args=[self.pk])

    @property
    def number_label(self):
        """〔2026〕第3期; empty until issued."""
        if not self.number:
            return ""
        return _("〔%(year)d〕No. %(number)d") % {"year": self.year, "number": self.number}

    @property
    def status_colour(self):
        return Status.colour(self.status)

    @property
    def is_issued(self):
        return self.status == Status.ISSUED

    @property
    def period_days(self):
        if self.period_start and self.period_end:
            return (self.period_end - self.period_start).days + 1
        return None

    def file_name(self):
        return f"{self.get_kind_display()}{self.number_label or self.created_at.date()}.docx"


class BulletinEvent(LifecycleEvent):
    bulletin = models.ForeignKey(Bulletin, models.CASCADE, related_name="events")
    action = models.CharField(max_length=20, choices=Action)

    class Meta(LifecycleEvent.Meta):
        pass

    def __str__(self):
        return f"{self.bulletin_id} {self.action}"


class YearSummary(models.Model):
    """年度工作总结 draft: the office's template text around computed figures, live until
    frozen; frozen, the figures it stated are kept with it."""

    organisation = models.ForeignKey(
        Organisation, models.PROTECT, related_name="year_summaries", verbose_name=_("organisation")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    template = models.TextField(_("text"), blank=True)
    frozen_at = models.DateTimeField(_("frozen at"), null=True, blank=True)
    frozen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    frozen_figures = models.JSONField(default=list, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-year"]
        verbose_name = _("year-end summary")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "year"], name="year_summary_once")
        ]

    def __str__(self):
        return f"{self.organisation} {self.year}"

    @property
    def is_frozen(self):
        return self.frozen_at is not None

    @property
    def year_end(self):
        return datetime.date(self.year, 12, 31)
