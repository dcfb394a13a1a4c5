"""The group robots of WeCom (企业微信群机器人), DingTalk (钉钉自定义机器人) and Feishu
(飞书自定义机器人): how each lays out a message, signs it, is posted to, and answers.

Pure functions and one HTTP post; no models. The router (channels, deliveries, the worker, the
per-robot rate limiter) calls ``send`` and reads ``LIMITS`` and ``THROTTLE_PAUSE_SECONDS``.
A webhook's URL holds its key: it is never logged, raised or recorded here (``masked_webhook``
is what pages show).
"""

import base64
import hashlib
import hmac
import json
import re
import urllib.parse
from dataclasses import dataclass, field, replace

import requests
import urllib3
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.views.decorators.debug import sensitive_variables

from taizhang.notify.choices import ChannelKind
from taizhang.notify.message import Answer, Message
from taizhang.notify.wording import fact_line, link_label, title_line


@dataclass(frozen=True)
class Limit:
    """At most ``count`` messages per robot in any ``seconds``-long window."""

    count: int
    seconds: int


LIMITS = {
    ChannelKind.WECOM: (Limit(20, 60),),
    ChannelKind.DINGTALK: (Limit(20, 60),),
    ChannelKind.FEISHU: (Limit(100, 60), Limit(5, 1)),
}
# How long a robot refuses after it was throttled: DingTalk blocks it for 10 minutes.
THROTTLE_PAUSE_SECONDS = {
    ChannelKind.WECOM: 60,
    ChannelKind.DINGTALK: 600,
    ChannelKind.FEISHU: 60,
}
WECOM_CONTENT_BYTES = 4096  # WeCom refuses longer markdown (errcode 40058)
MAX_ANSWER_BYTES = 64 * 1024
ANSWER_TEXT_CHARS = 300
ELLIPSIS = "…"

# The platforms' error codes (errcode for WeCom and DingTalk, code for Feishu).
THROTTLE_CODES = {
    ChannelKind.WECOM: {45009},  # api freq out of limit
    ChannelKind.DINGTALK: {130101},  # send too fast, exceed 20 times per minute
    ChannelKind.FEISHU: {9499, 11232},  # too many request / frequency limited
}
# -1 is "system busy, try again later" on WeCom and DingTalk; every other code (a wrong
# signature, an unknown token, a keyword or IP refused: WeCom 93000, DingTalk 310000 and 300001,
# Feishu 19021, 19022, 19024) will fail again the same way.
BUSY_CODES = {
    ChannelKind.WECOM: {-1},
    ChannelKind.DINGTALK: {-1},
    ChannelKind.FEISHU: set(),
}
# Where each platform keeps a robot's token: a query parameter, or Feishu's last path segment.
TOKEN_PARAMETERS = {ChannelKind.WECOM: "key", ChannelKind.DINGTALK: "access_token"}
FEISHU_HOOK_PATH = re.compile(r"^(?P<prefix>.*/open-apis/bot/v2/hook/)(?P<token>[^/]+)$")


@dataclass(frozen=True)
class Request:
    """One webhook call: the URL (holding the key, so kept out of the repr) and its JSON body."""

    url: str = field(repr=False)
    body: dict


# Laying out ------------------------------------------------------------------------------


def _cut_bytes(text, limit):
    """``text`` in at most ``limit`` UTF-8 bytes, ending in … when cut (never mid-character)."""
    encoded = text.encode()
    if len(encoded) <= limit:
        return text
    room = max(limit - len(ELLIPSIS.encode()), 0)
    return encoded[:room].decode(errors="ignore") + ELLIPSIS


def _fit(head, text, tail, limit):
    """Join the parts in ``limit`` bytes, cutting the free text first so that the title, facts,
    link and mentions survive a long message."""

    def join(middle):
        return "\n\n".join(part for part in (head, middle, tail) if part)

    content = join(text)
    if len(content.encode()) <= limit:
        return content
    room = limit - len(join("-").encode()) + 1  # the bytes left for the text
    if text and room > len(ELLIPSIS.encode()):
        return join(_cut_bytes(text, room))
    return _cut_bytes(join(""), limit)


