"""Forms of the appraisal pages. They check what a form can (required fields, numbers); the
services check everything else and say why in Chinese. Every form that changes a cycle
carries the version the page was drawn from."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from taizhang.meetings.forms import STALE, Styled, style
from taizhang.org.models import Unit, User
from taizhang.supervision.forms import DateInput
from taizhang.utils.forms import searchable_choices

from .choices import (
    AppealAction,
    CommendationTitle,
    Grade,
    GradeScheme,
    IndicatorKind,
    Metric,
    Period,
    ScorerKind,
    StaffPart,
    Subject,
)
from .services import DRAFT_EDITABLE, EDITABLE


def version_field():
    """The version the page was drawn from, hidden: missing or garbled, the page is stale."""
    return forms.IntegerField(
        widget=forms.HiddenInput, error_messages={"required": STALE, "invalid": STALE}
    )


def _blank(choices):
    return [("", "—"), *choices]


class CycleForm(Styled):
    """新建: a draft cycle of the office's organisation."""

    title = forms.CharField(label=_("Title"), max_length=200)
    subject = forms.ChoiceField(label=_("Subject"), choices=Subject.choices)
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    period = forms.ChoiceField(label=_("Period"), choices=Period.choices)
    half = forms.TypedChoiceField(
        label=_("Half"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "—"), (1, _("First half")), (2, _("Second half"))],
    )
    grade_scheme = forms.ChoiceField(label=_("Grades"), choices=GradeScheme.choices)
    smoothing = forms.IntegerField(
        label=_("Smoothing (tasks)"),
        min_value=0,
        max_value=1000,
        initial=5,
        help_text=_(
            "A unit's rate is pulled towards the organisation's by this many tasks' weight, "
            "so that a unit with few tasks is not first or last by luck alone."
        ),
    )
    appeal_working_days = forms.IntegerField(
        label=_("Appeal period (working days)"), min_value=1, max_value=60, initial=5
    )
    leader_share = forms.IntegerField(
        label=_("Leaders' share (%)"),
        min_value=0,
        max_value=100,
        initial=50,
        help_text=_("Staff assessment: the share of the leaders' score in the total."),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("year", timezone.localdate().year)
        super().__init__(*args, **kwargs)


class CycleEditForm(Styled):
    """Title, decision and appeal period; in the draft also the dates, smoothing, grades and
    the leaders' share (``services.EDITABLE`` and ``DRAFT_EDITABLE``)."""

    title = forms.CharField(label=_("Title"), max_length=200)
    decision_number = forms.CharField(label=_("Decision number"), max_length=60, required=False)
    decision_text = forms.CharField(
        label=_("Text of the decision"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    appeal_working_days = forms.IntegerField(
        label=_("Appeal period (working days)"), min_value=1, max_value=60
    )
    start = forms.DateField(label=_("From"), widget=DateInput)
    end = forms.DateField(label=_("To"), widget=DateInput)
    smoothing = forms.IntegerField(label=_("Smoothing (tasks)"), min_value=0, max_value=1000)
    grade_scheme = forms.ChoiceField(label=_("Grades"), choices=GradeScheme.choices)
    leader_share = forms.IntegerField(label=_("Leaders' share (%)"), min_value=0, max_value=100)
    version = version_field()

    def __init__(self, *args, draft, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = set(EDITABLE) | (set(DRAFT_EDITABLE) if draft else set())
        for name in list(self.fields):
            if name != "version" and name not in allowed:
                del self.fields[name]

    def changes(self):
        return {k: v for k, v in self.cleaned_data.items() if k != "version"}


class UnitsForm(Styled):
    units = forms.ModelMultipleChoiceField(
        Unit.objects.none(), label=_("Units appraised"), widget=forms.CheckboxSelectMultiple
    )
    version = version_field()

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["units"].queryset = Unit.objects.filter(organisation=organisation).order_by(
            "code"
        )
        searchable_choices(self)


class IndicatorForm(Styled):
    """A line of the scoring table; the services check the kind, metric and scorer."""

    name = forms.CharField(label=_("Indicator"), max_length=100)
    kind = forms.ChoiceField(label=_("Kind"), choices=IndicatorKind.choices)
    metric = forms.ChoiceField(label=_("Metric"), choices=_blank(Metric.choices), required=False)
    scorer_kind = forms.ChoiceField(
        label=_("Scored by"), choices=_blank(ScorerKind.choices), required=False
    )
    weight = forms.DecimalField(label=_("Points"), max_digits=8, decimal_places=2)
    floor = forms.DecimalField(
        label=_("Rate scoring zero"),
        max_digits=7,
        decimal_places=4,
        initial=0,
        help_text=_("Rates: a rate at or below this (0–0.99) scores 0."),
    )
    per_event = forms.DecimalField(
        label=_("Points per event"),
        max_digits=8,
        decimal_places=2,
        initial=1,
        help_text=_("Counts: points deducted per day overdue or reminder."),
    )
    cadence_days = forms.IntegerField(
        label=_("Reporting cadence (days)"), min_value=1, max_value=366, initial=30
    )
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    version = version_field()

    FIELDS = ("name", "kind", "metric", "scorer_kind", "weight", "floor", "per_event")

    def fields_for_service(self):
        return {k: v for k, v in self.cleaned_data.items() if k != "version"}

    @classmethod
    def initial_of(cls, indicator, version):
        return {
            **{
                name: getattr(indicator, name)
                for name in (*cls.FIELDS, "cadence_days", "description")
            },
            "version": version,
        }


class BandsForm(Styled):
    """The grade bands: for each grade of the scheme, the score it starts at (empty: the
    grade is not used) and its quota (empty: no quota)."""

    version = version_field()

    def __init__(self, *args, scheme, **kwargs):
        super().__init__(*args, **kwargs)
        self.grades = Grade.of_scheme(scheme)
        for grade in self.grades:
            label = Grade(grade).label
            self.fields[f"min_{grade}"] = forms.DecimalField(
                label=_("%(grade)s from score") % {"grade": label},
                required=False,
                min_value=0,
                max_digits=8,
                decimal_places=2,
            )
            self.fields[f"share_{grade}"] = forms.DecimalField(
                label=_("%(grade)s at most (%%)") % {"grade": label},
                required=False,
                min_value=0,
                max_value=100,
                max_digits=8,
                decimal_places=2,
            )
        style(self)  # the fields above are new

    @classmethod
    def initial_of(cls, bands, version):
        initial = {"version": version}
        for band in bands:
            initial[f"min_{band.grade}"] = band.min_score
            initial[f"share_{band.grade}"] = band.max_share
        return initial

    def rows(self):
        """(grade, min_field, share_field) for the template."""
        return [(g, self[f"min_{g}"], self[f"share_{g}"]) for g in self.grades]

    def bands(self):
        data = self.cleaned_data
        return [
            (grade, data[f"min_{grade}"], data[f"share_{grade}"])
            for grade in self.grades
            if data.get(f"min_{grade}") is not None
        ]


class AssesseeForm(Styled):
    """A person to assess: an account of the organisation, or only a name, in a unit."""

    unit = forms.ModelChoiceField(Unit.objects.none(), label=_("Unit"))
    user = forms.ModelChoiceField(User.objects.none(), label=_("Account"), required=False)
    name = forms.CharField(
        label=_("Name"),
        max_length=60,
        required=False,
        help_text=_("The account's name when empty."),
    )
    position = forms.CharField(label=_("Position"), max_length=100, required=False)
    version = version_field()

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.filter(organisation=organisation).order_by(
            "code"
        )
        self.fields["user"].queryset = User.objects.filter(
            organisation=organisation, is_active=True
        ).order_by("username")
        searchable_choices(self)


class ActionForm(Styled):
    """A button's inputs: a comment, and for 发布 the decision."""

    comment = forms.CharField(
        label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    decision_number = forms.CharField(label=_("Decision number"), max_length=60, required=False)
    decision_text = forms.CharField(
        label=_("Text of the decision"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    version = version_field()

    def params(self):
        data = {k: v for k, v in self.cleaned_data.items() if k != "version"}
        return data


# Scores carry no version: many scorers score side by side (each score moves the cycle's
# version on), the set-up is fixed once scoring is open, and the services refuse a score once
# the cycle has moved past scoring. A scorer's own score is simply replaced.


class ManualScoreForm(Styled):
    """A named scorer's score of one unit on one manual indicator."""

    indicator = forms.IntegerField(widget=forms.HiddenInput)
    unit = forms.IntegerField(widget=forms.HiddenInput)
    score = forms.DecimalField(label=_("Score"), max_digits=8, decimal_places=2, min_value=0)
    comment = forms.CharField(label=_("Comment"), required=False, max_length=2000)


class CommendForm(Styled):
    title = forms.ChoiceField(label=_("Commendation"), choices=CommendationTitle.choices)
    unit = forms.ModelChoiceField(Unit.objects.none(), label=_("Unit"), required=False)
    assessee = forms.ModelChoiceField(None, label=_("Person"), required=False)
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        required=False,
        help_text=_("The unit's or the person's name when empty."),
    )
    decision = forms.CharField(
        label=_("Commendation decision"),
        max_length=200,
        required=False,
        help_text=_("The appraisal's decision number when empty."),
    )
    version = version_field()

    def __init__(self, *args, cycle, **kwargs):
        super().__init__(*args, **kwargs)
        units = [cu.unit_id for cu in cycle.cycle_units.all()]
        self.fields["unit"].queryset = Unit.objects.filter(pk__in=units).order_by("code")
        self.fields["assessee"].queryset = cycle.assessees.all()
        if cycle.subject == Subject.STAFF:
            del self.fields["unit"]
        else:
            del self.fields["assessee"]


class AppealForm(Styled):
    """申诉: the unit says why one of its points is wrong."""

    point = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Why the point is wrong"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    version = version_field()


class DecideForm(Styled):
    """申诉处理: upheld with the adjusted score, or dismissed with the reason."""

    appeal = forms.IntegerField(widget=forms.HiddenInput)
    decision = forms.ChoiceField(
        label=_("Decision on the appeal"), choices=AppealAction.choices, widget=forms.RadioSelect
    )
    adjusted_score = forms.DecimalField(
        label=_("Adjusted score"),
        required=False,
        max_digits=8,
        decimal_places=2,
        min_value=0,
        help_text=_("When the appeal is upheld."),
    )
    comment = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Needed when the appeal is dismissed."),
    )
    version = version_field()


class SelfReportForm(Styled):
    text = forms.CharField(
        label=_("Self-report"), max_length=20000, widget=forms.Textarea(attrs={"rows": 10})
    )
    version = version_field()


class StaffScoreForm(Styled):
    part = forms.ChoiceField(choices=StaffPart.choices, widget=forms.HiddenInput)
    score = forms.DecimalField(
        label=_("Score (0–100)"), max_digits=5, decimal_places=2, min_value=0, max_value=100
    )
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
