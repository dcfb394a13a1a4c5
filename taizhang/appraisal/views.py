"""The appraisal pages (考评): the list of cycles, the office's new and set-up forms, the cycle
page with its actions and timeline; the results, points, appeals and staff pages are in
result_views.py and staff_views.py, the Excel export in excel.py (the URL map is fixed).

Thin: they read through ``visible_to`` and the rules and write through ``services``; a
refusal shows its message on the page again with everything the user typed."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from taizhang.meetings.forms import unseen_errors
from taizhang.utils.errors import WorkflowError

from . import rules, services
from .choices import (
    Action,
    AppealStatus,
    Grade,
    IndicatorKind,
    Metric,
    ScorerKind,
    Status,
    Subject,
)
from .excel import export
from .filters import CycleFilterSet
from .forms import (
    ActionForm,
    AssesseeForm,
    BandsForm,
    CommendForm,
    CycleEditForm,
    CycleForm,
    IndicatorForm,
    ManualScoreForm,
    UnitsForm,
)
from .models import Commendation, Cycle, CycleEvent
from .pages import get_cycle, headline, staff_only
from .result_views import appeal, points, results
from .rules import quota_allowed
from .staff_views import staff, staff_detail

__all__ = [
    "act",
    "appeal",
    "cycle_detail",
    "cycle_edit",
    "cycle_list",
    "cycle_new",
    "export",
    "points",
    "results",
    "staff",
    "staff_detail",
]

PAGE_SIZE = 20


# ---- the list --------------------------------------------------------------------------------


@login_required
def cycle_list(request):
    staff_only(request.user)
    visible = Cycle.objects.visible_to(request.user)
    filterset = CycleFilterSet(request.GET or None, queryset=visible)
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "filterset": filterset,
        "page": page,
        "query": query.urlencode(),
        "filtered": any(request.GET.get(name) for name in filterset.filters),
        "can_create": rules.can_create(request.user),
    }
    return render(request, "appraisal/cycle_list.html", context)


@login_required
def cycle_new(request):
    """新建: the office opens a draft cycle; the units, indicators and bands come next."""
    if not rules.can_create(request.user):
        raise PermissionDenied
    form = CycleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            cycle = services.create_cycle(by=request.user, **form.cleaned_data)
        except WorkflowError as exc:
            form.add_error(None, exc.message)
            return render(request, "appraisal/cycle_new.html", {"form": form}, status=400)
        messages.success(request, _("Appraisal “%(title)s” created: set it up.") % {"title": cycle})
        return redirect("appraisal:edit", cycle.pk)
    status = 400 if form.errors else 200
    return render(request, "appraisal/cycle_new.html", {"form": form}, status=status)


# ---- the cycle page --------------------------------------------------------------------------


def _held_back(user, cycle):
    """(verb, reason) of the buttons the user's role would have now but for a condition still
    unmet: the appeal period runs, a grade is over its quota…"""
    found = []
    for action in Action.buttons():
        transition = rules.LIFECYCLE[action]
        if cycle.status not in transition.sources or user.role not in transition.roles:
            continue
        if reason := rules.why_not(user, action, cycle):
            found.append((Action.VERBS[action], reason))
    return found


def _button_form(cycle, action, failed):
    if f"action:{action}" in failed:
        return failed[f"action:{action}"]
    initial = {"version": cycle.version}
    if action == Action.PUBLISH:
        initial.update(decision_number=cycle.decision_number, decision_text=cycle.decision_text)
    return ActionForm(auto_id=f"id_{action}_%s", initial=initial)


def _buttons(user, cycle, failed):
    return [
        {
            "action": action,
            "verb": verb,
            "form": _button_form(cycle, action, failed),
            "decision": action == Action.PUBLISH,
        }
        for action, verb in rules.available_buttons(user, cycle)
    ]


def _scoring(user, cycle, failed):
    """The manual indicators the user may score, each with a row per unit they may score
    (their own score filled in): leaders, the panel, peer units, 民主测评."""
    if cycle.subject != Subject.UNITS or not rules.can(user, Action.SCORE, cycle):
        return []
    mine = {
        (s.indicator_id, s.unit_id): s for s in cycle.manual_scores.all() if s.scorer_id == user.pk
    }
    sections = []
    for indicator in cycle.indicators.all():
        if indicator.kind != IndicatorKind.MANUAL:
            continue
        rows = []
        for cu in cycle.cycle_units.all():
            if not rules.may_score(user, cycle, indicator, cu.unit_id):
                continue
            key = f"score:{indicator.pk}:{cu.unit_id}"
            own = mine.get((indicator.pk, cu.unit_id))
            form = failed.get(key) or ManualScoreForm(
                auto_id=f"id_s{indicator.pk}_{cu.unit_id}_%s",
                initial={
                    "indicator": indicator.pk,
                    "unit": cu.unit_id,
                    "score": own.score if own else None,
                    "comment": own.comment if own else "",
                },
            )
            rows.append({"unit": cu.unit, "form": form, "own": own})
        if rows:
            sections.append({"indicator": indicator, "rows": rows})
    return sections


def _bands(cycle):
    """Each band with the most the quota allows of the cycle's appraised."""
    total = len(rules.graded_rows(cycle)) or len(rules.appraised_unit_ids(cycle))
    counts = {}
    for row in rules.graded_rows(cycle):
        counts[row.grade] = counts.get(row.grade, 0) + 1
    return [
        {
            "band": band,
            "label": Grade(band.grade).label,
            "colour": Grade.colour(band.grade),
            "allowed": quota_allowed(total, band.max_share),
            "count": counts.get(band.grade, 0),
        }
        for band in cycle.bands.all()
    ]