def _wecom_content(message):
    head = "\n".join(
        [f"**{title_line(message)}**"]
        + [f"> {fact_line(label, value)}" for label, value in message.facts]
    )
    tail = []
    if message.url:
        tail.append(f"[{link_label(message)}]({message.url})")
    # WeCom's markdown can only @ a member by userid: a phone number cannot be mentioned there.
    if message.mentions.user_ids:
        tail.append(" ".join(f"<@{user_id}>" for user_id in message.mentions.user_ids))
    return _fit(head, message.text, "\n\n".join(tail), WECOM_CONTENT_BYTES)


def _wecom_request(url, secret, message, now):
    # WeCom's group robots have no signature: the key in the URL is the only credential.
    content = _wecom_content(message)
    return Request(url, {"msgtype": "markdown", "markdown": {"content": content}})


def _dingtalk_text(message):
    lines = [f"#### **{title_line(message)}**"]
    lines += [f"> {fact_line(label, value)}" for label, value in message.facts]
    if message.text:
        lines.append(message.text)
    if message.url:
        lines.append(f"[{link_label(message)}]({message.url})")
    # DingTalk shows an @ only when "@phone" is also in the text; user ids need no marker.
    if message.mentions.phones:
        lines.append(" ".join(f"@{phone}" for phone in message.mentions.phones))
    return "\n\n".join(lines)


def dingtalk_sign(secret, timestamp_ms):
    """DingTalk's 加签: base64 of HMAC-SHA256 keyed by the secret over "timestamp\\nsecret"."""
    digest = hmac.new(
        secret.encode(), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256
    ).digest()
    return base64.b64encode(digest).decode()


def _dingtalk_request(url, secret, message, now):
    body = {
        "msgtype": "markdown",
        "markdown": {"title": title_line(message), "text": _dingtalk_text(message)},
        "at": {
            "atMobiles": list(message.mentions.phones),
            "atUserIds": list(message.mentions.user_ids),
            "isAtAll": False,
        },
    }
    if secret:
        timestamp = int(now.timestamp() * 1000)
        query = urllib.parse.urlencode(
            {"timestamp": timestamp, "sign": dingtalk_sign(secret, timestamp)}
        )
        url = f"{url}{'&' if '?' in url else '?'}{query}"
    return Request(url, body)


