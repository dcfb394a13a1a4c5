"""Actions on appraisal cycles. Pages, the API and the demo call these; nothing else changes a
cycle, its indicators, points, appeals, results or assessees.

Each action runs in one transaction: it locks the cycle, refuses a stale ``version`` (when one
is given), checks the transition table (``rules.why_not``), mutates, writes the timeline event
and queues its notifications. The points are a snapshot of the ledgers written by ``compute``;
results are always the sum of the points, graded by the bands and ranked.

Scoring (see ``Indicator``): a rate's workload is its ``n``; it is smoothed towards the
organisation's rate p̄ as r = (hits + m·p̄) / (n + m), m the cycle's ``smoothing``, so that a
unit with 2 tasks and none late is not above one with 40 and one late by luck alone, and both
figures are kept and shown with the method.
"""

import datetime
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

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
from taizhang.supervision.services import handlers_of, org_users
from taizhang.utils import services as steps
from taizhang.utils.errors import Conflict, NotAllowed, WorkflowError
from taizhang.utils.services import optional_text as _optional
from taizhang.utils.services import text as _text
from taizhang.utils.text import clean_text

from . import metrics, rules
from .choices import (
    Action,
    AppealAction,
    AppealStatus,
    CommendationTitle,
    Grade,
    GradeScheme,
    IndicatorKind,
    Metric,
    Period,
    ScorerKind,
    StaffPart,
    Status,
    Subject,
)
from .models import (
    Appeal,
    Assessee,
    Commendation,
    Cycle,
    CycleEvent,
    CycleUnit,
    GradeBand,
    Indicator,
    ManualScore,
    Point,
    PointEvent,
    Result,
)

CENT = Decimal("0.01")
FOUR = Decimal("0.0001")
MAX_SCORE = Decimal("1000")
MAX_INDICATORS = 50
MAX_UNITS = 500

# ---- helpers ---------------------------------------------------------------------------------


def loaded():
    """Cycles with what the rules read."""
    return Cycle.objects.select_related("organisation").prefetch_related(
        Prefetch("cycle_units", queryset=CycleUnit.objects.select_related("unit")),
        "indicators",
        "bands",
        "manual_scores",
        "appeals",
        "results",
        Prefetch("assessees", queryset=Assessee.objects.select_related("unit")),
    )


STALE = gettext_lazy(
    "This appraisal was changed by someone else since you opened it "
    "(your version %(yours)s, current %(current)s). Reload it and try again."
)


def _lock(cycle, version=None):
    """The cycle fresh from the database, locked; refuse a stale version."""
    return steps.lock(loaded(), cycle.pk, version, STALE)


def _require(user, action, cycle):
    steps.require(rules.LIFECYCLE, user, action, cycle)


def _save(cycle, *fields):
    cycle.version += 1
    cycle.save(update_fields=[*fields, "version", "updated_at"])


def _event(cycle, action, by, *, comment="", from_status="", unit=None, unit_id=None, changes=None):
    acted_on(by if isinstance(by, User) else None, cycle)  # what told them is read
    return CycleEvent.objects.create(
        cycle=cycle,
        action=action,
        actor=by if isinstance(by, User) else None,
        unit_id=unit.pk if unit is not None else unit_id,
        comment=clean_text(comment or ""),
        from_status=from_status,
        to_status=cycle.status if from_status else "",
        changes=changes or {},
    )


def _move(cycle, action, by, comment="", *, extra_fields=()):
    before = rules.LIFECYCLE.enter(cycle, action)
    _save(cycle, "status", *extra_fields)
    return _event(cycle, action, by, comment=comment, from_status=before)


def _tell(users, cycle, title, body=""):
    notify(
        users,
        title=format_lazy("{}：{}", title, cycle.title),
        body=body,
        url=cycle.get_absolute_url(),
        kind="appraisal",
        subject=cycle,
    )


def _unit_handlers(cycle):
    return handlers_of(list(rules.appraised_unit_ids(cycle)))


def _number(value, message, *, low=Decimal(0), high=MAX_SCORE):
    try:
        number = Decimal(str(value).strip()).quantize(CENT, ROUND_HALF_UP)
    except (InvalidOperation, ValueError, TypeError):
        raise WorkflowError(message) from None
    if not low <= number <= high:
        raise WorkflowError(message)
    return number


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        raise WorkflowError(_("“%(value)s” is not a whole number.") % {"value": value}) from None


def _date(value):
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value).strip())
    except ValueError:
        raise WorkflowError(_("“%(value)s” is not a date.") % {"value": value}) from None


def _units(organisation, values):
    """Units by object, primary key or code, all of the organisation; unknown ones named."""
    found, missing = [], []
    ours = Unit.objects.filter(organisation=organisation)
    for value in values or []:
        if isinstance(value, Unit):
            unit = value if value.organisation_id == organisation.pk else None
        elif isinstance(value, int):
            unit = ours.filter(pk=value).first()
        else:
            unit = ours.filter(code=str(value).strip()).first()
        if unit is None:
            missing.append(str(value))
        elif unit not in found:
            found.append(unit)
    if missing:
        raise WorkflowError(_("Unknown units: %(units)s") % {"units": "、".join(missing)})
    return found


