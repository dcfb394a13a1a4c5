"""``taizhang channels``: the group robots (WeCom, DingTalk, Feishu) from the command line, for
an installation set up before anyone signs in. Only masked addresses are ever printed."""

import unicodedata

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db.models import F
from django.utils import timezone

from taizhang.notify import robots
from taizhang.notify.choices import ChannelKind
from taizhang.notify.models import Channel
from taizhang.org.models import Organisation, Unit

KINDS = [kind.value for kind in ChannelKind.robots()]
COLUMNS = ("id", "organisation", "unit", "kind", "name", "webhook", "active", "held back until")


def _width(text):
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _table(rows):
    """Rows as aligned columns (Chinese characters count twice, as a terminal shows them)."""
    widths = [max(_width(row[i]) for row in rows) for i in range(len(rows[0]))]
    return [
        "  ".join(
            cell + " " * (w - _width(cell)) for cell, w in zip(row, widths, strict=True)
        ).rstrip()
        for row in rows
    ]


def _row(robot, now):
    """One robot as ``list`` shows it: never its address, only the masked one."""
    held = robot.paused_until and robot.paused_until > now
    return (
        str(robot.pk),
        robot.organisation.code,
        robot.unit.code if robot.unit_id else "(organisation)",
        robot.kind,
        robot.name or "-",
        robot.masked_url,
        "yes" if robot.is_active else "no",
        timezone.localtime(robot.paused_until).strftime("%Y-%m-%d %H:%M") if held else "-",
    )


def _reason(error):
    return " ".join(str(message) for message in error.messages)


class Command(BaseCommand):
    help = "The group robots of units and organisations: add, list, test, remove."

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest="subcommand", required=True)
        add = commands.add_parser("add", help="Add a unit's (or an organisation's) group robot.")
        add.add_argument("--unit", metavar="UNIT_CODE", help="the unit whose group it is")
        add.add_argument(
            "--org", metavar="ORG_CODE", help="the organisation (alone: its own group)"
        )
        add.add_argument("--kind", required=True, choices=KINDS)
        add.add_argument("--url", required=True, help="the webhook address, copied whole")
        add.add_argument("--secret", default="", help="the signing secret (加签), if enabled")
        add.add_argument("--name", default="", help="e.g. the group chat's name")
        listing = commands.add_parser("list", help="Every robot, with its address masked.")
        listing.add_argument("--org", metavar="ORG_CODE", help="only this organisation's")
        test = commands.add_parser("test", help="Post a test message and print the answer.")
        test.add_argument("id", type=int)
        remove = commands.add_parser("remove", help="Delete a robot.")
        remove.add_argument("id", type=int)

    def handle(self, *args, subcommand, **options):
        getattr(self, f"do_{subcommand}")(**options)

    # add ----------------------------------------------------------------------------------

    def do_add(self, *, unit, org, kind, url, secret, name, **_options):
        if not unit and not org:
            raise CommandError("Give --unit UNIT_CODE, or --org ORG_CODE for an organisation.")
        found_unit = self._unit(unit, org) if unit else None
        organisation = found_unit.organisation if found_unit else self._organisation(org)
        try:
            robot = robots.add_robot(
                organisation=organisation,
                unit=found_unit,
                kind=kind,
                url=url,
                secret=secret,
                name=name,
            )
        except ValidationError as error:
            raise CommandError(f"Not added: {_reason(error)}") from None
        self.stdout.write(f"Added robot {robot.pk}: {robot} {robot.masked_url}")

    def _organisation(self, code):
        organisation = Organisation.objects.filter(code=code).first()
        if organisation is None:
            raise CommandError(f"No organisation has the code {code!r}.")
        return organisation

    def _unit(self, code, org):
        units = Unit.objects.filter(code=code).select_related("organisation")
        if org:
            units = units.filter(organisation=self._organisation(org))
        found = list(units[:20])
        if not found:
            where = f" in the organisation {org!r}" if org else ""
            raise CommandError(f"No unit has the code {code!r}{where}.")
        if len(found) > 1:
            codes = ", ".join(sorted(u.organisation.code for u in found))
            raise CommandError(
                f"The unit code {code!r} is used in several organisations ({codes}): "
                "give --org ORG_CODE."
            )
        return found[0]

    # list, test, remove ------------------------------------------------------------------

    def do_list(self, *, org, **_options):
        rows = Channel.objects.select_related("organisation", "unit")
        if org:
            rows = rows.filter(organisation=self._organisation(org))
        rows = rows.order_by(
            "organisation__code", F("unit__code").asc(nulls_first=True), "kind", "pk"
        )
        now = timezone.now()
        lines = [COLUMNS, *(_row(robot, now) for robot in rows)]
        if len(lines) == 1:
            self.stdout.write("No group robots.")
            return
        self.stdout.write("\n".join(_table(lines)))

    def _robot(self, pk):
        robot = Channel.objects.select_related("organisation", "unit").filter(pk=pk).first()
        if robot is None:
            raise CommandError(f"No robot has the id {pk}.")
        return robot

    def do_test(self, *, id, **_options):  # noqa: A002 — the argument's name on the command line
        robot = self._robot(id)
        answer = robots.send_test(robot, by=None)
        if not answer.ok:
            raise CommandError(f"Robot {robot.pk} ({robot}): not sent: {answer.text}")
        self.stdout.write(f"Robot {robot.pk} ({robot}): sent. {answer.text}".rstrip())

    def do_remove(self, *, id, **_options):  # noqa: A002
        robot = self._robot(id)
        label = f"{robot.pk} ({robot})"
        robots.remove_robot(robot, by=None)
        self.stdout.write(f"Removed robot {label}.")
