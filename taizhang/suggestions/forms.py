"""Forms of the suggestion pages. They only shape the input; the services check it."""

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from taizhang.org.models import Unit
from taizhang.supervision.forms import DateInput, MultipleFileField
from taizhang.utils.forms import searchable_choices

from .choices import Channel, CommendationKind, Extent, Rating, ReplyClass
from .models import Suggestion


def _names(value):
    """Co-submitters typed as user names, separated by commas, 、 or spaces."""
    for sep in "，,、;；\n":
        value = value.replace(sep, " ")
    return [name for name in value.split() if name]


class SuggestionForm(forms.Form):
    """A submitter files a suggestion online."""

    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(label=_("What is suggested"), widget=forms.Textarea(attrs={"rows": 8}))
    topic = forms.CharField(label=_("Topic"), max_length=60, required=False)
    co_submitters = forms.CharField(
        label=_("Joint submitters"),
        required=False,
        help_text=_("For a joint suggestion (联名): their user names, separated by commas."),
    )
    anonymous = forms.BooleanField(label=_("Submit anonymously"), required=False)
    files = MultipleFileField(label=_("Attachments"), required=False)

    def __init__(self, *args, anonymous_allowed=False, **kwargs):
        super().__init__(*args, **kwargs)
        if not anonymous_allowed:
            del self.fields["anonymous"]
        else:
            self.fields["anonymous"].help_text = _(
                "Your name is not recorded; a claim code on the receipt lets you read the "
                "reply and rate it."
            )
        self.fields["topic"].widget.attrs["list"] = "topics"
        self.fields["title"].widget.attrs["autocomplete"] = "off"
        # As one types, the most similar earlier suggestions appear under the text (htmx);
        # "input" too, for text that comes from an input method or a paste without a keyup.
        for name in ("title", "body"):
            self.fields[name].widget.attrs.update(
                {
                    "hx-get": reverse("suggestions:similar"),
                    "hx-trigger": "keyup changed delay:600ms, input changed delay:600ms",
                    "hx-include": "#id_title, #id_body",
                    "hx-target": "#similar",
                    "hx-sync": "#suggestion-form:replace",
                }
            )
        for name, field in self.fields.items():
            if name != "anonymous":
                field.widget.attrs.setdefault("class", "form-control")

    def service_kwargs(self):
        data = self.cleaned_data
        return {
            "title": data["title"],
            "body": data["body"],
            "topic": data.get("topic", ""),
            "co_submitters": _names(data.get("co_submitters", "")),
            "anonymous": bool(data.get("anonymous")),
            "files": data.get("files") or [],
        }