def _period_dates(period, year, half):
    if period == Period.HALF:
        if half not in (1, 2):
            raise WorkflowError(_("Say which half of the year: 1 or 2."))
        if half == 1:
            return datetime.date(year, 1, 1), datetime.date(year, 6, 30)
        return datetime.date(year, 7, 1), datetime.date(year, 12, 31)
    return datetime.date(year, 1, 1), datetime.date(year, 12, 31)


def _choice(choices, value, message):
    if value not in choices.values:
        raise WorkflowError(message)
    return value


# ---- the cycle -------------------------------------------------------------------------------

EDITABLE = ("title", "decision_number", "decision_text", "appeal_working_days")
DRAFT_EDITABLE = ("start", "end", "smoothing", "grade_scheme", "leader_share")


@transaction.atomic
def create_cycle(
    *,
    by,
    title,
    year,
    subject=Subject.UNITS,
    period=Period.YEAR,
    half=None,
    start=None,
    end=None,
    grade_scheme=GradeScheme.LETTERS,
    smoothing=5,
    appeal_working_days=5,
    leader_share=50,
):
    """A draft cycle of the user's organisation; the dates default to the year or half."""
    if not rules.can_create(by):
        raise NotAllowed(_("Only the office runs appraisals."))
    _choice(Subject, subject, _("Choose units or staff."))
    _choice(Period, period, _("Choose a year or a half year."))
    _choice(GradeScheme, grade_scheme, _("Choose the grades."))
    year = _int(year)
    if not 2000 <= year <= 2100:
        raise WorkflowError(_("Give the year, e.g. 2022."))
    half = _int(half) if period == Period.HALF and half not in (None, "") else None
    first, last = _period_dates(period, year, half)
    cycle = Cycle(
        organisation=by.organisation,
        title=_text(title, _("Give the appraisal a title."), 200),
        subject=subject,
        period=period,
        year=year,
        half=half,
        start=_date(start) if start else first,
        end=_date(end) if end else last,
        grade_scheme=grade_scheme,
        smoothing=_int(smoothing),
        appeal_working_days=_int(appeal_working_days),
        leader_share=_int(leader_share),
        created_by=by,
    )
    _check_cycle(cycle)
    cycle.save()
    _event(cycle, Action.CREATE, by)
    return cycle


def _check_cycle(cycle):
    if cycle.end < cycle.start:
        raise WorkflowError(_("The period ends before it starts."))
    if not 0 <= cycle.smoothing <= 1000:
        raise WorkflowError(_("The smoothing is a number of tasks from 0 to 1000."))
    if not 1 <= cycle.appeal_working_days <= 60:
        raise WorkflowError(_("The appeal period is 1 to 60 working days."))
    if not 0 <= cycle.leader_share <= 100:
        raise WorkflowError(_("The leaders' share is a percentage from 0 to 100."))


def _cycle_field(name, value):
    if name in ("start", "end"):
        return _date(value)
    if name == "title":
        return _text(value, _("Give the appraisal a title."), 200)
    if name == "decision_number":
        return _optional(value, 60)
    if name == "decision_text":
        return _optional(value, 20000)
    if name == "grade_scheme":
        return _choice(GradeScheme, value, _("Choose the grades."))
    return _int(value)  # smoothing, appeal_working_days, leader_share


@transaction.atomic
def update_cycle(cycle, *, by, version=None, **fields):
    """Title, decision number and text, appeal period; in the draft also dates, smoothing,
    grades and the leaders' share."""
    cycle = _lock(cycle, version)
    _require(by, Action.EDIT, cycle)
    allowed = EDITABLE + (DRAFT_EDITABLE if cycle.status == Status.DRAFT else ())
    frozen = cycle.status in Status.shown_to_units()  # the units were told their appeal period
    if unknown := set(fields) - set(allowed):
        raise WorkflowError(
            _("These cannot be changed now: %(fields)s") % {"fields": "、".join(sorted(unknown))}
        )
    changes = {}
    for name, value in fields.items():
        value = _cycle_field(name, value)
        before = getattr(cycle, name)
        if before != value and frozen and name == "appeal_working_days":
            raise WorkflowError(
                _("The appeal period was publicised with the result: it cannot change now.")
            )
        if before != value:
            changes[name] = [str(before), str(value)]
            setattr(cycle, name, value)
    _check_cycle(cycle)
    if changes:
        _save(cycle, *changes)
        _event(cycle, Action.EDIT, by, changes=changes)
    return cycle


@transaction.atomic
def set_units(cycle, *, by, units, version=None):
    """The units a unit cycle appraises (codes, primary keys or units)."""
    cycle = _lock(cycle, version)
    _require(by, Action.SET_UP, cycle)
    if cycle.subject != Subject.UNITS:
        raise WorkflowError(_("A staff assessment appraises people: add them instead."))
    chosen = _units(cycle.organisation, units)
    if len(chosen) > MAX_UNITS:
        raise WorkflowError(_("At most %(count)d units.") % {"count": MAX_UNITS})
    current = {cu.unit_id: cu for cu in cycle.cycle_units.all()}
    wanted = {u.pk for u in chosen}
    for unit_id, row in current.items():
        if unit_id not in wanted:
            row.delete()
    for unit in chosen:
        if unit.pk not in current:
            CycleUnit.objects.create(cycle=cycle, unit=unit)
    _save(cycle)
    _event(cycle, Action.SET_UP, by, comment="、".join(u.short_name or u.name for u in chosen))
    return cycle


