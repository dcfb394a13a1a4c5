"""Every change of the reports' records: check it (the lifecycle, the version), write the
event (the audit log records each change by itself) and tell who should know, in one
transaction. An issued bulletin keeps the Word file made at its issue: it is served as it was."""

import datetime
import hashlib

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from taizhang.notify.services import notify
from taizhang.org.choices import Role
from taizhang.org.models import User
from taizhang.utils.errors import Conflict, NotAllowed, WorkflowError
from taizhang.utils.models import Counter
from taizhang.utils.services import bump, field_limit, lock, optional_text, require, text

from . import briefing_items, documents, notices, periods, summary, year
from .choices import Action, Kind
from .models import Bulletin, BulletinEvent, ReportSettings, YearSummary
from .workflow import LIFECYCLE

DISTRIBUTION = ("report_to", "send_to", "issue_to", "copy_to")
ITEM_TEXT_LIMIT = 5000


def _office(by):
    if not by.is_authenticated or by.role != Role.SUPERVISOR:
        raise NotAllowed(_("Only the supervision office drafts and issues reports."))


def _event(bulletin, action, by, *, from_status="", changes=None):
    return BulletinEvent.objects.create(
        bulletin=bulletin,
        action=action,
        actor=by,
        from_status=from_status,
        to_status=bulletin.status,
        changes=changes or {},
    )


def _day(value, what):
    if value in (None, ""):
        return None
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value))
    except ValueError:
        raise WorkflowError(_("%(what)s: a date as YYYY-MM-DD, please.") % {"what": what}) from None


def _values(kind, data):
    values = {
        "title": text(data.get("title"), _("A title, please."), field_limit(Bulletin, "title")),
        "body": optional_text(data.get("body"), 20000),
    }
    for name in DISTRIBUTION:
        values[name] = optional_text(data.get(name), field_limit(Bulletin, name))
    start = _day(data.get("period_start"), _("From"))
    end = _day(data.get("period_end"), _("To"))
    if kind == Kind.NOTICE and not (start and end):
        raise WorkflowError(_("A notice reports on a period: give its first and last day."))
    if start and end:
        periods.custom(start, end)  # the period's own rules: in order, within the years, ≤ 10 years
    values["period_start"], values["period_end"] = start, end
    return values


def _items(user, items):
    """A briefing's items, each from a record the user sees: [{"kind", "id", "title", "text"}]."""
    return briefing_items.clean(user, items or [], ITEM_TEXT_LIMIT)


@transaction.atomic
def create_bulletin(*, by, kind, year, **data):
    _office(by)
    if kind not in Kind.values:
        raise WorkflowError(_("No such kind of bulletin."))
    try:
        year = int(year)
    except (TypeError, ValueError):
        raise WorkflowError(_("A year, please.")) from None
    if not periods.FIRST_YEAR <= year <= periods.LAST_YEAR:
        raise WorkflowError(
            _("The year must be between %(first)d and %(last)d.")
            % {"first": periods.FIRST_YEAR, "last": periods.LAST_YEAR}
        )
    bulletin = Bulletin(organisation_id=by.organisation_id, kind=kind, year=year, created_by=by)
    for name, value in _values(kind, data).items():
        setattr(bulletin, name, value)
    bulletin.items = _items(by, data.get("items"))
    bulletin.save()
    _event(bulletin, Action.CREATE, by)
    return bulletin


@transaction.atomic
def edit_bulletin(bulletin, *, by, version=None, **data):
    fresh = lock(Bulletin.objects.all(), bulletin.pk, version)
    require(LIFECYCLE, by, Action.EDIT, fresh)
    changes = {}
    values = _values(fresh.kind, {**_current(fresh), **data})
    if "items" in data:
        values["items"] = _items(by, data["items"])
    for name, value in values.items():
        before = getattr(fresh, name)
        if before != value:
            changes[name] = (
                [str(before), str(value)] if name != "items" else [len(before), len(value)]
            )
            setattr(fresh, name, value)
    if changes:
        bump(fresh, *values)
        _event(fresh, Action.EDIT, by, from_status=fresh.status, changes=changes)
    return fresh


def _current(bulletin):
    return {
        "title": bulletin.title,
        "body": bulletin.body,
        "period_start": bulletin.period_start,
        "period_end": bulletin.period_end,
        **{name: getattr(bulletin, name) for name in DISTRIBUTION},
    }


def draft_facts(bulletin, user):
    """What a notice states (live while a draft, frozen once issued)."""
    if bulletin.kind != Kind.NOTICE:
        return {}
    if bulletin.is_issued:
        return bulletin.facts
    settings = ReportSettings.of(bulletin.organisation_id)
    return notices.notice_facts(user, bulletin.period_start, bulletin.period_end, settings)


def bulletin_file(bulletin, user):
    """The Word file: an issued bulletin's as archived, a draft's made now (marked draft)."""
    if bulletin.is_issued and bulletin.file:
        with bulletin.file.open("rb") as stored:
            return stored.read()
    issuer = ReportSettings.of(bulletin.organisation_id).issuer_name
    return documents.bulletin_document(bulletin, draft_facts(bulletin, user), issuer)


