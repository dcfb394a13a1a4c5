"""Settings for the test suite: the real ones, with tasks run at once and fast hashing."""

import tempfile

from .settings import *  # noqa: F403
from .settings import STORAGES, TASK_QUEUES

TASKS = {
    "default": {
        "BACKEND": "django.tasks.backends.immediate.ImmediateBackend",
        "QUEUES": TASK_QUEUES,
    }
}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = tempfile.mkdtemp(prefix="taizhang-media-")
# WhiteNoise serves from the finders in tests; collectstatic is not run.
WHITENOISE_USE_FINDERS = True
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405
# The test runner flushes the database between transactional tests, audit log included.
TAIZHANG_AUDIT_FLUSHABLE = True
# Mails and SMS are kept in memory (django.core.mail.outbox, taizhang.notify.sms.outbox).
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
TAIZHANG_SMS_BACKEND = "taizhang.notify.sms.MemoryBackend"
TAIZHANG_SMS_OPTIONS = {}
