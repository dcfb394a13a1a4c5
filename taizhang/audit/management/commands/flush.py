from django.core.management.commands.flush import Command as FlushCommand

from taizhang.audit.chain import purging


class Command(FlushCommand):
    """Django's flush, which empties every table, the audit log's too: the log's triggers
    refuse a delete unless it is switched on for the transaction, as it is here. (The test
    runner flushes between tests that need real transactions.)"""

    help = FlushCommand.help + " The audit log is emptied with the rest."

    def handle(self, **options):
        with purging(options["database"]):
            return super().handle(**options)
