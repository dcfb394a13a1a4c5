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

    def __init__(self, *args, past=False, **kwargs):
        super().__init__(*args, **kwargs)
        # Always a field, right after the date it confirms; shown when the proposed date has
        # passed, or once the date the clerk entered turns out to have passed (see clean).
        names = [n for n in self.fields if n != "confirm_past_deadline"]
        at = names.index("deadline") + 1
        self.order_fields([*names[:at], "confirm_past_deadline", *names[at:]])
        if not past:
            self.fields["confirm_past_deadline"].widget = forms.HiddenInput()

    def clean(self):
        cleaned = super().clean()
        needs_confirming = deadline_is_past(cleaned.get("deadline")) and not cleaned.get(
            "deadline_working_days"
        )
        if needs_confirming:
            self.fields["confirm_past_deadline"].widget = forms.CheckboxInput()
            if not cleaned.get("confirm_past_deadline"):
                message = services.past_deadline_message(cleaned["deadline"])
                self.add_error("confirm_past_deadline", message)
        return cleaned


class MapUnitForm(forms.Form):
    name = forms.CharField(widget=forms.HiddenInput, max_length=200)
    unit = forms.ModelChoiceField(Unit.objects.none(), label=_("Unit"))

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.filter(organisation=organisation)
