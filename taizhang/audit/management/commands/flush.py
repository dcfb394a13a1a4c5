from django.conf import settings
from django.core.management.base import CommandError
from django.core.management.commands.flush import Command as FlushCommand

from taizhang.audit.chain import purging


class Command(FlushCommand):
    """Django's flush, which empties every table. The audit log may not be emptied in an
    installation (its triggers refuse, and so does this command); the test runner, which
    flushes between tests that need real transactions, is let through by its settings."""

    help = FlushCommand.help + " Refused unless TAIZHANG_AUDIT_FLUSHABLE (the test settings)."

    def handle(self, **options):
        if not getattr(settings, "TAIZHANG_AUDIT_FLUSHABLE", False):
            raise CommandError(
                "flush would empty the audit log, which is kept append-only; "
                "restore a backup into an empty installation instead."
            )
        with purging(options["database"]):
            return super().handle(**options)
