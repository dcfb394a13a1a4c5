"""The three lists as Excel (问题清单, 任务清单, 责任清单) and the all-or-nothing plan import.
Thin: the rows are the user's (``visible_to``) as the list's filter set filters them, the
sheets are written and read by ``excel``, the plan made by the services."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from taizhang.org.models import Unit
from taizhang.utils.errors import WorkflowError

from . import excel, rules
from .choices import PlanKind
from .filters import MeasureFilterSet, ProblemFilterSet
from .models import Measure, Plan, Problem


def _lists(request, plan):
    """The plan's problems and measures the user sees, filtered as the lists filter them."""
    user = request.user
    problems = ProblemFilterSet(
        request.GET, queryset=Problem.objects.visible_to(user).filter(plan=plan), user=user
    ).qs
    measures = MeasureFilterSet(
        request.GET, queryset=Measure.objects.visible_to(user).filter(plan=plan), user=user
    ).qs
    return problems, measures


@login_required
def export(request, pk, sheet):
    if sheet not in excel.SHEETS:
        raise Http404
    plan = get_object_or_404(Plan.objects.visible_to(request.user), pk=pk)
    problems, measures = _lists(request, plan)
    try:
        return excel.export_response(plan, sheet, problems=problems, measures=measures)
    except WorkflowError as exc:
        messages.error(request, exc.message)
        return redirect("rectification:progress", pk=plan.pk)


class ImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Excel file (.xlsx)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )
    title = forms.CharField(label=gettext_lazy("Plan title"), max_length=200)
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=PlanKind.choices)
    office = forms.ModelChoiceField(
        label=gettext_lazy("Rectification office"), queryset=Unit.objects.none()
    )
    deadline = forms.DateField(
        label=gettext_lazy("Overall deadline"), widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["office"].queryset = Unit.objects.filter(
            organisation_id=user.organisation_id
        ).order_by("code")
        units = sorted(user.unit_ids())
        if units and not self.is_bound:
            self.initial.setdefault("office", units[0])
        for name, field in self.fields.items():
            css = "form-select" if name in ("kind", "office") else "form-control"
            field.widget.attrs["class"] = css


@login_required
def import_plan(request):
    """The office uploads a plan in the usual layout with the plan's own fields; on success
    the counts of what was made, on failure every bad row with its reason."""
    if not rules.can_manage(request.user):
        raise PermissionDenied
    form = ImportForm(request.POST or None, request.FILES or None, user=request.user)
    errors, made = [], None
    if request.method == "POST" and form.is_valid():
        fields = dict(form.cleaned_data)
        upload = fields.pop("file")
        try:
            plan, counts = excel.import_upload(upload, by=request.user, **fields)
        except excel.ImportFailed as exc:
            errors = exc.errors
            messages.error(request, exc.message)
        except WorkflowError as exc:
            errors = [(None, exc.message)]
            messages.error(request, exc.message)
        else:
            made = {"plan": plan, **counts}
            messages.success(
                request,
                _(
                    "Plan imported: %(aspects)d aspects, %(problems)d problems, "
                    "%(measures)d measures."
                )
                % counts,
            )
    context = {
        "form": form,
        "errors": errors,
        "made": made,
        "headers": excel.IMPORT_HEADERS,
        "template_url": reverse("rectification:import_template"),
    }
    return render(request, "rectification/import.html", context)


@login_required
def import_template(request):
    if not rules.can_manage(request.user):
        raise PermissionDenied
    return excel.template_response()