INDICATOR_FIELDS = (
    "name",
    "kind",
    "metric",
    "scorer_kind",
    "weight",
    "floor",
    "per_event",
    "cadence_days",
    "description",
    "order",
)


def _indicator_field(name, value):
    if name == "name":
        return _text(value, _("Name the indicator."), 100)
    if name == "description":
        return _optional(value, 2000)
    if name == "weight":
        return _number(value, _("The points are a number from 0.01 to 1000."), low=CENT)
    if name == "floor":
        message = _("The rate scoring zero is from 0 to 0.99.")
        return _number(value, message, high=Decimal("0.99"))
    if name == "per_event":
        return _number(value, _("The points per event are from 0 to 1000."))
    if name in ("cadence_days", "order"):
        return _int(value)
    return value


def _indicator_values(indicator, fields):
    if unknown := set(fields) - set(INDICATOR_FIELDS):
        names = "、".join(sorted(unknown))
        raise WorkflowError(_("Unknown fields: %(fields)s") % {"fields": names})
    for name, value in fields.items():
        setattr(indicator, name, _indicator_field(name, value))
    _choice(IndicatorKind, indicator.kind, _("Choose computed or manual."))
    if indicator.kind == IndicatorKind.COMPUTED:
        _choice(Metric, indicator.metric, _("Choose what the indicator reads from the ledgers."))
        indicator.scorer_kind = ""
    else:
        _choice(ScorerKind, indicator.scorer_kind, _("Choose who scores the indicator."))
        indicator.metric = ""
    if not 1 <= indicator.cadence_days <= 366:
        raise WorkflowError(_("The reporting cadence is 1 to 366 days."))
    return indicator


@transaction.atomic
def add_indicator(cycle, *, by, version=None, **fields):
    """A line of the scoring table (see ``Indicator`` for the fields and the rule)."""
    cycle = _lock(cycle, version)
    _require(by, Action.SET_UP, cycle)
    if cycle.subject != Subject.UNITS:
        raise WorkflowError(_("A staff assessment has no indicators: people score the staff."))
    if len(cycle.indicators.all()) >= MAX_INDICATORS:
        raise WorkflowError(_("At most %(count)d indicators.") % {"count": MAX_INDICATORS})
    fields.setdefault("order", len(cycle.indicators.all()) + 1)
    indicator = _indicator_values(Indicator(cycle=cycle), fields)
    if indicator.weight is None:
        raise WorkflowError(_("Give the indicator's points."))
    if not indicator.description and indicator.metric in Metric.DESCRIPTIONS:
        indicator.description = str(Metric.DESCRIPTIONS[indicator.metric])  # how it is counted
    indicator.save()
    _save(cycle)
    _event(cycle, Action.SET_UP, by, comment=_("Indicator added: %(name)s") % {"name": indicator})
    return indicator


@transaction.atomic
def update_indicator(indicator, *, by, version=None, **fields):
    cycle = _lock(indicator.cycle, version)
    _require(by, Action.SET_UP, cycle)
    indicator = _indicator_values(Indicator.objects.get(pk=indicator.pk, cycle=cycle), fields)
    indicator.save()
    _save(cycle)
    _event(cycle, Action.SET_UP, by, comment=_("Indicator changed: %(name)s") % {"name": indicator})
    return indicator


@transaction.atomic
def remove_indicator(indicator, *, by, version=None):
    cycle = _lock(indicator.cycle, version)
    _require(by, Action.SET_UP, cycle)
    name = str(indicator)
    Indicator.objects.filter(pk=indicator.pk, cycle=cycle).delete()
    _save(cycle)
    _event(cycle, Action.SET_UP, by, comment=_("Indicator removed: %(name)s") % {"name": name})
    return cycle


@transaction.atomic
def set_bands(cycle, *, by, bands, version=None):
    """The grade bands: ``[(grade, min_score, max_share or None), …]`` (or dicts with those
    keys), each grade of the cycle's scheme at most once, better grades from higher scores."""
    cycle = _lock(cycle, version)
    _require(by, Action.SET_UP, cycle)
    scheme = Grade.of_scheme(cycle.grade_scheme)
    rows = []
    for band in bands:
        if isinstance(band, dict):
            band = (band.get("grade"), band.get("min_score"), band.get("max_share"))
        grade, low, share = band
        if grade not in scheme:
            raise WorkflowError(
                _("“%(grade)s” is not a grade of this appraisal (%(grades)s).")
                % {"grade": grade, "grades": "、".join(str(Grade(g).label) for g in scheme)}
            )
        low = _number(low, _("A band starts at a score from 0 to 1000."))
        if share not in (None, ""):
            share = _number(share, _("A quota is a percentage from 0 to 100."), high=Decimal(100))
        else:
            share = None
        rows.append(GradeBand(cycle=cycle, grade=grade, min_score=low, max_share=share))
    grades = [r.grade for r in rows]
    if len(set(grades)) != len(grades):
        raise WorkflowError(_("Each grade once, please."))
    ordered = sorted(rows, key=lambda r: scheme.index(r.grade))
    if any(a.min_score <= b.min_score for a, b in zip(ordered, ordered[1:], strict=False)):
        raise WorkflowError(_("A better grade must start at a higher score."))
    cycle.bands.all().delete()
    audit.bulk_create(GradeBand, ordered)
    _save(cycle)
    _event(
        cycle,
        Action.SET_UP,
        by,
        comment="；".join(
            f"{Grade(r.grade).label} ≥ {r.min_score}"
            + (f"（≤ {r.max_share}%）" if r.max_share is not None else "")
            for r in ordered
        ),
    )
    return cycle


