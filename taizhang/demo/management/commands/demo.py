"""Load the demo: two organisations built from the seeds, their users and a ledger of tasks
that have walked the lifecycle through the same service functions people use."""

import datetime

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from taizhang.appraisal.models import Cycle
from taizhang.demo.accounts import demo_password, demo_user
from taizhang.demo.appraisal import delete_appraisals, load_appraisal
from taizhang.demo.meetings import delete_meetings, load_meetings
from taizhang.demo.rectification import delete_rectification, load_rectification
from taizhang.demo.reports import delete_reports, load_reports
from taizhang.demo.suggestions import load_suggestions
from taizhang.demo.talent import load_talent
from taizhang.demo.tasks import CITY_SOURCE, CITY_TASKS, FEDERATION_SOURCE, FEDERATION_TASKS
from taizhang.demo.units import CITY, FEDERATION
from taizhang.meetings.models import Meeting
from taizhang.org.choices import Role
from taizhang.org.models import Membership, Organisation, Unit, User
from taizhang.rectification.models import Plan
from taizhang.suggestions.jobs import refresh_suggestions
from taizhang.suggestions.models import Suggestion, SuggestionSubmitter
from taizhang.supervision import services
from taizhang.supervision.choices import Action
from taizhang.supervision.jobs import refresh_lights
from taizhang.supervision.models import Task, TaskEvent

DEMO_PASSWORD = demo_password()


class Command(BaseCommand):
    help = "Load the demo organisations, users and tasks (once; --reset to load them anew)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--reset", action="store_true", help="Delete the demo organisations first."
        )

    def handle(self, *args, reset, **options):
        codes = [FEDERATION["code"], CITY["code"]]
        if Organisation.objects.filter(code__in=codes).exists():
            if not reset:
                self.stdout.write("The demo is already loaded (use --reset to load it anew).")
                self._print_accounts()
                return
            self._delete(codes)
        with transaction.atomic():
            federation = self._organisation(FEDERATION)
            city = self._organisation(CITY)
            self._people(federation, "duban", "lingdao", "办公室督办员", "会领导")
            self._people(city, "city-duban", "city-lingdao", "联席会议办公室督查员", "市委领导")
            self._administrators(federation, "")
            self._administrators(city, "city-")
            self._tasks(federation, FEDERATION_TASKS, FEDERATION_SOURCE, "duban", "lingdao")
            self._tasks(city, CITY_TASKS, CITY_SOURCE, "city-duban", "city-lingdao")
            # Before the talent pool, which links the submitters to their profiles.
            claim_code = load_suggestions(city, federation)
            load_talent(city)
            load_meetings(city, federation)
            load_rectification(city, federation)
            # Last: its indicators read every other demo's tasks, suggestions and meetings.
            ledger = load_appraisal(city, federation)
            # After everything it reports on.
            load_reports(federation)
        result = refresh_lights.call()
        refresh_suggestions.call()
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo loaded: {Task.objects.count()} tasks, "
                f"{Suggestion.objects.count()} suggestions, {Meeting.objects.count()} meetings, "
                f"{Plan.objects.count()} rectification plans, "
                f"{Cycle.objects.count()} appraisals (the federation's {ledger} tasks of 2022); "
                f"lights refreshed ({result})."
            )
        )
        self.stdout.write(
            f"The city's anonymous suggestion opens with the claim code {claim_code} "
            "(/api/suggestions/claim; shown only now, as on its receipt)."
        )
        self._print_accounts()

    def _print_accounts(self):
        self.stdout.write(
            f"Demo accounts (password for all: {DEMO_PASSWORD}): admin, anquan, shenji "
            "(system, security and audit administrators; city-admin, city-anquan, city-shenji "
            "for the city, where city-anquan names the talent pool's keepers); "
            "duban (supervisor) "
            "and lingdao (leader) of the federation; city-duban and city-lingdao of the city; "
            "one handler per unit whose user name is the unit's code (djb, jjyxb, tzb, …); "
            "the federation's staff assessed in 2022 (bgs-1, djb-1, … hyfwb-2) and a second "
            "leader, lingdao-zhou; "
            "and the city's submitters (建言人) jy1 … jy4."
        )

    def _delete(self, codes):
        orgs = Organisation.objects.filter(code__in=codes)
        with transaction.atomic():
            delete_reports(orgs)  # they hold users
            delete_appraisals(orgs)  # they hold units and users
            delete_meetings(orgs)  # they hold their tasks
            delete_rectification(orgs)  # so do the measures
            _delete_leaves_first(Task.objects.filter(organisation__in=orgs))
            # Submitters who came with a merged suggestion hold it: they go first.
            SuggestionSubmitter.objects.filter(suggestion__organisation__in=orgs).delete()
            suggestions = Suggestion.objects.filter(organisation__in=orgs)
            while suggestions.exists():
                suggestions.filter(merged_from__isnull=True).delete()
            User.objects.filter(organisation__in=orgs).delete()
            _delete_leaves_first(Unit.objects.filter(organisation__in=orgs))
            orgs.delete()

    def _organisation(self, spec):
        org = Organisation.objects.create(code=spec["code"], name=spec["name"])
        units = {}
        for order, (code, name, short, aliases, kind, *parent) in enumerate(spec["units"]):
            units[code] = Unit.objects.create(
                organisation=org,
                code=code,
                name=name,
                short_name=short,
                aliases=aliases,
                kind=kind,
                sort_order=order,
                parent=units[parent[0]] if parent else None,
            )
            user = demo_user(
                code,
                organisation=org,
                role=Role.HANDLER,
                display_name=f"{short or name}承办人",
            )
            Membership.objects.create(user=user, unit=units[code], title="承办人")
        return org

    def _administrators(self, org, prefix):
        """三员分立: a system, a security and an audit administrator per organisation."""
        for username, role, name in [
            ("admin", Role.ADMIN, "系统管理员"),
            ("anquan", Role.SECURITY, "安全管理员"),
            ("shenji", Role.AUDITOR, "审计管理员"),
        ]:
            demo_user(
                prefix + username,
                organisation=org,
                role=role,
                display_name=name,
            )

    def _people(self, org, supervisor, leader, supervisor_name, leader_name):
        office = org.units.order_by("sort_order").first()
        duban = demo_user(
            supervisor,
            organisation=org,
            role=Role.SUPERVISOR,
            display_name=supervisor_name,
        )
        Membership.objects.create(user=duban, unit=office, title="督查员")
        demo_user(
            leader,
            organisation=org,
            role=Role.LEADER,
            display_name=leader_name,
        )

    def _tasks(self, org, specs, source_ref, supervisor, leader):
        duban = User.objects.get(username=supervisor)
        lingdao = User.objects.get(username=leader)
        unit = {u.code: u for u in org.units.all()}
        office = org.units.order_by("sort_order").first()  # the supervision office's unit
        made = {}
        today = timezone.localdate()
        for spec in specs:
            deadline = spec.get("deadline")
            task = services.create_task(
                by=duban,
                organisation=org,
                title=spec["title"],
                body=spec["body"],
                source_kind=spec.get("source_kind", "meeting"),
                source_ref=source_ref,
                priority=spec.get("priority", "normal"),
                parent=made.get(spec.get("parent")),
                deadline=today + datetime.timedelta(days=deadline)
                if deadline is not None
                else None,
                deadline_working_days=spec.get("working_days"),
                lead_unit=unit[spec["lead"]],
                responsible_units=[unit[c] for c in spec["responsible"]],
                cooperating_units=[unit[c] for c in spec["cooperating"]],
                supervising_units=[]
                if office.code in {spec["lead"], *spec["responsible"], *spec["cooperating"]}
                else [office],
            )
            made[spec["key"]] = task
            _walk(task, spec, duban, lingdao)
            _backdate(task, spec.get("assigned"), today)


