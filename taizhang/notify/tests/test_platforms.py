"""Group robots (WeCom, DingTalk, Feishu): what each group sees, how each robot's signature,
rate limit and failures are answered, and that a webhook's key is never shown back. Sent to
fake robots on this machine (tests/fake_robots.py), their clocks moved instead of sleeping."""

import datetime
import socket

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from taizhang.notify.choices import ChannelKind
from taizhang.notify.message import Mentions, Message
from taizhang.notify.platforms import (
    WECOM_CONTENT_BYTES,
    masked_webhook,
    read_answer,
    send,
    validate_webhook,
)

NOW = datetime.datetime(2026, 12, 2, 9, 30, tzinfo=datetime.UTC)
SECRET = "SEC0123456789abcdef0123456789abcdef"
MESSAGE = Message(
    title="Reminder: DB-2026-001",
    text="Please report progress this week.",
    facts=(("No.", "DB-2026-001"), ("Deadline", "2026-12-31")),
    url="https://taizhang.example.gov.cn/tasks/1/",
    link_text="Open the task",
    mentions=Mentions(phones=("13800000000",), user_ids=("zhangsan",)),
)
URGENT = Message(title="Overdue: DB-2026-002", urgent=True)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def _at(robot, seconds):
    """Set the robot's clock to ``seconds`` after NOW and return that moment for ``send``."""
    robot.clock = lambda: NOW.timestamp() + seconds
    return NOW + datetime.timedelta(seconds=seconds)


def _send(robot, message=MESSAGE, *, seconds=0, secret=None):
    now = _at(robot, seconds)
    return send(robot.kind, robot.url, secret or robot.secret, message, now=now)


# What the group sees ---------------------------------------------------------------------


def test_wecom_gets_markdown_with_facts_link_and_userid_mentions(fake_robot):
    robot = fake_robot("wecom")
    answer = _send(robot)
    assert answer.ok
    body = robot.received[0]
    assert body["msgtype"] == "markdown"
    content = body["markdown"]["content"]
    assert content.startswith("**Reminder: DB-2026-001**")
    assert "> No.: DB-2026-001" in content
    assert "> Deadline: 2026-12-31" in content
    assert "Please report progress this week." in content
    assert "[Open the task](https://taizhang.example.gov.cn/tasks/1/)" in content
    assert "<@zhangsan>" in content
    assert "13800000000" not in content  # WeCom markdown cannot @ a phone


def test_wecom_cuts_a_long_text_but_keeps_the_link_and_mentions(fake_robot):
    robot = fake_robot("wecom")
    long = Message(
        title="Long", text="督办" * 3000, url="https://t.example/1", mentions=MESSAGE.mentions
    )
    assert _send(robot, long).ok
    content = robot.received[0]["markdown"]["content"]
    assert len(content.encode()) <= WECOM_CONTENT_BYTES
    assert "…" in content
    assert content.endswith("[View details](https://t.example/1)\n\n<@zhangsan>")


def test_an_urgent_message_is_marked_in_its_title(fake_robot):
    wecom, dingtalk = fake_robot("wecom"), fake_robot("dingtalk")
    assert _send(wecom, URGENT).ok and _send(dingtalk, URGENT).ok
    assert wecom.received[0]["markdown"]["content"] == "**[Urgent] Overdue: DB-2026-002**"
    assert dingtalk.received[0]["markdown"]["title"] == "[Urgent] Overdue: DB-2026-002"


def test_dingtalk_gets_markdown_and_ats_by_phone_and_user_id(fake_robot):
    robot = fake_robot("dingtalk")
    assert _send(robot).ok
    body = robot.received[0]
    assert body["msgtype"] == "markdown"
    assert body["markdown"]["title"] == "Reminder: DB-2026-001"
    text = body["markdown"]["text"]
    assert "> No.: DB-2026-001" in text and "> Deadline: 2026-12-31" in text
    assert "[Open the task](https://taizhang.example.gov.cn/tasks/1/)" in text
    assert "@13800000000" in text  # DingTalk shows the @ only when the text has it too
    assert body["at"] == {
        "atMobiles": ["13800000000"],
        "atUserIds": ["zhangsan"],
        "isAtAll": False,
    }


