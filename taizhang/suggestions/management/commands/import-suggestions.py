from taizhang.suggestions.excel import import_suggestions
from taizhang.utils.management.importing import ImportCommand


class Command(ImportCommand):
    help = "Import a batch of offline suggestions from Excel (the import template); all or nothing."
    as_help = "The office user entering the suggestions (default: duban)."
    done = "%(count)d suggestions imported."

    def run(self, data, by):
        return import_suggestions(data, by=by)
