import time

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from taizhang.search.engine import kinds, rebuild


class Command(BaseCommand):
    help = "Rebuild the keyword search index from the data (all kinds, or those named)."

    def add_arguments(self, parser):
        parser.add_argument("kinds", nargs="*", metavar="KIND", help="e.g. task (default: all)")

    def handle(self, *args, **options):
        names = options["kinds"]
        unknown = sorted(set(names) - set(kinds()))
        if unknown:
            raise CommandError(
                f"Unknown kind: {', '.join(unknown)} (known: {', '.join(kinds()) or 'none'})."
            )
        for kind in names or kinds():
            start = time.monotonic()
            with transaction.atomic():
                count = rebuild(kind)
            self.stdout.write(f"{kind}: {count} entries in {time.monotonic() - start:.1f} s")
