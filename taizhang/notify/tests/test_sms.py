"""SMS (短信): which numbers are sent to, the free text a phone shows, the development backends
and a backend set up wrongly."""

import datetime
import json
import logging
import os
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone, translation

from taizhang.notify import sms
from taizhang.notify.message import Answer, Message

MESSAGE = Message(
    title="关于建立建言献策台账的督办事项",
    text="请于本周内报送进展。",
    facts=(("编号", "DB-2026-018"), ("期限", "2026年12月10日"), ("承办单位", "市国资委")),
    url="https://dc.example.gov.cn/tasks/18/",
    urgent=True,
)


@pytest.fixture(autouse=True)
def outbox():
    sms.outbox.clear()
    yield sms.outbox
    sms.outbox.clear()


def text_of(message, language="en"):
    with translation.override(language):
        return sms.SmsBackend().sms_text(message)


@pytest.mark.parametrize(
    "phone",
    ["13812345678", "+8613812345678", "86 138 1234 5678", "138-1234-5678", "+86-199-0000-5678"],
)
def test_a_mobile_number_is_sent_to_as_its_eleven_digits(outbox, phone):
    assert sms.send_sms(phone, MESSAGE) == Answer(ok=True)
    (sent,) = outbox
    assert sent.phone == sms.mobile_number(phone)
    assert sent.phone in {"13812345678", "19900005678"}
    assert sent.message == MESSAGE


@pytest.mark.parametrize(
    "phone",
    [
        "",
        "1381234567",  # ten digits
        "138123456789",  # twelve
        "23812345678",
        "12812345678",  # no mobile network starts 12
        "010-12345678",  # a landline
        "+852 13812345678",
        "138 1234 567x",
    ],
)
def test_what_is_not_a_mobile_number_is_refused_for_good(outbox, phone):
    with translation.override("en"):
        answer = sms.send_sms(phone, MESSAGE)
    assert answer == Answer(ok=False, text="Not a mobile phone number.", retry=False)
    assert outbox == []


def test_the_text_has_the_title_the_first_facts_and_the_link():
    assert text_of(MESSAGE) == (
        "[Urgent] 关于建立建言献策台账的督办事项\n"
        "编号: DB-2026-018\n"
        "期限: 2026年12月10日\n"
        "https://dc.example.gov.cn/tasks/18/"
    )
    assert text_of(Message(title="本周待办 3 项")) == "本周待办 3 项"


def test_a_long_text_is_cut_and_its_link_kept_whole(settings):
    settings.TAIZHANG_SMS_MAX_CHARS = 70
    long = Message(title="关于" + "落实联席会议议定事项" * 10, url=MESSAGE.url)
    text = text_of(long)
    assert len(text) == 70
    body, link = text.split("\n")
    assert body.startswith("关于落实联席会议") and body.endswith("…")
    assert link == MESSAGE.url
    # A link too long to leave room for the title is cut with the rest.
    settings.TAIZHANG_SMS_MAX_CHARS = 40
    text = text_of(long)
    assert len(text) == 40 and text.endswith("…") and "https" not in text


def test_the_text_is_in_the_readers_language():
    with translation.override("zh-hans"):
        if translation.gettext("[Urgent] %(title)s") == "[Urgent] %(title)s":
            pytest.skip("the zh_Hans catalogue does not have the SMS msgids yet")
    assert text_of(MESSAGE, "zh-hans").startswith(
        "【加急】关于建立建言献策台账的督办事项\n编号：DB-2026-018\n"
    )


def test_the_file_backend_appends_a_json_line_per_message_to_the_days_file(
    settings, tmp_path, monkeypatch
):
    noon = timezone.make_aware(datetime.datetime(2026, 12, 2, 12, 0))
    monkeypatch.setattr(timezone, "now", lambda: noon)  # both on one day, whenever it runs
    settings.VAR_DIR = tmp_path
    settings.TAIZHANG_SMS_BACKEND = "taizhang.notify.sms.FileBackend"
    answer = sms.send_sms("138 1234 5678", MESSAGE)
    assert sms.send_sms("13900001111", Message(title="本周待办")).ok
    (written,) = (tmp_path / "sms").iterdir()
    assert answer == Answer(ok=True, text=str(written))
    lines = [json.loads(line) for line in written.read_text(encoding="utf-8").splitlines()]
    first_sent = datetime.datetime.fromisoformat(lines[0]["time"])
    assert written.name == f"{timezone.localtime(first_sent):%Y-%m-%d}.jsonl"
    assert [line["phone"] for line in lines] == ["138****5678", "139****1111"]
    assert lines[0]["text"].endswith("https://dc.example.gov.cn/tasks/18/")
    assert "13812345678" not in written.read_text(encoding="utf-8")


