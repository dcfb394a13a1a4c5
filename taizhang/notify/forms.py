"""The forms that configure the channels: a group robot (its address and secret write-only),
the organisation's notification settings, a person's own preferences."""

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from taizhang.org.models import Unit
from taizhang.utils.forms import TimeInput, unit_field

from .choices import ChannelKind
from .models import OrganisationSettings, Preference

SECRET_HELP = _(
    "Only for a DingTalk or Feishu robot with signing (加签) enabled; WeCom robots have none."
)
KEPT_HELP = _("Leave blank to keep the stored one; it is never shown again.")


def _write_only(label, help_text, required):
    """An input whose value is never sent back to the browser (a webhook holds its key)."""
    return forms.CharField(
        label=capfirst(label),
        required=required,
        strip=True,
        max_length=1000,
        help_text=help_text,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
    )


class RobotForm(forms.Form):
    """A new group robot: whose group, which platform, its address and signing secret."""

    unit = forms.ModelChoiceField(
        label=capfirst(_("unit")),
        queryset=Unit.objects.none(),
        required=False,
        help_text=_("Leave empty for the organisation's own group."),
    )
    kind = forms.ChoiceField(
        label=capfirst(_("platform")), choices=[(k.value, k.label) for k in ChannelKind.robots()]
    )
    name = forms.CharField(label=capfirst(_("name")), max_length=100, required=False)
    url = _write_only(
        _("webhook address"), _("Copy it whole from the group's robot settings."), True
    )
    secret = _write_only(_("signing secret"), SECRET_HELP, False)

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.filter(organisation=organisation)
        unit_field(self.fields["unit"])


class RobotChangeForm(forms.Form):
    """An existing robot: its name, whether it is used, a new address or secret (blank: kept)."""

    name = forms.CharField(label=capfirst(_("name")), max_length=100, required=False)
    is_active = forms.BooleanField(label=capfirst(_("active")), required=False)
    url = _write_only(_("new webhook address"), KEPT_HELP, False)
    secret = _write_only(_("new signing secret"), KEPT_HELP, False)
    forget_secret = forms.BooleanField(
        label=_("Remove the stored signing secret"),
        required=False,
        help_text=_("When signing (加签) was turned off in the group's robot settings."),
    )

    def clean(self):
        data = super().clean()
        if data.get("secret") and data.get("forget_secret"):
            raise forms.ValidationError(
                _("Enter a new signing secret or remove the stored one, not both.")
            )
        return data


class SettingsForm(forms.ModelForm):
    """The organisation's rules: which channels it uses, its quiet hours, the digest's hour,
    how many reminders a unit's group gets a day."""

    channels = forms.MultipleChoiceField(
        label=capfirst(_("channels in use")),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("In-app notifications are always on."),
    )

    class Meta:
        model = OrganisationSettings
        fields = ["channels", "quiet_start", "quiet_end", "digest_at", "unit_reminders_per_day"]
        widgets = {"quiet_start": TimeInput, "quiet_end": TimeInput, "digest_at": TimeInput}

    def __init__(self, *args, available, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["channels"].choices = [
            (kind.value, _channel_label(kind, available)) for kind in CONFIGURABLE
        ]


CONFIGURABLE = (ChannelKind.EMAIL, ChannelKind.SMS, *ChannelKind.robots())


def _channel_label(kind, available):
    if available.get(kind, True):
        return kind.label
    return _("%(channel)s (not configured on this installation)") % {"channel": kind.label}


class PreferenceForm(forms.ModelForm):
    """How the signed-in person wants to be reached, beyond the in-app notifications, and the
    address and number that e-mail and SMS (and a group robot's @) go to."""

    address = forms.EmailField(label=_("E-mail address"), required=False, max_length=254)
    phone = forms.RegexField(
        label=_("Mobile phone"),
        required=False,
        max_length=30,
        regex=r"^\+?[0-9][0-9 -]{5,28}$",
        error_messages={"invalid": _("Enter a phone number of digits (a leading + allowed).")},
    )
    field_order = ["address", "email", "phone", "sms"]

    class Meta:
        model = Preference
        fields = [
            "email",
            "sms",
            "quiet_hours",
            "digest",
            "wecom_user_id",
            "dingtalk_user_id",
            "feishu_open_id",
        ]

    def __init__(self, *args, notes, **kwargs):
        super().__init__(*args, **kwargs)
        user = self.instance.user
        self.fields["address"].initial, self.fields["phone"].initial = user.email, user.phone
        for name, note in notes.items():
            self.fields[name].help_text = note
