from django import forms
from django.contrib.auth import authenticate, password_validation
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from taizhang.utils.addresses import client_address
from taizhang.utils.forms import searchable_choices

from . import security
from .choices import Role
from .models import Unit, User
from .passwords import PasswordHistoryValidator


class Styled:
    """Tabler's classes on every widget."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput | forms.CheckboxSelectMultiple):
                css = "form-check-input"
            elif hasattr(widget, "choices") and not isinstance(widget, forms.SelectMultiple):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs.setdefault("class", css)


class LoginForm(AuthenticationForm):
    """The login page's form, with the lock-out's message when the account is locked."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("Wrong user name or password."),
    }

    def clean(self):
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if username is not None and password:
            self.user_cache = authenticate(self.request, username=username, password=password)
            if (lockout := getattr(self.request, "login_lockout", None)) is not None:
                raise ValidationError(security.locked_message(lockout), code="locked")
            if self.user_cache is None:
                raise self.get_invalid_login_error()
            self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data


class CodeForm(Styled, forms.Form):
    code = forms.CharField(
        label=_("Six-digit code"),
        max_length=10,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class OwnPasswordForm(Styled, PasswordChangeForm):
    """Change one's own password; a wrong current password counts as a failed sign-in."""

    def __init__(self, *args, request=None, **kwargs):
        self.request = request
        super().__init__(*args, **kwargs)

    def clean_old_password(self):
        try:
            security.check(self.user.username, client_address(self.request))
        except security.LoginLocked as locked:  # no more guessing once locked
            raise ValidationError(locked.message) from None
        try:
            return super().clean_old_password()
        except ValidationError:
            security.refuse(self.request, self.user.username)
            raise


class UnitChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class UserForm(Styled, forms.ModelForm):
    """A system administrator edits a business user of their organisation."""

    units = UnitChoiceField(
        queryset=Unit.objects.none(),
        required=False,
        label=_("units"),
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = User
        fields = ["display_name", "phone", "is_active"]

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["units"].queryset = Unit.objects.filter(organisation=organisation)
        if self.instance.pk:
            self.fields["units"].initial = list(self.instance.units.all())


class NewUserForm(UserForm):
    username = forms.CharField(label=_("User name"), max_length=150)
    password = forms.CharField(
        label=_("Initial password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("The user must change it at the first sign-in."),
    )

    class Meta(UserForm.Meta):
        fields = ["username", "display_name", "phone"]

    def clean_username(self):
        username = self.cleaned_data["username"].strip()
        User.username_validator(username)
        if User.objects.filter(username=username).exists():
            raise ValidationError(_("This user name is taken."))
        return username

    def clean(self):
        data = super().clean()
        if data.get("password"):
            probe = User(username=data.get("username", ""), display_name=data.get("display_name"))
            try:
                password_validation.validate_password(data["password"], probe)
            except ValidationError as error:
                self.add_error("password", error)
        return data


class ResetPasswordForm(Styled, forms.Form):
    password = forms.CharField(
        label=_("New password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("The user must change it at the next sign-in."),
    )

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_password(self):
        password = self.cleaned_data["password"]
        # Every rule but the history: "must differ from the last five" would tell the
        # administrator whether a guess was the user's password. The user changes it anyway.
        validators = [
            v
            for v in password_validation.get_default_password_validators()
            if not isinstance(v, PasswordHistoryValidator)
        ]
        password_validation.validate_password(password, self.user, validators)
        return password


class UnitForm(Styled, forms.ModelForm):
    class Meta:
        model = Unit
        fields = ["code", "name", "short_name", "aliases", "kind", "parent", "sort_order"]
        widgets = {"aliases": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.organisation = organisation
        parents = Unit.objects.filter(organisation=organisation)
        if self.instance.pk:
            parents = parents.exclude(pk=self.instance.pk)
        self.fields["parent"].queryset = parents
        self.fields["aliases"].help_text = _("One a line: abbreviations and older names.")
        searchable_choices(self)


class RoleForm(Styled, forms.Form):
    role = forms.ChoiceField(label=_("role"), choices=Role.choices)