def test_feishu_gets_a_card_with_a_button_and_open_id_mentions(fake_robot):
    robot = fake_robot("feishu")
    assert _send(robot).ok
    body = robot.received[0]
    assert body["msg_type"] == "interactive"
    card = body["card"]
    assert card["header"] == {
        "title": {"tag": "plain_text", "content": "Reminder: DB-2026-001"},
        "template": "blue",
    }
    div, action = card["elements"]
    assert div["text"]["tag"] == "lark_md"
    markdown = div["text"]["content"]
    assert "**No.**: DB-2026-001" in markdown and "**Deadline**: 2026-12-31" in markdown
    assert "Please report progress this week." in markdown
    assert "<at id=zhangsan></at>" in markdown
    (button,) = action["actions"]
    assert button["url"] == "https://taizhang.example.gov.cn/tasks/1/"
    assert button["text"]["content"] == "Open the task"


def test_an_urgent_feishu_card_is_red_and_without_a_link_has_no_button(fake_robot):
    robot = fake_robot("feishu")
    assert _send(robot, URGENT).ok
    card = robot.received[0]["card"]
    assert card["header"]["template"] == "red"
    assert card["header"]["title"]["content"] == "[Urgent] Overdue: DB-2026-002"
    assert card["elements"] == []


# Signatures ------------------------------------------------------------------------------


def test_a_signed_dingtalk_robot_takes_the_signature_and_refuses_a_wrong_secret(fake_robot):
    robot = fake_robot("dingtalk", secret=SECRET)
    assert _send(robot).ok
    assert robot.queries[0]["timestamp"] == str(int(NOW.timestamp() * 1000))
    wrong = _send(robot, secret="SECwrong")
    assert (wrong.ok, wrong.retry) == (False, False)
    assert wrong.text.startswith("errcode 310000")
    assert len(robot.received) == 1


def test_dingtalk_refuses_a_signature_more_than_an_hour_old(fake_robot):
    robot = fake_robot("dingtalk", secret=SECRET)
    now = _at(robot, 0)
    robot.clock = lambda: NOW.timestamp() + 3601
    answer = send(robot.kind, robot.url, SECRET, MESSAGE, now=now)
    assert (answer.ok, answer.retry) == (False, False)
    assert robot.received == []


def test_a_signed_feishu_robot_takes_the_signature_and_refuses_a_wrong_secret(fake_robot):
    robot = fake_robot("feishu", secret=SECRET)
    assert _send(robot).ok
    assert robot.received[0]["timestamp"] == str(int(NOW.timestamp()))
    wrong = _send(robot, secret="SECwrong")
    assert (wrong.ok, wrong.retry) == (False, False)
    assert wrong.text.startswith("code 19021")


def test_a_signed_robot_refuses_an_unsigned_message(fake_robot):
    robot = fake_robot("feishu", secret=SECRET)
    answer = send(robot.kind, robot.url, "", MESSAGE, now=_at(robot, 0))
    assert (answer.ok, answer.retry) == (False, False)


def test_a_wrong_token_is_not_retried_and_not_shown(fake_robot):
    robot = fake_robot("wecom")
    url = robot.url.replace(robot.token, "0" * 32)
    answer = send(robot.kind, url, None, MESSAGE, now=_at(robot, 0))
    assert (answer.ok, answer.retry, answer.text) == (
        False,
        False,
        "errcode 93000: invalid webhook url",
    )


# Rate limits -----------------------------------------------------------------------------


@pytest.mark.parametrize("kind", [ChannelKind.WECOM, ChannelKind.DINGTALK])
def test_the_21st_message_of_a_minute_is_throttled(fake_robot, kind):
    robot = fake_robot(kind)
    assert all(_send(robot, URGENT, seconds=i).ok for i in range(20))
    answer = _send(robot, URGENT, seconds=30)
    assert (answer.ok, answer.throttled, answer.retry) == (False, True, True)
    assert answer.pause_seconds == (600 if kind == ChannelKind.DINGTALK else 60)
    assert len(robot.received) == 20


def test_wecom_takes_messages_again_once_the_minute_has_passed(fake_robot):
    robot = fake_robot("wecom")
    assert all(_send(robot, URGENT).ok for _ in range(20))
    assert _send(robot, URGENT, seconds=59).throttled
    assert _send(robot, URGENT, seconds=61).ok


def test_dingtalk_refuses_a_throttled_robot_for_ten_minutes(fake_robot):
    robot = fake_robot("dingtalk")
    assert all(_send(robot, URGENT).ok for _ in range(20))
    assert _send(robot, URGENT, seconds=1).throttled
    assert _send(robot, URGENT, seconds=120).throttled
    assert _send(robot, URGENT, seconds=602).ok