@transaction.atomic
def open_scoring(cycle, *, by, comment="", version=None):
    """开始计分: the set-up is fixed; the ledgers can be read and people score."""
    cycle = _lock(cycle, version)
    _require(by, Action.OPEN_SCORING, cycle)
    _move(cycle, Action.OPEN_SCORING, by, comment)
    if cycle.subject == Subject.STAFF:
        people = [a.user for a in cycle.assessees.select_related("user") if a.user_id]
        _tell(people, cycle, gettext_lazy("Write your self-report"))
    _tell(org_users(cycle, Role.LEADER), cycle, gettext_lazy("Scoring is open"))
    return cycle


# ---- points and results ---------------------------------------------------------------------


def _q(value, step=CENT):
    return Decimal(value).quantize(step, ROUND_HALF_UP)


def _pct(value):
    return f"{(Decimal(value) * 100).quantize(Decimal('0.1'), ROUND_HALF_UP)}%"


def _rate_points(cycle, indicator, facts, unit_ids):
    """{unit_id: (point fields, [PointEvent …])} of a rate indicator."""
    counted = {u: [f for f in facts.get(u, []) if f.counted] for u in unit_ids}
    total_n = sum(len(c) for c in counted.values())
    total_hits = sum(sum(1 for f in c if f.hit) for c in counted.values())
    lower = indicator.metric in Metric.lower_is_better()
    mean = Decimal(total_hits) / total_n if total_n else Decimal(0 if lower else 1)
    m = Decimal(cycle.smoothing)
    floor = indicator.floor
    found = {}
    for unit_id in unit_ids:
        rows = counted[unit_id]
        n = len(rows)
        hits = sum(1 for f in rows if f.hit)
        raw = Decimal(hits) / n if n else None
        smoothed = (hits + m * mean) / (n + m) if n + m else mean
        good = 1 - smoothed if lower else smoothed
        score = indicator.weight * max(Decimal(0), (good - floor) / (1 - floor))
        # What one bad event costs (while the score is above zero): weight / ((n + m)(1 − floor)).
        cost = indicator.weight / ((n + m) * (1 - floor)) if n + m else Decimal(0)
        full = indicator.weight  # a perfect rate (good = 100%) scores the weight, floor or not
        method = _rate_method(
            indicator,
            {
                "metric": Metric(indicator.metric).label,
                "hits": hits,
                "n": n,
                "raw": _pct(raw) if raw is not None else "—",
                "mean": _pct(mean),
                "m": cycle.smoothing,
                "smoothed": _pct(smoothed),
                "good": _pct(good),
                "floor": _pct(floor),
                "weight": indicator.weight,
                "score": _q(score),
                "full": _q(full),
                "lost": _q(full - score),
            },
            lower=lower,
            perfect=n > 0 and hits == (0 if lower else n),
        )
        events = []
        for f in facts.get(unit_id, []):
            bad = f.counted and (f.hit if lower else not f.hit)
            events.append(_point_event(f, -_q(cost) if bad else Decimal(0)))
        found[unit_id] = (
            {
                "successes": Decimal(hits),
                "n": n,
                "raw": _q(raw, FOUR) if raw is not None else None,
                "normalised": _q(smoothed, FOUR),
                "score": _q(score),
                "method": method,
            },
            events,
        )
    return found


def _rate_method(indicator, words, *, lower, perfect):
    """The method exactly as computed: the rate, its smoothing towards the organisation's p̄,
    the floor, and what smoothing costs a unit with no bad event of its own."""
    method = (
        _(
            "%(metric)s: %(hits)d of %(n)d (%(raw)s); smoothed towards the organisation's "
            "p̄ = %(mean)s with the weight of %(m)d tasks: (%(hits)d + %(m)d × p̄) / (%(n)d + "
            "%(m)d) = %(smoothed)s"
        )
        % words
    )
    if lower:
        method += _("; good = 1 − %(smoothed)s = %(good)s") % words
    if indicator.floor:
        method += (
            _(
                "; score = %(weight)s × max(0, (%(good)s − %(floor)s) / (1 − %(floor)s)) = "
                "%(score)s (a rate of %(floor)s or less scores 0)"
            )
            % words
        )
    else:
        method += _("; score = %(weight)s × %(good)s = %(score)s") % words
    if perfect and words["lost"] > 0:
        method += (
            _(
                ". With no bad event of its own the unit still scores %(lost)s below the full "
                "%(full)s: smoothing counts %(m)d tasks at the organisation's %(mean)s, so a "
                "small workload is not rewarded as a perfect record"
            )
            % words
        )
    return method


