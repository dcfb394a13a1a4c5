import zlib

from django.db import models
from django.utils.translation import gettext_lazy as _

# An entry's primary key is its kind's code (22 bits) and its object's id (40 bits), so the
# full-text index's row ids are object ids of one kind in one range: a query reads them from
# the index alone, with no join back to the entries.
OBJECT_BITS = 40
KIND_BITS = 22


def kind_range(kind):
    """The primary keys of the entries of ``kind``: (first, last)."""
    first = (zlib.crc32(kind.encode()) & ((1 << KIND_BITS) - 1)) << OBJECT_BITS
    return first, first + (1 << OBJECT_BITS) - 1


def entry_id(kind, object_id):
    if not 0 <= object_id < 1 << OBJECT_BITS:
        raise ValueError(f"object id out of range: {object_id}")
    return kind_range(kind)[0] + object_id


class SearchEntry(models.Model):
    """One searchable object: its text as tokens (see ``taizhang.search.tokens``).

    A full-text index sits over ``text``: an FTS5 table kept in sync by triggers on SQLite, a
    GIN index over a generated ``to_tsvector('simple', text)`` column on PostgreSQL (both made
    by the migrations). The row only echoes the object's own fields: the audit log leaves it out.
    """

    audit_log = False

    id = models.BigIntegerField(primary_key=True)  # entry_id(kind, object_id)
    kind = models.CharField(_("kind"), max_length=30)
    object_id = models.BigIntegerField(_("object"))
    organisation_id = models.BigIntegerField(_("organisation"), null=True)
    text = models.TextField(_("text"))

    class Meta:
        verbose_name = _("search entry")
        verbose_name_plural = _("search entries")

    def __str__(self):
        return f"{self.kind} {self.object_id}"


class FullTextField(models.TextField):
    """The text column of SQLite's FTS5 table, with its ``match`` lookup."""


@FullTextField.register_lookup
class Match(models.Lookup):
    lookup_name = "match"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} MATCH {rhs}", (*lhs_params, *rhs_params)


class FullTextHit(models.Model):
    """A row of SQLite's FTS5 table ``search_fts`` (made by a migration): its rowid is the
    entry's primary key."""

    id = models.BigIntegerField(primary_key=True, db_column="rowid")
    text = FullTextField()

    class Meta:
        managed = False
        db_table = "search_fts"

    def __str__(self):
        return str(self.id)
