"""One archive holds a whole installation: the database, the uploaded files and a manifest.

The archive is a .tar.gz with

- ``database/taizhang.sqlite3`` (SQLite: an online backup, consistent while the site runs) or
  ``database/taizhang.pgdump`` (PostgreSQL: ``pg_dump``'s custom format, one snapshot);
- ``media/<path>`` for every file under MEDIA_ROOT;
- ``secret_key`` only when asked for;
- ``manifest.json``: the format and its version, when it was made, the database vendor, the
  applied migrations, and every other member with its SHA-256 and size.

A restore reads the whole archive and checks every checksum before it writes anything, and
only restores into an empty installation: it never merges into or overwrites live data.
"""

import glob
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import time
import zlib
from contextlib import closing
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

FORMAT = "taizhang-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
SECRET_KEY = "secret_key"
DUMPS = {"sqlite": "database/taizhang.sqlite3", "postgresql": "database/taizhang.pgdump"}
MAX_MANIFEST_BYTES = 64 * 1024 * 1024
CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup or restore that cannot be done; the message says why and what to do."""


# Writing an archive


def create_backup(target, *, with_secret_key=False, using=DEFAULT_DB_ALIAS):
    """Write the archive to ``target`` (a new file) and return its manifest."""
    target = Path(target)
    if target.exists():
        raise BackupError(f"{target} exists already; choose a new file name.")
    if not target.parent.is_dir():
        raise BackupError(f"No directory {target.parent}.")
    connection = connections[using]
    if connection.vendor not in DUMPS:
        raise BackupError(f"Cannot back up a {connection.vendor} database.")
    partial = target.with_name(f".{target.name}.partial")
    try:
        with tempfile.TemporaryDirectory(dir=target.parent, prefix=".taizhang-backup-") as work:
            dump = _dump_database(connection, Path(work))
            manifest = _write_archive(partial, connection, dump, with_secret_key)
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return manifest


def _write_archive(path, connection, dump, with_secret_key):
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)  # it holds every record
    with os.fdopen(fd, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz", compresslevel=6) as tar:
        files = [_add_file(tar, DUMPS[connection.vendor], dump)]
        media_root = Path(settings.MEDIA_ROOT)
        for path in sorted(media_root.rglob("*")) if media_root.is_dir() else []:
            if path.is_file() and not path.is_symlink():
                name = "media/" + path.relative_to(media_root).as_posix()
                files.append(_add_file(tar, name, path))
        if with_secret_key:
            files.append(_add_bytes(tar, SECRET_KEY, settings.SECRET_KEY.encode()))
        manifest = {
            "format": FORMAT,
            "version": FORMAT_VERSION,
            "taizhang": _package_version(),
            "created": timezone.now().isoformat(timespec="seconds"),
            "database": {"vendor": connection.vendor, "path": DUMPS[connection.vendor]},
            "migrations": _applied_migrations(connection),
            "secret_key": with_secret_key,
            "files": files,
        }
        text = json.dumps(manifest, ensure_ascii=False, indent=2) + "\n"
        _add_bytes(tar, MANIFEST, text.encode())
    return manifest


class _Hashing:
    """A file read through for tarfile, hashing what goes into the archive."""

    def __init__(self, file):
        self.file = file
        self.sha256 = hashlib.sha256()

    def read(self, size=-1):
        data = self.file.read(size)
        self.sha256.update(data)
        return data


def _member(name, size):
    info = tarfile.TarInfo(name)
    info.size = size
    info.mtime = int(time.time())
    info.mode = 0o600
    return info


def _add_file(tar, name, path):
    with open(path, "rb") as file:
        size = os.fstat(file.fileno()).st_size
        reader = _Hashing(file)
        tar.addfile(_member(name, size), reader)
    return {"path": name, "sha256": reader.sha256.hexdigest(), "size": size}


def _add_bytes(tar, name, data):
    tar.addfile(_member(name, len(data)), io.BytesIO(data))
    return {"path": name, "sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}


def _package_version():
    try:
        return version("taizhang")
    except PackageNotFoundError:
        return "unknown"


def _applied_migrations(connection):
    applied = {}
    for app, name in sorted(MigrationRecorder(connection).applied_migrations()):
        applied.setdefault(app, []).append(name)
    return applied


def _dump_database(connection, work):
    if connection.vendor == "sqlite":
        return _dump_sqlite(connection, work)
    return _dump_postgresql(connection, work)


def _dump_sqlite(connection, work):
    """An online backup: a consistent copy while other processes keep writing."""
    out = work / "taizhang.sqlite3"
    connection.ensure_connection()
    copy = sqlite3.connect(out)
    try:
        connection.connection.backup(copy)
        copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
    finally:
        copy.close()
    return out


def _dump_postgresql(connection, work):
    out = work / "taizhang.pgdump"
    _run_pg(
        "pg_dump",
        ["--format=custom", "--file", str(out)],
        connection.settings_dict,
        "pg_dump could not dump the database",
    )
    return out


# PostgreSQL's client programs


def _pg_program(name):
    """``name`` on PATH, else the newest in Debian's /usr/lib/postgresql/*/bin."""
    if found := shutil.which(name):
        return found
    candidates = glob.glob(f"/usr/lib/postgresql/*/bin/{name}")
    candidates.sort(key=lambda p: [int(n) for n in Path(p).parts[-3].split(".") if n.isdigit()])
    if not candidates:
        raise BackupError(
            f"{name} was not found on PATH or in /usr/lib/postgresql/*/bin: "
            "install PostgreSQL's client programs (apt-get install postgresql-client)."
        )
    return candidates[-1]