def _sees_figures(user, cycle):
    """The cycle's headline figures are the office's and the leaders' (a staff cycle's: those
    who may read its table), once somebody has a grade."""
    if cycle.subject == Subject.STAFF:
        allowed = rules.can_see_staff(user, cycle)
    else:
        allowed = user.sees_whole_organisation
    return allowed and any(row.grade for row in rules.graded_rows(cycle))


def status_label(value):
    for choices in (Status, AppealStatus):
        if value in choices.values:
            return choices(value).label
    return value


def timeline(user, cycle):
    """The cycle's events; a handler reads those of the cycle as a whole and of its own
    units (another unit's appeal or score is not theirs to read)."""
    events = CycleEvent.objects.filter(cycle=cycle).select_related("actor", "unit")
    if not user.sees_whole_organisation:
        events = events.filter(unit__isnull=True) | events.filter(unit_id__in=user.unit_ids())
        events = events.exclude(action=Action.SCORE)
    rows = []
    for e in events.order_by("-created_at", "-id"):
        moved = e.from_status and e.from_status != e.to_status
        rows.append(
            {
                "event": e,
                "moved": (status_label(e.from_status), status_label(e.to_status))
                if moved
                else None,
            }
        )
    return rows


def _assessees(user, cycle):
    if cycle.subject != Subject.STAFF:
        return []
    if rules.can_see_staff(user, cycle):
        return list(cycle.assessees.all())
    return [a for a in cycle.assessees.all() if a.user_id == user.pk]


def detail_context(request, cycle, failed=None):
    failed = failed or {}
    user = request.user
    units = [cu.unit for cu in cycle.cycle_units.all()]
    mine = rules.my_units(user, cycle)
    can_commend = rules.can(user, Action.COMMEND, cycle)
    return {
        "cycle": cycle,
        "version": cycle.version,
        "is_units": cycle.subject == Subject.UNITS,
        "can_edit": rules.can(user, Action.EDIT, cycle) or rules.can(user, Action.SET_UP, cycle),
        "buttons": _buttons(user, cycle, failed),
        "held_back": _held_back(user, cycle),
        "units": [(u, rules.can_see_unit(user, cycle, u.pk), u.pk in mine) for u in units],
        "indicators": [(i, i.metric in Metric.counts()) for i in cycle.indicators.all()],
        "bands": _bands(cycle),
        "headline": headline(cycle) if _sees_figures(user, cycle) else None,
        "assessees": _assessees(user, cycle),
        "can_see_staff": rules.can_see_staff(user, cycle),
        "shows_results": cycle.subject == Subject.UNITS
        and (user.sees_whole_organisation or (mine and cycle.status in Status.shown_to_units())),
        "appeal_deadline": rules.appeal_deadline(cycle),
        "scoring": _scoring(user, cycle, failed),
        "commend_form": (
            failed.get("commend") or CommendForm(cycle=cycle, initial={"version": cycle.version})
        )
        if can_commend
        else None,
        "commendations": list(
            Commendation.objects.filter(cycle=cycle).select_related("unit", "assessee")
        ),
        "events": timeline(user, cycle),
    }


@login_required
def cycle_detail(request, pk):
    cycle = get_cycle(request, pk)
    return render(request, "appraisal/cycle_detail.html", detail_context(request, cycle))


# ---- the office's edit and set-up page --------------------------------------------------------


