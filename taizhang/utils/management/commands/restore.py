from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from taizhang.utils.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = (
        "Bring back an archive written by `taizhang backup` into an empty TAIZHANG_VAR_DIR and "
        "database, after checking every checksum in its manifest."
    )
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="The archive written by taizhang backup.")

    def handle(self, *args, file, **options):
        try:
            manifest, notes = restore_backup(file)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored the {manifest['database']['vendor']} database from {file} "
                f"(made {manifest['created']})."
            )
        )
        for note in notes:
            self.stdout.write(note)
