"""The SMS channel (短信): one Message to one mobile phone through a pluggable backend.

Chinese providers (阿里云短信, 腾讯云短信 …) send only pre-approved templates (短信模板) under an
approved signature (短信签名), so a provider's backend maps the Message onto its template; the
backends here, for development and tests, send the free-text form (``SmsBackend.sms_text``).
``TAIZHANG_SMS_BACKEND`` names the backend and ``TAIZHANG_SMS_OPTIONS`` its keyword arguments,
both read when a message is sent; docs/notify-sms.md says how to write a provider's backend.
"""

import dataclasses
import inspect
import json
import logging
import re
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext

from .message import Answer, Message
from .wording import fact_line, title_line

logger = logging.getLogger(__name__)

# 11 digits from 13… to 19…, after an optional country code; spaces and dashes are ignored.
MOBILE_NUMBER = re.compile(r"(?:\+?86)?(1[3-9]\d{9})")
SMS_FACTS = 2  # the free text carries the first facts only (编号, 期限)
SMS_TITLE_ROOM = 20  # the link stays whole while this many characters are left for the rest


def mobile_number(phone):
    """The 11-digit mobile number in ``phone`` (``+86 138-1234-5678``), or None."""
    match = MOBILE_NUMBER.fullmatch(re.sub(r"[\s-]", "", phone or ""))
    return match[1] if match else None


def masked(phone):
    """The number as logs may show it: 138****5678."""
    return phone[:3] + "****" + phone[-4:] if len(phone) >= 8 else "****"


class SmsBackend:
    """What a provider implements to send SMS; ``TAIZHANG_SMS_BACKEND`` names the subclass.

    ``__init__`` takes the keyword arguments of ``TAIZHANG_SMS_OPTIONS`` (access key, signature
    短信签名, template codes 模板 CODE, endpoint, timeout), each named in its signature so that
    a wrong option is refused by name; a backend is created for each message, so keep it cheap.

    ``send(phone, message) -> Answer`` sends one ``Message`` to one 11-digit mobile number
    (``send_sms`` has checked and normalised it). A template-based provider maps the message to
    a template and its parameters: the template chosen by what the message is (urgent or not),
    the parameters from ``message.title``, ``message.facts`` (labelled lines already in the
    reader's language) and ``message.url``, each cut to the provider's length limit for a
    variable. A provider that accepts free text sends ``self.sms_text(message)``.

    The Answer: ``ok=True`` once the provider accepted the message; otherwise ``retry=True``
    when trying later may help (time-out, network error, provider busy or throttling, 5xx) and
    ``retry=False`` when it cannot (template or signature refused, number blacklisted or
    invalid, account out of credit). ``text`` is the provider's code and message, as the
    delivery records it: short, and never holding a key, a signature or a token.

    ``send`` must not raise for anything the provider or the network does: it answers instead.
    It must time out (a few seconds; the worker waits for it), and must not log the full
    phone number: ``masked(phone)`` gives 138****5678.
    """

    def send(self, phone, message) -> Answer:
        raise NotImplementedError

    def sms_text(self, message):
        """The free-text form: [加急] title, the first facts and the link, cut to
        ``TAIZHANG_SMS_MAX_CHARS`` with …; the link stays whole unless it leaves no room."""
        limit = settings.TAIZHANG_SMS_MAX_CHARS
        facts = [fact_line(label, value) for label, value in message.facts[:SMS_FACTS]]
        body = "\n".join([title_line(message), *facts])
        link = message.url
        room = limit - len(link) - 1
        if link and room >= SMS_TITLE_ROOM:
            return _cut(body, room) + "\n" + link
        return _cut("\n".join(filter(None, [body, link])), limit)


def _cut(text, limit):
    return text if len(text) <= limit else text[: limit - 1] + "…"


class ConsoleBackend(SmsBackend):
    """Logs one line per message (the number masked) through the ``taizhang.notify.sms``
    logger: for trying a set-up without a provider."""

    def send(self, phone, message):
        text = " / ".join(self.sms_text(message).splitlines())
        logger.info("SMS to %s: %s", masked(phone), text)
        return Answer(ok=True)


