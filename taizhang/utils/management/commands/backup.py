from pathlib import Path

from django.core.files.storage import FileSystemStorage, storages
from django.core.management.base import BaseCommand, CommandError

from taizhang.utils.backup import BackupError, create_backup


class Command(BaseCommand):
    help = (
        "Write one consistent archive (.tar.gz) of the database, the uploaded files and a "
        "manifest with their checksums; the secret key only with --with-secret-key."
    )
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="The archive to write (a new file).")
        parser.add_argument(
            "--with-secret-key",
            action="store_true",
            help="Also store the secret key (keeps sessions valid after a restore); "
            "keep such an archive as safe as the key itself.",
        )

    def handle(self, *args, file, with_secret_key, **options):
        try:
            manifest = create_backup(file, with_secret_key=with_secret_key)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        media = sum(1 for f in manifest["files"] if f["path"].startswith("media/"))
        size = file.stat().st_size
        self.stdout.write(
            self.style.SUCCESS(
                f"Backed up the {manifest['database']['vendor']} database and {media} uploaded "
                f"files to {file} ({size:,} bytes)"
                + (", with the secret key." if with_secret_key else ".")
            )
        )
        uploads = storages["default"]
        if not isinstance(uploads, FileSystemStorage):
            # An object store shared by several servers: not a directory this archive reads.
            self.stdout.write(
                self.style.WARNING(
                    f"Uploaded files are kept in {type(uploads).__name__} "
                    "(TAIZHANG_MEDIA_STORAGE), not in this archive: back them up with that "
                    "store's own tools."
                )
            )