def test_feishu_throttles_the_6th_message_of_a_second(fake_robot):
    robot = fake_robot("feishu")
    assert all(_send(robot, URGENT, seconds=i / 10).ok for i in range(5))
    answer = _send(robot, URGENT, seconds=0.5)
    assert (answer.throttled, answer.retry, answer.pause_seconds) == (True, True, 60)
    assert _send(robot, URGENT, seconds=1.1).ok


def test_feishu_throttles_the_101st_message_of_a_minute(fake_robot):
    robot = fake_robot("feishu")
    assert all(_send(robot, URGENT, seconds=i / 4).ok for i in range(100))
    assert _send(robot, URGENT, seconds=40).throttled
    assert _send(robot, URGENT, seconds=61).ok


def test_a_robot_told_to_throttle_answers_its_platforms_code(fake_robot):
    robot = fake_robot("feishu")
    robot.throttle_next(1)
    answer = _send(robot)
    assert answer.throttled and answer.text == "code 11232: frequency limited"
    assert _send(robot).ok


# Failures --------------------------------------------------------------------------------


def test_a_server_error_is_retried(fake_robot):
    robot = fake_robot("dingtalk")
    robot.fail_next(1, status=502)
    answer = _send(robot)
    assert (answer.ok, answer.retry, answer.throttled) == (False, True, False)
    assert answer.text.startswith("HTTP 502")
    assert _send(robot).ok


def test_a_gateway_echoing_the_address_does_not_get_the_key_or_secret_recorded(fake_robot):
    robot = fake_robot("dingtalk", secret=SECRET)
    robot.fail_next(1, status=502, text=f"no upstream for {robot.url} signed with {SECRET}")
    answer = _send(robot)
    assert answer.retry
    assert robot.token not in answer.text and SECRET not in answer.text
    assert answer.text.startswith("HTTP 502: no upstream for http://127.0.0.1:")


def test_a_network_error_is_retried_and_does_not_tell_the_key(fake_robot):
    robot = fake_robot("wecom")
    robot.stop()
    answer = _send(robot)
    assert (answer.ok, answer.retry) == (False, True)
    assert answer.text == "ConnectionError: 127.0.0.1"
    assert robot.token not in answer.text


def test_a_robot_slower_than_the_timeout_setting_is_a_network_error(settings):
    settings.TAIZHANG_NOTIFY_HTTP_TIMEOUT = 0.2
    with socket.create_server(("127.0.0.1", 0)) as silent:  # takes the call, never answers
        url = f"http://127.0.0.1:{silent.getsockname()[1]}/robot/send?access_token=tok3n-secret"
        answer = send(ChannelKind.DINGTALK, url, None, MESSAGE, now=NOW)
    assert (answer.ok, answer.retry, answer.text) == (False, True, "ReadTimeout: 127.0.0.1")


# Reading answers -------------------------------------------------------------------------

W, D, F = ChannelKind.WECOM, ChannelKind.DINGTALK, ChannelKind.FEISHU


@pytest.mark.parametrize(
    ("kind", "status", "text", "expected"),
    [
        # expected: (ok, retry, throttled, pause_seconds)
        (W, 200, '{"errcode":0,"errmsg":"ok"}', (True, False, False, 0)),
        (D, 200, '{"errcode":0,"errmsg":"ok"}', (True, False, False, 0)),
        (F, 200, '{"code":0,"msg":"success","data":{}}', (True, False, False, 0)),
        (F, 200, '{"StatusCode":0,"StatusMessage":"success"}', (True, False, False, 0)),
        (W, 200, '{"errcode":45009,"errmsg":"api freq out of limit"}', (False, True, True, 60)),
        (D, 200, '{"errcode":130101,"errmsg":"send too fast"}', (False, True, True, 600)),
        (F, 200, '{"code":9499,"msg":"too many request"}', (False, True, True, 60)),
        (F, 200, '{"code":11232,"msg":"frequency limited"}', (False, True, True, 60)),
        (W, 429, "Too Many Requests", (False, True, True, 60)),
        (D, 429, "", (False, True, True, 600)),
        (W, 500, "<html>Internal Server Error</html>", (False, True, False, 0)),
        (F, 503, '{"code":0}', (False, True, False, 0)),
        (D, None, "ConnectTimeout: oapi.dingtalk.com", (False, True, False, 0)),
        (W, 200, '{"errcode":-1,"errmsg":"system busy"}', (False, True, False, 0)),
        (W, 200, '{"errcode":93000,"errmsg":"invalid webhook url"}', (False, False, False, 0)),
        (W, 200, '{"errcode":40008,"errmsg":"invalid message type"}', (False, False, False, 0)),
        (D, 200, '{"errcode":310000,"errmsg":"keywords not in content"}', (False, False, False, 0)),
        (D, 200, '{"errcode":300001,"errmsg":"token is not exist"}', (False, False, False, 0)),
        (F, 200, '{"code":19021,"msg":"sign match fail"}', (False, False, False, 0)),
        (F, 200, '{"code":19022,"msg":"Ip Not Allowed"}', (False, False, False, 0)),
        (F, 200, '{"code":19024,"msg":"Key Words Not Found"}', (False, False, False, 0)),
        (W, 404, "Not Found", (False, False, False, 0)),
        (D, 400, "Bad Request", (False, False, False, 0)),
        (D, 302, "", (False, False, False, 0)),
        (W, 200, "<html>a portal's login page</html>", (False, False, False, 0)),
    ],
)
def test_read_answer(kind, status, text, expected):
    answer = read_answer(kind, status, text)
    assert (answer.ok, answer.retry, answer.throttled, answer.pause_seconds) == expected