class EnterForm(SuggestionForm):
    """The office enters a suggestion received offline on its submitter's behalf."""

    submitter = forms.CharField(
        label=_("Submitter's account"),
        required=False,
        help_text=_("The user name of a submitter with an account."),
    )
    submitter_name = forms.CharField(
        label=_("Or the submitter's name (no account)"), max_length=100, required=False
    )
    submitter_contact = forms.CharField(label=_("Contact"), max_length=100, required=False)
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.offline)
    received_on = forms.DateField(label=_("Received on"), widget=DateInput)
    field_order = [
        "submitter",
        "submitter_name",
        "submitter_contact",
        "co_submitters",
        "channel",
        "received_on",
        "anonymous",
        "title",
        "body",
        "topic",
        "files",
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["channel"].choices = [(c.value, c.label) for c in Channel.offline()]
        self.fields["files"].label = _("Scanned letter or other files")
        for name in ("submitter", "submitter_name", "submitter_contact", "received_on"):
            self.fields[name].widget.attrs.setdefault("class", "form-control")
        self.fields["channel"].widget.attrs["class"] = "form-select"

    def service_kwargs(self):
        data = self.cleaned_data
        return {
            **super().service_kwargs(),
            "submitter": data.get("submitter", "").strip() or None,
            "submitter_name": data.get("submitter_name", ""),
            "submitter_contact": data.get("submitter_contact", ""),
            "channel": data["channel"],
            "received_on": data["received_on"],
        }


class ActionForm(forms.Form):
    """Every input any action may take; each action's form shows its own, and ``perform``
    keeps the ones the action takes."""

    comment = forms.CharField(required=False)
    topic = forms.CharField(required=False, max_length=60)
    reason_code = forms.CharField(required=False)
    alternative_channel = forms.CharField(required=False, max_length=200)
    into = forms.IntegerField(required=False)
    into_number = forms.CharField(required=False)
    lead_unit = forms.CharField(required=False)
    joint_units = forms.MultipleChoiceField(required=False)
    assisting_units = forms.MultipleChoiceField(required=False)
    deadline_working_days = forms.IntegerField(required=False, min_value=1, max_value=1000)
    reply_class = forms.ChoiceField(required=False, choices=[("", "")] + ReplyClass.choices)
    text = forms.CharField(required=False)
    promised_date = forms.DateField(required=False)
    public = forms.BooleanField(required=False)
    rating = forms.ChoiceField(required=False, choices=[("", "")] + Rating.choices)
    extent = forms.ChoiceField(required=False, choices=[("", "")] + Extent.choices)
    place = forms.CharField(required=False, max_length=200)
    benefit = forms.CharField(required=False)
    benefit_amount = forms.DecimalField(
        required=False, min_value=0, max_digits=14, decimal_places=2
    )
    benefit_days = forms.IntegerField(required=False, min_value=0)
    benefit_people = forms.IntegerField(required=False, min_value=0)
    files = MultipleFileField(required=False)
    kind = forms.ChoiceField(required=False, choices=[("", "")] + CommendationKind.choices)
    amount = forms.DecimalField(required=False, min_value=0, max_digits=12, decimal_places=2)
    done = forms.BooleanField(required=False)
    version = forms.IntegerField(
        error_messages={"required": _("The page is out of date: reload it and try again.")},
    )

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        codes = [
            (c, c)
            for c in Unit.objects.filter(organisation=organisation).values_list("code", flat=True)
        ]
        self.fields["joint_units"].choices = codes
        self.fields["assisting_units"].choices = codes
        self.organisation = organisation

    def clean(self):
        data = super().clean()
        number = (data.get("into_number") or "").strip()
        if number and not data.get("into"):
            target = Suggestion.objects.filter(
                organisation=self.organisation, number__iexact=number
            ).first()
            if target is None:
                self.add_error(
                    "into_number",
                    _("There is no suggestion numbered “%(number)s”.") % {"number": number},
                )
            else:
                data["into"] = target.pk
        return data

    def service_params(self):
        params = {k: v for k, v in self.cleaned_data.items() if v not in (None, "", [])}
        params.pop("into_number", None)
        params.pop("version", None)
        for flag in ("public", "done"):
            params[flag] = self.cleaned_data.get(flag, False)
        return params


class SpawnTaskForm(forms.Form):
    """A supervision task from an adopted suggestion."""

    title = forms.CharField(label=_("Task title"), max_length=200)
    body = forms.CharField(
        label=_("Requirements"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    lead_unit = forms.ModelChoiceField(Unit.objects.none(), label=_("Lead unit"))
    responsible_units = forms.ModelMultipleChoiceField(
        Unit.objects.none(), required=False, label=_("Responsible units")
    )
    deadline = forms.DateField(label=_("Deadline"), required=False, widget=DateInput)
    deadline_working_days = forms.IntegerField(
        label=_("Or working days"), required=False, min_value=1, max_value=1000
    )

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        units = Unit.objects.filter(organisation=organisation)
        self.fields["lead_unit"].queryset = units
        self.fields["responsible_units"].queryset = units
        self.fields["responsible_units"].widget.attrs["size"] = 5
        for field in self.fields.values():
            css = "form-select" if hasattr(field.widget, "choices") else "form-control"
            field.widget.attrs.setdefault("class", css)
        searchable_choices(self)

    def service_kwargs(self):
        data = {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}
        data["responsible_units"] = list(self.cleaned_data.get("responsible_units") or [])
        return data


class ClaimForm(forms.Form):
    code = forms.CharField(label=_("Claim code"), max_length=40)


class ReasonForm(forms.Form):
    label = forms.CharField(label=_("Reason"), max_length=100)
    code = forms.CharField(label=_("Code (optional)"), max_length=40, required=False)
