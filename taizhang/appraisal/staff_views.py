"""职工考核: the assessees of a staff cycle and one person's page with their 述职, their
unit's and leaders' scores, grade and commendation.

Persons are not ranked in public: supervisors and leaders see the table; a person sees their
own line; a unit's handler, while scoring is open, the colleagues whose unit score they give
(their 述职 and that score, not the rest)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from taizhang.meetings.forms import unseen_errors
from taizhang.utils.errors import WorkflowError

from . import rules, services
from .choices import Action, Grade, StaffPart, Subject
from .forms import SelfReportForm, StaffScoreForm
from .models import Assessee, Commendation
from .pages import get_cycle, grade_filter, headline, staff_only
from .rules import quota_allowed


def _to_score(user, cycle):
    """The assessees whose unit's score the user may give now."""
    if not rules.can(user, Action.SCORE, cycle):
        return []
    return [a for a in cycle.assessees.all() if rules.may_score_staff(user, a, StaffPart.UNIT)]


def _distribution(cycle):
    counts = {}
    for person in cycle.assessees.all():
        counts[person.grade] = counts.get(person.grade, 0) + 1
    bands = {b.grade: b for b in cycle.bands.all()}
    total = len(cycle.assessees.all())
    rows = []
    for grade in Grade.of_scheme(cycle.grade_scheme):
        band = bands.get(grade)
        share = band.max_share if band else None
        rows.append(
            {
                "label": Grade(grade).label,
                "colour": Grade.colour(grade),
                "count": counts.get(grade, 0),
                "band": band,
                "allowed": quota_allowed(total, share),
            }
        )
    return rows


@login_required
def staff(request, pk):
    """A staff cycle's assessees: supervisors and leaders the table (``rules.can_see_staff``),
    a person their own line, a unit's scorer the colleagues they score."""
    cycle = get_cycle(request, pk)
    user = request.user
    if cycle.subject != Subject.STAFF:
        raise Http404
    whole = rules.can_see_staff(user, cycle)
    own = list(Assessee.objects.visible_to(user).filter(cycle=cycle).select_related("unit"))
    to_score = [] if whole else _to_score(user, cycle)
    if not whole and not own and not to_score:
        raise Http404
    commended = {
        c.assessee_id: c for c in Commendation.objects.filter(cycle=cycle, assessee__isnull=False)
    }
    people = list(cycle.assessees.all()) if whole else own
    grades = grade_filter(cycle, request.GET)
    if grades is not None:
        people = [a for a in people if a.grade in grades]
    context = {
        "cycle": cycle,
        "whole": whole,
        "headline": headline(cycle) if whole else None,
        "filtered": grades is not None,
        "rows": [(a, commended.get(a.pk)) for a in people],
        "to_score": to_score,
        "distribution": _distribution(cycle) if whole else [],
    }
    return render(request, "appraisal/staff.html", context)


# ---- one person ------------------------------------------------------------------------------


def _assessee(request, pk):
    """(assessee, cycle, sees everything of them): their own line or the table's reader sees
    all; a unit's scorer the 述职 and the unit score; anybody else a 404."""
    user = request.user
    staff_only(user)
    assessee = get_object_or_404(Assessee.objects.select_related("unit", "user"), pk=pk)
    cycle = get_cycle(request, assessee.cycle_id)
    if Assessee.objects.visible_to(user).filter(pk=assessee.pk).exists():
        return assessee, cycle, True
    if any(a.pk == assessee.pk for a in _to_score(user, cycle)):
        return assessee, cycle, False
    raise Http404


def _score_forms(user, cycle, assessee, failed):
    if not rules.can(user, Action.SCORE, cycle):
        return []
    forms = []
    for part, label in StaffPart.choices:
        if not rules.may_score_staff(user, assessee, part):
            continue
        form = failed.get(f"score:{part}") or StaffScoreForm(
            auto_id=f"id_{part}_%s",
            initial={
                "part": part,
                "score": getattr(assessee, f"{part}_score"),
                "comment": getattr(assessee, f"{part}_comment"),
            },
        )
        forms.append({"part": part, "label": label, "form": form})
    return forms


def _detail_context(request, assessee, cycle, full, failed=None):
    failed = failed or {}
    user = request.user
    may_report = assessee.user_id == user.pk and rules.can(user, Action.SELF_REPORT, cycle)
    return {
        "cycle": cycle,
        "assessee": assessee,
        "full": full,
        "whole": rules.can_see_staff(user, cycle),
        "report_form": (
            failed.get("self_report")
            or SelfReportForm(initial={"text": assessee.self_report, "version": cycle.version})
        )
        if may_report
        else None,
        "score_forms": _score_forms(user, cycle, assessee, failed),
        "commendations": list(assessee.commendations.all()) if full else [],
    }


@login_required
def staff_detail(request, pk):
    """One assessee: 述职 (the person writes it), the unit's and leaders' scores (their
    scorers give them), total, grade, commendation."""
    assessee, cycle, full = _assessee(request, pk)
    if request.method != "POST":
        context = _detail_context(request, assessee, cycle, full)
        return render(request, "appraisal/staff_detail.html", context)
    which = request.POST.get("form", "")
    if which == "self_report":
        key, form = "self_report", SelfReportForm(request.POST)

        def run(d):
            services.submit_self_report(
                assessee, by=request.user, text=d["text"], version=d["version"]
            )

        message = _("Self-report saved.")
    elif which == "score":
        form = StaffScoreForm(request.POST, auto_id=f"id_{request.POST.get('part', '')}_%s")
        key = f"score:{request.POST.get('part', '')}"

        def run(d):
            services.score_staff(
                assessee,
                by=request.user,
                part=d["part"],
                score=d["score"],
                comment=d["comment"],
            )

        message = _("Score saved.")
    else:
        raise Http404
    if form.is_valid():
        try:
            run(form.cleaned_data)
        except WorkflowError as exc:
            return _failed(request, pk, exc.message, exc.status_code, {key: form})
        messages.success(request, message)
        return redirect("appraisal:staff_detail", assessee.pk)
    return _failed(request, pk, unseen_errors(form), 400, {key: form})


def _failed(request, pk, message, status, failed):
    messages.error(request, message)
    assessee, cycle, full = _assessee(request, pk)
    context = _detail_context(request, assessee, cycle, full, failed)
    return render(request, "appraisal/staff_detail.html", context, status=status)
