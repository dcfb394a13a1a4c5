"""The year-end figures (年度工作总结): each computed from the ledgers through their
visibility rules, with the address of the list behind it, or — where the module it needs is
not installed or holds nothing for the year — no value and the reason, never a guess.

The keys are a contract (``/api/reports/year-summary``): supervised_items, briefings, the
rectification figures, departments_appraised, departments_grade_b_or_above, staff_commended,
consultation_meetings; and the suggestions reported.
"""

import datetime
from dataclasses import asdict, dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from taizhang.supervision import history
from taizhang.supervision.choices import SourceKind
from taizhang.supervision.models import Task

from . import links
from .choices import Kind, Status
from .models import Bulletin
from .modules import installed

SUPERVISED_SOURCES = (SourceKind.DOCUMENT, SourceKind.MEETING)  # 文件、会议督办


@dataclass
class Figure:
    key: str
    label: str
    value: int | None
    unit: str
    source: str = ""
    missing: str = ""
    # What the text may list under the figure (the open problems with their dates).
    details: list = field(default_factory=list)

    def as_json(self):
        found = asdict(self)
        if not found["missing"]:
            found.pop("missing")
        if not found["details"]:
            found.pop("details")
        return found


def percent(fraction):
    return None if fraction is None else round(100 * fraction)


def _missing(key, label, unit, reason):
    return Figure(key, str(label), None, str(unit), missing=str(reason))


def _not_installed(keys, module):
    reason = _("The module “%(module)s” is not installed.") % {"module": module}
    return [_missing(key, label, unit, reason) for key, label, unit in keys]


ITEMS = gettext_lazy("items")  # 项
ISSUES = gettext_lazy("issues")  # 期
ASPECTS = gettext_lazy("aspects")  # 个方面
PROBLEMS = gettext_lazy("problems")  # 个问题
MEASURES = gettext_lazy("measures")  # 项措施
UNITS = gettext_lazy("units")  # 个部门
PEOPLE = gettext_lazy("people")  # 人
TIMES = gettext_lazy("times")  # 次
PERCENT = "%"


def supervision_figures(user, year):
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    count = (
        Task.objects.visible_to(user)
        .filter(history.closed_between(start, end), source_kind__in=SUPERVISED_SOURCES)
        .count()
    )
    source = links.ledger(
        closed_after=start.isoformat(),
        closed_before=end.isoformat(),
        source=list(SUPERVISED_SOURCES),
    )
    label = _("Supervised items closed, from documents and meetings")
    return [Figure("supervised_items", label, count, str(ITEMS), source)]


def briefing_figures(user, year):
    count = (
        Bulletin.objects.visible_to(user)
        .filter(kind=Kind.BRIEFING, status=Status.ISSUED, year=year)
        .count()
    )
    source = links.bulletins(kind=Kind.BRIEFING, year=year, status=Status.ISSUED)
    return [Figure("briefings", _("Work briefings issued"), count, str(ISSUES), source)]


RECTIFICATION_KEYS = [
    ("rectification_aspects", gettext_lazy("Aspects of the inspection's feedback"), ASPECTS),
    ("rectification_problems", gettext_lazy("Key problems to rectify"), PROBLEMS),
    ("rectification_problems_rate", gettext_lazy("Problems rectified"), PERCENT),
    ("rectification_measures_rate", gettext_lazy("Measures completed"), PERCENT),
    ("rectification_open_problems", gettext_lazy("Problems still open"), PROBLEMS),
    ("rectification_open_measures", gettext_lazy("Measures still open"), MEASURES),
]


def rectification_figures(user, year):
    """The inspection rectification (巡视整改) whose feedback came in the year."""
    if not installed("rectification"):
        return _not_installed(RECTIFICATION_KEYS, _("Rectification"))
    from taizhang.rectification import stats
    from taizhang.rectification.choices import PlanKind
    from taizhang.rectification.models import Plan

    plans = list(
        Plan.objects.visible_to(user)
        .filter(kind=PlanKind.INSPECTION, feedback_on__year=year)
        .order_by("feedback_on", "pk")
    )
    if not plans:
        reason = _("No inspection rectification plan has feedback dated %(year)d.") % {"year": year}
        return [_missing(key, label, unit, reason) for key, label, unit in RECTIFICATION_KEYS]
    reader = None if user.sees_whole_organisation else user
    totals = dict.fromkeys(
        ["aspects_total", "problems_total", "problems_done", "measures_total", "measures_done"], 0
    )
    open_problems, open_measures = [], []
    for plan in plans:
        figures = stats.plan_figures(plan, reader)
        for name in totals:
            totals[name] += figures[name]
        open_problems += [
            {
                "number": p["number"],
                "text": p["description"][:80],
                "date": _iso(p["committed_date"]),
            }
            for p in figures["open_problems"]
        ]
        open_measures += [
            {
                "number": m["task__number"],
                "text": m["task__title"][:80],
                "date": _iso(m["task__deadline"]),
            }
            for m in figures["open_measures"]
        ]
    # One plan: its lists; several: the lists of the year's inspection plans.
    one = plans[0].pk if len(plans) == 1 else None
    year_plans = {} if one else {"plan_kind": PlanKind.INSPECTION, "feedback_year": year}
    plan_link = links.rectification_plan(one) if one else links.rectification_problems(**year_plans)
    values = {
        "rectification_aspects": (totals["aspects_total"], plan_link, []),
        "rectification_problems": (
            totals["problems_total"],
            links.rectification_problems(plan=one, **year_plans),
            [],
        ),
        "rectification_problems_rate": (
            percent(stats.rate(totals["problems_done"], totals["problems_total"])),
            links.rectification_problems(plan=one, **year_plans, done="true"),
            [],
        ),
        "rectification_measures_rate": (
            percent(stats.rate(totals["measures_done"], totals["measures_total"])),
            links.rectification_measures(plan=one, **year_plans, state="done"),
            [],
        ),
        "rectification_open_problems": (
            totals["problems_total"] - totals["problems_done"],
            links.rectification_problems(plan=one, **year_plans, done="false"),
            open_problems,
        ),
        "rectification_open_measures": (
            totals["measures_total"] - totals["measures_done"],
            links.rectification_measures(plan=one, **year_plans, state="open"),
            open_measures,
        ),
    }
    return [
        Figure(key, str(label), values[key][0], str(unit), values[key][1], details=values[key][2])
        for key, label, unit in RECTIFICATION_KEYS
    ]


