from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from taizhang.org.models import User
from taizhang.suggestions.excel import ImportFailed, import_suggestions
from taizhang.utils.errors import WorkflowError


class Command(BaseCommand):
    help = "Import a batch of offline suggestions from Excel (the import template); all or nothing."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--as",
            dest="username",
            default="duban",
            help="The office user entering the suggestions (default: duban).",
        )

    def handle(self, *args, file, username, **options):
        try:
            user = User.objects.get(username=username)
        except User.DoesNotExist:
            raise CommandError(f"No user {username!r}.") from None
        if not file.is_file():
            raise CommandError(f"No file {file}.")
        try:
            created = import_suggestions(file.read_bytes(), by=user)
        except ImportFailed as exc:
            for line, message in exc.errors:
                self.stderr.write(f"  row {line}: {message}" if line else f"  {message}")
            raise CommandError(exc.message) from None
        except WorkflowError as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(self.style.SUCCESS(f"{len(created)} suggestions imported."))
