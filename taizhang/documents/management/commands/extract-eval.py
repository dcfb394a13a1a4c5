from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from taizhang.documents import evaluation
from taizhang.org.models import Organisation


class Command(BaseCommand):
    help = (
        "Measure the text engine on an organisation's own documents: export its reviewed "
        "proposals as a gold set (SCHEMA.md) that the evaluation kit's score.py reads. The set "
        "holds only what the engine proposed, so the recall it gives is overstated."
    )

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest="subcommand", required=True)
        export = commands.add_parser(
            "export",
            help="Write <doc_id>.txt per fully reviewed document, gold.jsonl and units.tsv.",
        )
        export.add_argument(
            "--org", help="The organisation's code (needed when there are several)."
        )
        export.add_argument(
            "--out", type=Path, help="The folder to write (default: extract-eval-<code>)."
        )

    def handle(self, *args, subcommand, **options):
        getattr(self, subcommand)(**options)

    def export(self, *, org=None, out=None, **options):
        organisation = self.organisation(org)
        out = out or Path(f"extract-eval-{organisation.code}")
        documents, tasks, skipped = evaluation.export(organisation, out)
        for document, why in skipped:
            self.stderr.write(f"Skipped document {document.pk} “{document.title}”: {why}.")
        self.stdout.write(
            f"{documents} documents, {tasks} tasks written to {out} "
            f"({len(skipped)} documents skipped)."
        )
        self.stdout.write(
            "The gold set holds only the tasks the engine proposed and the clerks accepted: a "
            "task the engine missed is in no gold record, so the recall score.py reports is "
            "overstated; its precision is the measure to trust."
        )
        if tasks:
            self.stdout.write(
                f"Score the engine: taizhang extract {out} --jsonl --units {out / 'units.tsv'} "
                "> pred.jsonl, then run the evaluation kit's score.py (it is not part of "
                f"taizhang): python /path/to/eval-kit/score.py {out} pred.jsonl"
            )

    def organisation(self, code):
        if code:
            try:
                return Organisation.objects.get(code=code)
            except Organisation.DoesNotExist:
                raise CommandError(
                    f"No organisation with the code {code!r}. {self.codes()}"
                ) from None
        organisations = list(Organisation.objects.all()[:2])
        if len(organisations) != 1:
            raise CommandError(f"Name the organisation with --org CODE. {self.codes()}")
        return organisations[0]

    def codes(self):
        codes = list(Organisation.objects.order_by("code").values_list("code", flat=True))
        if not codes:
            return "There are no organisations yet."
        return f"Organisation codes: {', '.join(codes)}."
