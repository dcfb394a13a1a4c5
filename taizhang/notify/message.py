"""What one notification says, once written in its reader's language: the same content is
laid out by each channel (a robot's markdown or card, an e-mail's HTML and text, an SMS line)."""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Mentions:
    """Whom a group message calls out (@): phone numbers (DingTalk, WeCom's text messages) and
    platform user ids (WeCom ``<@userid>``, DingTalk ``atUserIds``, Feishu ``open_id``)."""

    phones: tuple[str, ...] = ()
    user_ids: tuple[str, ...] = ()

    def __bool__(self):
        return bool(self.phones or self.user_ids)


@dataclass(frozen=True)
class Message:
    """A notification as every channel shows it.

    ``facts`` are the labelled lines a reader scans (编号, 灯, 期限, 承办单位), already in the
    reader's language; ``text`` is what is asked or said; ``url`` is absolute (built on
    ``TAIZHANG_BASE_URL``) or empty when the product's address is not known.
    """

    title: str
    text: str = ""
    facts: tuple[tuple[str, str], ...] = ()
    url: str = ""
    link_text: str = ""  # the label of the link (查看详情)
    urgent: bool = False
    mentions: Mentions = field(default_factory=Mentions)


@dataclass(frozen=True)
class Answer:
    """How a channel answered one message: sent, or why not and whether trying again may help.

    ``text`` is the platform's answer as recorded on the delivery (cut short, never holding a
    webhook's key or a secret); ``throttled`` asks the sender to hold the robot back for
    ``pause_seconds``."""

    ok: bool
    text: str = ""
    retry: bool = False
    throttled: bool = False
    pause_seconds: int = 0
