"""One shape for the ``taizhang import-…`` commands: a file, the user entering it, every bad
row on stderr and nothing imported, or the count of what was."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from taizhang.utils.errors import WorkflowError
from taizhang.utils.excel import ImportFailed


class ImportCommand(BaseCommand):
    """Subclasses say who enters the rows (``as_help``), how (``run(data, by)``) and what
    they made (``done``, formatted with ``count``)."""

    as_help = "The user entering the rows (default: duban)."
    done = "%(count)d rows imported."

    def run(self, data, by):
        raise NotImplementedError

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--as", dest="username", default="duban", help=self.as_help)

    def handle(self, *args, file, username, **options):
        users = get_user_model().objects
        try:
            user = users.get(username=username)
        except users.model.DoesNotExist:
            raise CommandError(f"No user {username!r}.") from None
        if not file.is_file():
            raise CommandError(f"No file {file}.")
        try:
            created = self.run(file.read_bytes(), user)
        except ImportFailed as exc:
            for line, message in exc.errors:
                self.stderr.write(f"  row {line}: {message}" if line else f"  {message}")
            raise CommandError(exc.message) from None
        except WorkflowError as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(self.style.SUCCESS(self.done % {"count": len(created)}))
