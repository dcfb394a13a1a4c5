"""The vocabulary of 建言献策: states, channels, the units' parts, reply classes and ratings."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from taizhang.utils.choices import ColouredChoices


class Status(ColouredChoices):
    SUBMITTED = "submitted", pgettext_lazy("suggestion status", "Submitted")  # 待受理
    WITHDRAWN = "withdrawn", _("Withdrawn")  # 已撤回
    ACCEPTED = "accepted", pgettext_lazy("suggestion status", "Accepted")  # 已立案
    REFUSED = "refused", _("Not accepted")  # 不予立案
    MERGED = "merged", _("Merged")  # 已并案
    ASSIGNED = "assigned", _("Assigned")  # 已交办
    RETURNED = "returned", _("Returned by the unit")  # 退回待重新交办
    IN_HAND = "in_hand", _("Being handled")  # 办理中
    REPLY_REVIEW = "reply_review", _("Reply under review")  # 答复审核
    REPLIED = "replied", _("Replied")  # 已答复, waiting for the rating
    CLOSED = "closed", pgettext_lazy("suggestion status", "Closed")  # 已办结 (rated)

    @classmethod
    def handling_states(cls):
        """States in which the units work and the reply deadline runs."""
        return {cls.ASSIGNED, cls.IN_HAND, cls.REPLY_REVIEW}

    @classmethod
    def final_states(cls):
        """Nothing more happens to these, except adoption and what follows it for CLOSED."""
        return {cls.WITHDRAWN, cls.REFUSED, cls.MERGED, cls.CLOSED}

    @classmethod
    def accepted_states(cls):
        """立案: every state a suggestion reaches once it was accepted."""
        return {
            cls.ACCEPTED,
            cls.ASSIGNED,
            cls.RETURNED,
            cls.IN_HAND,
            cls.REPLY_REVIEW,
            cls.REPLIED,
            cls.CLOSED,
        }


Status.COLOURS = {
    Status.SUBMITTED: "cyan",
    Status.WITHDRAWN: "secondary",
    Status.ACCEPTED: "azure",
    Status.REFUSED: "dark",
    Status.MERGED: "secondary",
    Status.ASSIGNED: "indigo",
    Status.RETURNED: "orange",
    Status.IN_HAND: "blue",
    Status.REPLY_REVIEW: "purple",
    Status.REPLIED: "teal",
    Status.CLOSED: "green",
}


class Channel(models.TextChoices):
    """How the suggestion reached us: online by the submitter, or entered by staff."""

    ONLINE = "online", _("Online")  # 网上提交
    LETTER = "letter", _("Letter")  # 来信
    SYMPOSIUM = "symposium", _("Symposium")  # 座谈会
    RESEARCH = "research", _("Field research")  # 调研
    FORUM = "forum", _("Forum")  # 论坛
    MEETING = "meeting", _("Meeting")  # 会议
    HOTLINE = "hotline", _("Hotline")  # 热线
    OTHER = "other", _("Other")

    @classmethod
    def offline(cls):
        return [c for c in cls if c != cls.ONLINE]


class UnitPart(models.TextChoices):
    LEAD = "lead", pgettext_lazy("suggestion", "Lead unit")  # 主办
    JOINT = "joint", _("Joint unit")  # 会办
    ASSISTING = "assisting", _("Assisting unit")  # 协办


class ReplyClass(ColouredChoices):
    A = "A", _("A: solved or adopted")
    B = "B", _("B: being solved or planned")
    C = "C", _("C: not possible now")


ReplyClass.COLOURS = {ReplyClass.A: "green", ReplyClass.B: "blue", ReplyClass.C: "orange"}


class Rating(ColouredChoices):
    SATISFIED = "satisfied", _("Satisfied")  # 满意
    BASICALLY_SATISFIED = "basically_satisfied", _("Basically satisfied")  # 基本满意
    DISSATISFIED = "dissatisfied", _("Dissatisfied")  # 不满意

    @classmethod
    def content(cls):
        """The ratings counted in the satisfaction rate (满意率)."""
        return {cls.SATISFIED, cls.BASICALLY_SATISFIED}


Rating.COLOURS = {
    Rating.SATISFIED: "green",
    Rating.BASICALLY_SATISFIED: "lime",
    Rating.DISSATISFIED: "red",
}


class Extent(models.TextChoices):
    WHOLE = "whole", _("Adopted in whole")  # 全部采纳
    PART = "part", _("Adopted in part")  # 部分采纳


class CommendationKind(models.TextChoices):
    NOTICE = "notice", _("Public commendation")  # 通报表扬
    REWARD = "reward", _("Material reward")  # 物质奖励


class Light(ColouredChoices):
    """The reply deadline's light, like a task's: red overdue, blue due soon, green on track."""

    NONE = "none", _("No light")
    GREEN = "green", _("Green")
    BLUE = "blue", _("Blue: due soon")
    RED = "red", _("Red: overdue")


Light.COLOURS = {
    Light.NONE: "secondary",
    Light.GREEN: "green",
    Light.BLUE: "blue",
    Light.RED: "red",
}


class Action(models.TextChoices):
    """What happened to a suggestion: the transitions and the other events of its timeline."""

    SUBMIT = "submit", pgettext_lazy("suggestion event", "Submitted")
    EDIT = "edit", _("Edited")
    WITHDRAW = "withdraw", _("Withdrawn")
    ACCEPT = "accept", pgettext_lazy("suggestion event", "Accepted")  # 受理立案
    REFUSE = "refuse", _("Not accepted")  # 不予立案
    MERGE = "merge", pgettext_lazy("suggestion event", "Merged")  # 并案
    MERGED_IN = "merged_in", _("Another suggestion merged in")
    ASSIGN = "assign", _("Assigned")  # 交办
    SIGN = "sign", _("Signed for")  # 签收
    RETURN = "return", _("Returned by a unit")  # 退回
    OPINION = "opinion", _("Opinion sent to the lead unit")  # 会办/协办意见
    REPLY = "reply", _("Reply drafted")  # 答复
    APPROVE_REPLY = "approve_reply", _("Reply approved and sent")  # 审核通过
    SEND_BACK_REPLY = "send_back_reply", _("Reply sent back")  # 退回修改
    RATE = "rate", _("Rated")  # 评价
    REDO = "redo", _("Reopened for another round")  # 重办
    ADOPT = "adopt", _("Adopted")  # 采纳
    RECORD_OUTCOME = "record_outcome", _("Outcome recorded")  # 成果转化
    COMMEND = "commend", _("Commendation proposed")  # 表彰
    APPROVE_COMMENDATION = "approve_commendation", _("Commendation approved")
    FOLLOW_UP = "follow_up", _("Followed up")  # B 类跟踪 / C 类年度复核
    SPAWN_TASK = "spawn_task", _("Supervision task created")
    REMIND = "remind", _("Reminder sent")  # 催办
    COMMENT = "comment", _("Comment")


Action.VERBS = {
    Action.WITHDRAW: _("Withdraw"),
    Action.ACCEPT: _("Accept"),
    Action.REFUSE: _("Do not accept"),
    Action.MERGE: _("Merge into another"),
    Action.ASSIGN: _("Assign to units"),
    Action.SIGN: _("Sign for"),
    Action.RETURN: _("Return to the office"),
    Action.OPINION: _("Send opinion"),
    Action.REPLY: _("Draft the reply"),
    Action.APPROVE_REPLY: _("Approve and send the reply"),
    Action.SEND_BACK_REPLY: _("Send the reply back"),
    Action.RATE: _("Rate the reply"),
    Action.REDO: _("Reopen"),
    Action.ADOPT: _("Adopt"),
    Action.RECORD_OUTCOME: _("Record the outcome"),
    Action.COMMEND: _("Commend or reward"),
    Action.APPROVE_COMMENDATION: _("Approve the commendation"),
    Action.FOLLOW_UP: _("Record a follow-up"),
}

# Refusal reasons every organisation starts with (it may add its own or switch these off).
DEFAULT_REFUSAL_REASONS = [
    ("out_of_scope", _("Outside the scope of this channel")),  # 不属于受理范围
    ("not_specific", _("Not specific enough")),  # 内容不具体
    ("already_answered", _("Already answered")),  # 已有答复
    ("legal_process", _("In a legal or petition procedure")),  # 已进入诉讼、信访等程序
    ("personal_matter", _("A personal request")),  # 属个人诉求
]
