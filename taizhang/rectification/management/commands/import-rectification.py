import datetime
from pathlib import Path

from django.core.management.base import CommandError

from taizhang.org.models import Unit
from taizhang.rectification.choices import PlanKind
from taizhang.rectification.excel import import_plan
from taizhang.utils.management.importing import ImportCommand


class Command(ImportCommand):
    help = (
        "Import a rectification plan from Excel (one row per measure, the import template's "
        "layout) as a draft with its aspects, problems and measures; all or nothing."
    )
    as_help = "The supervisor (the rectification office) entering the plan (default: duban)."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--by", "--as", dest="username", default="duban", help=self.as_help)
        parser.add_argument("--title", required=True, help="The plan's title.")
        parser.add_argument(
            "--kind", required=True, choices=PlanKind.values, help="The kind of plan."
        )
        parser.add_argument("--office", required=True, help="The code of the office's unit.")
        parser.add_argument(
            "--deadline", required=True, type=datetime.date.fromisoformat, help="YYYY-MM-DD"
        )

    def handle(self, *args, title, kind, office, deadline, **options):
        self.plan = {"title": title, "kind": kind, "office": office, "deadline": deadline}
        return super().handle(*args, **options)

    def run(self, data, by):
        fields = dict(self.plan)
        try:
            fields["office"] = Unit.objects.get(
                organisation_id=by.organisation_id, code=fields["office"]
            )
        except Unit.DoesNotExist:
            raise CommandError(f"No unit {fields['office']!r} in {by}'s organisation.") from None
        plan, counts = import_plan(data, by=by, **fields)
        self.done = (
            f"Plan {plan.pk} imported as a draft: {counts['aspects']} aspects, "
            f"{counts['problems']} problems, %(count)d measures."
        )
        return [None] * counts["measures"]
