"""The e-mail channel: one Message as a mail (HTML and plain text) in its reader's language,
sent through Django's default mailer (``settings.MAILERS``, from ``TAIZHANG_EMAIL_*``).

The HTML is made for intranet mail clients: inline styles only, no image, no external resource,
no web font. The caller activates the recipient's language before building or sending.
"""

import smtplib

from django.conf import settings
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.mail.handler import DEFAULT_MAILER_ALIAS, DEFAULT_MAILER_BACKEND
from django.core.validators import validate_email
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext

from .message import Answer
from .wording import fact_line, link_label, title_line

DUMMY_BACKEND = "django.core.mail.backends.dummy.EmailBackend"


def available():
    """Whether e-mail can be sent at all: a mailer other than Django's dummy one."""
    config = settings.MAILERS.get(DEFAULT_MAILER_ALIAS)
    return config is not None and config.get("BACKEND", DEFAULT_MAILER_BACKEND) != DUMMY_BACKEND


def preferences_url():
    """The address of the reader's notification preferences; empty without a base URL."""
    base = settings.TAIZHANG_BASE_URL.rstrip("/")
    return base + reverse("notify:preferences") if base else ""


def build_email(message, address):
    """The mail of one message to one address: subject, plain text and HTML alternative."""
    context = {
        "message": message,
        "title": title_line(message),
        "facts": [fact_line(label, value) for label, value in message.facts],
        "link_label": link_label(message),
        "link_line": fact_line(link_label(message), message.url),
        "preferences_url": preferences_url(),
    }
    email = mail.EmailMultiAlternatives(
        subject=settings.TAIZHANG_EMAIL_SUBJECT_PREFIX + title_line(message),
        body=render_to_string("notify/email/message.txt", context),
        to=[address],
    )
    email.attach_alternative(render_to_string("notify/email/message.html", context), "text/html")
    return email


def send_email(message, address):
    """Send one message; the Answer says whether trying again may help (never raises for the
    mail server's refusals or an unreachable server)."""
    try:
        validate_email(address)
    except ValidationError:
        return Answer(ok=False, text=gettext("Not an e-mail address."))
    try:
        sent = build_email(message, address).send()
    except (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused) as exc:
        return Answer(ok=False, text=_answer_text(exc))
    except smtplib.SMTPDataError as exc:
        # 5xx: the server refuses this very mail for good; 4xx: try later.
        return Answer(ok=False, text=_answer_text(exc), retry=exc.smtp_code < 500)
    except ValueError as exc:  # an address Django cannot write into a header
        return Answer(ok=False, text=_answer_text(exc))
    except OSError as exc:  # SMTPException, refused connection, timeout
        return Answer(ok=False, text=_answer_text(exc), retry=True)
    if not sent:
        return Answer(ok=False, text=gettext("The mail was not sent."), retry=True)
    return Answer(ok=True)


def _answer_text(exc):
    """The server's answer as the delivery records it, without the SMTP password."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        text = "; ".join(f"{code} {_decode(reply)}" for code, reply in exc.recipients.values())
    elif isinstance(exc, smtplib.SMTPResponseException):
        text = f"{exc.smtp_code} {_decode(exc.smtp_error)}"
    else:
        text = f"{type(exc).__name__}: {exc}"
    options = settings.MAILERS.get(DEFAULT_MAILER_ALIAS, {}).get("OPTIONS", {})
    if password := options.get("password"):
        text = text.replace(password, "********")
    return text


def _decode(reply):
    return reply.decode(errors="replace") if isinstance(reply, bytes) else str(reply)
