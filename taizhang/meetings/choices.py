"""The vocabulary of meetings: kinds, states, actions, answers and attendance."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from taizhang.utils.choices import ColouredChoices


class MechanismKind(models.TextChoices):
    JOINT_MEETING = "joint_meeting", _("Joint meeting system")  # 联席会议制度
    LEADING_GROUP = "leading_group", _("Leading group")  # 领导小组
    TASK_FORCE = "task_force", _("Task force")  # 工作专班


class MemberRole(models.TextChoices):
    CONVENER = "convener", _("Convener")  # 召集单位
    MEMBER = "member", _("Member")  # 成员单位


class MeetingKind(models.TextChoices):
    JOINT = "joint", _("Joint meeting")  # 联席会议
    STANDING = "standing", _("Standing committee meeting")  # 常务会议
    OFFICE = "office", _("Office meeting")  # 办公会
    CONSULTATION = "consultation", _("Economic consultation meeting")  # 经济会商会
    EXCHANGE = "exchange", _("Experience exchange meeting")  # 经验交流会
    SITE_VISIT = "site_visit", _("On-site visit")  # 现场观摩会
    SEMINAR = "seminar", _("Seminar")  # 专题研讨会
    FORUM = "forum", _("Forum")  # 论坛

    @classmethod
    def exchange_events(cls):
        """交流活动: kinds that keep speakers, photos and a short report besides minutes."""
        return {cls.EXCHANGE, cls.SITE_VISIT, cls.SEMINAR, cls.FORUM}


class JointSession(models.TextChoices):
    """The two sittings of a joint meeting."""

    PLENARY = "plenary", _("Plenary meeting")  # 全体会议
    LIAISON = "liaison", _("Liaison officers' meeting")  # 联络员会议


class Status(ColouredChoices):
    PLANNED = "planned", pgettext_lazy("meeting status", "Planned")  # 计划
    NOTIFIED = "notified", _("Notice sent")  # 已发通知
    HELD = "held", _("Held")  # 已召开
    MINUTES_DRAFTED = "minutes_drafted", _("Minutes drafted")  # 纪要起草
    COUNTERSIGNING = "countersigning", _("Countersigning")  # 会签中
    ISSUED = "issued", _("Minutes issued")  # 已印发, decisions being followed
    CLOSED = "closed", pgettext_lazy("meeting status", "Closed")  # 议定事项全部办结
    CANCELLED = "cancelled", pgettext_lazy("meeting status", "Cancelled")  # 已取消

    @classmethod
    def held_states(cls):
        """The meeting took place: it counts as held against the plan."""
        return {cls.HELD, cls.MINUTES_DRAFTED, cls.COUNTERSIGNING, cls.ISSUED, cls.CLOSED}

    @classmethod
    def upcoming_states(cls):
        return {cls.PLANNED, cls.NOTIFIED}


Status.COLOURS = {
    Status.PLANNED: "secondary",
    Status.NOTIFIED: "cyan",
    Status.HELD: "blue",
    Status.MINUTES_DRAFTED: "indigo",
    Status.COUNTERSIGNING: "purple",
    Status.ISSUED: "teal",
    Status.CLOSED: "green",
    Status.CANCELLED: "dark",
}


class Action(models.TextChoices):
    CREATE = "create", _("Planned")  # 计划: not a transition, the timeline's first line
    EDIT = "edit", _("Edit")  # 修改会议信息
    SEND_NOTICE = "send_notice", _("Send the notice")  # 发会议通知
    RESPOND = "respond", _("Reply to the notice")  # 回执: 参会 / 代会 / 请假
    RECORD_ATTENDANCE = "record_attendance", _("Record attendance")  # 签到
    HOLD = "hold", _("Mark as held")  # 召开
    WRITE_MINUTES = "write_minutes", _("Write the minutes")  # 起草纪要 and 议定事项
    REQUEST_COUNTERSIGN = "request_countersign", _("Request countersignature")  # 发起会签
    COUNTERSIGN = "countersign", _("Countersign")  # 会签: 同意
    OBJECT = "object", _("Object to the minutes")  # 会签: 不同意, back to the secretary
    WITHDRAW_COUNTERSIGN = "withdraw_countersign", _("Take the minutes back")  # 撤回会签
    ISSUE = "issue", _("Issue the minutes")  # 印发
    APPROVE_TASKS = "approve_tasks", _("Approve the decisions' tasks")  # 批准议定事项
    ASSIGN_TASKS = "assign_tasks", _("Assign the decisions' tasks")  # 交办议定事项
    CLOSE = "close", _("Close")  # all decisions done
    CANCEL = "cancel", _("Cancel the meeting")  # 取消
    REMIND = "remind", _("Reminder")  # not a button: the daily job's reminders on the timeline
    TO_SUGGESTION = "to_suggestion", _("Hand over as a suggestion")  # 转建言献策

    @classmethod
    def buttons(cls):
        """Actions that are a button of their own on the meeting page (the others have their
        own forms or are taken by the system)."""
        return [
            cls.SEND_NOTICE,
            cls.HOLD,
            cls.REQUEST_COUNTERSIGN,
            cls.WITHDRAW_COUNTERSIGN,
            cls.ISSUE,
            cls.APPROVE_TASKS,
            cls.ASSIGN_TASKS,
            cls.CANCEL,
        ]


Action.VERBS = {
    Action.CREATE: _("Plan a meeting"),
    Action.EDIT: _("Edit"),
    Action.SEND_NOTICE: _("Send the notice"),
    Action.RESPOND: _("Reply to the notice"),
    Action.RECORD_ATTENDANCE: _("Record attendance"),
    Action.HOLD: _("Mark as held"),
    Action.WRITE_MINUTES: _("Write the minutes"),
    Action.REQUEST_COUNTERSIGN: _("Request countersignature"),
    Action.COUNTERSIGN: _("Countersign"),
    Action.OBJECT: _("Object to the minutes"),
    Action.WITHDRAW_COUNTERSIGN: _("Take the minutes back"),
    Action.ISSUE: _("Issue the minutes"),
    Action.APPROVE_TASKS: _("Approve the decisions' tasks"),
    Action.ASSIGN_TASKS: _("Assign the decisions' tasks"),
    Action.CLOSE: _("Close"),
    Action.CANCEL: _("Cancel the meeting"),
    Action.REMIND: _("Remind"),
    Action.TO_SUGGESTION: _("Hand over as a suggestion"),
}


class GuestKind(models.TextChoices):
    EXPERT = "expert", _("Non-party expert")  # 党外专家
    ENTREPRENEUR = "entrepreneur", _("Entrepreneur")  # 企业家
    OTHER = "other", _("Other guest")


class Response(ColouredChoices):
    """回执: the invited's answer to the notice."""

    PENDING = "pending", _("No reply yet")
    ATTENDING = "attending", _("Will attend")  # 参会
    SUBSTITUTE = "substitute", _("Sends a substitute")  # 代会
    DECLINED = "declined", _("Cannot attend")  # 请假