def _iso(day):
    return day.isoformat() if day else ""


APPRAISAL_KEYS = [
    ("departments_appraised", gettext_lazy("Departments appraised"), UNITS),
    ("departments_grade_b_or_above", gettext_lazy("Departments graded B or above"), UNITS),
    ("staff_commended", gettext_lazy("Staff commended as excellent"), PEOPLE),
]


def appraisal_figures(user, year):
    """The year's appraisal of the departments (部门考评) and of the staff (职工考核), once
    published (宣读/发布)."""
    if not installed("appraisal"):
        return _not_installed(APPRAISAL_KEYS, _("Appraisal"))
    from taizhang.appraisal.choices import CommendationTitle, Grade, Period, Subject
    from taizhang.appraisal.choices import Status as CycleStatus
    from taizhang.appraisal.models import Cycle, Result

    cycles = Cycle.objects.visible_to(user).filter(
        year=year, period=Period.YEAR, status=CycleStatus.PUBLISHED
    )
    units = cycles.filter(subject=Subject.UNITS).order_by("-pk").first()
    staff = cycles.filter(subject=Subject.STAFF).order_by("-pk").first()
    found = []
    key, label, unit = APPRAISAL_KEYS[0]
    if units is None:
        reason = _("No unit appraisal of %(year)d has been published.") % {"year": year}
        found += [_missing(k, lb, u, reason) for k, lb, u in APPRAISAL_KEYS[:2]]
    else:
        results = Result.objects.visible_to(user).filter(cycle=units)
        counts = {
            "all": results.count(),
            "good": results.filter(
                grade__in=[Grade.A, Grade.B, Grade.EXCELLENT, Grade.GOOD]
            ).count(),
        }
        source = links.appraisal_results(units.pk)
        found.append(Figure(key, str(label), counts["all"], str(unit), source))
        key, label, unit = APPRAISAL_KEYS[1]
        found.append(Figure(key, str(label), counts["good"], str(unit), source))
    key, label, unit = APPRAISAL_KEYS[2]
    if staff is None:
        reason = _("No staff assessment of %(year)d has been published.") % {"year": year}
        found.append(_missing(key, label, unit, reason))
    else:
        count = staff.commendations.filter(title=CommendationTitle.STAFF).count()
        found.append(Figure(key, str(label), count, str(unit), links.appraisal_staff(staff.pk)))
    return found


def meeting_figures(user, year):
    key, label = "consultation_meetings", gettext_lazy("Expert economic consultation meetings held")
    if not installed("meetings"):
        return _not_installed([(key, label, TIMES)], _("Meetings"))
    from taizhang.meetings.choices import MeetingKind
    from taizhang.meetings.choices import Status as MeetingStatus
    from taizhang.meetings.models import Meeting

    count = (
        Meeting.objects.visible_to(user)
        .filter(
            kind=MeetingKind.CONSULTATION, date__year=year, status__in=MeetingStatus.held_states()
        )
        .count()
    )
    source = links.meetings(year=year, held="true", kind=MeetingKind.CONSULTATION)
    return [Figure(key, str(label), count, str(TIMES), source)]


SUGGESTION_KEYS = [
    ("suggestions_received", gettext_lazy("Suggestions received"), ITEMS),
    ("suggestions_adopted", gettext_lazy("Suggestions adopted"), ITEMS),
]


def suggestion_figures(user, year):
    if not installed("suggestions"):
        return _not_installed(SUGGESTION_KEYS, _("Suggestions"))
    from taizhang.suggestions import stats
    from taizhang.suggestions.choices import Status as SuggestionStatus
    from taizhang.suggestions.models import Suggestion

    received = {"received_after": f"{year}-01-01", "received_before": f"{year}-12-31"}
    figures = stats.summary(Suggestion.objects.visible_to(user).filter(received_on__year=year))
    not_withdrawn = sorted(set(SuggestionStatus.values) - {SuggestionStatus.WITHDRAWN})
    (k1, l1, u1), (k2, l2, u2) = SUGGESTION_KEYS
    return [
        Figure(
            k1,
            str(l1),
            figures["received"],
            str(u1),
            links.suggestions(**received, status=not_withdrawn),
        ),
        Figure(
            k2, str(l2), figures["adopted"], str(u2), links.suggestions(**received, adopted="true")
        ),
    ]


def year_figures(user, year):
    """Every figure of the year, in the order the summary tells them."""
    return [
        *supervision_figures(user, year),
        *briefing_figures(user, year),
        *rectification_figures(user, year),
        *appraisal_figures(user, year),
        *meeting_figures(user, year),
        *suggestion_figures(user, year),
    ]
