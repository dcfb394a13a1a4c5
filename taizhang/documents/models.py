"""Uploaded documents (讲话, 纪要, 方案, 通知) and the tasks the text engine proposes from them."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from taizhang.utils.workdays import deadline_is_past


class DocumentStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    PROCESSING = "processing", _("Processing")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class ProposalState(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    ACCEPTED = "accepted", _("Accepted")
    DROPPED = "dropped", _("Dropped")


class ProposalReason(models.TextChoices):
    """Why the engine proposes a task (``taizhang.extract.engine.REASONS``), strongest first."""

    LABEL = "label", _("a label line gives its units or deadline")
    ENUMERATED = "enumerated", _("a numbered item worded as a directive")
    PARAGRAPH = "paragraph", _("a paragraph worded as a directive")
    WEAK = "weak", _("only weak directive words")


class ConfidenceLevel(models.TextChoices):
    HIGH = "high", pgettext_lazy("confidence", "High")
    MEDIUM = "medium", pgettext_lazy("confidence", "Medium")
    LOW = "low", pgettext_lazy("confidence", "Low")


# The one place where the engine's confidence becomes a word: at or above each floor.
CONFIDENCE_FLOORS = ((0.85, ConfidenceLevel.HIGH), (0.7, ConfidenceLevel.MEDIUM))
CONFIDENCE_COLOURS = {
    ConfidenceLevel.HIGH: "green",
    ConfidenceLevel.MEDIUM: "yellow",
    ConfidenceLevel.LOW: "orange",
}


def confidence_level(value):
    return next(
        (level for floor, level in CONFIDENCE_FLOORS if value >= floor), ConfidenceLevel.LOW
    )


class ReviewOutcome(models.TextChoices):
    ACCEPTED = "accepted", _("Accepted as proposed")
    EDITED = "edited", _("Accepted with changes")
    DROPPED = "dropped", _("Dropped")


class SourceDocument(models.Model):
    organisation = models.ForeignKey("org.Organisation", models.CASCADE, related_name="documents")
    title = models.CharField(_("title"), max_length=300)
    # The uploader gave no title: the file name stands in until the document's own heading is read.
    title_from_file_name = models.BooleanField(default=False)
    file = models.FileField(_("file"), upload_to="documents/%Y/%m/")
    text = models.TextField(_("text"), blank=True)  # as read from the file, in its own script
    status = models.CharField(
        _("status"), max_length=20, choices=DocumentStatus, default=DocumentStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("progress"), default=0)  # percent
    error = models.TextField(_("error"), blank=True)
    warnings = models.JSONField(_("warnings"), default=list, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    processed_at = models.DateTimeField(_("processed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["-uploaded_at", "-pk"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("documents:detail", args=[self.pk])

    @property
    def finished(self):
        return self.status in (DocumentStatus.DONE, DocumentStatus.FAILED)

    @property
    def is_done(self):
        return self.status == DocumentStatus.DONE

    @property
    def is_failed(self):
        return self.status == DocumentStatus.FAILED


class Proposal(models.Model):
    """One task the engine proposes, tied to its span of the document's text."""

    document = models.ForeignKey(SourceDocument, models.CASCADE, related_name="proposals")
    order = models.PositiveIntegerField()
    title = models.CharField(_("title"), max_length=300)
    text = models.TextField(_("text"))
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    section = models.CharField(_("section"), max_length=300, blank=True)
    # Unit names as the document writes them; matched to units when the proposal is accepted.
    lead_units = models.JSONField(default=list, blank=True)
    responsible_units = models.JSONField(default=list, blank=True)
    cooperating_units = models.JSONField(default=list, blank=True)
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    deadline_text = models.CharField(_("deadline as written"), max_length=100, blank=True)
    confidence = models.FloatField(_("confidence"))
    reason = models.CharField(
        _("reason"), max_length=20, choices=ProposalReason, default=ProposalReason.WEAK
    )
    state = models.CharField(
        _("state"), max_length=20, choices=ProposalState, default=ProposalState.PROPOSED
    )
    task = models.OneToOneField(
        "supervision.Task", models.SET_NULL, null=True, blank=True, related_name="proposal"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        ordering = ["document", "order"]

    def __str__(self):
        return self.title

    @property
    def organisation_id(self):
        """The document's organisation, for the lifecycle's checks."""
        return self.document.organisation_id

    @property
    def is_proposed(self):
        return self.state == ProposalState.PROPOSED

    @property
    def is_accepted(self):
        return self.state == ProposalState.ACCEPTED

    @property
    def is_dropped(self):
        return self.state == ProposalState.DROPPED

    @property
    def confidence_level(self):
        return confidence_level(self.confidence)

    def get_confidence_level_display(self):
        return ConfidenceLevel(self.confidence_level).label

    @property
    def deadline_passed(self):
        return deadline_is_past(self.deadline)

    @property
    def confidence_colour(self):
        return CONFIDENCE_COLOURS[self.confidence_level]


class Review(models.Model):
    """What the clerk made of one proposal beside what the engine proposed: the clerk's final
    title, units (by role, as written and as mapped) and deadline. Kept to measure the engine
    on the organisation's own documents (``taizhang extract-eval export``)."""

    organisation = models.ForeignKey("org.Organisation", models.CASCADE, related_name="+")
    document = models.ForeignKey(SourceDocument, models.CASCADE, related_name="reviews")
    # Kept (superseded) when the document is read again and its proposals replaced.
    proposal = models.ForeignKey(
        Proposal, models.SET_NULL, null=True, blank=True, related_name="reviews"
    )
    outcome = models.CharField(_("outcome"), max_length=20, choices=ReviewOutcome)
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    # The engine's: {title, lead_units, responsible_units, cooperating_units, deadline,
    # deadline_text}, unit names as written.
    proposed = models.JSONField(default=dict)
    # The clerk's (empty for a drop): units as {role field: [{"written", "unit", "name"}]},
    # "written" being the name as the text writes it ("" for a unit the text does not name).
    title = models.CharField(_("title"), max_length=300, blank=True)
    units = models.JSONField(default=dict, blank=True)
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    deadline_text = models.CharField(max_length=100, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    # A drop undone (恢复): the proposal is back for review and this decision no longer stands.
    undone_at = models.DateTimeField(null=True, blank=True)
    # The document was read again and its proposals replaced: this decision was about a
    # proposal that is gone, and no longer counts (the new proposals are reviewed afresh).
    superseded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        ordering = ["document", "start", "pk"]

    def __str__(self):
        return f"{self.get_outcome_display()}: {self.title or self.proposed.get('title', '')}"


class UnitMapping(models.Model):
    """A name a document used, mapped by the clerk to one of the organisation's units."""

    organisation = models.ForeignKey("org.Organisation", models.CASCADE, related_name="+")
    name = models.CharField(_("name as written"), max_length=200)
    unit = models.ForeignKey("org.Unit", models.CASCADE, related_name="+")
    proposal = models.ForeignKey(
        Proposal, models.SET_NULL, null=True, blank=True, related_name="unit_mappings"
    )
    by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("unit mapping")
        verbose_name_plural = _("unit mappings")
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.name} → {self.unit}"