@transaction.atomic
def issue_bulletin(bulletin, *, by, version=None, issued_on=None):
    """印发: the next number of its kind and year, the facts frozen, the Word file archived
    with its checksum, and the organisation's leaders and handlers told."""
    fresh = lock(Bulletin.objects.select_related("organisation"), bulletin.pk, version)
    require(LIFECYCLE, by, Action.ISSUE, fresh)
    if fresh.kind == Kind.BRIEFING and not (fresh.items or fresh.body.strip()):
        raise WorkflowError(_("A briefing with no item and no text cannot be issued."))
    fresh.facts = draft_facts(fresh, by)
    fresh.number = Counter.next_value(f"bulletin:{fresh.organisation_id}:{fresh.kind}:{fresh.year}")
    fresh.issued_on = issued_on or timezone.localdate()
    fresh.issued_by = by
    before = LIFECYCLE.enter(fresh, Action.ISSUE)
    issuer = ReportSettings.of(fresh.organisation_id).issuer_name
    content = documents.bulletin_document(fresh, fresh.facts, issuer)
    fresh.sha256 = hashlib.sha256(content).hexdigest()
    fresh.file.save(fresh.file_name(), ContentFile(content), save=False)
    bump(fresh, "status", "number", "issued_on", "issued_by", "facts", "file", "sha256")
    _event(
        fresh, Action.ISSUE, by, from_status=before, changes={"number": ["", fresh.number_label]}
    )
    readers = User.objects.filter(
        organisation_id=fresh.organisation_id, role__in=[Role.LEADER, Role.HANDLER], is_active=True
    )
    _tell(fresh, readers)
    return fresh


def _tell(bulletin, readers):
    notify(
        list(readers),
        title=_("%(kind)s %(number)s: %(title)s")
        % {
            "kind": bulletin.get_kind_display(),
            "number": bulletin.number_label,
            "title": bulletin.title,
        },
        url=bulletin.get_absolute_url(),
        kind="report",
        event=f"bulletin-issued-{bulletin.pk}",
    )


@transaction.atomic
def delete_bulletin(bulletin, *, by, version=None):
    fresh = lock(Bulletin.objects.all(), bulletin.pk, version)
    require(LIFECYCLE, by, Action.DELETE, fresh)
    fresh.delete()


# The year-end summary


def year_summary(user, year_value):
    """The organisation's summary of the year (a draft with the default text if none yet)."""
    found = YearSummary.objects.filter(
        organisation_id=user.organisation_id, year=year_value
    ).first()
    return found or YearSummary(
        organisation_id=user.organisation_id, year=year_value, template=summary.DEFAULT_TEMPLATE
    )


def summary_figures(record, user):
    """The figures the summary states: live, or those frozen with it."""
    if record.is_frozen:
        return [year.Figure(**f) for f in record.frozen_figures]
    return year.year_figures(user, record.year)


def year_summary_file(user, year_value, *, base_url=""):
    """The year-end summary's Word file and its name, its figures live or as frozen."""
    record = year_summary(user, year_value)
    content = documents.year_summary_document(
        user.organisation.name,
        record.year,
        record.template,
        summary_figures(record, user),
        ReportSettings.of(user.organisation_id).issuer_name,
        frozen_at=record.frozen_at,
        base_url=base_url,
    )
    return content, f"{user.organisation.name}{record.year}年度工作总结.docx"


@transaction.atomic
def save_summary(record, *, by, template, version=None):
    _office(by)
    template = text(template, _("The summary needs its text."), 50000)
    summary.check_template(template, year.year_figures(by, record.year))
    if record.pk:
        record = lock(YearSummary.objects.all(), record.pk, version)
        if record.is_frozen:
            raise WorkflowError(_("A frozen summary is not edited; unfreeze it first."))
    record.template = template
    if record.pk:
        bump(record, "template")
        return record
    # The first save: another may have saved the year's summary since this one was read.
    try:
        with transaction.atomic():
            record.save()
    except IntegrityError:
        raise Conflict(
            _("Someone saved this year's summary meanwhile: reload it and edit again.")
        ) from None
    return record


@transaction.atomic
def freeze_summary(record, *, by, version=None, frozen=True):
    """Freeze the figures as they are now (or let them follow the ledgers again)."""
    _office(by)
    if not record.pk:
        record = save_summary(record, by=by, template=record.template)
        version = record.version
    record = lock(YearSummary.objects.all(), record.pk, version)
    if frozen == record.is_frozen:
        # Freezing again would move the figures it states without anyone choosing to.
        raise WorkflowError(
            _("The figures are frozen already; unfreeze them first.")
            if frozen
            else _("The figures are not frozen.")
        )
    if frozen:
        record.frozen_figures = [f.__dict__ for f in year.year_figures(by, record.year)]
        record.frozen_at, record.frozen_by = timezone.now(), by
    else:
        record.frozen_figures, record.frozen_at, record.frozen_by = [], None, None
    bump(record, "frozen_figures", "frozen_at", "frozen_by")
    return record


@transaction.atomic
def save_settings(organisation_id, *, by, values, version=None):
    _office(by)
    record = ReportSettings.of(organisation_id)
    if record.pk:
        record = lock(ReportSettings.objects.all(), record.pk, version)
    for name, value in values.items():
        setattr(record, name, value)
    if record.pk:
        bump(record, *values)
    else:
        record.save()
    return record
