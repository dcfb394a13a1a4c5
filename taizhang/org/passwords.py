"""Password rules beyond Django's own (length, user name, common passwords)."""

import string

from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext


def character_classes(password):
    """How many of upper case, lower case, digits and other characters the password uses."""
    return sum(
        [
            any(c.isupper() for c in password),
            any(c.islower() for c in password),
            any(c.isdigit() for c in password),
            any(not c.isalnum() or c in string.punctuation for c in password),
        ]
    )


class CharacterClassesValidator:
    """At least ``min_classes`` of the four classes: upper case, lower case, digit, symbol."""

    def __init__(self, min_classes=3):
        self.min_classes = min_classes

    def validate(self, password, user=None):
        if character_classes(password) < self.min_classes:
            raise ValidationError(self.get_help_text(), code="password_too_simple")

    def get_help_text(self):
        return _(
            "Your password must use at least %(count)d of: upper-case letters, lower-case "
            "letters, digits and symbols."
        ) % {"count": self.min_classes}


class NotUserNameValidator:
    """Does not contain the user name, forwards or backwards. Django's similarity check compares
    whole strings, so it lets ``duban2026!X`` through for the user ``duban``."""

    min_length = 3

    def validate(self, password, user=None):
        name = (getattr(user, "username", "") or "").lower()
        if len(name) < self.min_length:
            return
        lowered = password.lower()
        if name in lowered or name[::-1] in lowered:
            raise ValidationError(self.get_help_text(), code="password_contains_username")

    def get_help_text(self):
        return _("Your password cannot contain your user name.")


class PasswordHistoryValidator:
    """Not one of the user's last ``count`` passwords. Keeps the history itself: Django calls
    ``password_changed`` each time a user with a new password is saved."""

    def __init__(self, count=5):
        self.count = count

    def _recent(self, user):
        return user.password_history.all()[: self.count]

    def validate(self, password, user=None):
        if user is None or user.pk is None:
            return
        if any(check_password(password, old.password) for old in self._recent(user)):
            raise ValidationError(
                ngettext(
                    "Your password must differ from your last password.",
                    "Your password must differ from your last %(count)d passwords.",
                    self.count,
                )
                % {"count": self.count},
                code="password_reused",
            )

    def password_changed(self, password, user=None):
        if user is None or user.pk is None or not user.has_usable_password():
            return
        user.password_history.create(password=user.password)
        keep = list(user.password_history.values_list("pk", flat=True)[: self.count])
        user.password_history.exclude(pk__in=keep).delete()

    def get_help_text(self):
        return ngettext(
            "Your password cannot be your last password.",
            "Your password cannot be one of your last %(count)d passwords.",
            self.count,
        ) % {"count": self.count}