def feishu_sign(secret, timestamp):
    """Feishu's 签名校验: base64 of HMAC-SHA256 keyed by "timestamp\\nsecret" over nothing."""
    digest = hmac.new(f"{timestamp}\n{secret}".encode(), b"", hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def _feishu_markdown(message):
    lines = [fact_line(f"**{label}**", value) for label, value in message.facts]
    if message.text:
        lines.append(message.text)
    # A custom bot's card can @ by open_id only: phone numbers cannot be mentioned on Feishu.
    if message.mentions.user_ids:
        lines.append(" ".join(f"<at id={user_id}></at>" for user_id in message.mentions.user_ids))
    return "\n".join(lines)


def _feishu_card(message):
    elements = []
    markdown = _feishu_markdown(message)
    if markdown:
        elements.append({"tag": "div", "text": {"tag": "lark_md", "content": markdown}})
    if message.url:
        button = {
            "tag": "button",
            "text": {"tag": "plain_text", "content": link_label(message)},
            "url": message.url,
            "type": "danger" if message.urgent else "primary",
        }
        elements.append({"tag": "action", "actions": [button]})
    header = {
        "title": {"tag": "plain_text", "content": title_line(message)},
        "template": "red" if message.urgent else "blue",
    }
    return {"header": header, "elements": elements}


def _feishu_request(url, secret, message, now):
    body = {"msg_type": "interactive", "card": _feishu_card(message)}
    if secret:
        timestamp = str(int(now.timestamp()))
        body["timestamp"] = timestamp
        body["sign"] = feishu_sign(secret, timestamp)
    return Request(url, body)


BUILDERS = {
    ChannelKind.WECOM: _wecom_request,
    ChannelKind.DINGTALK: _dingtalk_request,
    ChannelKind.FEISHU: _feishu_request,
}


@sensitive_variables("url", "secret")
def build_request(kind, url, secret, message: Message, *, now) -> Request:
    """The webhook call that posts ``message`` to a robot of ``kind``; ``now`` (aware) dates the
    signature when the robot has a ``secret``."""
    return BUILDERS[kind](url, secret, message, now)


# Answers ---------------------------------------------------------------------------------


def _parse(text):
    try:
        body = json.loads(text)
    except ValueError:
        return None
    return body if isinstance(body, dict) else None


def _code_and_message(kind, body):
    """The platform's own code and message: errcode/errmsg (WeCom, DingTalk), code/msg or the
    older StatusCode/StatusMessage (Feishu)."""
    if body is None:
        return None, ""
    if kind == ChannelKind.FEISHU:
        code, message = (
            body.get("code", body.get("StatusCode")),
            body.get("msg", body.get("StatusMessage")),
        )
    else:
        code, message = body.get("errcode"), body.get("errmsg")
    return (code if isinstance(code, int) else None), str(message or "")


def _record(kind, status, text, body):
    """A short record of the answer, as kept on the delivery."""
    code, message = _code_and_message(kind, body)
    label = "code" if kind == ChannelKind.FEISHU else "errcode"
    said = f"{label} {code}: {message}" if code is not None else " ".join(text.split())
    if status is None or 200 <= status < 300:
        record = said or text
    else:
        record = f"HTTP {status}: {said}" if said else f"HTTP {status}"
    return record[:ANSWER_TEXT_CHARS]


def read_answer(kind, status, text) -> Answer:
    """What a robot's answer means for the delivery: sent, throttled, worth another try, or not.

    ``status`` is the HTTP status, None when the network failed (``text`` then says how)."""
    if status is None:
        return Answer(ok=False, text=text[:ANSWER_TEXT_CHARS], retry=True)
    body = _parse(text)
    code, _message = _code_and_message(kind, body)
    record = _record(kind, status, text, body)
    if status == 429 or code in THROTTLE_CODES[kind]:
        pause = THROTTLE_PAUSE_SECONDS[kind]
        return Answer(ok=False, text=record, retry=True, throttled=True, pause_seconds=pause)
    if 200 <= status < 300 and code == 0:
        return Answer(ok=True, text=record)
    retry = status >= 500 or code in BUSY_CODES[kind]
    return Answer(ok=False, text=record, retry=retry)


# Posting ---------------------------------------------------------------------------------


def _host(url):
    return urllib.parse.urlsplit(url).hostname or "?"


def post(request: Request, *, timeout):
    """POST the request's JSON once; ``(HTTP status, answer text)``, or ``(None, what failed)``
    when the network did. Redirects are not followed and at most 64 KB of the answer is read.

    requests' exception messages hold the URL (the webhook's key), so only the exception's
    name and the host are told."""
    data = json.dumps(request.body, ensure_ascii=False).encode()
    headers = {"Content-Type": "application/json; charset=utf-8"}
    try:
        response = requests.post(
            request.url,
            data=data,
            headers=headers,
            timeout=timeout,
            allow_redirects=False,
            stream=True,
        )
        with response:
            raw = response.raw.read(MAX_ANSWER_BYTES, decode_content=True)
    except (requests.RequestException, urllib3.exceptions.HTTPError, OSError) as error:
        # urllib3's errors reading a streamed answer (a timeout, a broken chunk) are not
        # requests' own.
        return None, f"{type(error).__name__}: {_host(request.url)}"
    # The three platforms answer in UTF-8, whatever a gateway's Content-Type may claim.
    return response.status_code, raw.decode(errors="replace")


def _token(url):
    """The secret part of a webhook URL: its key, access_token, or Feishu hook's last segment."""
    parts = urllib.parse.urlsplit(url)
    query = urllib.parse.parse_qs(parts.query)
    for name in TOKEN_PARAMETERS.values():
        if query.get(name):
            return name, query[name][0]
    match = FEISHU_HOOK_PATH.match(parts.path)
    return (None, match["token"]) if match else (None, "")


def _scrubbed(answer, url, secret):
    """The answer without the URL's token or the secret, should a gateway have echoed them."""
    text = answer.text
    for hidden in (_token(url)[1], secret):
        if hidden:
            text = text.replace(hidden, "****")
    return replace(answer, text=text)


@sensitive_variables("url", "secret")  # error reports show frames' locals: not these
def send(kind, url, secret, message: Message, *, now) -> Answer:
    """Post ``message`` to the robot at ``url`` and tell how it answered (what the worker calls).
    The timeout is the ``TAIZHANG_NOTIFY_HTTP_TIMEOUT`` setting."""
    request = build_request(kind, url, secret, message, now=now)
    status, text = post(request, timeout=settings.TAIZHANG_NOTIFY_HTTP_TIMEOUT)
    return _scrubbed(read_answer(kind, status, text), url, secret)


# Webhook addresses -----------------------------------------------------------------------

WEBHOOK_SHAPES = {
    ChannelKind.WECOM: _(
        "A WeCom robot's address ends in /cgi-bin/webhook/send?key=…: copy it whole from the "
        "group's robot settings."
    ),
    ChannelKind.DINGTALK: _(
        "A DingTalk robot's address ends in /robot/send?access_token=…: copy it whole from the "
        "group's robot settings."
    ),
    ChannelKind.FEISHU: _(
        "A Feishu robot's address ends in /open-apis/bot/v2/hook/ and its token: copy it whole "
        "from the group's robot settings."
    ),
}


def _has_token(kind, parts):
    if kind == ChannelKind.FEISHU:
        return bool(FEISHU_HOOK_PATH.match(parts.path))
    values = urllib.parse.parse_qs(parts.query).get(TOKEN_PARAMETERS[kind], [])
    return any(value.strip() for value in values)


def _web_address(url):
    """The URL's parts when it is an http(s) address with a host, else None."""
    try:
        parts = urllib.parse.urlsplit(url)
        host = parts.hostname
    except ValueError:
        return None
    return parts if parts.scheme in ("http", "https") and host else None


def validate_webhook(kind, url):
    """Refuse an address a robot of ``kind`` cannot have. Any host is allowed: intranets run
    private gateways of these platforms."""
    parts = _web_address(url)
    if parts is None:
        raise ValidationError(
            _("Enter the robot's full webhook address, starting with https://."),
            code="invalid_webhook",
        )
    if not _has_token(kind, parts):
        raise ValidationError(WEBHOOK_SHAPES[kind], code="invalid_webhook")


def _masked(token):
    # Short tokens are not real ones; showing four of their characters would tell too much.
    return "****" + (token[-4:] if len(token) >= 12 else "")


def masked_webhook(url) -> str:
    """The address as pages and ``taizhang channels list`` show it: scheme, host and path, the
    token as **** and its last 4 characters; other query parameters are left out."""
    try:
        parts = urllib.parse.urlsplit(url)
        host = parts.hostname or ""
        netloc = f"{host}:{parts.port}" if parts.port else host
    except ValueError:
        return "****"
    base = f"{parts.scheme}://{netloc}"
    name, token = _token(url)
    if name:
        return f"{base}{parts.path}?{name}={_masked(token)}"
    match = FEISHU_HOOK_PATH.match(parts.path)
    if match:
        return f"{base}{match['prefix']}{_masked(token)}"
    # An address of no known shape: where its secret lies cannot be told, so none of it is shown.
    return f"{base}/****"
