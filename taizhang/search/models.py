from django.db import models
from django.utils.translation import gettext_lazy as _


class SearchEntry(models.Model):
    """One searchable object: its text as tokens (see ``taizhang.search.tokens``).

    A full-text index sits over ``text``: an FTS5 table kept in sync by triggers on SQLite, a
    GIN index on ``to_tsvector('simple', text)`` on PostgreSQL (both made by the migrations).
    The row only echoes the object's own fields, so the audit log leaves it out.
    """

    audit_log = False

    kind = models.CharField(_("kind"), max_length=30)
    object_id = models.BigIntegerField(_("object"))
    organisation_id = models.BigIntegerField(_("organisation"), null=True)
    text = models.TextField(_("text"))

    class Meta:
        verbose_name = _("search entry")
        verbose_name_plural = _("search entries")
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="search_entry_unique")
        ]

    def __str__(self):
        return f"{self.kind} {self.object_id}"