def _run_pg(program, args, settings_dict, failure):
    env = {**os.environ}
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = settings_dict["PASSWORD"]
    if sslmode := settings_dict.get("OPTIONS", {}).get("sslmode"):
        env["PGSSLMODE"] = sslmode
    command = [_pg_program(program), *args]
    for option, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if settings_dict.get(key):
            command += [option, str(settings_dict[key])]
    command += ["--dbname", settings_dict["NAME"]]
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"{failure}:\n{result.stderr.strip()}")
    return result


# Reading and checking an archive


def verify_backup(source):
    """Read the whole archive and check it against its manifest; return the manifest.

    Nothing is written. A damaged, truncated, altered or foreign archive raises BackupError.
    """
    source = Path(source)
    if not source.is_file():
        raise BackupError(f"No file {source}.")
    found, manifest = {}, None
    try:
        with tarfile.open(source, "r:gz") as tar:
            for member in tar:
                _check_member_name(member)
                file = tar.extractfile(member)
                if member.name == MANIFEST:
                    manifest = _read_manifest(file, member.size)
                else:
                    found[member.name] = (_sha256(file), member.size)
            # tarfile stops quietly at a damaged header; reading the compressed stream to its
            # end checks gzip's CRC, so damage anywhere is found.
            while tar.fileobj.read(CHUNK):
                pass
    except (tarfile.TarError, EOFError, OSError, zlib.error) as exc:
        raise BackupError(f"{source} is damaged or is not a taizhang backup ({exc}).") from None
    if manifest is None:
        raise BackupError(f"{source} has no {MANIFEST}: it is damaged or not a taizhang backup.")
    _compare(source, manifest, found)
    return manifest


def _check_member_name(member):
    path = PurePosixPath(member.name)
    allowed = member.name in (MANIFEST, SECRET_KEY) or (
        len(path.parts) > 1 and path.parts[0] in ("database", "media")
    )
    if not member.isfile() or path.is_absolute() or ".." in path.parts or not allowed:
        raise BackupError(f"The archive holds an unexpected entry {member.name!r}; refused.")


def _read_manifest(file, size):
    if size > MAX_MANIFEST_BYTES:
        raise BackupError("The archive's manifest is implausibly large; refused.")
    try:
        manifest = json.loads(file.read())
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BackupError(f"The archive's manifest is damaged ({exc}).") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError("The archive's manifest is not a taizhang backup manifest.")
    if manifest.get("version") != FORMAT_VERSION:
        raise BackupError(
            f"The archive is in backup format {manifest.get('version')!r}; "
            f"this version of taizhang reads format {FORMAT_VERSION}."
        )
    if not _well_formed(manifest):
        raise BackupError("The archive's manifest is damaged (its fields are not as written).")
    return manifest


