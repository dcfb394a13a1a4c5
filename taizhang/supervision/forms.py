from django import forms
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from taizhang.org.models import Unit
from taizhang.utils.forms import RemoteSelect, unit_field
from taizhang.utils.workdays import deadline_is_past

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


def parent_label(task):
    """A task as a parent choice shows it: 编号 标题."""
    return f"{task.number} {task.title}".strip()


def past_deadline_warning(day):
    return gettext(
        "The deadline %(day)s is before today (%(today)s). Change the date, or tick the box "
        "below to save it as it is."
    ) % {"day": day.isoformat(), "today": timezone.localdate().isoformat()}


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
    # Shown (a checkbox right after the deadline) only once a deadline before today is entered.
    confirm_past_deadline = forms.BooleanField(
        label=_("The deadline is before today: save anyway"), required=False
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Task
        fields = list(EDITABLE_FIELDS)
        widgets = {
            "title": forms.TextInput(attrs={"data-tz-wide": ""}),
            "deadline": DateInput,
            "body": forms.Textarea(attrs={"rows": 4}),
            "parent": RemoteSelect(reverse_lazy("supervision:task_choices")),
        }
        help_texts = {
            "deadline_working_days": _(
                "Or a number of working days on China's holiday calendar, counted from the "
                "day the task is assigned."
            ),
        }

    def __init__(self, *args, organisation, user=None, past=False, **kwargs):
        super().__init__(*args, **kwargs)
        units = Unit.objects.filter(organisation=organisation)
        for name in ("lead_unit", "responsible_units", "cooperating_units", "supervising_units"):
            self.fields[name].queryset = units
            unit_field(self.fields[name])
        # The parent is searched on the server (GET /tasks/choices/?q=); any task the user
        # may see is a valid choice, and the page lists only the chosen one.
        if user is not None:
            parents = Task.objects.visible_to(user, probe=True)
        else:
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
        parent = self.fields["parent"]
        parent.queryset = parents.only("number", "title")
        parent.widget.queryset, parent.widget.label = parent.queryset, parent_label
        if self.instance.pk:  # a task cannot be its own parent: not offered either
            parent.widget.url = f"{parent.widget.url}?exclude={self.instance.pk}"
        self.fields["deadline"].required = False
        names = [n for n in self.fields if n != "confirm_past_deadline"]
        at = names.index("deadline") + 1
        self.order_fields([*names[:at], "confirm_past_deadline", *names[at:]])
        if not past:
            self.fields["confirm_past_deadline"].widget = forms.HiddenInput()

    def deadline_needs_confirming(self, cleaned):
        """A deadline before today, newly entered (an overdue task's old deadline, kept as it
        was, is not asked about again), and not replaced by a number of working days."""
        day = cleaned.get("deadline")
        if not deadline_is_past(day) or cleaned.get("deadline_working_days"):
            return False
        return not (self.instance.pk and self.instance.deadline == day)

    def past_deadline_message(self, day):
        return past_deadline_warning(day)

    def clean(self):
        cleaned = super().clean()
        if self.deadline_needs_confirming(cleaned):
            self.fields["confirm_past_deadline"].widget = forms.CheckboxInput()
            if not cleaned.get("confirm_past_deadline"):
                message = self.past_deadline_message(cleaned["deadline"])
                self.add_error("confirm_past_deadline", message)
        return cleaned

    # The deadline and the units' parts are checked by the services, the one place for both.

    def service_kwargs(self):
        data = dict(self.cleaned_data)
        data.pop("version", None)
        data.pop("confirm_past_deadline", None)
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


COMMENT_MAX = 5000  # characters: a comment is not a document (mentions are read in it)


class CommentForm(forms.Form):
    text = forms.CharField(
        label=_("Comment"), max_length=COMMENT_MAX, widget=forms.Textarea(attrs={"rows": 2})
    )
    instruction = forms.BooleanField(label=_("As a leader's instruction (批示)"), required=False)
    # The comment this one answers (task page: 回复).
    reply_to = forms.IntegerField(required=False, widget=forms.HiddenInput)


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Excel file (.xlsx)"))
