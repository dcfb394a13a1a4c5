"""``taizhang backup`` and ``taizhang restore``: a round trip brings back every row of every table
and every uploaded file, into a fresh installation started as an operator would start it."""

import hashlib
import io
import json
import sqlite3
import tarfile
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection

from taizhang.supervision import services
from taizhang.supervision.models import Attachment, Task

pytestmark = pytest.mark.django_db(transaction=True)

ATTACHMENT = "整改方案.pdf".encode() + b"%PDF-1.4 \x00\x01\x02 not really a PDF"


def build_ledger(make_task, people):
    """A few tasks in different states, with a progress report and an attachment."""
    task = make_task("in_progress", title="建立专门的建言献策台账")
    make_task("closed", title="召开联席会议")
    make_task("draft", title="印发实施方案")
    services.add_attachments(
        task,
        by=people["supervisor"],
        files=[SimpleUploadedFile("整改方案.pdf", ATTACHMENT, content_type="application/pdf")],
    )
    return task


def files_under(root):
    root = Path(root)
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in root.rglob("*")
        if p.is_file()
    }


def sqlite_contents(path):
    """Every table's rows, in a stable order, read with the plain sqlite3 module."""
    db = sqlite3.connect(path)
    try:
        tables = [
            r[0]
            for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY 1")
        ]
        return {t: sorted(db.execute(f'SELECT * FROM "{t}"').fetchall(), key=repr) for t in tables}
    finally:
        db.close()


def backup(tmp_path, *args):
    archive = tmp_path / "taizhang-backup.tar.gz"
    call_command("backup", str(archive), *args)
    return archive


def manifest_of(archive):
    with tarfile.open(archive) as tar:
        return json.load(tar.extractfile("manifest.json"))


@pytest.fixture
def sqlite_only():
    if connection.vendor != "sqlite":
        pytest.skip("the SQLite round trip (DATABASE_URL names another database)")


def test_sqlite_round_trip_restores_every_table_and_file(
    sqlite_only, tmp_path, make_task, people, taizhang_cli
):
    task = build_ledger(make_task, people)
    archive = backup(tmp_path)

    manifest = manifest_of(archive)
    assert manifest["database"]["vendor"] == "sqlite"
    assert "0001_initial" in manifest["migrations"]["supervision"]
    attachment = Attachment.objects.get(task=task)
    entry = next(f for f in manifest["files"] if f["path"] == f"media/{attachment.file.name}")
    assert entry == {
        "path": f"media/{attachment.file.name}",
        "sha256": hashlib.sha256(ATTACHMENT).hexdigest(),
        "size": len(ATTACHMENT),
    }
    assert "secret_key" not in {f["path"] for f in manifest["files"]}

    var = tmp_path / "restored"
    result = taizhang_cli(var, "restore", archive)
    assert result.returncode == 0, result.stderr

    source = sqlite_contents(connection.settings_dict["NAME"])
    restored = sqlite_contents(var / "taizhang.sqlite3")
    assert restored.keys() == source.keys()
    for table, rows in source.items():
        assert restored[table] == rows, table
    assert len(source["supervision_task"]) == Task.objects.count() == 3
    assert len(source["supervision_attachment"]) == 1
    assert files_under(var / "media") == files_under(settings.MEDIA_ROOT)
    assert (var / "media" / attachment.file.name).read_bytes() == ATTACHMENT

    # The restored installation works: its own command reads the restored ledger.
    shell = taizhang_cli(
        var,
        "shell",
        "-c",
        "from taizhang.supervision.models import Task; print(sorted(Task.objects.values_list("
        "'title', flat=True)))",
    )
    assert shell.returncode == 0, shell.stderr
    assert "建立专门的建言献策台账" in shell.stdout


def test_the_secret_key_travels_only_when_asked(sqlite_only, tmp_path, people, taizhang_cli):
    assert manifest_of(backup(tmp_path))["secret_key"] is False
    archive = tmp_path / "with-key.tar.gz"
    call_command("backup", str(archive), "--with-secret-key")
    assert manifest_of(archive)["secret_key"] is True

    var = tmp_path / "restored"
    result = taizhang_cli(var, "restore", archive)
    assert result.returncode == 0, result.stderr
    assert (var / "secret_key").read_text() == settings.SECRET_KEY
    assert (var / "secret_key").stat().st_mode & 0o077 == 0

    # A site that takes its key from the environment keeps it, and is told what to do.
    elsewhere = tmp_path / "key-from-env"
    result = taizhang_cli(elsewhere, "restore", archive, TAIZHANG_SECRET_KEY="k" * 60)
    assert result.returncode == 0, result.stderr
    assert "TAIZHANG_SECRET_KEY" in result.stdout
    assert not (elsewhere / "secret_key").exists()


def repack(archive, target, change):
    """A copy of the archive with change(name, content) applied to each member's content."""
    with tarfile.open(archive) as source, tarfile.open(target, "w:gz") as out:
        for member in source:
            content = change(member.name, source.extractfile(member).read())
            member.size = len(content)
            out.addfile(member, io.BytesIO(content))
    return target


def edit_manifest(edit):
    def change(name, content):
        if name != "manifest.json":
            return content
        manifest = json.loads(content)
        edit(manifest)
        return json.dumps(manifest).encode()

    return change


