"""Writing, checking and trimming the hash chain.

Writing: a transaction locks the head row once (``SELECT … FOR UPDATE``: every other writer
waits there until this transaction ends), numbers its records from the head and inserts them;
a trigger moves the head. Within one transaction the head is remembered, so each further
record costs one INSERT. A savepoint rolled back takes our marker callback with it (Django
drops ``on_commit`` callbacks of a rolled-back savepoint), which tells us to read the head
again. On SQLite the database's single writer lock (``BEGIN IMMEDIATE``) does the serialising,
and the primary key on ``seq`` makes a fork impossible on any database.
"""

import dataclasses
import datetime
from contextlib import contextmanager

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.utils import timezone

from .models import GENESIS, AuditChain, AuditRecord

MIN_RETENTION_DAYS = 180  # 网络安全法 art. 21: logs kept for no less than six months
PURGE_FLAG = "taizhang.audit_purge"  # PostgreSQL: the triggers let a DELETE through when on


@dataclasses.dataclass
class _Head:
    seq: int
    hash: str
    marker: object
    sids: list


def append(records, using=None):
    """Number, link and insert ``records`` (unsaved AuditRecords) in the current transaction."""
    if not records:
        return records
    using = using or DEFAULT_DB_ALIAS
    connection = connections[using]
    with transaction.atomic(using=using, savepoint=False):
        seq, prev = _head(connection)
        now = timezone.now()
        for record in records:
            seq += 1
            record.seq, record.created_at, record.prev_hash = seq, now, prev
            record.hash = prev = record.compute_hash()
        _insert(connection, records)
        _remember(connection, using, seq, prev)
    return records


def _insert(connection, records):
    """One multi-row INSERT per 500 records, the SQL built once: this runs for every change
    anywhere, and the ORM's own insert costs more than the row."""
    fields = AuditRecord._meta.concrete_fields
    row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    with connection.cursor() as cursor:
        for start in range(0, len(records), 500):
            batch = records[start : start + 500]
            cursor.execute(
                f"INSERT INTO {AuditRecord._meta.db_table} ({columns}) VALUES "
                + ", ".join([row] * len(batch)),
                [
                    f.get_db_prep_save(getattr(r, f.attname), connection)
                    for r in batch
                    for f in fields
                ],
            )
    for record in records:
        record._state.adding, record._state.db = False, connection.alias


def _head(connection):
    """``(seq, hash)`` of the newest record, with the head row locked for this transaction."""
    cached = getattr(connection, "_taizhang_audit_head", None)
    if cached is not None and _alive(connection, cached.marker):
        return cached.seq, cached.hash
    table = AuditChain._meta.db_table
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT seq, hash FROM {table} WHERE id = 1{lock}")
        row = cursor.fetchone()
    if row is None:  # a new or flushed database
        AuditChain.objects.using(connection.alias).bulk_create(
            [AuditChain(pk=1)], ignore_conflicts=True
        )
        return _head(connection)
    return row[0], row[1] or GENESIS


def _remember(connection, using, seq, hash_):
    """Keep the head for the rest of this transaction, tied to a marker callback registered
    in the current savepoint (one per savepoint, not one per record)."""
    cached = getattr(connection, "_taizhang_audit_head", None)
    if (
        cached is not None
        and cached.sids == connection.savepoint_ids
        and _alive(connection, cached.marker)
    ):
        marker = cached.marker
    else:

        def marker():
            """Marks the head read in this transaction and savepoint; does nothing."""

        transaction.on_commit(marker, using=using)
    connection._taizhang_audit_head = _Head(seq, hash_, marker, list(connection.savepoint_ids))


def _alive(connection, marker):
    return any(entry[1] is marker for entry in reversed(connection.run_on_commit))


def forget_head(using=None):
    """Drop the remembered head (after writing to the table behind the chain's back)."""
    connections[using or DEFAULT_DB_ALIAS]._taizhang_audit_head = None


# ---- purging ------------------------------------------------------------------------------


@contextmanager
def purging(using=None):
    """Let DELETE (and TRUNCATE) through the triggers for this transaction only."""
    using = using or DEFAULT_DB_ALIAS
    connection = connections[using]
    with transaction.atomic(using=using):
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config(%s, 'on', true)", [PURGE_FLAG])
            yield
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config(%s, 'off', true)", [PURGE_FLAG])
        else:
            connection.taizhang_audit_purging = True
            try:
                yield
            finally:
                connection.taizhang_audit_purging = False
    forget_head(using)


def retention_days():
    days = settings.TAIZHANG_AUDIT_RETENTION_DAYS
    if days < MIN_RETENTION_DAYS:
        raise ImproperlyConfigured(
            f"TAIZHANG_AUDIT_RETENTION_DAYS must be at least {MIN_RETENTION_DAYS} "
            f"(six months), not {days}"
        )
    return days


