"""Fake group robots for tests: a local webhook server per robot that checks what WeCom,
DingTalk or Feishu check (the token, the signature, the message's shape, the rate limits) and
answers as the platform does, so the sending code is tested without the internet.

    robot = FakeRobot("dingtalk", secret="SEC…").start()
    send("dingtalk", robot.url, robot.secret, message, now=now)
    robot.received[-1]["markdown"]["text"]      # what the group would show
    robot.clock = lambda: now.timestamp() + 61  # a minute later, as the robot sees it
    robot.stop()
"""

import base64
import functools
import hashlib
import hmac
import json
import secrets
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from taizhang.notify.choices import ChannelKind
from taizhang.notify.platforms import (
    LIMITS,
    THROTTLE_PAUSE_SECONDS,
    WECOM_CONTENT_BYTES,
)

SERVER_ERROR = "<html><body>Internal Server Error</body></html>"
SIGNATURE_WINDOW_SECONDS = 3600  # DingTalk and Feishu refuse a timestamp an hour away

OK = {
    ChannelKind.WECOM: {"errcode": 0, "errmsg": "ok"},
    ChannelKind.DINGTALK: {"errcode": 0, "errmsg": "ok"},
    ChannelKind.FEISHU: {
        "StatusCode": 0,
        "StatusMessage": "success",
        "code": 0,
        "data": {},
        "msg": "success",
    },
}
# The platforms' answers to what they refuse: (code, message) by reason.
REFUSALS = {
    ChannelKind.WECOM: {
        "token": (93000, "invalid webhook url"),
        "throttled": (45009, "api freq out of limit"),
        "msgtype": (40008, "invalid message type"),
        "content": (40058, "markdown.content exceed max length 4096 or is empty"),
        "json": (40035, "invalid parameter, json parse error"),
    },
    ChannelKind.DINGTALK: {
        "token": (300001, "token is not exist"),
        "sign": (310000, "sign not match"),
        "timestamp": (310000, "invalid timestamp"),
        "throttled": (130101, "send too fast, exceed 20 times per minute"),
        "msgtype": (40035, "missing or unknown parameter msgtype"),
        "content": (40035, "missing parameter markdown.title or markdown.text"),
        "json": (40035, "missing parameter json"),
    },
    ChannelKind.FEISHU: {
        "token": (19001, "param invalid: incoming webhook access token invalid"),
        "sign": (19021, "sign match fail or timestamp is not within one hour from current time"),
        "timestamp": (19021, "sign match fail or timestamp is not within one hour"),
        "throttled": (11232, "frequency limited"),
        "msgtype": (19002, "params error, msg_type need"),
        "content": (19002, "params error, card need"),
        "json": (19002, "params error, invalid json"),
    },
}
# The message types the fakes take, and where each keeps its required parts.
REQUIRED_PARTS = {
    ChannelKind.WECOM: {"markdown": (("markdown", "content"),), "text": (("text", "content"),)},
    ChannelKind.DINGTALK: {
        "markdown": (("markdown", "title"), ("markdown", "text")),
        "text": (("text", "content"),),
    },
    ChannelKind.FEISHU: {"interactive": (("card",),), "text": (("content", "text"),)},
}
HOOK_PATHS = {
    ChannelKind.WECOM: "/cgi-bin/webhook/send",
    ChannelKind.DINGTALK: "/robot/send",
    ChannelKind.FEISHU: "/open-apis/bot/v2/hook/",
}


class Refused(Exception):
    """The platform refuses the message for ``reason`` (a key of REFUSALS)."""

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    robot = None


class _Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        status, answer = self.server.robot.answer(self.path, raw)
        time.sleep(self.server.robot.take_hold())  # received, the answer not yet sent
        payload = (json.dumps(answer) if isinstance(answer, dict) else answer).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format, *args):
        """Silent: the request line holds the robot's key."""


def _signature(key, message):
    """The platforms' own recipe, written apart from the code under test so that the fake
    checks it: base64 of HMAC-SHA256."""
    return base64.b64encode(
        hmac.new(key.encode(), message.encode(), hashlib.sha256).digest()
    ).decode()


def _url_encoded(raw_query, name):
    """Whether the parameter's value is sent URL-encoded, as DingTalk asks of the sign (a raw
    base64 "+" would be read as a space)."""
    for pair in raw_query.split("&"):
        key, _, value = pair.partition("=")
        if key == name:
            return not any(char in value for char in "+/=")
    return False


def _dig(body, path):
    for key in path:
        body = body.get(key) if isinstance(body, dict) else None
    return body