def _count_points(cycle, indicator, facts, unit_ids):
    found = {}
    for unit_id in unit_ids:
        rows = facts.get(unit_id, [])
        total = sum((f.amount for f in rows), Decimal(0))
        deduction = indicator.per_event * total
        score = max(Decimal(0), indicator.weight - deduction)
        method = _(
            "%(metric)s: %(total)s over %(n)d items; %(per)s points deducted each: "
            "score = max(0, %(weight)s − %(deduction)s) = %(score)s"
        ) % {
            "metric": Metric(indicator.metric).label,
            "total": f"{_q(total).normalize():f}",
            "n": len(rows),
            "per": indicator.per_event,
            "weight": indicator.weight,
            "deduction": _q(deduction),
            "score": _q(score),
        }
        events = [_point_event(f, -_q(indicator.per_event * f.amount)) for f in rows]
        found[unit_id] = (
            {
                "successes": _q(total),
                "n": len(rows),
                "raw": _q(total, FOUR),
                "normalised": None,
                "score": _q(score),
                "method": method,
            },
            events,
        )
    return found


def _point_event(fact, effect):
    return PointEvent(
        task_id=fact.task_id,
        number=fact.number[:30],
        title=fact.title[:300],
        date=fact.date,
        what=fact.what[:200],
        effect=effect,
        counted=fact.counted,
    )


def _manual_fields(cycle, indicator, scores):
    if not scores:
        return {
            "successes": 0,
            "n": 0,
            "raw": None,
            "normalised": None,
            "score": Decimal(0),
            "method": _("%(name)s: not scored yet") % {"name": indicator.name},
        }
    average = sum((s.score for s in scores), Decimal(0)) / len(scores)
    score = min(indicator.weight, average)
    return {
        "successes": _q(sum(s.score for s in scores)),
        "n": len(scores),
        "raw": _q(average, FOUR),
        "normalised": None,
        "score": _q(score),
        "method": _("%(kind)s: the average of %(n)d scores, at most %(weight)s: %(score)s")
        % {
            "kind": ScorerKind(indicator.scorer_kind).label,
            "n": len(scores),
            "weight": indicator.weight,
            "score": _q(score),
        },
    }


def _write_points(cycle, computed, now):
    """Store {(unit_id, indicator_id): (fields, events or None)}; the events of a point are
    replaced when given. Points keep their primary key (appeals point at them). An upheld
    appeal's adjusted score is kept while the new figure is not higher; once the ledgers (or
    the scores) give more, the adjustment is dropped and the higher figure counts — a unit
    never loses by having appealed."""
    existing = {(p.unit_id, p.indicator_id): p for p in cycle.points.all()}
    new, changed, with_events = [], [], []
    names = ["successes", "n", "raw", "normalised", "score", "method", "computed_at"]
    names.append("adjusted_score")
    for key, (fields, events) in computed.items():
        point = existing.get(key) or Point(cycle=cycle, unit_id=key[0], indicator_id=key[1])
        for name, value in {**fields, "computed_at": now}.items():
            setattr(point, name, value)
        if point.adjusted_score is not None and point.score > point.adjusted_score:
            point.adjusted_score = None
        (changed if point.pk else new).append(point)
        if events is not None:
            with_events.append((point, events))
    audit.bulk_create(Point, new)
    if changed:
        audit.bulk_update(Point, changed, names)
    if with_events:
        PointEvent.objects.filter(point__in=[p for p, _e in with_events]).delete()
        rows = []
        for point, events in with_events:
            for event in events:
                event.point = point
                rows.append(event)
        audit.bulk_create(PointEvent, rows, batch_size=1000)


def recompute_results(cycle):
    """Results = the sum of each unit's points (adjusted where an appeal was upheld), graded
    by the bands and ranked (equal scores share a rank)."""
    totals = defaultdict(Decimal)
    for point in Point.objects.filter(cycle=cycle).only("unit_id", "score", "adjusted_score"):
        totals[point.unit_id] += point.effective_score
    for cu in cycle.cycle_units.all():
        totals.setdefault(cu.unit_id, Decimal(0))
    bands = list(GradeBand.objects.filter(cycle=cycle).order_by("-min_score"))
    existing = {r.unit_id: r for r in Result.objects.filter(cycle=cycle)}
    ranked = sorted(totals.items(), key=lambda item: -item[1])
    new, changed, previous = [], [], None
    for position, (unit_id, score) in enumerate(ranked, start=1):
        row = existing.pop(unit_id, None) or Result(cycle=cycle, unit_id=unit_id)
        tied = previous is not None and previous.score == _q(score)
        row.score, row.grade = _q(score), _grade(bands, score)
        row.rank = previous.rank if tied else position
        (changed if row.pk else new).append(row)
        previous = row
    audit.bulk_create(Result, new)
    if changed:
        audit.bulk_update(Result, changed, ["score", "grade", "rank"])
    for stale in existing.values():
        stale.delete()


def _grade(bands, score):
    for band in bands:
        if score >= band.min_score:
            return band.grade
    return ""


