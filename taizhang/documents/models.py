"""Uploaded documents (讲话, 纪要, 方案, 通知) and the tasks the text engine proposes from them."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class DocumentStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    PROCESSING = "processing", _("Processing")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class ProposalState(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    ACCEPTED = "accepted", _("Accepted")
    DROPPED = "dropped", _("Dropped")


class SourceDocument(models.Model):
    organisation = models.ForeignKey("org.Organisation", models.CASCADE, related_name="documents")
    title = models.CharField(_("title"), max_length=300)
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
