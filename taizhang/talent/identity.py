"""Resident identity numbers (GB 11643-1999) and the masks of sensitive fields.

A number is 18 characters: a 6-digit area code, the birth date as YYYYMMDD, a 3-digit
sequence (odd for men, even for women) and a check character computed from the first 17
digits (ISO 7064 MOD 11-2), ``X`` standing for 10.
"""

import datetime
import re

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARACTERS = "10X98765432"
SHAPE = re.compile(r"[0-9]{17}[0-9X]")


def normalise(value):
    """The number as it is kept: no spaces, a lower-case x made upper-case."""
    return "".join((value or "").split()).upper()


def check_character(first17):
    return CHECK_CHARACTERS[sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True)) % 11]


def birth_date(number):
    """The birth date written in a well-formed number, or None if it is not a real date."""
    try:
        return datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return None


def problem(number):
    """Why ``number`` (normalised) is not a valid identity number, or "" if it is."""
    if len(number) != 18:
        return _("An ID number has 18 characters, not %(count)d.") % {"count": len(number)}
    if not SHAPE.fullmatch(number):
        return _("An ID number is 17 digits followed by a digit or X.")
    born = birth_date(number)
    if born is None or born.year < 1900 or born > timezone.localdate():
        return _("The birth date in the ID number (%(digits)s) is not a real date.") % {
            "digits": number[6:14]
        }
    if check_character(number[:17]) != number[17]:
        return _("The check character of the ID number is wrong: it should be %(char)s.") % {
            "char": check_character(number[:17])
        }
    return ""


def validate_id_number(value):
    if value and (message := problem(normalise(value))):
        raise ValidationError(message, code="id_number")


def _keep_ends(value, head=3, tail=4, stars=None):
    if len(value) <= head + tail:
        return "*" * len(value)
    return value[:head] + "*" * (stars or len(value) - head - tail) + value[-tail:]


def mask_id_number(value):
    """110***********1234: the first 3 and the last 4 kept."""
    return _keep_ends(value) if value else ""


def mask_phone(value):
    """138****5678: the first 3 and the last 4 kept, four stars between."""
    return _keep_ends(value, stars=4) if value else ""


def mask_email(value):
    """z***@example.com: the first letter of the mailbox and the domain kept."""
    if not value:
        return ""
    local, at, domain = value.partition("@")
    return f"{local[:1]}***{at}{domain}"


MASKS = {"id_number": mask_id_number, "phone": mask_phone, "email": mask_email}