@transaction.atomic
def compute(cycle, *, by, today=None, version=None):
    """从台账计算: write every unit's points (and the events behind them) from the ledgers of
    the cycle's period, then the results. Run it again as often as wanted until the result is
    publicised (after 公示 only by reopening scoring): points are replaced, upheld appeals'
    adjusted scores kept while the new figure is not higher."""
    cycle = _lock(cycle, version)
    _require(by, Action.COMPUTE, cycle)
    today = today or timezone.localdate()
    unit_ids = [cu.unit_id for cu in cycle.cycle_units.all()]
    scores = defaultdict(list)
    for score in cycle.manual_scores.all():
        scores[(score.unit_id, score.indicator_id)].append(score)
    computed = {}
    for indicator in cycle.indicators.all():
        if indicator.kind == IndicatorKind.MANUAL:
            for unit_id in unit_ids:
                fields = _manual_fields(cycle, indicator, scores[(unit_id, indicator.pk)])
                computed[(unit_id, indicator.pk)] = (fields, None)
            continue
        facts = metrics.read(cycle, indicator, unit_ids, today)
        build = _rate_points if indicator.metric in Metric.rates() else _count_points
        for unit_id, value in build(cycle, indicator, facts, unit_ids).items():
            computed[(unit_id, indicator.pk)] = value
    wanted = set(computed)
    Point.objects.filter(cycle=cycle).exclude(
        pk__in=[p.pk for p in cycle.points.all() if (p.unit_id, p.indicator_id) in wanted]
    ).delete()
    now = timezone.now()
    _write_points(cycle, computed, now)
    recompute_results(cycle)
    cycle.computed_at = now
    _save(cycle, "computed_at")
    comment = _("Read the ledgers up to %(day)s") % {"day": min(today, cycle.end)}
    _event(cycle, Action.COMPUTE, by, comment=comment)
    return cycle


def _cycle_unit(cycle, unit):
    unit_id = unit.pk if isinstance(unit, Unit) else None
    if unit_id is None:
        found = _units(cycle.organisation, [unit])
        unit_id = found[0].pk
    if unit_id not in rules.appraised_unit_ids(cycle):
        raise WorkflowError(_("This unit is not appraised in this cycle."))
    return unit_id


@transaction.atomic
def score_manual(cycle, *, by, indicator, unit, score, comment="", version=None):
    """A named person scores a unit on a manual indicator (again: their score is replaced)."""
    cycle = _lock(cycle, version)
    _require(by, Action.SCORE, cycle)
    wanted = getattr(indicator, "pk", indicator)
    indicator = next((i for i in cycle.indicators.all() if i.pk == wanted), None)
    if indicator is None or indicator.kind != IndicatorKind.MANUAL:
        raise WorkflowError(_("Choose a manual indicator of this appraisal."))
    unit_id = _cycle_unit(cycle, unit)
    if not rules.may_score(by, cycle, indicator, unit_id):
        raise NotAllowed(
            _("“%(indicator)s” is scored by %(kind)s.")
            % {"indicator": indicator, "kind": ScorerKind(indicator.scorer_kind).label}
        )
    value = _number(
        score,
        _("A score from 0 to %(weight)s, please.") % {"weight": indicator.weight},
        high=indicator.weight,
    )
    ManualScore.objects.update_or_create(
        indicator=indicator,
        unit_id=unit_id,
        scorer=by,
        defaults={"cycle": cycle, "score": value, "comment": _optional(comment, 2000)},
    )
    scores = list(ManualScore.objects.filter(indicator=indicator, unit_id=unit_id))
    fields = _manual_fields(cycle, indicator, scores)
    _write_points(cycle, {(unit_id, indicator.pk): (fields, None)}, timezone.now())
    recompute_results(cycle)
    _save(cycle)
    _event(cycle, Action.SCORE, by, unit_id=unit_id, comment=f"{indicator}：{value}")
    return cycle


@transaction.atomic
def publicise(cycle, *, by, on=None, comment="", version=None):
    """公示: the appraised units see their points and may appeal for the appeal period
    (``on`` the day of 公示, today by default: the demo gives an earlier one)."""
    cycle = _lock(cycle, version)
    _require(by, Action.PUBLICISE, cycle)
    cycle.publicised_on = on or timezone.localdate()
    _move(cycle, Action.PUBLICISE, by, comment, extra_fields=("publicised_on",))
    _tell(
        _staff_or_units(cycle),
        cycle,
        gettext_lazy("Results publicised"),
        lazy_message(
            gettext_lazy("You may appeal until %(date)s."), {"date": rules.appeal_deadline(cycle)}
        ),
    )
    return cycle


def _staff_or_units(cycle):
    if cycle.subject == Subject.STAFF:
        return [a.user for a in cycle.assessees.select_related("user") if a.user_id]
    return _unit_handlers(cycle)


@transaction.atomic
def lodge_appeal(point, *, by, reason, today=None, version=None):
    """申诉: a handler of the point's unit disputes it within the appeal period (``today``
    the day it is lodged, today by default)."""
    cycle = _lock(point.cycle, version)
    cycle.acting_day = today
    _require(by, Action.APPEAL, cycle)
    point = Point.objects.select_related("indicator", "unit").get(pk=point.pk, cycle=cycle)
    if point.unit_id not in rules.my_units(by, cycle):
        raise NotAllowed(_("A unit appeals its own points only."))
    if Appeal.objects.filter(point=point, status=AppealStatus.LODGED).exists():
        raise WorkflowError(_("An appeal against this point is already waiting for a decision."))
    appeal = Appeal.objects.create(
        cycle=cycle,
        point=point,
        unit=point.unit,
        reason=_text(reason, _("Say why the point is wrong."), 5000),
        lodged_by=by,
        score_before=point.effective_score,
    )
    _event(cycle, Action.APPEAL, by, unit=point.unit, comment=f"{point.indicator}：{appeal.reason}")
    _tell(org_users(cycle, Role.SUPERVISOR), cycle, gettext_lazy("Appeal lodged"), str(point))
    return appeal