def _edit_forms(cycle, failed):
    """The forms of the edit page: the cycle's fields, and in the draft its set-up."""
    version = {"version": cycle.version}
    draft = cycle.status == Status.DRAFT
    forms = {
        "cycle_form": failed.get("cycle")
        or CycleEditForm(
            draft=draft,
            initial={
                **{name: getattr(cycle, name) for name in CycleEditForm.base_fields},
                **version,
            },
        )
    }
    if not draft:
        return forms
    forms["bands_form"] = failed.get("bands") or BandsForm(
        scheme=cycle.grade_scheme,
        auto_id="id_band_%s",
        initial=BandsForm.initial_of(cycle.bands.all(), cycle.version),
    )
    if cycle.subject == Subject.STAFF:
        forms["assessee_form"] = failed.get("add_assessee") or AssesseeForm(
            organisation=cycle.organisation, auto_id="id_person_%s", initial=version
        )
        return forms
    forms["units_form"] = failed.get("units") or UnitsForm(
        organisation=cycle.organisation,
        auto_id="id_units_%s",
        initial={"units": [cu.unit_id for cu in cycle.cycle_units.all()], **version},
    )
    forms["indicator_form"] = failed.get("add_indicator") or IndicatorForm(
        auto_id="id_new_%s", initial=version
    )
    forms["indicator_forms"] = [
        (
            indicator,
            failed.get(f"indicator:{indicator.pk}")
            or IndicatorForm(
                auto_id=f"id_i{indicator.pk}_%s",
                initial=IndicatorForm.initial_of(indicator, cycle.version),
            ),
        )
        for indicator in cycle.indicators.all()
    ]
    return forms


def _edit_page(request, cycle, failed=None, status=200):
    user = request.user
    context = {
        "cycle": cycle,
        "can_edit": rules.can(user, Action.EDIT, cycle),
        "can_set_up": rules.can(user, Action.SET_UP, cycle),
        "is_units": cycle.subject == Subject.UNITS,
        "assessees": list(cycle.assessees.all()),
        "metrics_help": list(Metric.choices),
        "scorers_help": list(ScorerKind.choices),
        **_edit_forms(cycle, failed or {}),
    }
    return render(request, "appraisal/cycle_edit.html", context, status=status)


def _chosen_indicator(request, cycle):
    try:
        pk = int(request.POST.get("indicator", ""))
    except ValueError:
        raise Http404 from None
    indicator = next((i for i in cycle.indicators.all() if i.pk == pk), None)
    if indicator is None:
        raise Http404
    return indicator


def _post_cycle(request, cycle):
    form = CycleEditForm(request.POST, draft=cycle.status == Status.DRAFT)
    return (
        "cycle",
        form,
        lambda d: services.update_cycle(
            cycle, by=request.user, version=d["version"], **form.changes()
        ),
        _("Appraisal saved."),
    )


def _post_units(request, cycle):
    form = UnitsForm(request.POST, organisation=cycle.organisation, auto_id="id_units_%s")
    return (
        "units",
        form,
        lambda d: services.set_units(
            cycle, by=request.user, version=d["version"], units=list(d["units"])
        ),
        _("Units saved."),
    )


def _post_add_indicator(request, cycle):
    form = IndicatorForm(request.POST, auto_id="id_new_%s")
    return (
        "add_indicator",
        form,
        lambda d: services.add_indicator(
            cycle, by=request.user, version=d["version"], **form.fields_for_service()
        ),
        _("Indicator added."),
    )


def _post_indicator(request, cycle):
    indicator = _chosen_indicator(request, cycle)
    form = IndicatorForm(request.POST, auto_id=f"id_i{indicator.pk}_%s")
    return (
        f"indicator:{indicator.pk}",
        form,
        lambda d: services.update_indicator(
            indicator, by=request.user, version=d["version"], **form.fields_for_service()
        ),
        _("Indicator saved."),
    )


def _post_remove_indicator(request, cycle):
    indicator = _chosen_indicator(request, cycle)
    form = _VersionOnly(request.POST)
    return (
        f"remove:{indicator.pk}",
        form,
        lambda d: services.remove_indicator(indicator, by=request.user, version=d["version"]),
        _("Indicator removed."),
    )


def _post_bands(request, cycle):
    form = BandsForm(request.POST, scheme=cycle.grade_scheme, auto_id="id_band_%s")
    return (
        "bands",
        form,
        lambda d: services.set_bands(
            cycle, by=request.user, version=d["version"], bands=form.bands()
        ),
        _("Grade bands saved."),
    )


def _post_add_assessee(request, cycle):
    form = AssesseeForm(request.POST, organisation=cycle.organisation, auto_id="id_person_%s")
    return (
        "add_assessee",
        form,
        lambda d: services.add_assessee(
            cycle,
            by=request.user,
            version=d["version"],
            unit=d["unit"],
            user=d["user"],
            name=d["name"],
            position=d["position"],
        ),
        _("Person added."),
    )