def test_the_file_backend_writes_where_its_options_say(settings, tmp_path):
    settings.TAIZHANG_SMS_BACKEND = "taizhang.notify.sms.FileBackend"
    settings.TAIZHANG_SMS_OPTIONS = {"directory": str(tmp_path / "outbox")}
    assert sms.send_sms("13812345678", MESSAGE).ok
    assert len(list((tmp_path / "outbox").glob("*.jsonl"))) == 1


def test_the_console_backend_logs_one_line_with_the_number_masked(settings, caplog):
    settings.TAIZHANG_SMS_BACKEND = "taizhang.notify.sms.ConsoleBackend"
    with caplog.at_level(logging.INFO, logger="taizhang.notify.sms"), translation.override("en"):
        assert sms.send_sms("13812345678", MESSAGE).ok
    (record,) = caplog.records
    line = record.getMessage()
    assert line.startswith("SMS to 138****5678: [Urgent] 关于建立")
    assert "\n" not in line and "13812345678" not in line


def test_disabled_sms_refuses_every_message_for_good(settings, outbox):
    assert sms.available()
    settings.TAIZHANG_SMS_BACKEND = "taizhang.notify.sms.DisabledBackend"
    assert not sms.available()
    with translation.override("en"):
        answer = sms.send_sms("13812345678", MESSAGE)
    assert answer == Answer(ok=False, text="SMS is switched off.", retry=False)
    assert outbox == []


class LeakyBackend(sms.SmsBackend):
    """A provider backend that lets its HTTP library's error through, signed URL and all."""

    def send(self, phone, message):
        raise ConnectionError("https://sms.example.com/send?AccessKeyId=LTAI5tKey&Signature=s1")


def test_a_network_error_a_backend_let_through_is_tried_again(settings, caplog):
    settings.TAIZHANG_SMS_BACKEND = f"{__name__}.LeakyBackend"
    answer = sms.send_sms("13812345678", MESSAGE)
    assert answer == Answer(ok=False, text="ConnectionError", retry=True)
    assert "LTAI5tKey" not in caplog.text


@pytest.mark.parametrize(
    ("backend", "options", "error"),
    [
        ("taizhang.notify.sms.AliyunBackend", {}, "'taizhang.notify.sms.AliyunBackend' cannot be"),
        ("taizhang.notfound.Backend", {}, "'taizhang.notfound.Backend' cannot be imported"),
        ("taizhang.notify.message.Answer", {}, "is not an SmsBackend"),
        ("taizhang.notify.sms.MemoryBackend", {"access_key": "LTAI5tKey"}, "access_key"),
        ("taizhang.notify.sms.FileBackend", {"folder": "/tmp"}, "folder"),
        ("taizhang.notify.sms.MemoryBackend", "{not json", "is not JSON"),
        ("taizhang.notify.sms.MemoryBackend", ["a"], "must be a JSON object"),
    ],
)
def test_a_backend_set_up_wrongly_is_named_in_the_error(settings, backend, options, error):
    settings.TAIZHANG_SMS_BACKEND = backend
    settings.TAIZHANG_SMS_OPTIONS = options
    with pytest.raises(ImproperlyConfigured, match="TAIZHANG_SMS") as raised:
        sms.send_sms("13812345678", MESSAGE)
    assert error in str(raised.value)
    assert "LTAI5tKey" not in str(raised.value)


@pytest.mark.parametrize(
    ("options", "error"),
    [("{'key': 1}", "TAIZHANG_SMS_OPTIONS is not JSON"), ("[1]", "must be a JSON object")],
)
def test_options_that_are_not_a_json_object_stop_the_start(tmp_path, options, error):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TAIZHANG_", "DJANGO_"))}
    env.pop("DATABASE_URL", None)
    env.update(TAIZHANG_VAR_DIR=str(tmp_path), TAIZHANG_SMS_OPTIONS=options)
    result = subprocess.run(
        [sys.executable, "-c", "import taizhang.settings"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0 and error in result.stderr
