"""Forms of the rectification pages. They shape the input (required fields, dates, the
organisation's units and leaders); the services check everything else and say why."""

from django import forms
from django.utils.translation import gettext_lazy as _

from taizhang.org.choices import Role
from taizhang.org.forms import Styled
from taizhang.org.models import Unit, User
from taizhang.supervision.forms import DateInput, MultipleFileField
from taizhang.utils.forms import searchable_choices

from .choices import Action, Cadence, MeasureKind, PlanKind, Seriousness
from .models import Problem

STALE = _("The page is out of date: reload it and try again.")


def version_field():
    """The version the page was drawn from: missing or garbled, the page is stale."""
    return forms.IntegerField(
        widget=forms.HiddenInput, error_messages={"required": STALE, "invalid": STALE}
    )


def _units(organisation):
    return Unit.objects.filter(organisation=organisation)


def _leaders(organisation):
    return User.objects.filter(organisation=organisation, role=Role.LEADER, is_active=True)


class PlanForm(Styled, forms.Form):
    """登记整改方案 and its edit."""

    title = forms.CharField(label=_("Title"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=PlanKind.choices)
    inspected_by = forms.CharField(label=_("Inspected by"), max_length=200, required=False)
    inspected_on = forms.DateField(label=_("Inspected on"), required=False, widget=DateInput)
    feedback_on = forms.DateField(label=_("Feedback received on"), required=False, widget=DateInput)
    feedback_summary = forms.CharField(
        label=_("Feedback"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    leader = forms.ModelChoiceField(
        User.objects.none(), label=_("Leading group head"), required=False
    )
    leading_group = forms.CharField(
        label=_("Leading group"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("The head, deputy heads and members as the plan lists them."),
    )
    office = forms.ModelChoiceField(Unit.objects.none(), label=_("Rectification office"))
    deadline = forms.DateField(label=_("Overall deadline"), widget=DateInput)
    files = MultipleFileField(
        label=_("Plan documents"),
        required=False,
        help_text=_("The feedback report first, then the plan as issued."),
    )
    version = version_field()

    FIELDS = (
        "title",
        "kind",
        "inspected_by",
        "inspected_on",
        "feedback_on",
        "feedback_summary",
        "leader",
        "leading_group",
        "office",
        "deadline",
    )

    def __init__(self, *args, organisation, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["office"].queryset = _units(organisation)
        self.fields["leader"].queryset = _leaders(organisation)
        self.fields["version"].required = editing
        searchable_choices(self)

    def plan_fields(self):
        return {name: self.cleaned_data[name] for name in self.FIELDS}


class AspectForm(Styled, forms.Form):
    title = forms.CharField(label=_("Aspect"), max_length=300)
    version = version_field()


class ProblemForm(Styled, forms.Form):
    aspect = forms.ModelChoiceField(None, label=_("Aspect"))
    description = forms.CharField(
        label=_("Problem"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )
    wording = forms.CharField(
        label=_("Inspectors' wording"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    seriousness = forms.ChoiceField(label=_("Seriousness"), choices=Seriousness.choices)
    responsible_leader = forms.ModelChoiceField(
        User.objects.none(), label=_("Responsible leader"), required=False
    )
    responsible_leader_name = forms.CharField(
        label=_("Responsible leader without an account"), max_length=60, required=False
    )
    lead_unit = forms.ModelChoiceField(Unit.objects.none(), label=_("Lead unit"))
    units = forms.ModelMultipleChoiceField(
        Unit.objects.none(), label=_("Responsible units"), required=False
    )
    committed_date = forms.DateField(label=_("Committed date"), required=False, widget=DateInput)
    version = version_field()

    FIELDS = (
        "aspect",
        "description",
        "wording",
        "seriousness",
        "responsible_leader",
        "responsible_leader_name",
        "lead_unit",
        "units",
        "committed_date",
    )

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["aspect"].queryset = plan.aspects.order_by("position")
        self.fields["aspect"].label_from_instance = lambda a: f"{a.position}. {a.title}"
        self.fields["lead_unit"].queryset = _units(plan.organisation_id)
        self.fields["units"].queryset = _units(plan.organisation_id)
        self.fields["responsible_leader"].queryset = _leaders(plan.organisation_id)
        searchable_choices(self)

    def problem_fields(self):
        data = {name: self.cleaned_data[name] for name in self.FIELDS}
        data["units"] = list(data["units"])
        return data


class MeasureForm(Styled, forms.Form):
    """措施: a supervision task answering the problem."""

    title = forms.CharField(label=_("Measure"), max_length=300)
    body = forms.CharField(
        label=_("Requirements"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    kind = forms.ChoiceField(label=_("Kind of measure"), choices=MeasureKind.choices)
    cadence = forms.ChoiceField(
        label=_("Reporting cadence"),
        choices=[("", "—"), *Cadence.choices],
        required=False,
        help_text=_("For an ongoing measure only."),
    )
    deadline = forms.DateField(label=_("Deadline"), required=False, widget=DateInput)
    deadline_working_days = forms.IntegerField(
        label=_("Or within working days"),
        required=False,
        min_value=1,
        max_value=365,
        help_text=_("An immediate measure left without either gets the usual few working days."),
    )
    lead_unit = forms.ModelChoiceField(Unit.objects.none(), label=_("Lead unit"))
    responsible_units = forms.ModelMultipleChoiceField(
        Unit.objects.none(), label=_("Responsible units"), required=False
    )
    version = version_field()

    MEASURE_FIELDS = (
        "title",
        "body",
        "kind",
        "cadence",
        "deadline",
        "deadline_working_days",
        "lead_unit",
        "responsible_units",
    )

    def __init__(self, *args, problem, **kwargs):
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("lead_unit", problem.lead_unit_id)
        kwargs["initial"].setdefault("responsible_units", [u.pk for u in problem.units.all()])
        super().__init__(*args, **kwargs)
        units = _units(problem.plan.organisation_id)
        self.fields["lead_unit"].queryset = units
        self.fields["responsible_units"].queryset = units
        searchable_choices(self)

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if kind == MeasureKind.ONGOING and not data.get("cadence"):
            self.add_error("cadence", _("Say how often an ongoing measure is reported on."))
        if kind != MeasureKind.ONGOING and data.get("cadence"):
            self.add_error("cadence", _("Only an ongoing measure reports on a cadence."))
        if data.get("deadline") and data.get("deadline_working_days"):
            self.add_error(
                "deadline_working_days", _("Give a deadline date or working days, not both.")
            )
        no_deadline = not data.get("deadline") and not data.get("deadline_working_days")
        if kind != MeasureKind.IMMEDIATE and no_deadline and "deadline" not in self.errors:
            self.add_error("deadline", _("Give the deadline, as a date or in working days."))
        return data

    def measure_fields(self):
        data = {name: self.cleaned_data[name] for name in self.MEASURE_FIELDS}
        data["responsible_units"] = list(data["responsible_units"])
        return data


class ActionForm(Styled, forms.Form):
    """A plan's button: its comment (required where the table says so) and files."""

    comment = forms.CharField(
        label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    files = MultipleFileField(label=_("Files"), required=False)
    version = version_field()

    def service_kwargs(self, action):
        data = {"comment": self.cleaned_data["comment"]}
        if action == Action.COMPLETE:
            data["files"] = self.cleaned_data["files"]
        return data


class CommitDateForm(Styled, forms.Form):
    """确定完成时限."""

    committed_date = forms.DateField(label=_("Committed date"), widget=DateInput)
    comment = forms.CharField(label=_("Comment"), required=False, max_length=500)
    version = version_field()

    def service_kwargs(self):
        data = self.cleaned_data
        return {"committed_date": data["committed_date"], "comment": data["comment"]}


class CloseForm(Styled, forms.Form):
    """销号: how the problem was rectified, and the evidence."""

    comment = forms.CharField(label=_("Closing summary"), widget=forms.Textarea(attrs={"rows": 3}))
    files = MultipleFileField(label=_("Evidence"), required=False)
    version = version_field()

    def service_kwargs(self):
        return {"comment": self.cleaned_data["comment"], "files": self.cleaned_data["files"]}


class ReopenForm(MeasureForm):
    """回头看: the reason, a new committed date, and the new measure."""

    comment = forms.CharField(
        label=_("Reason for reopening"), widget=forms.Textarea(attrs={"rows": 2})
    )
    committed_date = forms.DateField(
        label=_("New committed date"), required=False, widget=DateInput
    )
    field_order = ["comment", "committed_date"]

    def service_kwargs(self):
        return {
            "comment": self.cleaned_data["comment"],
            "committed_date": self.cleaned_data["committed_date"],
            "measure": self.measure_fields(),
        }


class LinkRepeatForm(Styled, forms.Form):
    """屡查屡犯: the same problem found by an earlier inspection."""

    earlier = forms.ModelChoiceField(
        Problem.objects.none(),
        label=_("Earlier problem"),
        required=False,
        help_text=_("Leave empty to remove the link."),
    )
    version = version_field()

    def __init__(self, *args, problem, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["earlier"].queryset = (
            Problem.objects.earlier_than(problem)
            .select_related("plan")
            .order_by("-plan__created_at", "number")
        )
        self.fields["earlier"].label_from_instance = lambda p: f"{p.plan.title} · {p.number}. {p}"

    def service_kwargs(self):
        return {"earlier": self.cleaned_data["earlier"]}
