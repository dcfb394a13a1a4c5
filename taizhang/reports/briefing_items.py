"""A 工作简报's items: a closed task, an adopted suggestion or a held meeting, chosen by the
office and written up. Each item names its record, which the editor must be able to see;
its text starts from the record and is the office's to edit."""

from django.apps import apps
from django.utils.translation import gettext as _

from taizhang.supervision.choices import Status as TaskStatus
from taizhang.supervision.models import Task
from taizhang.utils.errors import WorkflowError
from taizhang.utils.text import clean_text

from .choices import ItemKind

CANDIDATES = 15  # of each kind offered on the editor


def _models():
    found = {ItemKind.TASK: Task.objects.filter(status=TaskStatus.CLOSED)}
    if apps.is_installed("taizhang.suggestions"):
        from taizhang.suggestions.models import Suggestion

        found[ItemKind.SUGGESTION] = Suggestion.objects.filter(adopted_at__isnull=False)
    if apps.is_installed("taizhang.meetings"):
        from taizhang.meetings.choices import Status as MeetingStatus
        from taizhang.meetings.models import Meeting

        found[ItemKind.MEETING] = Meeting.objects.filter(status__in=MeetingStatus.held_states())
    return found


def default_text(kind, record):
    if kind == ItemKind.TASK:
        return record.latest_progress or record.body
    if kind == ItemKind.SUGGESTION:
        return getattr(record, "adoption_note", "") or record.body[:500]
    return getattr(record, "summary", "") or ""


def candidates(user):
    """[(kind, label, [records])]: the latest closed tasks, adopted suggestions and meetings."""
    found = []
    for kind, queryset in _models().items():
        rows = list(
            queryset.model.objects.visible_to(user).filter(pk__in=queryset.values("pk"))[
                :CANDIDATES
            ]
        )
        found.append((kind, ItemKind(kind).label, rows))
    return found


def clean(user, items, limit):
    models = _models()
    cleaned = []
    for item in items:
        kind = item.get("kind")
        if kind not in models:
            raise WorkflowError(_("An item of an unknown kind."))
        try:
            pk = int(item.get("id"))
        except (TypeError, ValueError):
            raise WorkflowError(_("An item names no record.")) from None
        model = models[kind].model
        record = model.objects.visible_to(user).filter(pk=pk).first()
        if record is None:
            raise WorkflowError(_("An item names a record you cannot see or that is gone."))
        body = clean_text(item.get("text") or default_text(kind, record) or "").strip()
        if len(body) > limit:
            raise WorkflowError(
                _("An item's text has at most %(limit)d characters.") % {"limit": limit}
            )
        title = clean_text(item.get("title") or str(record)).strip()[:200]
        cleaned.append({"kind": kind, "id": pk, "title": title, "text": body})
    return cleaned
