"""The vocabulary of the ledger: states, lights, sources and actions, each with its colour."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from taizhang.utils.choices import ColouredChoices


class Status(ColouredChoices):
    DRAFT = "draft", _("Draft")  # 立项
    APPROVED = "approved", _("Approved")  # 审核通过
    ASSIGNED = "assigned", _("Assigned")  # 交办
    SIGNED = "signed", _("Signed for")  # 签收
    IN_PROGRESS = "in_progress", _("In progress")  # 办理中
    RETURNED = "returned", _("Returned")  # 退回
    COMPLETION_REPORTED = "completion_reported", _("Completion reported")  # 办结报告
    CLOSED = "closed", _("Closed")  # 销号 (verified)
    CANCELLED = "cancelled", _("Cancelled")  # 中止

    @classmethod
    def open_states(cls):
        """States in which the units are working and the deadline runs."""
        return {cls.ASSIGNED, cls.SIGNED, cls.IN_PROGRESS, cls.RETURNED, cls.COMPLETION_REPORTED}

    @classmethod
    def final_states(cls):
        return {cls.CLOSED, cls.CANCELLED}


Status.COLOURS = {
    Status.DRAFT: "secondary",
    Status.APPROVED: "cyan",
    Status.ASSIGNED: "azure",
    Status.SIGNED: "indigo",
    Status.IN_PROGRESS: "blue",
    Status.RETURNED: "orange",
    Status.COMPLETION_REPORTED: "purple",
    Status.CLOSED: "green",
    Status.CANCELLED: "dark",
}


class Light(ColouredChoices):
    """督办灯. Computed from the deadline and the reported progress; see lights.py."""

    NONE = "none", _("No light")
    GREEN = "green", _("Green")
    BLUE = "blue", _("Blue: due soon")
    YELLOW = "yellow", _("Yellow: behind or returned")
    RED = "red", _("Red: overdue")


Light.COLOURS = {
    Light.NONE: "secondary",
    Light.GREEN: "green",
    Light.BLUE: "blue",
    Light.YELLOW: "yellow",
    Light.RED: "red",
}


class SourceKind(models.TextChoices):
    MEETING = "meeting", _("Meeting")  # 会议
    SPEECH = "speech", _("Speech")  # 讲话
    DOCUMENT = "document", _("Document")  # 文件
    INSTRUCTION = "instruction", _("Leader instruction")  # 领导批示
    PLAN = "plan", _("Plan")  # 计划
    SUGGESTION = "suggestion", _("Suggestion")  # 建言献策
    RECTIFICATION = "rectification", _("Rectification")  # 整改


class Priority(ColouredChoices):
    NORMAL = "normal", _("Normal")
    HIGH = "high", _("High")
    URGENT = "urgent", _("Urgent")

    def raised(self):
        """The next level up (督办 escalation); the highest stays where it is."""
        levels = list(Priority)
        return levels[min(levels.index(self) + 1, len(levels) - 1)]


Priority.COLOURS = {Priority.NORMAL: "secondary", Priority.HIGH: "orange", Priority.URGENT: "red"}


class UnitRole(models.TextChoices):
    LEAD = "lead", _("Lead unit")  # 牵头单位
    RESPONSIBLE = "responsible", _("Responsible unit")  # 责任单位
    COOPERATING = "cooperating", _("Cooperating unit")  # 配合单位
    SUPERVISING = "supervising", _("Supervising unit")  # 督办单位

    @classmethod
    def acting(cls):
        """Roles whose units do the work, sign for it and may see it."""
        return {cls.LEAD, cls.RESPONSIBLE, cls.COOPERATING}


class Action(models.TextChoices):
    """What happened to a task: the transitions, and the other events of its timeline."""

    CREATE = "create", _("Registered")  # 立项
    EDIT = "edit", _("Edited")
    APPROVE = "approve", _("Approved")  # 审核
    ASSIGN = "assign", _("Assigned")  # 交办
    SIGN = "sign", _("Signed for")  # 签收
    PROGRESS = "progress", _("Progress reported")  # 反馈
    SUBMIT_COMPLETION = "submit_completion", _("Completion reported")  # 办结报告
    VERIFY = "verify", _("Verified and closed")  # 复核销号
    RETURN = "return", _("Returned")  # 退回
    REQUEST_EXTENSION = "request_extension", _("Extension requested")  # 延期申请
    DECIDE_EXTENSION = "decide_extension", _("Extension decided")
    CANCEL = "cancel", _("Cancelled")  # 中止
    REMIND = "remind", _("Reminder sent")  # 催办, written by hand
    LIGHT = "light", _("Light changed")  # the daily job: 亮红灯 and the like
    COMMENT = "comment", _("Comment")
    INSTRUCT = "instruct", _("Leader instruction")  # 批示
    ESCALATE = "escalate", _("Escalated for instruction")  # 升级督办: a leader's 批示 requested
    ATTACH = "attach", _("Attachment added")


# What a button says: the imperative of each transition (the labels above name past events).
Action.VERBS = {
    Action.APPROVE: _("Approve"),
    Action.ASSIGN: _("Assign"),
    Action.SIGN: _("Sign for"),
    Action.PROGRESS: _("Report progress"),
    Action.SUBMIT_COMPLETION: _("Report completion"),
    Action.VERIFY: _("Verify and close"),
    Action.RETURN: _("Return"),
    Action.REQUEST_EXTENSION: _("Request extension"),
    Action.DECIDE_EXTENSION: _("Decide extension"),
    Action.CANCEL: _("Cancel task"),
    Action.REMIND: _("Send reminder"),
    Action.ESCALATE: _("Escalate"),
}


class ExtensionStatus(ColouredChoices):
    PENDING = "pending", _("Pending")
    APPROVED = "approved", pgettext_lazy("extension request", "Approved")  # 已批准
    REFUSED = "refused", _("Refused")


ExtensionStatus.COLOURS = {
    ExtensionStatus.PENDING: "yellow",
    ExtensionStatus.APPROVED: "green",
    ExtensionStatus.REFUSED: "red",
}
