"""The vocabulary of notifications: the channels a message may take and a delivery's states."""

from django.utils.translation import gettext_lazy as _

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