def _well_formed(manifest):
    files, database = manifest.get("files"), manifest.get("database")
    migrations = manifest.get("migrations")
    return (
        isinstance(files, list)
        and all(
            isinstance(f, dict)
            and isinstance(f.get("path"), str)
            and isinstance(f.get("sha256"), str)
            and isinstance(f.get("size"), int)
            for f in files
        )
        and isinstance(database, dict)
        and database.get("vendor") in DUMPS
        and database.get("path") == DUMPS[database["vendor"]]
        and isinstance(migrations, dict)
        and all(
            isinstance(n, list) and all(isinstance(m, str) for m in n) for n in migrations.values()
        )
        and manifest.get("secret_key") == any(f["path"] == SECRET_KEY for f in files)
    )


def _sha256(file):
    digest = hashlib.sha256()
    while chunk := file.read(CHUNK):
        digest.update(chunk)
    return digest.hexdigest()


def _compare(source, manifest, found):
    expected = {f["path"]: (f["sha256"], f["size"]) for f in manifest["files"]}
    problems = [f"missing {name}" for name in sorted(expected.keys() - found.keys())]
    problems += [f"not in the manifest: {name}" for name in sorted(found.keys() - expected.keys())]
    problems += [
        f"checksum or size differs: {name}"
        for name in sorted(expected.keys() & found.keys())
        if expected[name] != found[name]
    ]
    if manifest["database"]["path"] not in expected:
        problems.append("no database dump in the manifest")
    if problems:
        listed = "; ".join(problems[:5]) + ("; …" if len(problems) > 5 else "")
        raise BackupError(f"{source} is damaged: {listed}.")


# Restoring


def restore_backup(source, *, using=DEFAULT_DB_ALIAS):
    """Bring back the archive into an empty installation; return the manifest and notes."""
    connection = connections[using]
    try:
        manifest = verify_backup(source)
        _refuse_other_vendor(manifest, connection)
        _refuse_unknown_migrations(manifest)
        _refuse_non_empty(connection)
    except BackupError as exc:
        raise BackupError(f"{exc} Nothing was restored.") from None
    with tarfile.open(source, "r:gz") as tar:
        expected = {f["path"]: f for f in manifest["files"]}
        _restore_database(tar, expected[manifest["database"]["path"]], connection)
        count = _restore_media(tar, expected)
        notes = [f"{count} uploaded files restored to {settings.MEDIA_ROOT}."]
        if manifest.get("secret_key"):
            notes.append(_restore_secret_key(tar, expected[SECRET_KEY]))
    if pending := _pending_migrations(manifest):
        notes.append(
            f"{len(pending)} migrations of this version are newer than the archive: "
            "`taizhang migrate` (or `taizhang serve`) applies them."
        )
    return manifest, notes


def _refuse_other_vendor(manifest, connection):
    vendor = manifest["database"]["vendor"]
    if vendor != connection.vendor:
        raise BackupError(
            f"The archive holds a {vendor} database and this installation uses "
            f"{connection.vendor}: restore it into a {vendor} database."
        )


def _refuse_unknown_migrations(manifest):
    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    unknown = [
        f"{app}.{name}"
        for app, names in manifest["migrations"].items()
        for name in names
        if (app, name) not in known
    ]
    if unknown:
        raise BackupError(
            "The archive was made by a newer or different version of taizhang "
            f"(unknown migrations: {', '.join(unknown[:5])}); restore it with that version."
        )


def _pending_migrations(manifest):
    applied = {(app, name) for app, names in manifest["migrations"].items() for name in names}
    known = MigrationLoader(None, ignore_no_migrations=True).disk_migrations
    return sorted(set(known) - applied)