Response.COLOURS = {
    Response.PENDING: "secondary",
    Response.ATTENDING: "green",
    Response.SUBSTITUTE: "azure",
    Response.DECLINED: "orange",
}


class Attendance(ColouredChoices):
    UNKNOWN = "", _("Not recorded")
    PRESENT = "present", _("Present")  # 出席
    EXCUSED = "excused", _("Excused")  # 请假
    ABSENT = "absent", _("Absent")  # 缺席


Attendance.COLOURS = {
    Attendance.UNKNOWN: "secondary",
    Attendance.PRESENT: "green",
    Attendance.EXCUSED: "orange",
    Attendance.ABSENT: "red",
}


class DecisionState(ColouredChoices):
    """A 议定事项 proposed by the text engine waits for the secretary; written ones are accepted."""

    PROPOSED = "proposed", _("Proposed")
    ACCEPTED = "accepted", pgettext_lazy("decision state", "Accepted")
    DROPPED = "dropped", _("Dropped")


DecisionState.COLOURS = {
    DecisionState.PROPOSED: "yellow",
    DecisionState.ACCEPTED: "green",
    DecisionState.DROPPED: "secondary",
}


class Answer(ColouredChoices):
    """会签: a unit's answer to the minutes."""

    PENDING = "pending", _("Waiting")
    AGREED = "agreed", _("Agreed")  # 同意
    DISAGREED = "disagreed", _("Disagreed")  # 不同意, with its opinion
    DEEMED = "deemed", _("Deemed agreed")  # 逾期未反馈视为同意


Answer.COLOURS = {
    Answer.PENDING: "secondary",
    Answer.AGREED: "green",
    Answer.DISAGREED: "red",
    Answer.DEEMED: "lime",
}


class FileKind(models.TextChoices):
    MATERIAL = "material", _("Meeting material")  # 会议材料
    PHOTO = "photo", _("Photo")  # 活动照片
    MINUTES = "minutes", _("Minutes file")  # 纪要文件