@transaction.atomic
def decide_appeal(appeal, *, by, uphold, comment="", adjusted_score=None, today=None, version=None):
    """申诉处理: upheld with the adjusted score (the results are recomputed) or dismissed
    with the reason (``today`` the day of the decision, today by default)."""
    cycle = _lock(appeal.cycle, None)
    cycle.acting_day = today
    appeal = (
        Appeal.objects.select_for_update(of=("self",))
        .select_related("cycle", "point__indicator")
        .get(pk=appeal.pk)
    )
    if version not in (None, "") and int(version) != appeal.version:
        raise Conflict(_("This appeal was decided or changed since you opened it. Reload it."))
    _require(by, Action.DECIDE_APPEAL, cycle)
    action = AppealAction.UPHOLD if uphold else AppealAction.DISMISS
    reason = rules.APPEAL_LIFECYCLE.why_not(by, action, appeal)
    if reason:
        raise NotAllowed(reason)
    if rules.APPEAL_LIFECYCLE[action].needs_comment and not clean_text(comment or "").strip():
        raise WorkflowError(_("Say why the appeal is dismissed."))
    point = appeal.point
    if uphold:
        appeal.adjusted_score = _number(
            adjusted_score,
            _("Give the adjusted score, from 0 to %(weight)s.")
            % {"weight": point.indicator.weight},
            high=point.indicator.weight,
        )
        point.adjusted_score = appeal.adjusted_score
        point.save(update_fields=["adjusted_score"])
    before = rules.APPEAL_LIFECYCLE.enter(appeal, action)
    appeal.decision_comment = _optional(comment, 5000)
    appeal.decided_by, appeal.decided_at = by, _moment(today)
    appeal.version += 1
    appeal.save()
    if uphold:
        recompute_results(cycle)
    _save(cycle)
    CycleEvent.objects.create(
        cycle=cycle,
        action=action,
        actor=by,
        unit=appeal.unit,
        from_status=before,
        to_status=appeal.status,
        comment=appeal.decision_comment,
        changes={"score": [str(appeal.score_before), str(point.effective_score)]} if uphold else {},
    )
    _tell(handlers_of([appeal.unit]), cycle, AppealStatus(appeal.status).label, str(point))
    return appeal


@transaction.atomic
def confirm(cycle, *, by, comment="", today=None, version=None):
    """考核小组确认: refused while an appeal is open or may still be lodged (on ``today``,
    today by default), and when a grade is given to more than its quota (each such grade is
    named, with what to do)."""
    cycle = _lock(cycle, version)
    cycle.acting_day = today
    _require(by, Action.CONFIRM, cycle)
    cycle.confirmed_at = _moment(today)
    _move(cycle, Action.CONFIRM, by, comment, extra_fields=("confirmed_at",))
    return cycle


def _moment(day):
    """Now, or noon of the given day (an action the demo dates)."""
    if day is None:
        return timezone.now()
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))


@transaction.atomic
def reopen_scoring(cycle, *, by, comment="", version=None):
    """退回计分: the office takes a publicised result back to scoring to mend it (a grade
    over its quota, a score found wrong), with the reason; the units are told, and the result
    is publicised again with a new appeal period."""
    cycle = _lock(cycle, version)
    _require(by, Action.REOPEN_SCORING, cycle)
    steps.needs_comment(rules.LIFECYCLE, Action.REOPEN_SCORING, comment)
    cycle.publicised_on = None
    _move(cycle, Action.REOPEN_SCORING, by, comment, extra_fields=("publicised_on",))
    _tell(_staff_or_units(cycle), cycle, gettext_lazy("Scoring reopened"), clean_text(comment))
    return cycle


@transaction.atomic
def publish(
    cycle, *, by, on=None, decision_number=None, decision_text=None, comment="", version=None
):
    """宣读/发布: the result is published with its decision, and locked."""
    cycle = _lock(cycle, version)
    _require(by, Action.PUBLISH, cycle)
    cycle.published_on = on or timezone.localdate()
    if decision_number is not None:
        cycle.decision_number = _optional(decision_number, 60)
    if decision_text is not None:
        cycle.decision_text = _optional(decision_text, 20000)
    _move(
        cycle,
        Action.PUBLISH,
        by,
        comment,
        extra_fields=("published_on", "decision_number", "decision_text"),
    )
    _tell(_staff_or_units(cycle), cycle, gettext_lazy("Results published"))
    return cycle


@transaction.atomic
def commend(cycle, *, by, title, unit=None, assessee=None, name="", decision="", version=None):
    """表彰: a unit (先进部门) or a person (年度优秀员工: an assessee, or a name), with the
    decision (the cycle's decision number by default)."""
    cycle = _lock(cycle, version)
    _require(by, Action.COMMEND, cycle)
    _choice(CommendationTitle, title, _("Choose the commendation."))
    unit_id = _cycle_unit(cycle, unit) if unit not in (None, "") else None
    if assessee is not None:
        assessee = Assessee.objects.get(pk=getattr(assessee, "pk", assessee), cycle=cycle)
        name = name or assessee.name
    if unit_id and not name:
        name = str(Unit.objects.get(pk=unit_id))
    commendation = Commendation.objects.create(
        cycle=cycle,
        unit_id=unit_id,
        assessee=assessee,
        name=_text(name, _("Say who is commended."), 100),
        title=title,
        decision=_optional(decision or cycle.decision_number, 200),
    )
    _save(cycle)
    _event(cycle, Action.COMMEND, by, comment=str(commendation))
    return commendation


