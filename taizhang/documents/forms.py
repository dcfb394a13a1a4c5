from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from taizhang.org.models import Unit
from taizhang.supervision.forms import TaskForm
from taizhang.supervision.services import EDITABLE_FIELDS


class UploadForm(forms.Form):
    file = forms.FileField(label=_("File"))
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
        posted = self.data.get("deadline") if self.is_bound else None
        if not past and not (posted and posted < timezone.localdate().isoformat()):
            del self.fields["confirm_past_deadline"]  # asked only when the date has passed
        else:  # beside the date it confirms
            names = [n for n in self.fields if n != "confirm_past_deadline"]
            at = names.index("deadline") + 1
            self.order_fields([*names[:at], "confirm_past_deadline", *names[at:]])


class MapUnitForm(forms.Form):
    name = forms.CharField(widget=forms.HiddenInput, max_length=200)
    unit = forms.ModelChoiceField(Unit.objects.none(), label=_("Unit"))

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.filter(organisation=organisation)
