from django import forms
from django.utils.translation import gettext_lazy as _

from taizhang.org.choices import Role
from taizhang.org.models import Unit, User
from taizhang.supervision.forms import DateInput
from taizhang.utils.forms import searchable_choices

from .choices import EventKind
from .models import PathEvent, Person

PERSON_FORM_FIELDS = [
    "name",
    "gender",
    "birth_year",
    "ethnicity",
    "affiliation",
    "party",
    "unit",
    "employer",
    "post",
    "title",
    "expertise",
    "education",
    "phone",
    "email",
    "id_number",
    "photo",
    "account",
    "notes",
]


def _dash_for_blank(field):
    """An empty choice reads "—", in every language."""
    if isinstance(field, forms.ModelChoiceField):
        field.empty_label = "—"
    elif isinstance(field, forms.ChoiceField) and field.choices and field.choices[0][0] == "":
        field.choices = [("", "—"), *field.choices[1:]]


class PersonForm(forms.ModelForm):
    """The profile's fields; saving goes through ``services`` (the view passes the data on)."""

    class Meta:
        model = Person
        fields = PERSON_FORM_FIELDS
        widgets = {
            "notes": forms.Textarea(attrs={"rows": 3}),
            "photo": forms.ClearableFileInput(attrs={"accept": ".jpg,.jpeg,.png"}),
        }
        help_texts = {
            "employer": _("When they work outside the organisation's units."),
            "account": _("Their own sign-in, if they submit suggestions."),
            "id_number": _("18 characters; checked against the GB 11643 check digit."),
        }

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.organisation = organisation
        self.fields["unit"].queryset = Unit.objects.filter(organisation=organisation)
        self.fields["account"].queryset = (
            User.objects.filter(organisation=organisation, is_active=True)
            .exclude(role__in=Role.administrators())
            .order_by("username")
        )
        for field in self.fields.values():
            css = "form-select" if hasattr(field.widget, "choices") else "form-control"
            field.widget.attrs.setdefault("class", css)
            _dash_for_blank(field)

    def service_kwargs(self):
        data = {name: self.cleaned_data[name] for name in PERSON_FORM_FIELDS}
        if "photo" in self.changed_data:
            data["photo"] = data["photo"] or ""  # False when "clear" was ticked
        else:
            data.pop("photo")  # keep the one there is
        return data


class EventForm(forms.ModelForm):
    kind = forms.ChoiceField(choices=[("", "—"), *EventKind.choices], label=_("Kind"))

    class Meta:
        model = PathEvent
        fields = ["kind", "title", "organiser", "start_date", "end_date", "note"]
        widgets = {
            "start_date": DateInput,
            "end_date": DateInput,
            "note": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            css = "form-select" if hasattr(field.widget, "choices") else "form-control"
            field.widget.attrs.setdefault("class", css)


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Excel file (.xlsx)"))


class KeeperForm(forms.Form):
    user = forms.ModelChoiceField(User.objects.none(), label=_("User"))

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = candidates
        self.fields["user"].widget.attrs["class"] = "form-select"
        searchable_choices(self)