def test_the_answer_is_recorded_short():
    assert read_answer(W, 200, '{"errcode":45009,"errmsg":"api freq out of limit"}').text == (
        "errcode 45009: api freq out of limit"
    )
    assert read_answer(F, 200, '{"code":19021,"msg":"sign match fail"}').text == (
        "code 19021: sign match fail"
    )
    assert (
        read_answer(D, 502, "<html>\n  Bad   Gateway\n</html>").text
        == "HTTP 502: <html> Bad Gateway </html>"
    )
    assert len(read_answer(W, 500, "x" * 5000).text) == 300


# Webhook addresses -----------------------------------------------------------------------

WECOM_URL = (
    "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa"
)
DINGTALK_URL = "https://oapi.dingtalk.com/robot/send?access_token=2a0e8b5c3f4d6e7f8a9b0c1d2e3f4a5b"
FEISHU_URL = "https://open.feishu.cn/open-apis/bot/v2/hook/0d5e7f8a-1b2c-4d3e-9f00-abcdef123456"


@pytest.mark.parametrize(
    ("kind", "url"),
    [
        (W, WECOM_URL),
        (D, DINGTALK_URL),
        (F, FEISHU_URL),
        (F, "https://open.larksuite.com/open-apis/bot/v2/hook/0d5e7f8a"),
        (W, "http://10.20.0.5:8080/gw/cgi-bin/webhook/send?key=abc"),  # an intranet gateway
    ],
)
def test_validate_webhook_accepts_the_platforms_addresses(kind, url):
    validate_webhook(kind, url)


def test_a_fake_robots_address_is_a_valid_webhook(fake_robot):
    for kind in ChannelKind.robots():
        validate_webhook(kind, fake_robot(kind).url)


@pytest.mark.parametrize(
    ("kind", "url", "says"),
    [
        (W, "qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc", "https://"),
        (W, "ftp://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc", "https://"),
        (W, "https:///cgi-bin/webhook/send?key=abc", "https://"),
        (W, "https://[::1/cgi-bin/webhook/send?key=abc", "https://"),
        (W, "https://qyapi.weixin.qq.com/cgi-bin/webhook/send", "?key="),
        (W, "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=", "?key="),
        (W, DINGTALK_URL, "?key="),
        (D, WECOM_URL, "?access_token="),
        (F, "https://open.feishu.cn/open-apis/bot/v2/hook/", "/open-apis/bot/v2/hook/"),
        (F, WECOM_URL, "/open-apis/bot/v2/hook/"),
    ],
)
def test_validate_webhook_refuses_an_address_of_another_shape(kind, url, says):
    with pytest.raises(ValidationError) as raised:
        validate_webhook(kind, url)
    assert says in raised.value.messages[0]


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        (WECOM_URL, "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=****5aaa"),
        (DINGTALK_URL, "https://oapi.dingtalk.com/robot/send?access_token=****4a5b"),
        (FEISHU_URL, "https://open.feishu.cn/open-apis/bot/v2/hook/****3456"),
        (
            "http://user:pw@10.0.0.5:8080/robot/send?access_token=2a0e8b5c3f4d6e7f&x=1",
            "http://10.0.0.5:8080/robot/send?access_token=****6e7f",
        ),
        (
            "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=short",
            "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=****",
        ),
        ("https://gw.example/hooks/0d5e7f8a1b2c4d3e", "https://gw.example/****"),
    ],
)
def test_masked_webhook_shows_only_the_tokens_last_characters(url, shown):
    assert masked_webhook(url) == shown
