"""The audit log: append-only records linked by a SHA-256 hash chain.

Each record's ``hash`` covers its content and the previous record's hash, so altering or
removing a record breaks the chain at that record (``taizhang audit verify``). Database
triggers (migration 0002) refuse UPDATE and DELETE on the table, except the retention purge;
they also keep the chain's head row (``AuditChain``) pointing at the newest record.

No foreign keys: a record outlives the users, organisations and objects it names, and an
``ON DELETE`` action on an append-only table would only make deletes elsewhere fail.
"""

import datetime
import hashlib
import json

from django.db import models
from django.utils.translation import gettext_lazy as _

from taizhang.org.choices import Role

from .choices import AuditAction

GENESIS = ""  # prev_hash of the first record ever


class AppendOnly(Exception):
    """An attempt to change or remove an audit record."""


class AuditRecordQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The audit administrator's view: their organisation's records, and nobody else's."""
        if not user.is_authenticated or user.role != Role.AUDITOR or not user.organisation_id:
            return self.none()
        return self.filter(organisation_id=user.organisation_id)

    def update(self, **kwargs):
        raise AppendOnly("audit records are append-only")

    def delete(self):
        raise AppendOnly("audit records are append-only")

    def bulk_update(self, *args, **kwargs):
        raise AppendOnly("audit records are append-only")


class AuditRecord(models.Model):
    """审计记录: who did what to which object, when and from where."""

    seq = models.BigIntegerField(_("number"), primary_key=True)
    created_at = models.DateTimeField(_("time"), db_index=True)
    action = models.CharField(_("action"), max_length=20, choices=AuditAction)
    # The user name at the time, or ``job:…`` / ``command:…`` when no user acted.
    actor = models.CharField(_("user"), max_length=150, blank=True)
    actor_id = models.BigIntegerField(null=True, blank=True)
    organisation_id = models.BigIntegerField(null=True, blank=True)
    address = models.CharField(_("address"), max_length=45, blank=True)
    request_id = models.CharField(_("request"), max_length=64, blank=True)
    object_type = models.CharField(_("object type"), max_length=100, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=200, blank=True)
    # Canonical JSON text, hashed as stored: ``{field: [before, after]}``.
    changes = models.TextField(_("changes"), blank=True)
    # Canonical JSON text: path, query, file name, user name tried, …
    extra = models.TextField(_("details"), blank=True)
    prev_hash = models.CharField(max_length=64, blank=True)
    hash = models.CharField(max_length=64)

    objects = AuditRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit record")
        verbose_name_plural = _("audit records")
        ordering = ["-seq"]
        indexes = [models.Index(fields=["organisation_id", "-seq"], name="audit_org_seq")]

    def __str__(self):
        return f"#{self.seq} {self.action} {self.object_type} {self.object_id}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnly("audit records are append-only")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnly("audit records are append-only")

    def content(self):
        """What the hash covers, as one canonical JSON text."""
        return canonical(
            {
                "seq": self.seq,
                "created_at": self.created_at.astimezone(datetime.UTC).isoformat(
                    timespec="microseconds"
                ),
                "action": self.action,
                "actor": self.actor,
                "actor_id": self.actor_id,
                "organisation_id": self.organisation_id,
                "address": self.address,
                "request_id": self.request_id,
                "object_type": self.object_type,
                "object_id": self.object_id,
                "object_repr": self.object_repr,
                "changes": self.changes,
                "extra": self.extra,
                "prev_hash": self.prev_hash,
            }
        )

    def compute_hash(self):
        return hashlib.sha256(self.content().encode()).hexdigest()

    @property
    def action_colour(self):
        return AuditAction.colour(self.action)

    def changes_dict(self):
        return json.loads(self.changes) if self.changes else {}

    def extra_dict(self):
        return json.loads(self.extra) if self.extra else {}


class AuditChain(models.Model):
    """The chain's one head row: the newest record (kept by a trigger) and the anchor left by
    the last retention purge (the number and hash of the last record purged).

    Writers lock this row (``SELECT … FOR UPDATE``) before numbering their records, so the
    chain has one writer at a time across every process.
    """

    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64, blank=True)
    anchor_seq = models.BigIntegerField(default=0)
    anchor_hash = models.CharField(max_length=64, blank=True)
    anchor_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"head #{self.seq}, anchor #{self.anchor_seq}"


def canonical(value):
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
