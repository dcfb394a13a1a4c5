from django.core.management.base import BaseCommand, CommandError

from taizhang.audit import chain


class Command(BaseCommand):
    help = "The audit log: verify its hash chain, or purge records past the retention period."

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest="subcommand", required=True)
        commands.add_parser(
            "verify",
            help="Walk the chain; exit 1 naming the first altered or missing record.",
        )
        commands.add_parser(
            "purge",
            help="Delete records older than TAIZHANG_AUDIT_RETENTION_DAYS (at least 180).",
        )

    def handle(self, *args, subcommand, **options):
        getattr(self, subcommand)()

    def verify(self):
        missing = chain.missing_triggers()
        if missing:
            self.stderr.write(
                "Warning: the audit table's append-only triggers are missing or disabled: "
                + ", ".join(missing)
            )
        verdict = chain.verify()
        if not verdict.ok:
            raise CommandError(f"Audit chain broken: {verdict}.", returncode=1)
        self.stdout.write(f"Audit chain intact: {verdict}.")

    def purge(self):
        count = chain.purge()
        days = chain.retention_days()
        self.stdout.write(f"Purged {count} audit records older than {days} days.")