def _refuse_non_empty(connection):
    problems = []
    database = _sqlite_path(connection)
    if tables := _tables(connection):
        problems.append(f"the database already has {len(tables)} tables")
    ignored = {Path(settings.STATIC_ROOT), Path(settings.VAR_DIR) / SECRET_KEY}
    if database:
        ignored |= {database, Path(f"{database}-wal"), Path(f"{database}-shm")}
    roots = [Path(settings.VAR_DIR), Path(settings.MEDIA_ROOT)]
    if roots[0] in roots[1].parents:
        roots.pop()  # MEDIA_ROOT is looked at as part of TAIZHANG_VAR_DIR
    for root in roots:
        if found := _data_files(root, ignored):
            shown = ", ".join(str(p) for p in found[:3]) + (", …" if len(found) > 3 else "")
            problems.append(f"{root} holds data ({shown})")
    if problems:
        raise BackupError(
            "A restore only goes into an empty installation, and "
            + "; ".join(problems)
            + ". Point TAIZHANG_VAR_DIR (and DATABASE_URL) at an empty place."
        )


def _data_files(root, ignored):
    """Files under root, except those the settings create by themselves."""
    if not root.is_dir():
        return []
    found = []
    for path in sorted(root.rglob("*")):
        if any(path == p or p in path.parents for p in ignored):
            continue
        if path.is_file() or path.is_symlink():
            found.append(path)
    return found


def _sqlite_path(connection):
    if connection.vendor != "sqlite":
        return None
    return Path(connection.settings_dict["NAME"]).resolve()


def _tables(connection):
    if database := _sqlite_path(connection):
        if not database.exists():
            return []
        # Read-only: Django's connection would switch the file to WAL, a write.
        with closing(sqlite3.connect(f"{database.as_uri()}?mode=ro", uri=True)) as db:
            return [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")]
    with connection.cursor() as cursor:
        return connection.introspection.table_names(cursor)


def _extract(tar, entry, destination):
    """Write one member to destination, checking its checksum again as it is written."""
    digest = hashlib.sha256()
    source = tar.extractfile(entry["path"])
    destination.parent.mkdir(parents=True, exist_ok=True)
    with open(destination, "xb") as out:
        while chunk := source.read(CHUNK):
            digest.update(chunk)
            out.write(chunk)
    if digest.hexdigest() != entry["sha256"]:
        destination.unlink()
        raise BackupError(f"{entry['path']} changed while it was restored; restore again.")


def _restore_database(tar, entry, connection):
    if connection.vendor == "sqlite":
        database = _sqlite_path(connection)
        connection.close()
        database.parent.mkdir(parents=True, exist_ok=True)
        staged = database.with_name(f".{database.name}.restoring")
        staged.unlink(missing_ok=True)
        _extract(tar, entry, staged)
        for leftover in (Path(f"{database}-wal"), Path(f"{database}-shm")):
            leftover.unlink(missing_ok=True)
        os.replace(staged, database)
        return
    with tempfile.TemporaryDirectory(prefix="taizhang-restore-") as work:
        dump = Path(work) / "taizhang.pgdump"
        _extract(tar, entry, dump)
        connection.close()
        _run_pg(
            "pg_restore",
            ["--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction", str(dump)],
            connection.settings_dict,
            "pg_restore could not restore the database (it was left empty)",
        )


def _restore_media(tar, expected):
    media_root = Path(settings.MEDIA_ROOT)
    count = 0
    for name, entry in expected.items():
        if name.startswith("media/"):
            _extract(tar, entry, media_root / PurePosixPath(name).relative_to("media"))
            count += 1
    return count


def _restore_secret_key(tar, entry):
    key = tar.extractfile(SECRET_KEY).read().decode().strip()
    if key == settings.SECRET_KEY:
        return "The secret key is already the archive's."
    key_file = Path(settings.VAR_DIR) / SECRET_KEY
    if not key_file.is_file() or key_file.read_text().strip() != settings.SECRET_KEY:
        return (
            "The archive's secret key was not written: this installation takes its key from "
            "TAIZHANG_SECRET_KEY. Set it to the archived key to keep sessions valid."
        )
    key_file.write_text(key)
    key_file.chmod(0o600)
    return f"The secret key was restored to {key_file}."
