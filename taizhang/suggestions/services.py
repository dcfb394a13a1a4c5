"""Workflow actions on suggestions. Pages, the API, imports and the daily job call these;
nothing else changes a suggestion's status, units, reply or rating.

Each action runs in one transaction: it locks the suggestion, refuses a stale ``version``
(when one is given), checks the transition table and the user's part, mutates, writes the
timeline event and queues its notifications.
"""

import datetime
import decimal
import hashlib
import re
import secrets

from django.conf import settings
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from taizhang import audit
from taizhang.notify.services import acted_on, lazy_message, notify
from taizhang.org.choices import Role
from taizhang.org.models import Unit, User
from taizhang.supervision import services as tasks
from taizhang.supervision.choices import SourceKind
from taizhang.utils import services as steps
from taizhang.utils.errors import NotAllowed, TooMany, WorkflowError
from taizhang.utils.models import Counter
from taizhang.utils.services import field_limit as _field_limit
from taizhang.utils.services import text as _text
from taizhang.utils.text import clean_text
from taizhang.utils.workdays import add_working_days

from . import rules
from .choices import (
    DEFAULT_REFUSAL_REASONS,
    Action,
    Channel,
    CommendationKind,
    Extent,
    Rating,
    ReplyClass,
    Status,
    UnitPart,
)
from .lights import compute_light
from .models import (
    ChannelSettings,
    Commendation,
    Opinion,
    Outcome,
    RefusalReason,
    Reply,
    SpawnedTask,
    Suggestion,
    SuggestionAttachment,
    SuggestionEvent,
    SuggestionSubmitter,
    SuggestionUnit,
    WrongClaim,
)

MAX_REWARD = decimal.Decimal("1000000")  # yuan: above this no office pays a reward by form
MAX_JOINT_SUBMITTERS = 50


# ---- helpers ---------------------------------------------------------------------------------


def _fresh(pk):
    return (
        Suggestion.objects.select_for_update(of=("self",))
        .select_related("organisation", "affiliation")
        .prefetch_related(
            Prefetch("suggestion_units", queryset=SuggestionUnit.objects.select_related("unit")),
            Prefetch(
                "suggestion_submitters", queryset=SuggestionSubmitter.objects.select_related("user")
            ),
            "replies",
            "commendations",
        )
        .get(pk=pk)
    )


STALE = gettext_lazy(
    "This suggestion was changed by someone else since you opened it "
    "(your version %(yours)s, current %(current)s). Reload it and try again."
)


def _lock(suggestion, version=None):
    """The suggestion fresh from the database, locked; refuse a stale version."""
    fresh = _fresh(suggestion.pk)
    steps.check_version(fresh, version, STALE)
    return fresh


def _require(user, action, suggestion):
    steps.require(rules.LIFECYCLE, user, action, suggestion)


def _save(suggestion, *fields):
    suggestion.version += 1
    suggestion.light = compute_light(suggestion, timezone.localdate())
    suggestion.save(update_fields=[*fields, "version", "light", "updated_at"])


def _actor(by):
    return by if isinstance(by, User) else None


def _event(
    suggestion, action, by, *, comment="", from_status="", unit=None, changes=None, public=True
):
    acted_on(_actor(by), suggestion)  # what told them about it is read
    return SuggestionEvent.objects.create(
        suggestion=suggestion,
        action=action,
        actor=_actor(by),
        unit=unit,
        comment=clean_text(comment),
        from_status=from_status,
        to_status=suggestion.status if from_status else "",
        changes=changes or {},
        public=public,
    )


def _move(
    suggestion, action, by, comment="", *, unit=None, extra_fields=(), public=True, changes=None
):
    before = rules.LIFECYCLE.enter(suggestion, action)
    _save(suggestion, "status", *extra_fields)
    return _event(
        suggestion,
        action,
        by,
        comment=comment,
        from_status=before,
        unit=unit,
        public=public,
        changes=changes,
    )


def office_of(suggestion):
    return tasks.org_users(suggestion, Role.SUPERVISOR)


def leaders_of(suggestion):
    return tasks.org_users(suggestion, Role.LEADER)


handlers_of = tasks.handlers_of  # the active handlers of the given units


def _tell(users, suggestion, title):
    notify(
        users,
        title=format_lazy("{}：{}", title, suggestion.title),
        url=suggestion.get_absolute_url(),
        kind="suggestion",
        subject=suggestion,
    )


def _tell_submitters(suggestion, title):
    _tell(suggestion.submitters, suggestion, title)


def _next_number(organisation):
    """编号 CITY-JY-2026-0001: the organisation's count of suggestions for the year."""
    prefix = f"{organisation.code.upper()}-JY-{timezone.localdate().year}"
    return f"{prefix}-{Counter.next_value(f'suggestion-number:{prefix}'):04d}"


CLAIM_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L to misread on paper