def purge(now=None, using=None):
    """Delete the records older than the retention period; returns how many went.

    The number and hash of the last record deleted become the chain's anchor, from which
    ``verify`` starts; the purge itself is recorded in the chain.
    """
    from .recorder import entry

    using = using or DEFAULT_DB_ALIAS
    cutoff = (now or timezone.now()) - datetime.timedelta(days=retention_days())
    with transaction.atomic(using=using):
        _head(connections[using])  # hold the writers' lock while trimming
        last = (
            AuditRecord.objects.using(using)
            .filter(created_at__lt=cutoff)
            .order_by("-seq")
            .values_list("seq", "hash")
            .first()
        )
        if last is None:
            return 0
        with purging(using), connections[using].cursor() as cursor:
            cursor.execute(f"DELETE FROM {AuditRecord._meta.db_table} WHERE seq <= %s", [last[0]])
            count = cursor.rowcount
        AuditChain.objects.using(using).filter(pk=1).update(
            anchor_seq=last[0], anchor_hash=last[1], anchor_at=timezone.now()
        )
        details = {"purged": count, "anchor_seq": last[0], "anchor_hash": last[1]}
        details["before"] = cutoff.isoformat()
        append([entry("purge", extra=details)], using)
    return count


# ---- verifying ----------------------------------------------------------------------------

# The triggers of migration 0002, by vendor. (On SQLite a migration that rebuilds the table
# drops them: ``verify`` says so.)
TRIGGERS = {
    "sqlite": {"audit_record_no_update", "audit_record_no_delete", "audit_record_head"},
    "postgresql": {"audit_record_append_only", "audit_record_no_truncate", "audit_record_head"},
}


def missing_triggers(using=None):
    """Names of the append-only triggers that are missing or disabled."""
    connection = connections[using or DEFAULT_DB_ALIAS]
    expected = TRIGGERS.get(connection.vendor, set())
    if connection.vendor == "sqlite":
        sql = "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s"
    else:
        sql = "SELECT tgname FROM pg_trigger WHERE tgrelid = %s::regclass AND tgenabled <> 'D'"
    with connection.cursor() as cursor:
        cursor.execute(sql, [AuditRecord._meta.db_table])
        present = {row[0] for row in cursor.fetchall()}
    return sorted(expected - present)


@dataclasses.dataclass
class Verdict:
    ok: bool
    count: int = 0
    seq: int | None = None  # the first altered or missing record
    problem: str = ""  # "altered" or "missing"
    head_seq: int = 0
    head_hash: str = ""

    def __str__(self):
        if self.ok:
            return f"{self.count} records (head #{self.head_seq} {self.head_hash[:16]})"
        return f"record {self.seq} {self.problem}"


def verify(using=None):
    """Walk the chain from the anchor; name the first record altered or missing."""
    using = using or DEFAULT_DB_ALIAS
    records = AuditRecord.objects.using(using)
    chain = AuditChain.objects.using(using).filter(pk=1).first() or AuditChain()
    gap = _unexplained_gap(records, chain)
    if gap is not None:
        return Verdict(False, 0, gap, "missing")
    expected, prev, count = chain.anchor_seq + 1, chain.anchor_hash or GENESIS, 0
    rows = records.filter(seq__gt=chain.anchor_seq).order_by("seq")
    for record in rows.iterator(chunk_size=2000):
        if record.seq != expected:
            return Verdict(False, count, expected, "missing")
        if record.compute_hash() != record.hash:
            return Verdict(False, count, record.seq, "altered")
        if record.prev_hash != prev:  # the record before was rewritten, hash and all
            return Verdict(False, count, record.seq - 1, "altered")
        prev, expected, count = record.hash, expected + 1, count + 1
    if chain.seq > expected - 1:  # the newest records are gone
        return Verdict(False, count, expected, "missing")
    if chain.seq == expected - 1 and chain.seq and chain.hash != prev:
        return Verdict(False, count, chain.seq, "altered")
    return Verdict(True, count, head_seq=expected - 1, head_hash=prev)


def _unexplained_gap(records, chain):
    """The first record before the anchor that no purge accounts for: the anchor is only ever
    moved by a purge, which records where it put it."""
    last_purge = records.filter(action="purge").order_by("-seq").first()
    purged_to = last_purge.extra_dict().get("anchor_seq", 0) if last_purge else 0
    if chain.anchor_seq <= purged_to:
        return None
    expected = purged_to + 1
    between = records.filter(seq__gt=purged_to, seq__lte=chain.anchor_seq).order_by("seq")
    for seq in between.values_list("seq", flat=True).iterator(chunk_size=2000):
        if seq != expected:
            break
        expected += 1
    return expected