class FileBackend(SmsBackend):
    """Appends one JSON line per message to ``VAR_DIR/sms/YYYY-MM-DD.jsonl`` (the day in the
    installation's time zone; the number masked): the development default."""

    def __init__(self, directory=None):
        self.directory = None if directory is None else Path(directory)

    def send(self, phone, message):
        now = timezone.localtime()
        directory = settings.VAR_DIR / "sms" if self.directory is None else self.directory
        record = {"time": now.isoformat(), "phone": masked(phone), "text": self.sms_text(message)}
        try:
            directory.mkdir(parents=True, exist_ok=True)
            with open(directory / f"{now:%Y-%m-%d}.jsonl", "a", encoding="utf-8") as file:
                file.write(json.dumps(record, ensure_ascii=False) + "\n")
        except OSError as exc:
            return Answer(ok=False, text=f"{type(exc).__name__}: {exc}", retry=True)
        return Answer(ok=True, text=file.name)


@dataclasses.dataclass(frozen=True)
class Sms:
    """One SMS as the memory backend keeps it."""

    phone: str
    text: str
    message: Message


outbox = []  # MemoryBackend's messages, oldest first (tests empty it)


class MemoryBackend(SmsBackend):
    """Keeps every message in the module's ``outbox`` list, as Django's locmem backend keeps
    mails in ``django.core.mail.outbox``: for tests."""

    def send(self, phone, message):
        outbox.append(Sms(phone=phone, text=self.sms_text(message), message=message))
        return Answer(ok=True)


class DisabledBackend(SmsBackend):
    """SMS switched off: every message is refused, not to be retried."""

    def send(self, phone, message):
        return Answer(ok=False, text=gettext("SMS is switched off."))


def get_backend():
    """The backend ``TAIZHANG_SMS_BACKEND`` names, built with ``TAIZHANG_SMS_OPTIONS``."""
    path = settings.TAIZHANG_SMS_BACKEND
    try:
        backend_class = import_string(path)
    except ImportError as exc:
        raise ImproperlyConfigured(f"TAIZHANG_SMS_BACKEND {path!r} cannot be imported") from exc
    if not (isinstance(backend_class, type) and issubclass(backend_class, SmsBackend)):
        raise ImproperlyConfigured(f"TAIZHANG_SMS_BACKEND {path!r} is not an SmsBackend")
    options = _options()
    try:
        # Checked before the call: the error then names the options, never their values.
        inspect.signature(backend_class).bind(**options)
    except TypeError as exc:
        raise ImproperlyConfigured(f"TAIZHANG_SMS_OPTIONS do not fit {path}: {exc}") from None
    return backend_class(**options)


def _options():
    options = settings.TAIZHANG_SMS_OPTIONS
    if isinstance(options, str):  # a JSON text set in place of the parsed object
        try:
            options = json.loads(options) if options else {}
        except ValueError:
            raise ImproperlyConfigured("TAIZHANG_SMS_OPTIONS is not JSON") from None
    if not isinstance(options, dict):
        raise ImproperlyConfigured("TAIZHANG_SMS_OPTIONS must be a JSON object")
    return options


def available():
    """Whether SMS can be sent at all: a backend other than the disabled one."""
    return not isinstance(get_backend(), DisabledBackend)


def send_sms(phone, message):
    """Send one message to one mobile phone; a number that is not one is refused for good."""
    number = mobile_number(phone)
    if number is None:
        return Answer(ok=False, text=gettext("Not a mobile phone number."))
    backend = get_backend()
    try:
        return backend.send(number, message)
    except OSError as exc:
        # A backend should answer, not raise; a network error that slipped through may pass.
        # Only its class is kept: a provider's error may quote a signed URL.
        logger.warning("%s raised %s", type(backend).__name__, type(exc).__name__)
        return Answer(ok=False, text=type(exc).__name__, retry=True)
