from django import forms
from django.utils.translation import gettext_lazy as _

from taizhang.org.models import Unit
from taizhang.supervision.forms import TaskForm
from taizhang.supervision.services import EDITABLE_FIELDS

from . import services
from .models import deadline_is_past


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        error_messages={"empty": _("The file is empty: check it and upload again.")},
    )
    title = forms.CharField(label=_("Title"), max_length=300, required=False)


class AcceptForm(TaskForm):
    """The task form, filled in from the proposal; the supervisor edits before accepting."""

    class Meta(TaskForm.Meta):
        fields = [f for f in EDITABLE_FIELDS if f != "source_ref"]  # the span is the source

    confirm_past_deadline = forms.BooleanField(
        label=_("Register with this deadline although it has passed"), required=False
    )

    # The past-deadline check is the task form's (TaskForm.clean, with the ``past`` argument
    # showing the box from the start when the proposed date has passed); the accept service
    # checks it again, so the confirmation goes along.

    def deadline_needs_confirming(self, cleaned):
        return deadline_is_past(cleaned.get("deadline")) and not cleaned.get(
            "deadline_working_days"
        )

    def past_deadline_message(self, day):
        return services.past_deadline_message(day)

    def service_kwargs(self):
        data = super().service_kwargs()
        data["confirm_past_deadline"] = bool(self.cleaned_data.get("confirm_past_deadline"))
        return data


class MapUnitForm(forms.Form):
    name = forms.CharField(widget=forms.HiddenInput, max_length=200)
    unit = forms.ModelChoiceField(Unit.objects.none(), label=_("Unit"))

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.filter(organisation=organisation)
