from django import forms
from django.utils.translation import gettext_lazy as _

from taizhang.org.models import Unit

from .models import Task
from .services import EDITABLE_FIELDS


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        if not data:
            return []
        single = super().clean
        return (
            [single(d, initial) for d in data]
            if isinstance(data, (list, tuple))
            else [single(data, initial)]
        )


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None, format="%Y-%m-%d"):  # noqa: A002 — Django's own name
        # A date input takes ISO dates only; the localised default would leave it empty.
        super().__init__(attrs, format)


class TaskForm(forms.ModelForm):
    lead_unit = forms.ModelChoiceField(Unit.objects.none(), label=_("Lead unit"))
    responsible_units = forms.ModelMultipleChoiceField(
        Unit.objects.none(), required=False, label=_("Responsible units")
    )
    cooperating_units = forms.ModelMultipleChoiceField(
        Unit.objects.none(), required=False, label=_("Cooperating units")
    )
    supervising_units = forms.ModelMultipleChoiceField(
        Unit.objects.none(), required=False, label=_("Supervising units")
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Task
        fields = list(EDITABLE_FIELDS)
        widgets = {"deadline": DateInput, "body": forms.Textarea(attrs={"rows": 4})}
        help_texts = {
            "deadline_working_days": _(
                "Or a number of working days on China's holiday calendar, counted from the "
                "day the task is assigned."
            ),
        }

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        units = Unit.objects.filter(organisation=organisation)
        for name in ("lead_unit", "responsible_units", "cooperating_units", "supervising_units"):
            self.fields[name].queryset = units
        for name in ("responsible_units", "cooperating_units", "supervising_units"):
            self.fields[name].widget.attrs["size"] = 6
        parents = Task.objects.filter(organisation=organisation)
        if self.instance.pk:
            parents = parents.exclude(pk=self.instance.pk)
            self.initial.update(
                {
                    "lead_unit": self.instance.lead_unit,
                    "responsible_units": self.instance.responsible_units,
                    "cooperating_units": self.instance.cooperating_units,
                    "supervising_units": self.instance.supervising_units,
                    "version": self.instance.version,
                }
            )
        self.fields["parent"].queryset = parents.only("number", "title")
        self.fields["deadline"].required = False

    # The deadline and the units' parts are checked by the services, the one place for both.

    def service_kwargs(self):
        data = dict(self.cleaned_data)
        data.pop("version", None)
        return data


class ActionForm(forms.Form):
    """The inputs any transition may take; each action's template shows the ones it needs."""

    comment = forms.CharField(
        label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    percent = forms.IntegerField(
        label=_("Progress (%)"), min_value=0, max_value=100, required=False
    )
    requested_deadline = forms.DateField(
        label=_("Requested deadline"), required=False, widget=DateInput
    )
    approve = forms.TypedChoiceField(
        label=_("Decision"),
        required=False,
        coerce=lambda v: v == "yes",
        empty_value=None,
        choices=[("yes", _("Approve")), ("no", _("Refuse"))],
    )
    files = MultipleFileField(label=_("Attachments"), required=False)
    # 销号 while a unit has not signed for the task: the supervisor confirms it (task page).
    confirm_unsigned = forms.BooleanField(label=_("Close all the same"), required=False)
    # Required: without it the stale-edit check would be skipped.
    version = forms.IntegerField(
        widget=forms.HiddenInput,
        error_messages={"required": _("The page is out of date: reload it and try again.")},
    )


class CommentForm(forms.Form):
    text = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 2}))
    instruction = forms.BooleanField(label=_("As a leader's instruction (批示)"), required=False)
    # The comment this one answers (task page: 回复).
    reply_to = forms.IntegerField(required=False, widget=forms.HiddenInput)


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Excel file (.xlsx)"))