EDIT_FORMS = {
    "cycle": _post_cycle,
    "units": _post_units,
    "add_indicator": _post_add_indicator,
    "indicator": _post_indicator,
    "remove_indicator": _post_remove_indicator,
    "bands": _post_bands,
    "add_assessee": _post_add_assessee,
}


class _VersionOnly(ActionForm):
    """Only the version matters (a remove button)."""


@login_required
def cycle_edit(request, pk):
    """The office edits the cycle and, while it is a draft, sets it up: units (or the staff
    to assess), indicators and grade bands. Each part is a form of its own."""
    cycle = get_cycle(request, pk)
    user = request.user
    if not (rules.can(user, Action.EDIT, cycle) or rules.can(user, Action.SET_UP, cycle)):
        messages.error(request, rules.why_not(user, Action.EDIT, cycle))
        return redirect(cycle)
    if request.method != "POST":
        return _edit_page(request, cycle)
    handler = EDIT_FORMS.get(request.POST.get("form", ""))
    if handler is None:
        raise Http404
    key, form, run, message = handler(request, cycle)
    if not form.is_valid():
        messages.error(request, unseen_errors(form))
        return _edit_page(request, cycle, {key: form}, status=400)
    try:
        run(form.cleaned_data)
    except WorkflowError as exc:
        messages.error(request, exc.message)
        fresh = get_cycle(request, pk)  # the refusal may come from someone else's change
        return _edit_page(request, fresh, {key: form}, status=exc.status_code)
    messages.success(request, message)
    return redirect("appraisal:edit", cycle.pk)


# ---- actions on the cycle page ----------------------------------------------------------------


def _post_button(request, cycle, action):
    form = ActionForm(request.POST, auto_id=f"id_{action}_%s")
    return (
        f"action:{action}",
        form,
        lambda d: services.perform(
            cycle, action, by=request.user, version=d["version"], **form.params()
        ),
        _("%(action)s: done.") % {"action": Action.VERBS[action]},
        "",
    )


def _post_score(request, cycle):
    try:
        indicator, unit = int(request.POST.get("indicator", "")), int(request.POST.get("unit", ""))
    except ValueError:
        raise Http404 from None
    form = ManualScoreForm(request.POST, auto_id=f"id_s{indicator}_{unit}_%s")
    return (
        f"score:{indicator}:{unit}",
        form,
        lambda d: services.score_manual(
            cycle,
            by=request.user,
            indicator=d["indicator"],
            unit=_unit(cycle, d["unit"]),
            score=d["score"],
            comment=d["comment"],
        ),
        _("Score saved."),
        "#scoring",
    )


def _unit(cycle, unit_id):
    found = next((cu.unit for cu in cycle.cycle_units.all() if cu.unit_id == unit_id), None)
    if found is None:
        raise WorkflowError(_("This unit is not appraised in this cycle."))
    return found


def _post_commend(request, cycle):
    form = CommendForm(request.POST, cycle=cycle)

    def run(d):
        services.commend(
            cycle,
            by=request.user,
            version=d["version"],
            title=d["title"],
            unit=d.get("unit"),
            assessee=d.get("assessee"),
            name=d["name"],
            decision=d["decision"],
        )

    return ("commend", form, run, _("Commendation recorded."), "#commendations")


ACT_FORMS = {Action.SCORE: _post_score, Action.COMMEND: _post_commend}


@require_POST
@login_required
def act(request, pk, action):
    """A button (open scoring, compute, publicise, confirm, publish) through
    ``services.perform``, a manual score or a commendation."""
    cycle = get_cycle(request, pk)
    if action in Action.buttons():
        key, form, run, message, anchor = _post_button(request, cycle, action)
    elif action in ACT_FORMS:
        key, form, run, message, anchor = ACT_FORMS[action](request, cycle)
    else:
        raise Http404
    if not form.is_valid():
        return _failed(request, pk, unseen_errors(form), 400, {key: form})
    try:
        run(form.cleaned_data)
    except WorkflowError as exc:
        return _failed(request, pk, exc.message, exc.status_code, {key: form})
    messages.success(request, message)
    return redirect(f"{cycle.get_absolute_url()}{anchor}")


def _failed(request, pk, message, status, failed):
    """The page again, with the error and everything the user typed."""
    messages.error(request, message)
    cycle = get_cycle(request, pk)  # fresh: the refusal may come from someone else's change
    context = detail_context(request, cycle, failed)
    return render(request, "appraisal/cycle_detail.html", context, status=status)