def damaged_copies(archive, tmp_path):
    """A flipped byte, a cut-off file, a member altered behind the manifest's back, and a
    manifest with a field gone."""
    data = archive.read_bytes()
    flipped = tmp_path / "flipped.tar.gz"
    middle = len(data) // 2
    flipped.write_bytes(data[:middle] + bytes([data[middle] ^ 0xFF]) + data[middle + 1 :])
    cut = tmp_path / "cut.tar.gz"
    cut.write_bytes(data[: len(data) * 2 // 3])
    altered = repack(
        archive,
        tmp_path / "altered.tar.gz",
        lambda name, content: (
            content.replace(b"PDF", b"FDP") if name.startswith("media/") else content
        ),
    )
    no_files = repack(
        archive, tmp_path / "no-files.tar.gz", edit_manifest(lambda m: m.pop("files"))
    )
    return [flipped, cut, altered, no_files]


def test_a_damaged_archive_is_refused_and_nothing_is_written(
    tmp_path, make_task, people, taizhang_cli
):
    build_ledger(make_task, people)
    archive = backup(tmp_path)
    for damaged in damaged_copies(archive, tmp_path):
        var = tmp_path / f"restored-{damaged.stem}"
        result = taizhang_cli(var, "restore", damaged)
        assert result.returncode == 1, damaged
        assert "damaged" in result.stderr and "Nothing was restored" in result.stderr, result.stderr
        assert "Traceback" not in result.stderr
        # Only the key the settings make for any new installation; no database, no files.
        assert sorted(p.name for p in var.iterdir()) == ["secret_key"], damaged


def test_restore_refuses_a_non_empty_installation(
    sqlite_only, tmp_path, make_task, people, taizhang_cli
):
    build_ledger(make_task, people)
    archive = backup(tmp_path)
    var = tmp_path / "restored"
    assert taizhang_cli(var, "restore", archive).returncode == 0
    before = files_under(var)

    again = taizhang_cli(var, "restore", archive)
    assert again.returncode == 1
    assert "empty" in again.stderr and "Nothing was restored" in again.stderr
    assert files_under(var) == before

    with_upload = tmp_path / "with-upload"
    (with_upload / "media").mkdir(parents=True)
    (with_upload / "media" / "left-over.txt").write_text("from another installation")
    refused = taizhang_cli(with_upload, "restore", archive)
    assert refused.returncode == 1
    assert "left-over.txt" in refused.stderr
    assert not (with_upload / "taizhang.sqlite3").exists()


def test_an_archive_from_a_newer_version_is_refused(sqlite_only, tmp_path, people, taizhang_cli):
    archive = backup(tmp_path)
    newer = repack(
        archive,
        tmp_path / "newer.tar.gz",
        edit_manifest(lambda m: m["migrations"]["supervision"].append("9999_from_the_future")),
    )
    var = tmp_path / "restored"
    result = taizhang_cli(var, "restore", newer)
    assert result.returncode == 1
    assert "supervision.9999_from_the_future" in result.stderr
    assert not (var / "taizhang.sqlite3").exists()


def test_backup_does_not_overwrite_a_file(tmp_path, people):
    existing = tmp_path / "taizhang-backup.tar.gz"
    existing.write_bytes(b"yesterday's backup")
    with pytest.raises(CommandError, match="exists already"):
        call_command("backup", str(existing))
    assert existing.read_bytes() == b"yesterday's backup"


def test_backup_says_when_the_uploads_are_in_an_object_store(tmp_path, people, settings):
    """Several servers keep their uploads in a shared store (TAIZHANG_MEDIA_STORAGE); the
    archive cannot hold them, and says so rather than look complete."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    }
    out = io.StringIO()
    call_command("backup", str(tmp_path / "taizhang-backup.tar.gz"), stdout=out)
    assert "InMemoryStorage" in out.getvalue() and "not in this archive" in out.getvalue()

    out = io.StringIO()
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    call_command("backup", str(tmp_path / "second.tar.gz"), stdout=out)
    assert "not in this archive" not in out.getvalue()


# PostgreSQL: the same round trip into a second, empty database.


@pytest.fixture
def empty_postgres_database():
    if connection.vendor != "postgresql":
        pytest.skip("the PostgreSQL round trip needs DATABASE_URL=postgres://…")
    name = f"taizhang_restore_{uuid.uuid4().hex[:8]}"
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    yield name
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def postgres_contents(name):
    import psycopg

    params = connection.get_connection_params() | {"dbname": name}
    params.pop("cursor_factory", None)
    params.pop("context", None)
    with psycopg.connect(**params) as db:
        tables = [
            r[0]
            for r in db.execute(
                "SELECT table_name FROM information_schema.tables "
                "WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1"
            )
        ]
        contents = {
            t: sorted(db.execute(f'SELECT * FROM "{t}"').fetchall(), key=repr) for t in tables
        }
        contents["(sequences)"] = db.execute(
            "SELECT sequencename, last_value FROM pg_sequences ORDER BY 1"
        ).fetchall()
        return contents


def postgres_url(name):
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return f"postgres://{auth}@{s['HOST'] or 'localhost'}:{s['PORT'] or 5432}/{name}"


def test_postgres_round_trip_into_an_empty_database(
    empty_postgres_database, tmp_path, make_task, people, taizhang_cli
):
    build_ledger(make_task, people)
    archive = backup(tmp_path)
    assert manifest_of(archive)["database"]["vendor"] == "postgresql"

    var = tmp_path / "restored"
    url = postgres_url(empty_postgres_database)
    result = taizhang_cli(var, "restore", archive, DATABASE_URL=url)
    assert result.returncode == 0, result.stderr

    source = postgres_contents(connection.settings_dict["NAME"])
    restored = postgres_contents(empty_postgres_database)
    assert restored.keys() == source.keys()
    for table, rows in source.items():
        assert restored[table] == rows, table
    assert len(source["supervision_task"]) == 3
    assert files_under(var / "media") == files_under(settings.MEDIA_ROOT)

    again = taizhang_cli(tmp_path / "another", "restore", archive, DATABASE_URL=url)
    assert again.returncode == 1
    assert "the database already has" in again.stderr
