from django.utils import timezone, translation
from django.utils.functional import Promise, lazy

from .models import Notification, fit_title


def _interpolate(text, params):
    return str(text) % {k: str(v) if isinstance(v, Promise) else v for k, v in params.items()}


# ``text % params`` put off until the text is read, so it is written in the reader's language:
# for titles composed before their recipients are known (text from gettext_lazy).
lazy_message = lazy(_interpolate, str)


def in_language(user):
    """The translation a notification to ``user`` is written in (a context manager)."""
    return translation.override(user.notification_language())


def notify(recipients, *, title, body="", url=""):
    """One in-app notification per recipient, written in the caller's transaction so that it
    exists exactly when the change it announces does.

    ``title`` and ``body`` may be lazy (gettext_lazy, format_lazy, ``lazy_message``): each
    recipient reads them in their own language."""
    recipients = {r.pk: r for r in recipients if r.is_active}.values()
    if not recipients:
        return
    written = {}
    rows = []
    for recipient in recipients:
        language = recipient.notification_language()
        if language not in written:
            with translation.override(language):
                written[language] = fit_title(str(title)), str(body)
        title_text, body_text = written[language]
        rows.append(Notification(recipient=recipient, title=title_text, body=body_text, url=url))
    Notification.objects.bulk_create(rows)


def mark_read(user, pk=None):
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if pk is not None:
        unread = unread.filter(pk=pk)
    return unread.update(read_at=timezone.now())
