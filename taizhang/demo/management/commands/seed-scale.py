"""``taizhang seed-scale``: a large ledger for benchmarks (see ``taizhang.demo.scale``)."""

import sys
import time

from django.core.management.base import BaseCommand, CommandError

from taizhang.demo import scale


class Command(BaseCommand):
    help = (
        "Add a large, realistic ledger (organisations scale1, scale2, …: units, users, tasks in "
        "every state with units by role, history, progress reports and lights) for benchmarks. "
        f"Every account's password is {scale.PASSWORD}."
    )

    def add_arguments(self, parser):
        parser.add_argument("--tasks", type=int, default=100_000)
        parser.add_argument("--organisations", type=int, default=1)
        parser.add_argument(
            "--seed", type=int, default=2026, help="Random seed (same data each run)."
        )

    def handle(self, *args, tasks, organisations, seed, **options):
        if tasks < 1 or organisations < 1 or organisations > tasks:
            raise CommandError(
                "--tasks and --organisations must be positive, tasks ≥ organisations."
            )
        started = time.monotonic()
        tty = self.stdout.isatty()

        begun = {}

        def progress(org, done, total):
            begun.setdefault(org.pk, (time.monotonic(), done))
            since, first = begun[org.pk]
            rate = (done - first) / max(time.monotonic() - since, 1e-6)
            bar = "#" * (30 * done // total)
            line = f"{org.code}: [{bar:<30}] {done:>7}/{total} tasks ({rate:,.0f}/s)"
            if tty:
                self.stdout.write(f"\r{line}", ending="")
            elif done == total or done % 20_000 < scale.CHUNK:
                self.stdout.write(line)
            if tty and done == total:
                self.stdout.write("")

        totals = scale.seed(tasks, organisations, seed=seed, progress=progress)
        self.stdout.write(
            f"Added {totals['tasks']:,} tasks, {totals['units']:,} task units, "
            f"{totals['events']:,} timeline events and {totals['reports']:,} progress reports "
            f"in {time.monotonic() - started:.0f} s."
        )
        sys.stdout.flush()
