from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

TITLE_LENGTH = 300


def fit_title(title):
    """A title cut to the column's length with an ellipsis (a task title alone may fill it)."""
    return title if len(title) <= TITLE_LENGTH else title[: TITLE_LENGTH - 1] + "…"


class Notification(models.Model):
    """An in-app message: a task to sign for, a reminder (催办), a returned report.

    Not in the audit log: each one announces a change the log already holds.
    """

    audit_log = False

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="notifications"
    )
    title = models.CharField(_("title"), max_length=TITLE_LENGTH)
    body = models.TextField(_("text"), blank=True)
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self):
        return self.title