def new_claim_code():
    raw = "".join(secrets.choice(CLAIM_ALPHABET) for _ in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def claim_hash(code):
    normal = "".join(c for c in (code or "").upper() if c in CLAIM_ALPHABET)
    return hashlib.sha256(normal.encode()).hexdigest() if len(normal) == 12 else ""


WRONG_CLAIMS_ALLOWED = 20  # per client address and hour: a code is 31¹² guesses away
WRONG_CLAIM_WINDOW = datetime.timedelta(hours=1)


def claim(code, address):
    """The suggestion a claim code opens, for the claim page and the API: refused with 429
    once an address tried too many wrong codes within the hour; None for a wrong code (which
    is counted)."""
    since = timezone.now() - WRONG_CLAIM_WINDOW
    if WrongClaim.objects.filter(address=address, created__gte=since).count() >= (
        WRONG_CLAIMS_ALLOWED
    ):
        raise TooMany(
            _(
                "Too many wrong claim codes from your address. "
                "Try again in an hour, or ask the office."
            )
        )
    suggestion = claimed(code)
    if suggestion is None:
        with transaction.atomic():
            WrongClaim.objects.filter(created__lt=since).delete()
            WrongClaim.objects.create(address=address)
    return suggestion


def claimed(code):
    """The suggestion an anonymous claim code opens (followed to the one it was merged into),
    or None."""
    digest = claim_hash(code)
    suggestion = Suggestion.objects.filter(claim_code_hash=digest).first() if digest else None
    while suggestion is not None and suggestion.merged_into_id:
        suggestion = suggestion.merged_into
    return suggestion


def _as_date(day):
    if isinstance(day, str):
        try:
            return datetime.date.fromisoformat(day)
        except ValueError:
            raise WorkflowError(_("“%(day)s” is not a date (YYYY-MM-DD).") % {"day": day}) from None
    return day


def _check_date(day, *, future=False):
    day = tasks.check_deadline(_as_date(day))
    if future and day < timezone.localdate():
        raise WorkflowError(_("The date %(day)s has passed.") % {"day": day})
    return day


EARLIEST_RECEIVED = datetime.date(2000, 1, 1)  # older papers are archives, not the ledger


def _received_on(day):
    day = _as_date(day)
    if day > timezone.localdate():
        raise WorkflowError(_("A suggestion cannot be received in the future."))
    if day < EARLIEST_RECEIVED:
        raise WorkflowError(
            _("A suggestion received before %(day)s belongs to the archives, not the ledger.")
            % {"day": EARLIEST_RECEIVED}
        )
    return day


def _amount(value, message, limit=None):
    if value in (None, ""):
        return None
    try:
        amount = decimal.Decimal(str(value).replace(",", "").strip())
    except decimal.InvalidOperation:
        raise WorkflowError(message) from None
    limit = decimal.Decimal("1e12") if limit is None else limit  # no office counts further
    if not amount.is_finite() or amount < 0 or amount > limit:
        raise WorkflowError(message)
    return amount.quantize(decimal.Decimal("0.01"))


def _count(value, message):
    if value in (None, ""):
        return None
    try:
        count = int(value)
    except (TypeError, ValueError):
        raise WorkflowError(message) from None
    if not 0 <= count <= 10**9:
        raise WorkflowError(message)
    return count


def _attach(suggestion, by, files, outcome=None):
    for upload in files:
        tasks.validate_upload(upload)
    for upload in files:
        SuggestionAttachment.objects.create(
            suggestion=suggestion,
            outcome=outcome,
            file=upload,
            name=upload.name.rsplit("/", 1)[-1][:200],
            size=upload.size,
            uploaded_by=by,
        )


def refusal_reasons(organisation):
    """The organisation's refusal reasons in use, starting it on the default list."""
    if not RefusalReason.objects.filter(organisation=organisation).exists():
        for order, (code, label) in enumerate(DEFAULT_REFUSAL_REASONS):
            RefusalReason.objects.get_or_create(
                organisation=organisation,
                code=code,
                defaults={"label": str(label), "sort_order": order},
            )
    return RefusalReason.objects.filter(organisation=organisation, active=True)


# ---- the channel's settings (the office) -----------------------------------------------------


def _require_channel_manager(by, organisation):
    if not rules.can_manage_channel(by) or by.organisation_id != organisation.pk:
        raise NotAllowed(_("Only the office may change how the channel works."))


@transaction.atomic
def set_anonymous_allowed(organisation, *, by, allowed):
    """Switch anonymous suggestions on or off for the organisation."""
    _require_channel_manager(by, organisation)
    channel, _created = ChannelSettings.objects.select_for_update().get_or_create(
        organisation=organisation
    )
    if channel.anonymous_allowed != bool(allowed):
        channel.anonymous_allowed = bool(allowed)
        channel.save(update_fields=["anonymous_allowed"])
    return channel


def _reason_label(label):
    return _text(label, _("Write the reason."), _field_limit(RefusalReason, "label"))


@transaction.atomic
def add_refusal_reason(organisation, *, by, label, code=""):
    """A new reason on the organisation's list; without a code one is made up."""
    _require_channel_manager(by, organisation)
    label = _reason_label(label)
    refusal_reasons(organisation)  # the defaults first, so they keep their codes
    existing = RefusalReason.objects.filter(organisation=organisation)
    code = (code or "").strip().lower()
    if code:
        if not re.fullmatch(r"[a-z0-9_-]{1,40}", code):
            raise WorkflowError(
                _("A code is up to 40 letters, digits, “-” or “_” (for the API and imports).")
            )
        if existing.filter(code=code).exists():
            raise WorkflowError(_("The code “%(code)s” is already in use.") % {"code": code})
    else:
        n = existing.count() + 1
        while existing.filter(code=f"reason-{n}").exists():
            n += 1
        code = f"reason-{n}"
    order = max((r.sort_order for r in existing), default=-1) + 1
    return RefusalReason.objects.create(
        organisation=organisation, code=code, label=label, sort_order=order
    )


@transaction.atomic
def update_refusal_reason(reason, *, by, label=None, active=None):
    """Rename a reason or switch it off (or on again); its code and past uses stay."""
    reason = RefusalReason.objects.select_for_update().get(pk=reason.pk)
    _require_channel_manager(by, reason.organisation)
    fields = []
    if label is not None:
        reason.label = _reason_label(label)
        fields.append("label")
    if active is not None:
        reason.active = bool(active)
        fields.append("active")
    if fields:
        reason.save(update_fields=fields)
    return reason


# ---- submitting --------------------------------------------------------------------------------


def _submitter_users(organisation, names):
    """Users named as (co-)submitters: accounts of submitters in the organisation."""
    names = list(dict.fromkeys(n.strip() for n in names if n and n.strip()))
    if len(names) > MAX_JOINT_SUBMITTERS:
        raise WorkflowError(
            _("A joint suggestion has at most %(count)d submitters.")
            % {"count": MAX_JOINT_SUBMITTERS}
        )
    found = {
        u.username: u
        for u in User.objects.filter(
            organisation=organisation, username__in=names, role=Role.SUBMITTER, is_active=True
        )
    }
    missing = [n for n in names if n not in found]
    if missing:
        raise WorkflowError(
            _("No submitter account “%(names)s” in this organisation.")
            % {"names": "、".join(missing)}
        )
    return [found[n] for n in names]


def _affiliation(user):
    if user is None:
        return None
    membership = user.memberships.select_related("unit").order_by("id").first()
    return membership.unit if membership else None


@transaction.atomic
def create_suggestion(
    *,
    by,
    title,
    body,
    topic="",
    anonymous=False,
    submitter=None,
    co_submitters=(),
    submitter_name="",
    submitter_contact="",
    channel=None,
    received_on=None,
    files=(),
):
    """A submitter files a suggestion online; staff enter one from a letter, a forum or a
    meeting on a submitter's behalf (``submitter`` a user name, or ``submitter_name`` for
    someone without an account). Returns ``(suggestion, claim_code)``; the code, only for
    an anonymous one, is shown once, on its receipt."""
    organisation = by.organisation if by.is_authenticated else None
    staff = rules.can_enter(by)
    if not (staff or rules.can_submit(by)):
        raise NotAllowed(_("Only submitters and the office may file suggestions."))
    title = _text(title, _("A suggestion needs a title."), _field_limit(Suggestion, "title"))
    body = _text(body, _("Write the suggestion itself."), 20000)
    topic = clean_text(topic or "").strip()[: _field_limit(Suggestion, "topic")]
    if anonymous and not ChannelSettings.of(organisation).anonymous_allowed:
        raise WorkflowError(_("This organisation does not take anonymous suggestions."))
    if staff:
        channel = channel or Channel.LETTER
        if channel not in Channel.values:
            raise WorkflowError(_("Unknown channel “%(channel)s”.") % {"channel": channel})
        people = _submitter_users(organisation, [submitter or "", *co_submitters])
        if not (people or submitter_name.strip() or anonymous):
            raise WorkflowError(
                _("Name the submitter: an account, or the name of someone without one.")
            )
        received_on = _received_on(received_on) if received_on else timezone.localdate()
    else:
        channel, received_on = Channel.ONLINE, timezone.localdate()
        people = [by, *_submitter_users(organisation, co_submitters)]
        people = list({p.pk: p for p in people}.values())
        submitter_name = submitter_contact = ""
    if anonymous:
        people, submitter_name, submitter_contact = [], "", ""
    code = new_claim_code() if anonymous else None
    suggestion = Suggestion.objects.create(
        organisation=organisation,
        number=_next_number(organisation),
        title=title,
        body=body,
        topic=topic,
        channel=channel,
        received_on=received_on,
        affiliation=None if anonymous else _affiliation(people[0] if people else None),
        submitter_name=clean_text(submitter_name).strip()[:100],
        submitter_contact=clean_text(submitter_contact).strip()[:100],
        anonymous=bool(anonymous),
        claim_code_hash=claim_hash(code) if code else "",
        entered_by=by if staff else None,
        # An anonymous submitter leaves no name on it (only the audit log, which no one
        # working the channel reads, knows the account).
        created_by=None if anonymous and not staff else by,
    )
    audit.bulk_create(
        SuggestionSubmitter,
        [
            SuggestionSubmitter(suggestion=suggestion, user=u, is_lead=(i == 0))
            for i, u in enumerate(people)
        ],
    )
    _attach(suggestion, suggestion.created_by, files)
    comment = "" if not staff else Channel(channel).label
    _event(
        suggestion,
        Action.SUBMIT,
        suggestion.created_by,
        comment=comment,
        from_status=Status.SUBMITTED,
    )
    _tell(office_of(suggestion), suggestion, gettext_lazy("New suggestion to accept"))
    if staff:
        _tell(people, suggestion, gettext_lazy("Your suggestion was registered"))
    return suggestion, code


EDITABLE = ("title", "body", "topic")


@transaction.atomic
def update_suggestion(suggestion, *, by, version=None, **data):
    """Correct the text: the submitter before it is accepted, the office until it is assigned."""
    suggestion = _lock(suggestion, version)
    office = rules.can_enter(by) and by.organisation_id == suggestion.organisation_id
    own = rules.is_submitter(by, suggestion) and suggestion.status == Status.SUBMITTED
    if not (own or (office and suggestion.status in (Status.SUBMITTED, Status.ACCEPTED))):
        raise NotAllowed(_("You may not edit this suggestion now."))
    if "title" in data:
        data["title"] = _text(data["title"], _("A suggestion needs a title."), 200)
    if "body" in data:
        data["body"] = _text(data["body"], _("Write the suggestion itself."), 20000)
    if "topic" in data:
        data["topic"] = clean_text(data["topic"] or "").strip()[:60]
    changes = {
        f: [getattr(suggestion, f), data[f]]
        for f in EDITABLE
        if f in data and data[f] != getattr(suggestion, f)
    }
    if changes:
        for field, (_before, after) in changes.items():
            setattr(suggestion, field, after)
        _save(suggestion, *changes)
        _event(suggestion, Action.EDIT, by, changes=changes, public=False)
    return suggestion


# ---- accepting ---------------------------------------------------------------------------------


@transaction.atomic
def withdraw(suggestion, *, by, comment="", version=None):
    suggestion = _lock(suggestion, version)
    _require(by, Action.WITHDRAW, suggestion)
    _move(suggestion, Action.WITHDRAW, by, comment)
    return suggestion


@transaction.atomic
def accept(suggestion, *, by, comment="", topic=None, version=None):
    """受理立案."""
    suggestion = _lock(suggestion, version)
    _require(by, Action.ACCEPT, suggestion)
    fields = []
    if topic:
        suggestion.topic = clean_text(topic).strip()[:60]
        fields.append("topic")
    _move(suggestion, Action.ACCEPT, by, comment, extra_fields=fields)
    _tell_submitters(suggestion, gettext_lazy("Your suggestion was accepted"))
    return suggestion


@transaction.atomic
def refuse(suggestion, *, by, reason_code=None, comment="", alternative_channel="", version=None):
    """不予立案: with a reason from the organisation's list, a text, and where to turn."""
    suggestion = _lock(suggestion, version)
    _require(by, Action.REFUSE, suggestion)
    reasons = {r.code: r for r in refusal_reasons(suggestion.organisation)}
    if reason_code not in reasons:
        raise WorkflowError(
            _("Choose a reason for not accepting it: %(codes)s.")
            % {"codes": "、".join(f"{c}（{r.label}）" for c, r in reasons.items())}
        )
    comment = _text(comment, _("Explain to the submitter why it is not accepted."), 5000)
    suggestion.refusal_reason = reasons[reason_code]
    suggestion.alternative_channel = clean_text(alternative_channel or "").strip()[:200]
    text = f"{reasons[reason_code].label}：{comment}"
    if suggestion.alternative_channel:
        text += "\n" + _("Where to turn instead: %(channel)s") % {
            "channel": suggestion.alternative_channel
        }
    _move(
        suggestion,
        Action.REFUSE,
        by,
        text,
        extra_fields=["refusal_reason", "alternative_channel"],
    )
    _tell_submitters(suggestion, gettext_lazy("Your suggestion was not accepted"))
    return suggestion


@transaction.atomic
def merge(suggestion, *, by, into=None, comment="", version=None):
    """并案: the suggestion joins another on the same matter; its submitters come along and
    hear from that one from now on."""
    suggestion = _lock(suggestion, version)
    _require(by, Action.MERGE, suggestion)
    try:
        target_pk = int(getattr(into, "pk", into))
    except (TypeError, ValueError):
        raise WorkflowError(_("Say which suggestion to merge it into.")) from None
    target = Suggestion.objects.filter(pk=target_pk, organisation=suggestion.organisation).first()
    if target is None:
        raise WorkflowError(_("There is no such suggestion to merge into."))
    if target.pk == suggestion.pk:
        raise WorkflowError(_("A suggestion cannot be merged into itself."))
    target = _fresh(target.pk)
    if target.status in (Status.WITHDRAWN, Status.REFUSED, Status.MERGED):
        raise WorkflowError(
            _("Suggestion %(number)s is “%(status)s”: nothing can be merged into it.")
            % {"number": target.number, "status": Status(target.status).label}
        )
    have = {s.user_id for s in target.suggestion_submitters.all()}
    newcomers = [s.user for s in suggestion.suggestion_submitters.all() if s.user_id not in have]
    audit.bulk_create(
        SuggestionSubmitter,
        [SuggestionSubmitter(suggestion=target, user=u, via=suggestion) for u in newcomers],
    )
    suggestion.merged_into = target
    _move(
        suggestion,
        Action.MERGE,
        by,
        comment,
        extra_fields=["merged_into"],
        changes={"merged_into": [None, target.number]},
    )
    # Someone without an account, written down from a letter, comes along by name.
    names = [n for n in (target.submitter_name, suggestion.submitter_name) if n]
    target.submitter_name = "、".join(dict.fromkeys(names))[:100]
    _save(target, "submitter_name")
    _event(target, Action.MERGED_IN, by, comment=f"{suggestion.number} {suggestion.title}")
    _tell(
        suggestion.submitters,
        target,
        lazy_message(
            gettext_lazy("Your suggestion %(number)s was merged into"),
            {"number": suggestion.number},
        ),
    )
    _tell(
        [s.user for s in target.suggestion_submitters.all() if s.user_id in have],
        target,
        gettext_lazy("A similar suggestion was merged into yours"),
    )
    return suggestion


# ---- handling ----------------------------------------------------------------------------------


def _units_by_code(organisation, value):
    """Units given as Unit objects or codes (the API's way), of the organisation."""
    if value in (None, ""):
        return []
    items = [value] if isinstance(value, (str, Unit)) else list(value)
    codes = [u for u in items if isinstance(u, str)]
    found = {u.code: u for u in Unit.objects.filter(organisation=organisation, code__in=codes)}
    missing = [c for c in codes if c not in found]
    if missing:
        raise WorkflowError(_("No unit with the code “%(codes)s”.") % {"codes": "、".join(missing)})
    units = [found[u] if isinstance(u, str) else u for u in items]
    if any(u.organisation_id != organisation.pk for u in units):
        raise WorkflowError(_("All units must belong to the suggestion's organisation."))
    return units


@transaction.atomic
def assign(
    suggestion,
    *,
    by,
    lead_unit=None,
    joint_units=(),
    assisting_units=(),
    deadline_working_days=None,
    comment="",
    version=None,
):
    """交办: to a 主办 unit, with 会办 and 协办 units, and a reply deadline in working days.

    Assigning again (after the lead unit returned it, or to change the units) keeps the
    sign-fors of units that keep their part and the deadline unless a new one is given.
    """
    suggestion = _lock(suggestion, version)
    _require(by, Action.ASSIGN, suggestion)
    wanted = _wanted_units(suggestion.organisation, lead_unit, joint_units, assisting_units)
    lead = next(u for u, part in wanted.values() if part == UnitPart.LEAD)
    lead_before = suggestion.lead_unit
    fresh_units = _place_units(suggestion, wanted)
    suggestion = _fresh(suggestion.pk)  # the units as they are now
    fields = ["status", "assigned_at"]
    days = _assign_days(
        suggestion, deadline_working_days, new_lead=lead_before is None or lead_before != lead
    )
    if days:
        suggestion.deadline_working_days = days
        suggestion.deadline = tasks.check_deadline(add_working_days(timezone.localdate(), days))
        fields += ["deadline", "deadline_working_days"]
    suggestion.assigned_at = timezone.now()
    before = suggestion.status
    lead_part = next(su for su in suggestion.suggestion_units.all() if su.unit_id == lead.pk)
    suggestion.status = Status.IN_HAND if lead_part.signed_at else Status.ASSIGNED
    _save(suggestion, *fields)
    summary = {
        "lead_unit": str(lead),
        "joint_units": [str(u) for u, p in wanted.values() if p == UnitPart.JOINT],
        "assisting_units": [str(u) for u, p in wanted.values() if p == UnitPart.ASSISTING],
        "deadline": suggestion.deadline.isoformat() if suggestion.deadline else None,
    }
    _event(
        suggestion,
        Action.ASSIGN,
        by,
        comment=comment,
        from_status=before,
        changes={k: [None, v] for k, v in summary.items()},
        public=False,
    )
    _tell(handlers_of(fresh_units), suggestion, gettext_lazy("New suggestion to handle"))
    return suggestion


def _wanted_units(organisation, lead_unit, joint_units, assisting_units):
    """{unit pk: (unit, part)} from the units given for 主办, 会办 and 协办."""
    leads = _units_by_code(organisation, lead_unit)
    if len(leads) != 1:
        raise WorkflowError(_("Give one lead unit (主办单位)."))
    wanted = {leads[0].pk: (leads[0], UnitPart.LEAD)}
    for units, part in (
        (_units_by_code(organisation, joint_units), UnitPart.JOINT),
        (_units_by_code(organisation, assisting_units), UnitPart.ASSISTING),
    ):
        for unit in units:
            if unit.pk in wanted:
                raise WorkflowError(_("%(unit)s can play only one part.") % {"unit": unit})
            wanted[unit.pk] = (unit, part)
    return wanted


def _place_units(suggestion, wanted):
    """Give the units their parts; returns the units newly given it (to be told)."""
    now = timezone.now()
    existing = {su.unit_id: su for su in suggestion.suggestion_units.all()}
    for unit_id, su in existing.items():
        if unit_id not in wanted and su.returned_at is None:
            su.delete()
    fresh = []
    # The old lead steps down before the new one takes over: never two leads at once.
    for unit_id, (unit, part) in sorted(
        wanted.items(), key=lambda item: item[1][1] == UnitPart.LEAD
    ):
        su = existing.get(unit_id)
        if su is None:
            SuggestionUnit.objects.create(
                suggestion=suggestion, unit=unit, part=part, assigned_at=now
            )
            fresh.append(unit)
            continue
        if su.returned_at is not None:  # given again after returning it: a fresh start
            su.assigned_at, su.signed_at, su.signed_by = now, None, None
            su.returned_at, su.return_reason = None, ""
            fresh.append(unit)
        su.part = part
        su.save()
    return fresh


def _assign_days(suggestion, given, *, new_lead):
    """The working days to reply: as given; else the default for a new lead unit or a
    first assignment; else None (the deadline stays)."""
    if given not in (None, ""):
        return tasks.check_working_days(_count(given, _("Give the working days as a number.")) or 0)
    if new_lead or suggestion.deadline is None:
        return suggestion.deadline_working_days or settings.TAIZHANG_SUGGESTION_REPLY_WORKING_DAYS
    return None


@transaction.atomic
def sign(suggestion, *, by, comment="", version=None):
    """签收: for each of the user's units that has not yet; the lead unit's puts it in hand."""
    suggestion = _lock(suggestion, version)
    _require(by, Action.SIGN, suggestion)
    now = timezone.now()
    for su in rules.unit_parts(by, suggestion, UnitPart):
        if su.signed_at:
            continue
        su.signed_at, su.signed_by = now, by
        su.save(update_fields=["signed_at", "signed_by"])
        before = suggestion.status
        if su.part == UnitPart.LEAD and suggestion.status == Status.ASSIGNED:
            suggestion.status = Status.IN_HAND
        _save(suggestion, "status")
        _event(
            suggestion,
            Action.SIGN,
            by,
            comment=comment,
            unit=su.unit,
            from_status=before,
            public=False,
        )
    return suggestion


@transaction.atomic
def return_to_office(suggestion, *, by, comment="", version=None):
    """退回: a unit says it is not theirs, within the working days allowed, with a reason.
    The lead unit's return puts it back to the office to assign again."""
    suggestion = _lock(suggestion, version)
    _require(by, Action.RETURN, suggestion)
    comment = _text(comment, _("Give the reason for returning it."), 5000)
    now = timezone.now()
    before = suggestion.status
    returned = [su for su in rules.unit_parts(by, suggestion, UnitPart) if not su.signed_at]
    for su in returned:
        su.returned_at, su.return_reason = now, comment
        su.save(update_fields=["returned_at", "return_reason"])
        if su.part == UnitPart.LEAD:
            suggestion.status = Status.RETURNED
    _save(suggestion, "status")
    for su in returned:
        _event(
            suggestion,
            Action.RETURN,
            by,
            comment=comment,
            unit=su.unit,
            from_status=before,
            public=False,
        )
    _tell(
        office_of(suggestion),
        suggestion,
        lazy_message(
            gettext_lazy("Returned by %(unit)s"),
            {"unit": "、".join(str(su.unit) for su in returned)},
        ),
    )
    return suggestion


@transaction.atomic
def send_opinion(suggestion, *, by, comment="", text="", version=None):
    """会办/协办意见 to the lead unit, which writes the reply."""
    suggestion = _lock(suggestion, version)
    _require(by, Action.OPINION, suggestion)
    text = _text(text or comment, _("Write your unit's opinion."), 10000)
    unit = next(
        su.unit
        for su in rules.unit_parts(by, suggestion, {UnitPart.JOINT, UnitPart.ASSISTING})
        if su.signed_at
    )
    Opinion.objects.create(
        suggestion=suggestion, unit=unit, author=by, round=suggestion.round, text=text
    )
    _save(suggestion)
    _event(suggestion, Action.OPINION, by, comment=text, unit=unit, public=False)
    _tell(
        handlers_of(suggestion.units_in(UnitPart.LEAD)),
        suggestion,
        lazy_message(gettext_lazy("Opinion from %(unit)s"), {"unit": unit}),
    )
    return suggestion


@transaction.atomic
def reply(
    suggestion, *, by, reply_class=None, text="", promised_date=None, comment="", version=None
):
    """答复: the lead unit's answer, classed A (solved or adopted), B (being solved, with the
    date it will be) or C (not possible now, with the reasons); the office reviews it."""
    suggestion = _lock(suggestion, version)
    _require(by, Action.REPLY, suggestion)
    if reply_class not in ReplyClass.values:
        raise WorkflowError(_("Class the reply: A, B or C."))
    text = _text(text or comment, _("Write the reply."), 20000)
    if reply_class == ReplyClass.B:
        if not promised_date:
            raise WorkflowError(_("A B reply says by when it will be solved."))
        promised_date = _check_date(promised_date, future=True)
    else:
        promised_date = None
    unit = suggestion.lead_unit
    Reply.objects.create(
        suggestion=suggestion,
        round=suggestion.round,
        unit=unit,
        author=by,
        reply_class=reply_class,
        text=text,
        promised_date=promised_date,
    )
    _move(suggestion, Action.REPLY, by, f"{ReplyClass(reply_class).label}", unit=unit, public=False)
    _tell(office_of(suggestion), suggestion, gettext_lazy("Reply to review"))
    return suggestion


def _pending_reply(suggestion):
    pending = [r for r in suggestion.replies.all() if r.approved is None]
    return pending[-1]


@transaction.atomic
def approve_reply(suggestion, *, by, comment="", public=False, version=None):
    """The office approves the reply: it reaches the submitter, who has some working days to
    rate it."""
    suggestion = _lock(suggestion, version)
    _require(by, Action.APPROVE_REPLY, suggestion)
    answer = _pending_reply(suggestion)
    now = timezone.now()
    answer.approved, answer.reviewed_by, answer.reviewed_at = True, by, now
    # Once published, a suggestion's reply stays published: a 重办's reply replaces the
    # first one in the public list rather than leaving the first one there alone.
    published = any(r.public for r in suggestion.replies.all() if r.approved)
    answer.review_comment = clean_text(comment or "")
    answer.public = bool(public) or published
    answer.save()
    for earlier in suggestion.replies.all():
        if earlier.public and earlier.pk != answer.pk:
            earlier.public = False
            earlier.save(update_fields=["public"])
    today = timezone.localdate()
    suggestion.reply_class = answer.reply_class
    suggestion.replied_at = now
    if suggestion.round == 1 and suggestion.deadline:
        suggestion.replied_on_time = timezone.localdate(answer.created_at) <= suggestion.deadline
    rating_days = settings.TAIZHANG_SUGGESTION_RATING_WORKING_DAYS
    suggestion.rating_due = add_working_days(today, rating_days)
    suggestion.follow_up_on = (
        answer.promised_date
        if answer.reply_class == ReplyClass.B
        else _a_year_after(today)
        if answer.reply_class == ReplyClass.C
        else None
    )
    _move(
        suggestion,
        Action.APPROVE_REPLY,
        by,
        answer.text,
        unit=answer.unit,
        extra_fields=["reply_class", "replied_at", "replied_on_time", "rating_due", "follow_up_on"],
    )
    _tell_submitters(suggestion, gettext_lazy("Reply to your suggestion, please rate it"))
    return suggestion


def _a_year_after(day):
    try:
        return day.replace(year=day.year + 1)
    except ValueError:
        return day.replace(year=day.year + 1, day=28)


@transaction.atomic
def send_back_reply(suggestion, *, by, comment="", version=None):
    suggestion = _lock(suggestion, version)
    _require(by, Action.SEND_BACK_REPLY, suggestion)
    comment = _text(comment, _("Say what the reply lacks."), 5000)
    answer = _pending_reply(suggestion)
    answer.approved, answer.reviewed_by, answer.reviewed_at = False, by, timezone.now()
    answer.review_comment = comment
    answer.save()
    _move(suggestion, Action.SEND_BACK_REPLY, by, comment, unit=answer.unit, public=False)
    _tell(
        handlers_of(suggestion.units_in(UnitPart.LEAD)), suggestion, gettext_lazy("Reply sent back")
    )
    return suggestion


@transaction.atomic
def rate(suggestion, *, by, rating=None, comment="", version=None):
    """评价: the submitter (or whoever holds an anonymous one's claim code) rates the reply.
    不满意 on the first reply reopens it for one more round with a deadline of its own."""
    suggestion = _lock(suggestion, version)
    _require(by, Action.RATE, suggestion)
    if rating not in Rating.values:
        raise WorkflowError(_("Rate it: satisfied, basically satisfied or dissatisfied."))
    comment = clean_text(comment or "").strip()[:5000]
    if rating == Rating.DISSATISFIED and not comment:
        raise WorkflowError(_("Say what you are not satisfied with, so the unit can do better."))
    _record_rating(suggestion, by, rating, comment, auto=False)
    if rating == Rating.DISSATISFIED and rules.can(by, Action.REDO, suggestion):
        _redo(suggestion, by)
    return suggestion


def _record_rating(suggestion, by, rating, comment, *, auto):
    answer = [r for r in suggestion.replies.all() if r.approved][-1]
    answer.rating, answer.rating_comment, answer.rating_auto = rating, comment, auto
    answer.rated_by, answer.rated_at = _actor(by), timezone.now()
    answer.save()
    suggestion.rating, suggestion.rating_auto = rating, auto
    label = Rating(rating).label
    if isinstance(by, rules.Claimant):  # no account to show: say who it was
        label = _("%(rating)s (by the anonymous submitter, with the claim code)") % {
            "rating": label
        }
    text = f"{label}：{comment}" if comment else str(label)
    _move(suggestion, Action.RATE, by, text, extra_fields=["rating", "rating_auto"])
    units = suggestion.units_in(UnitPart.LEAD)
    if rating == Rating.DISSATISFIED:
        _tell(
            [*office_of(suggestion), *handlers_of(units)],
            suggestion,
            gettext_lazy("Rated dissatisfied"),
        )


def _redo(suggestion, by):
    """重办: a second round, with its own deadline, for the same units."""
    suggestion.round = 2
    days = settings.TAIZHANG_SUGGESTION_REDO_WORKING_DAYS
    suggestion.deadline = add_working_days(timezone.localdate(), days)
    suggestion.deadline_working_days = days
    suggestion.reply_class, suggestion.follow_up_on, suggestion.rating_due = "", None, None
    _move(
        suggestion,
        Action.REDO,
        by,
        _("Handled once more; reply by %(day)s.") % {"day": suggestion.deadline},
        extra_fields=[
            "round",
            "deadline",
            "deadline_working_days",
            "reply_class",
            "follow_up_on",
            "rating_due",
        ],
    )
    _tell(
        handlers_of(suggestion.units_in(UnitPart.LEAD)), suggestion, gettext_lazy("To handle again")
    )


@transaction.atomic
def deem_rated(suggestion):
    """No rating within the working days allowed counts as 基本满意 (the daily job)."""
    suggestion = _fresh(suggestion.pk)
    if suggestion.status != Status.REPLIED:
        return False
    days = settings.TAIZHANG_SUGGESTION_RATING_WORKING_DAYS
    _record_rating(
        suggestion,
        None,
        Rating.BASICALLY_SATISFIED,
        _("Not rated within %(days)d working days: counted as basically satisfied.")
        % {"days": days},
        auto=True,
    )
    return True


# ---- after the reply ---------------------------------------------------------------------------


@transaction.atomic
def adopt(suggestion, *, by, extent=Extent.WHOLE, comment="", version=None):
    """采纳, in whole or in part."""
    suggestion = _lock(suggestion, version)
    _require(by, Action.ADOPT, suggestion)
    extent = extent or Extent.WHOLE
    if extent not in Extent.values:
        raise WorkflowError(_("Adopted in whole or in part?"))
    suggestion.adopted_at, suggestion.adoption_extent = timezone.now(), extent
    _save(suggestion, "adopted_at", "adoption_extent")
    label = Extent(extent).label
    _event(suggestion, Action.ADOPT, by, comment=f"{label}：{comment}" if comment else label)
    _tell_submitters(suggestion, gettext_lazy("Your suggestion was adopted"))
    return suggestion


@transaction.atomic
def record_outcome(
    suggestion,
    *,
    by,
    text="",
    comment="",
    place="",
    benefit="",
    benefit_amount=None,
    benefit_days=None,
    benefit_people=None,
    files=(),
    version=None,
):
    """成果转化: what changed and where, and the measured benefit with its evidence.
    ``benefit`` describes it; a plain number there is read as 10,000 yuan."""
    suggestion = _lock(suggestion, version)
    _require(by, Action.RECORD_OUTCOME, suggestion)
    text = _text(text or comment, _("Say what changed because of the suggestion."), 10000)
    benefit = clean_text(str(benefit or "")).strip()[:5000]
    amount_error = _("The benefit in money is a number of 10,000 yuan, 0 or more.")
    if benefit_amount in (None, "") and benefit:
        try:
            benefit_amount = _amount(benefit, amount_error)
        except WorkflowError:
            benefit_amount = None
    outcome = Outcome.objects.create(
        suggestion=suggestion,
        text=text,
        place=clean_text(place or "").strip()[:200],
        benefit=benefit,
        benefit_amount=_amount(benefit_amount, amount_error, decimal.Decimal("1e11")),
        benefit_days=_count(benefit_days, _("Time saved is a number of days.")),
        benefit_people=_count(benefit_people, _("People reached is a number.")),
        recorded_by=by,
    )
    _attach(suggestion, by, files, outcome=outcome)
    _save(suggestion)
    _event(suggestion, Action.RECORD_OUTCOME, by, comment=text)
    return suggestion


@transaction.atomic
def commend(suggestion, *, by, kind=None, amount=None, comment="", version=None):
    """表彰: a public commendation or a material reward. A leader's is approved at once; the
    office's waits for a leader."""
    suggestion = _lock(suggestion, version)
    _require(by, Action.COMMEND, suggestion)
    if kind not in CommendationKind.values:
        raise WorkflowError(_("Choose a public commendation or a material reward."))
    amount = _amount(amount, _("The reward is an amount in yuan, up to 1,000,000."), MAX_REWARD)
    if kind == CommendationKind.REWARD and not amount:
        raise WorkflowError(_("Give the amount of the material reward."))
    if kind == CommendationKind.NOTICE:
        amount = None
    leader = by.role == Role.LEADER
    now = timezone.now()
    Commendation.objects.create(
        suggestion=suggestion,
        kind=kind,
        amount=amount,
        reason=clean_text(comment or "").strip(),
        proposed_by=by,
        approved_by=by if leader else None,
        approved_at=now if leader else None,
    )
    _save(suggestion)
    label = CommendationKind(kind).label
    text = f"{label} {amount} 元" if amount else str(label)
    # The submitter hears of it once a leader approved it, not of the proposal.
    _event(
        suggestion,
        Action.COMMEND,
        by,
        comment=f"{text}：{comment}" if comment else text,
        public=leader,
    )
    if leader:
        _event(suggestion, Action.APPROVE_COMMENDATION, by, comment=text)
        _tell_submitters(suggestion, gettext_lazy("Your suggestion was commended"))
    else:
        _tell(leaders_of(suggestion), suggestion, gettext_lazy("Commendation to approve"))
    return suggestion


@transaction.atomic
def approve_commendation(suggestion, *, by, comment="", version=None):
    suggestion = _lock(suggestion, version)
    _require(by, Action.APPROVE_COMMENDATION, suggestion)
    pending = next(c for c in suggestion.commendations.all() if c.approved_at is None)
    pending.approved_by, pending.approved_at = by, timezone.now()
    pending.save(update_fields=["approved_by", "approved_at"])
    _save(suggestion)
    _event(suggestion, Action.APPROVE_COMMENDATION, by, comment=comment)
    _tell_submitters(suggestion, gettext_lazy("Your suggestion was commended"))
    return suggestion


@transaction.atomic
def follow_up(suggestion, *, by, comment="", done=False, version=None):
    """B: check the promise (done: it was kept); C: the yearly review (done: no more)."""
    suggestion = _lock(suggestion, version)
    _require(by, Action.FOLLOW_UP, suggestion)
    comment = _text(comment, _("Write what the follow-up found."), 5000)
    before = suggestion.follow_up_on
    if done:
        suggestion.follow_up_on = None
    elif suggestion.reply_class == ReplyClass.C:
        suggestion.follow_up_on = _a_year_after(timezone.localdate())
    _save(suggestion, "follow_up_on")
    after = suggestion.follow_up_on
    _event(
        suggestion,
        Action.FOLLOW_UP,
        by,
        comment=comment,
        changes={"follow_up_on": [str(before or ""), str(after or "")]},
    )
    return suggestion


# ---- tasks from an adopted suggestion ----------------------------------------------------------


@transaction.atomic
def spawn_task(suggestion, *, by, **task_fields):
    """Make a supervision task from an adopted suggestion, in one step; its source is the
    suggestion, and the task page links back."""
    suggestion = _lock(suggestion)
    if not rules.can_spawn_task(by, suggestion):
        raise NotAllowed(_("Only the office may make tasks, and only from an adopted suggestion."))
    task_fields.pop("source_kind", None)
    task_fields.setdefault("title", suggestion.title)
    task_fields.setdefault("source_ref", f"{suggestion.number} {suggestion.title}"[:300])
    task = tasks.create_task(
        by=by,
        organisation=suggestion.organisation,
        source_kind=SourceKind.SUGGESTION,
        **task_fields,
    )
    SpawnedTask.objects.create(suggestion=suggestion, task=task, created_by=by)
    _save(suggestion)
    _event(suggestion, Action.SPAWN_TASK, by, comment=f"{task.number} {task.title}", public=False)
    return task


# ---- by name (the API and the page) ------------------------------------------------------------

HANDLERS = {
    Action.WITHDRAW: (withdraw, ("comment",)),
    Action.ACCEPT: (accept, ("comment", "topic")),
    Action.REFUSE: (refuse, ("reason_code", "comment", "alternative_channel")),
    Action.MERGE: (merge, ("into", "comment")),
    Action.ASSIGN: (
        assign,
        ("lead_unit", "joint_units", "assisting_units", "deadline_working_days", "comment"),
    ),
    Action.SIGN: (sign, ("comment",)),
    Action.RETURN: (return_to_office, ("comment",)),
    Action.OPINION: (send_opinion, ("comment", "text")),
    Action.REPLY: (reply, ("reply_class", "text", "promised_date", "comment")),
    Action.APPROVE_REPLY: (approve_reply, ("comment", "public")),
    Action.SEND_BACK_REPLY: (send_back_reply, ("comment",)),
    Action.RATE: (rate, ("rating", "comment")),
    Action.ADOPT: (adopt, ("extent", "comment")),
    Action.RECORD_OUTCOME: (
        record_outcome,
        (
            "text",
            "comment",
            "place",
            "benefit",
            "benefit_amount",
            "benefit_days",
            "benefit_people",
            "files",
        ),
    ),
    Action.COMMEND: (commend, ("kind", "amount", "comment")),
    Action.APPROVE_COMMENDATION: (approve_commendation, ("comment",)),
    Action.FOLLOW_UP: (follow_up, ("comment", "done")),
}
ACTION_PARAMS = {action: params for action, (_f, params) in HANDLERS.items()}


def perform(suggestion, action, *, by, version=None, **params):
    """Run a transition by its name; unknown inputs are ignored, missing required ones are
    refused by the action itself."""
    if action not in HANDLERS:
        raise WorkflowError(_("Unknown action “%(action)s”.") % {"action": action})
    handler, names = HANDLERS[action]
    params = {k: v for k, v in params.items() if k in names and v is not None}
    return handler(suggestion, by=by, version=version, **params)
