"""Fixtures for the audit log's tests: auditors, the records written since a point, and a way
round the triggers for tests that play the attacker."""

from contextlib import contextmanager

import pytest
from django.db import connection

from conftest import make_user
from taizhang.audit.models import AuditRecord
from taizhang.org.choices import Role


@pytest.fixture
def auditor(org):
    return make_user(org, "shenji", Role.AUDITOR)


@pytest.fixture
def other_auditor(other_org):
    return make_user(other_org["org"], "fed-shenji", Role.AUDITOR)


@pytest.fixture
def since():
    """``since()`` marks now; ``since(mark)`` lists the records written after the mark."""

    def records(mark=None):
        if mark is None:
            last = AuditRecord.objects.order_by("-seq").values_list("seq", flat=True).first()
            return last or 0
        return list(AuditRecord.objects.filter(seq__gt=mark).order_by("seq"))

    return records


@contextmanager
def without_triggers():
    """Switch the append-only triggers off, as someone with the database's keys could."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditrecord DISABLE TRIGGER audit_record_append_only")
            yield cursor
            cursor.execute("ALTER TABLE audit_auditrecord ENABLE TRIGGER audit_record_append_only")
        else:
            cursor.execute("SELECT sql FROM sqlite_master WHERE name LIKE 'audit_record_no_%'")
            saved = [row[0] for row in cursor.fetchall()]
            cursor.execute("DROP TRIGGER audit_record_no_update")
            cursor.execute("DROP TRIGGER audit_record_no_delete")
            yield cursor
            for sql in saved:
                cursor.execute(sql)


@pytest.fixture
def tamper():
    return without_triggers
