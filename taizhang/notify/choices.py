"""The vocabulary of notifications: the channels a message may take and a delivery's states."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from taizhang.utils.choices import ColouredChoices


class ChannelKind(ColouredChoices):
    IN_APP = "in_app", _("In-app")  # 站内通知
    EMAIL = "email", _("E-mail")
    SMS = "sms", _("SMS")  # 短信
    WECOM = "wecom", _("WeCom group robot")  # 企业微信群机器人
    DINGTALK = "dingtalk", _("DingTalk group robot")  # 钉钉自定义机器人
    FEISHU = "feishu", _("Feishu group robot")  # 飞书自定义机器人

    @classmethod
    def robots(cls):
        """The group chats' webhooks, configured per unit or per organisation."""
        return (cls.WECOM, cls.DINGTALK, cls.FEISHU)

    @classmethod
    def personal(cls):
        """The channels that reach one person."""
        return (cls.IN_APP, cls.EMAIL, cls.SMS)


ChannelKind.COLOURS = {
    ChannelKind.IN_APP: "secondary",
    ChannelKind.EMAIL: "azure",
    ChannelKind.SMS: "purple",
    ChannelKind.WECOM: "green",
    ChannelKind.DINGTALK: "blue",
    ChannelKind.FEISHU: "indigo",
}


class DeliveryStatus(ColouredChoices):
    QUEUED = "queued", _("Queued")  # waiting: for the worker, a robot's rate limit, quiet hours
    SENDING = "sending", _("Sending")  # claimed by a worker
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed, will retry")
    GIVEN_UP = "given_up", _("Given up")  # fell back to in-app
    DIGESTED = "digested", _("In the daily digest")  # folded into a 每日待办汇总

    @classmethod
    def final_states(cls):
        return (cls.SENT, cls.GIVEN_UP, cls.DIGESTED)


DeliveryStatus.COLOURS = {
    DeliveryStatus.QUEUED: "secondary",
    DeliveryStatus.SENDING: "blue",
    DeliveryStatus.SENT: "green",
    DeliveryStatus.FAILED: "orange",
    DeliveryStatus.GIVEN_UP: "red",
    DeliveryStatus.DIGESTED: "cyan",
}


# What a notification is about (``Notification.kind``, ``Delivery.kind``): the words the apps
# pass to ``notify(kind=...)``. Free text on the models, so an app may add a kind before it has
# a label here; such kinds read as "Other".
KIND_LABELS = {
    "remind": pgettext_lazy("notification kind", "Reminder"),  # 催办
    "assign": pgettext_lazy("notification kind", "Assignment"),  # 交办
    "digest": pgettext_lazy("notification kind", "Daily digest"),  # 每日待办汇总
    "instruction": pgettext_lazy("notification kind", "Leader instruction"),  # 批示
    "mention": pgettext_lazy("notification kind", "Mention"),  # @单位
    "reply": pgettext_lazy("notification kind", "Reply"),  # 回复
    "escalate": pgettext_lazy("notification kind", "Escalation"),  # 升级督办
    "task": pgettext_lazy("notification kind", "Task update"),  # 事项动态: 审核, 办结, 退回…
    "suggestion": pgettext_lazy("notification kind", "Suggestion"),  # 建言献策
    "meeting": pgettext_lazy("notification kind", "Meeting"),  # 会议
    "rectification": pgettext_lazy("notification kind", "Rectification"),  # 整改
    "appraisal": pgettext_lazy("notification kind", "Appraisal"),  # 考评
    "other": pgettext_lazy("notification kind", "Other"),
}
OTHER_KIND = "other"


def kind_of(kind):
    """The labelled kind ``kind`` is listed under: itself if it has a label, else "other"."""
    return kind if kind in KIND_LABELS else OTHER_KIND


def kind_label(kind):
    return KIND_LABELS[kind_of(kind)]