# ---- staff ------------------------------------------------------------------------------------


@transaction.atomic
def add_assessee(cycle, *, by, unit, user=None, name="", position="", version=None):
    """A person to assess: an account (their name by default) or a name, in a unit."""
    cycle = _lock(cycle, version)
    _require(by, Action.SET_UP, cycle)
    if cycle.subject != Subject.STAFF:
        raise WorkflowError(_("A unit appraisal appraises units: choose them instead."))
    unit = _units(cycle.organisation, [unit])[0]
    if user is not None and not isinstance(user, User):
        user = User.objects.filter(organisation=cycle.organisation, username=user).first()
        if user is None:
            raise WorkflowError(_("No such person in the organisation."))
    if user is not None and user.organisation_id != cycle.organisation_id:
        raise WorkflowError(_("No such person in the organisation."))
    if user is not None and any(a.user_id == user.pk for a in cycle.assessees.all()):
        raise WorkflowError(_("This person is already assessed in this cycle."))
    assessee = Assessee.objects.create(
        cycle=cycle,
        user=user,
        name=_text(name or (user.display_name if user else ""), _("Give the person's name."), 60),
        unit=unit,
        position=_optional(position, 100),
    )
    _save(cycle)
    _event(cycle, Action.SET_UP, by, unit=unit, comment=assessee.name)
    return assessee


@transaction.atomic
def submit_self_report(assessee, *, by, text, version=None):
    """述职: the person's own report."""
    cycle = _lock(assessee.cycle, version)
    _require(by, Action.SELF_REPORT, cycle)
    assessee = Assessee.objects.select_for_update().get(pk=assessee.pk, cycle=cycle)
    if assessee.user_id != by.pk:
        raise NotAllowed(_("Only the person writes their self-report."))
    assessee.self_report = _text(text, _("Write the self-report."), 20000)
    assessee.self_reported_at = timezone.now()
    assessee.save(update_fields=["self_report", "self_reported_at"])
    _event(cycle, Action.SELF_REPORT, by, unit=assessee.unit)
    return assessee


def recompute_staff(cycle):
    """total = leaders' share × leaders' score + the rest × the unit's score; graded, ranked."""
    bands = list(GradeBand.objects.filter(cycle=cycle).order_by("-min_score"))
    share = Decimal(cycle.leader_share) / 100
    people = list(Assessee.objects.filter(cycle=cycle))
    for person in people:
        if person.unit_score is None or person.leader_score is None:
            person.total, person.grade = None, ""
        else:
            person.total = _q(share * person.leader_score + (1 - share) * person.unit_score)
            person.grade = _grade(bands, person.total)
    scored = sorted((p for p in people if p.total is not None), key=lambda p: -p.total)
    for position, person in enumerate(scored, start=1):
        previous = scored[position - 2] if position > 1 else None
        person.rank = previous.rank if previous and previous.total == person.total else position
    for person in people:
        if person.total is None:
            person.rank = None
    if people:
        audit.bulk_update(Assessee, people, ["total", "grade", "rank"])


@transaction.atomic
def score_staff(assessee, *, by, part, score, comment="", version=None):
    """A staff member's unit score (their unit's handlers or the office) or leaders' score
    (a leader), 0–100."""
    cycle = _lock(assessee.cycle, version)
    _require(by, Action.SCORE, cycle)
    assessee = Assessee.objects.select_for_update().get(pk=assessee.pk, cycle=cycle)
    _choice(StaffPart, part, _("Say which score: the unit's or the leaders'."))
    if not rules.may_score_staff(by, assessee, part):
        raise NotAllowed(_("You may not give this score."))
    value = _number(score, _("A score from 0 to 100, please."), high=Decimal(100))
    setattr(assessee, f"{part}_score", value)
    setattr(assessee, f"{part}_comment", _optional(comment, 2000))
    assessee.save(update_fields=[f"{part}_score", f"{part}_comment"])
    recompute_staff(cycle)
    _save(cycle)
    _event(cycle, Action.SCORE, by, unit=assessee.unit, comment=f"{assessee.name}：{value}")
    return assessee


# ---- by name (the API and the page) ------------------------------------------------------------

HANDLERS = {
    Action.OPEN_SCORING: (open_scoring, ("comment",)),
    Action.COMPUTE: (compute, ()),
    Action.PUBLICISE: (publicise, ("comment", "on")),
    Action.REOPEN_SCORING: (reopen_scoring, ("comment",)),
    Action.CONFIRM: (confirm, ("comment",)),
    Action.PUBLISH: (publish, ("comment", "on", "decision_number", "decision_text")),
}
ACTION_PARAMS = {action: params for action, (_f, params) in HANDLERS.items()}


def perform(cycle, action, *, by, version=None, **params):
    """Run a transition by its name (the buttons: open scoring, compute, publicise, confirm,
    publish); unknown inputs are ignored."""
    if action not in HANDLERS:
        raise WorkflowError(_("Unknown action “%(action)s”.") % {"action": action})
    handler, names = HANDLERS[action]
    params = {k: v for k, v in params.items() if k in names and v is not None}
    return handler(cycle, by=by, version=version, **params)
