"""Triggers that make the audit table append-only and keep the chain's head row.

UPDATE is always refused. DELETE (and on PostgreSQL TRUNCATE) is refused unless the retention
purge switched it on for its own transaction: on PostgreSQL the transaction-local setting
``taizhang.audit_purge``; on SQLite the connection function ``taizhang_audit_purging()``,
which only taizhang's connections have (see ``audit.chain.purging``).
"""

from django.db import migrations

MESSAGE = "audit records are append-only"

SQLITE = [
    f"""
    CREATE TRIGGER audit_record_no_update BEFORE UPDATE ON audit_auditrecord
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END
    """,
    f"""
    CREATE TRIGGER audit_record_no_delete BEFORE DELETE ON audit_auditrecord
    WHEN NOT taizhang_audit_purging()
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END
    """,
    """
    CREATE TRIGGER audit_record_head AFTER INSERT ON audit_auditrecord
    BEGIN
        INSERT INTO audit_auditchain (id, seq, hash, anchor_seq, anchor_hash)
        VALUES (1, NEW.seq, NEW.hash, 0, '')
        ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash
        WHERE excluded.seq > audit_auditchain.seq;
    END
    """,
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS audit_record_no_update",
    "DROP TRIGGER IF EXISTS audit_record_no_delete",
    "DROP TRIGGER IF EXISTS audit_record_head",
]

POSTGRESQL = [
    f"""
    CREATE FUNCTION audit_record_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP IN ('DELETE', 'TRUNCATE')
           AND coalesce(current_setting('taizhang.audit_purge', true), '') = 'on' THEN
            IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
            RETURN NULL;
        END IF;
        RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'insufficient_privilege';
    END $$
    """,
    """
    CREATE TRIGGER audit_record_append_only BEFORE UPDATE OR DELETE ON audit_auditrecord
    FOR EACH ROW EXECUTE FUNCTION audit_record_refuse()
    """,
    """
    CREATE TRIGGER audit_record_no_truncate BEFORE TRUNCATE ON audit_auditrecord
    FOR EACH STATEMENT EXECUTE FUNCTION audit_record_refuse()
    """,
    """
    CREATE FUNCTION audit_record_move_head() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO audit_auditchain (id, seq, hash, anchor_seq, anchor_hash)
        VALUES (1, NEW.seq, NEW.hash, 0, '')
        ON CONFLICT (id) DO UPDATE SET seq = EXCLUDED.seq, hash = EXCLUDED.hash
        WHERE EXCLUDED.seq > audit_auditchain.seq;
        RETURN NULL;
    END $$
    """,
    """
    CREATE TRIGGER audit_record_head AFTER INSERT ON audit_auditrecord
    FOR EACH ROW EXECUTE FUNCTION audit_record_move_head()
    """,
]
POSTGRESQL_REVERSE = [
    "DROP TRIGGER IF EXISTS audit_record_head ON audit_auditrecord",
    "DROP TRIGGER IF EXISTS audit_record_no_truncate ON audit_auditrecord",
    "DROP TRIGGER IF EXISTS audit_record_append_only ON audit_auditrecord",
    "DROP FUNCTION IF EXISTS audit_record_move_head()",
    "DROP FUNCTION IF EXISTS audit_record_refuse()",
]


def forwards(apps, schema_editor):
    statements = {"sqlite": SQLITE, "postgresql": POSTGRESQL}.get(schema_editor.connection.vendor)
    if statements is None:
        raise RuntimeError("The audit log's triggers exist for SQLite and PostgreSQL only.")
    for sql in statements:
        schema_editor.execute(sql)


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for sql in {"sqlite": SQLITE_REVERSE, "postgresql": POSTGRESQL_REVERSE}.get(vendor, []):
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