class FakeRobot:
    """One group robot of ``kind`` ("wecom", "dingtalk", "feishu") at ``.url``, with an
    optional signing ``secret``.

    ``received`` holds the JSON bodies it accepted and ``queries`` their query parameters (one
    dict each: DingTalk's timestamp and sign); ``clock`` (epoch seconds) is the robot's own time,
    for its rate limits and signature windows.
    """

    def __init__(self, kind, secret=None):
        self.kind = ChannelKind(kind)
        self.secret = secret
        self.token = secrets.token_hex(16)
        self.received = []
        self.queries = []
        self.clock = time.time
        self._accepted_at = []
        self._blocked_until = 0.0
        self._failures = []
        self._throttles = 0
        self._holds = []
        self._lock = threading.Lock()
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.robot = self
        self._thread = None

    @property
    def url(self):
        base = f"http://127.0.0.1:{self._server.server_address[1]}{HOOK_PATHS[self.kind]}"
        if self.kind == ChannelKind.WECOM:
            return f"{base}?key={self.token}"
        if self.kind == ChannelKind.DINGTALK:
            return f"{base}?access_token={self.token}"
        return f"{base}{self.token}"

    def start(self):
        # A short poll so that stop() returns at once (serve_forever checks for shutdown then).
        serve = functools.partial(self._server.serve_forever, poll_interval=0.02)
        self._thread = threading.Thread(target=serve, daemon=True)
        self._thread.start()
        return self

    def stop(self):
        """Close the server: later posts meet a refused connection. Safe to call twice."""
        if self._thread is not None:
            self._server.shutdown()
            self._thread.join()
            self._thread = None
        self._server.server_close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info):
        self.stop()

    def fail_next(self, n, status=500, text=SERVER_ERROR):
        """Answer the next ``n`` posts with HTTP ``status`` and ``text`` (a server error)."""
        with self._lock:
            self._failures.extend([(status, text)] * n)

    def throttle_next(self, n):
        """Answer the next ``n`` posts with the platform's throttle code."""
        with self._lock:
            self._throttles += n

    def hold_next(self, n, seconds):
        """Take the next ``n`` posts but answer each only after ``seconds`` (a sender may be
        stopped meanwhile: the message arrived, the sender never heard)."""
        with self._lock:
            self._holds.extend([seconds] * n)

    def take_hold(self):
        with self._lock:
            return self._holds.pop(0) if self._holds else 0

    # What the platform does with one post ------------------------------------------------

    def answer(self, path, raw):
        """``(HTTP status, JSON answer or text)`` for a post to ``path`` with body ``raw``."""
        parts = urllib.parse.urlsplit(path)
        query = {name: values[0] for name, values in urllib.parse.parse_qs(parts.query).items()}
        with self._lock:
            if self._failures:
                return self._failures.pop(0)
            if not self._is_hook(parts.path):
                return 404, "Not Found"
            try:
                body = self._check(parts, query, raw)
            except Refused as refused:
                code, message = REFUSALS[self.kind][refused.reason]
                return 200, self._error(code, message)
            self._accepted_at.append(self.clock())
            self.received.append(body)
            self.queries.append(query)
            return 200, OK[self.kind]

    def _is_hook(self, path):
        if self.kind == ChannelKind.FEISHU:
            return path.startswith(HOOK_PATHS[self.kind])
        return path == HOOK_PATHS[self.kind]

    def _error(self, code, message):
        if self.kind == ChannelKind.FEISHU:
            return {"code": code, "data": {}, "msg": message}
        return {"errcode": code, "errmsg": message}

    def _check(self, parts, query, raw):
        """The body, once the token, signature, rate limits and shape pass (else Refused)."""
        self._check_token(parts.path, query)
        try:
            body = json.loads(raw)
        except ValueError:
            raise Refused("json") from None
        if not isinstance(body, dict):
            raise Refused("json")
        self._check_signature(parts.query, query, body)
        self._check_rate()
        self._check_shape(body)
        return body

    def _check_token(self, path, query):
        if self.kind == ChannelKind.FEISHU:
            token = path[len(HOOK_PATHS[self.kind]) :]
        else:
            token = query.get("key" if self.kind == ChannelKind.WECOM else "access_token")
        if token != self.token:
            raise Refused("token")

    def _check_signature(self, raw_query, query, body):
        if not self.secret or self.kind == ChannelKind.WECOM:
            return
        if self.kind == ChannelKind.DINGTALK:
            timestamp, sign = query.get("timestamp", ""), query.get("sign")
            if not _url_encoded(raw_query, "sign"):
                raise Refused("sign")
            seconds = int(timestamp) / 1000 if timestamp.isdigit() else None
            # DingTalk: keyed by the secret over "timestamp\nsecret", timestamp in ms.
            expected = _signature(self.secret, f"{timestamp}\n{self.secret}")
        else:
            timestamp, sign = str(body.get("timestamp", "")), body.get("sign")
            seconds = int(timestamp) if timestamp.isdigit() else None
            # Feishu: keyed by "timestamp\nsecret" over nothing, timestamp in seconds.
            expected = _signature(f"{timestamp}\n{self.secret}", "")
        if seconds is None or abs(self.clock() - seconds) > SIGNATURE_WINDOW_SECONDS:
            raise Refused("timestamp")
        if sign != expected:
            raise Refused("sign")

    def _check_rate(self):
        now = self.clock()
        if self._throttles:
            self._throttles -= 1
            raise Refused("throttled")
        if now < self._blocked_until:
            raise Refused("throttled")
        for limit in LIMITS[self.kind]:
            recent = [at for at in self._accepted_at if now - limit.seconds < at <= now]
            if len(recent) >= limit.count:
                if self.kind == ChannelKind.DINGTALK:
                    # DingTalk then refuses the robot for 10 minutes, however slowly it is called.
                    self._blocked_until = now + THROTTLE_PAUSE_SECONDS[self.kind]
                raise Refused("throttled")

    def _check_shape(self, body):
        msgtype = body.get("msg_type" if self.kind == ChannelKind.FEISHU else "msgtype")
        required = REQUIRED_PARTS[self.kind].get(msgtype)
        if required is None:
            raise Refused("msgtype")
        parts = [_dig(body, path) for path in required]
        if not all(parts):
            raise Refused("content")
        if self.kind == ChannelKind.WECOM and len(str(parts[0]).encode()) > WECOM_CONTENT_BYTES:
            raise Refused("content")
