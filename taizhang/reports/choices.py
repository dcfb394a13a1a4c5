from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from taizhang.utils.choices import ColouredChoices


class Kind(models.TextChoices):
    NOTICE = "notice", _("Supervision notice")  # 督办通报
    BRIEFING = "briefing", _("Work briefing")  # 工作简报


class Status(ColouredChoices):
    DRAFT = "draft", pgettext_lazy("bulletin status", "Draft")  # 草稿: editable
    ISSUED = "issued", pgettext_lazy("bulletin status", "Issued")  # 印发: archived, unchanging


Status.COLOURS = {Status.DRAFT: "secondary", Status.ISSUED: "green"}


class Action(models.TextChoices):
    CREATE = "create", _("Drafted")
    EDIT = "edit", _("Edited")
    ISSUE = "issue", _("Issued")
    DELETE = "delete", _("Deleted")


class ItemKind(models.TextChoices):
    """What a briefing's item tells of (简报素材)."""

    TASK = "task", _("Closed task")
    SUGGESTION = "suggestion", _("Adopted suggestion")
    MEETING = "meeting", _("Meeting")
