from django.utils import timezone

from .models import Notification, fit_title


def notify(recipients, *, title, body="", url=""):
    """One in-app notification per recipient, written in the caller's transaction so that it
    exists exactly when the change it announces does."""
    title = fit_title(title)
    recipients = {r.pk: r for r in recipients if r.is_active}.values()
    if not recipients:
        return
    rows = [Notification(recipient=r, title=title, body=body, url=url) for r in recipients]
    Notification.objects.bulk_create(rows)


def mark_read(user, pk=None):
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if pk is not None:
        unread = unread.filter(pk=pk)
    return unread.update(read_at=timezone.now())
