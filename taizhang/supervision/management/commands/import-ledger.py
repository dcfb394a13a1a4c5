from taizhang.supervision.excel import run_import
from taizhang.utils.management.importing import ImportCommand


class Command(ImportCommand):
    help = (
        "Import tasks from an Excel ledger (the export's layout), all or nothing: new rows as "
        "drafts, rows the ledger already has (by 编号, else title + lead unit + source) updated "
        "or skipped."
    )
    as_help = "The supervisor registering the tasks (default: duban)."
    done = "%(count)d tasks created or updated."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--skip-matched",
            action="store_true",
            help="Leave the tasks the ledger already has as they are (default: update them).",
        )
        parser.add_argument(
            "--allow-past-deadlines",
            action="store_true",
            help="Import deadlines already past (refused otherwise, listing the rows).",
        )

    def handle(self, *args, skip_matched, allow_past_deadlines, **options):
        self.options = {
            "on_match": "skip" if skip_matched else "update",
            "allow_past_deadlines": allow_past_deadlines,
        }
        super().handle(*args, **options)

    def run(self, data, by):
        plan = run_import(data, by=by, **self.options)
        self.stdout.write(
            f"created {len(plan.created)}, updated {len(plan.updated)}, skipped {len(plan.skip)}"
        )
        return [*plan.created, *plan.updated]