def _delete_leaves_first(queryset):
    """Delete a tree whose parent links protect it: the childless nodes, until none is left."""
    while queryset.exists():
        queryset.filter(children__isnull=True).delete()


def _handler(unit):
    return User.objects.get(username=unit.code)


def _walk(task, spec, duban, lingdao):
    """Take the task along its path with the people who would."""
    path = spec["path"]
    if path == "draft":
        return
    services.approve_task(task, by=lingdao, comment="同意立项，请抓紧交办。")
    if path == "approved":
        return
    services.assign_task(task, by=duban, comment="请按时限办理，按月反馈进展。")
    if path == "assigned":
        return
    task = Task.objects.with_units().get(pk=task.pk)
    for unit in task.units_in("lead", "responsible", "cooperating"):
        services.sign_task(task, by=_handler(unit), comment="已签收。")
    lead = _handler(task.lead_unit)
    for percent, text in spec.get("progress", []):
        services.report_progress(task, by=lead, percent=percent, text=text)
    if path == "extension":
        days, reason = spec["extension"]
        services.request_extension(
            task,
            by=lead,
            comment=reason,
            requested_deadline=Task.objects.get(pk=task.pk).deadline
            + datetime.timedelta(days=days),
        )
    if path in ("reported", "returned", "closed"):
        services.submit_completion(
            task, by=lead, comment=spec.get("completion") or spec["progress"][-1][1]
        )
    if path == "returned":
        services.return_task(task, by=duban, comment=spec["returned"])
    if path == "closed":
        services.verify_task(
            task, by=duban, comment="经复核，办结材料齐全，同意销号。", confirm_unsigned=True
        )


def _backdate(task, days_ago, today):
    """Spread the timeline over the months it would have taken (demo data only)."""
    if days_ago is None:
        return
    start = timezone.now() - datetime.timedelta(days=days_ago)
    events = list(task.events.order_by("created_at", "id"))
    step = datetime.timedelta(days=days_ago) / max(len(events), 1)
    at = {}
    for i, event in enumerate(events):
        at[event.pk] = start - datetime.timedelta(days=3) + step * i
        TaskEvent.objects.filter(pk=event.pk).update(created_at=at[event.pk])
    # The units card and the timeline tell the same dates: 签收 and 交办 and 销号 when their
    # events say.
    dates = {"assigned_at": start}
    for event in events:
        if event.action == Action.SIGN and event.unit_id:
            task.task_units.filter(unit_id=event.unit_id, signed_at__isnull=False).update(
                signed_at=at[event.pk]
            )
        elif event.action == Action.ASSIGN:
            dates["assigned_at"] = at[event.pk]
        elif event.action == Action.VERIFY:
            dates["closed_at"] = at[event.pk]
    Task.objects.filter(pk=task.pk).update(**dates)
