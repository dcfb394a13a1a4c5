from taizhang.supervision.excel import import_ledger
from taizhang.utils.management.importing import ImportCommand


class Command(ImportCommand):
    help = "Import tasks from an Excel ledger (the export's layout) as drafts; all or nothing."
    as_help = "The supervisor registering the tasks (default: duban)."
    done = "%(count)d tasks imported as drafts."

    def run(self, data, by):
        return import_ledger(data, by=by)
