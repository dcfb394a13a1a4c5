"""Django settings for taizhang, read from the environment.

Nothing here needs a value to be set: a fresh checkout runs on SQLite under ``var/`` with a
secret key generated once and kept there. Production sets ``TAIZHANG_SECRET_KEY``,
``DATABASE_URL`` and ``TAIZHANG_ALLOWED_HOSTS``.
"""

import json
import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from taizhang.utils.addresses import trusted_proxy_networks

BASE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(os.environ.get("TAIZHANG_VAR_DIR", BASE_DIR.parent / "var")).resolve()
VAR_DIR.mkdir(parents=True, exist_ok=True)


def _env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off", ""}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def _env_int(name, default):
    value = os.environ.get(name)
    try:
        return default if value is None else int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, not {value!r}") from exc


def _secret_key():
    """The key from the environment, else one generated once and kept under var/."""
    if key := os.environ.get("TAIZHANG_SECRET_KEY"):
        return key
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = _env_bool("TAIZHANG_DEBUG")
ALLOWED_HOSTS = os.environ.get("TAIZHANG_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]").split(",")
CSRF_TRUSTED_ORIGINS = [
    o for o in os.environ.get("TAIZHANG_CSRF_TRUSTED_ORIGINS", "").split(",") if o
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",  # the form renderer finds Django's widget templates through the app
    "django_filters",
    "rest_framework",
    "drf_spectacular",
    "django_tasks_db",
    "taizhang.utils",
    "taizhang.search",
    "taizhang.org",
    "taizhang.audit",
    "taizhang.supervision",
    "taizhang.notify",
    "taizhang.documents",
    "taizhang.suggestions",
    "taizhang.meetings",
    "taizhang.talent",
    "taizhang.rectification",
    "taizhang.appraisal",
    "taizhang.reports",
    "taizhang.api",
    "taizhang.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before everything that may write, so every change knows its request; after WhiteNoise,
    # so static files are not traced.
    "taizhang.audit.middleware.AuditMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "taizhang.utils.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "taizhang.org.middleware.IdleTimeoutMiddleware",
    "taizhang.org.middleware.PasswordChangeRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "taizhang.urls"
WSGI_APPLICATION = "taizhang.wsgi.application"

# One form rendering for the whole product (Tabler classes, Chinese placeholders).
FORM_RENDERER = "taizhang.utils.forms.TablerRenderer"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "taizhang.notify.context_processors.notifications",
            ],
        },
    },
]

# SQLite (WAL) under var/ unless DATABASE_URL names another database. Connections are kept
# between requests (one per web thread; SQLite's PRAGMAs then run once per connection, not
# once per request) for TAIZHANG_DB_CONN_MAX_AGE seconds, checked when a request reuses one.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'taizhang.sqlite3'}",
        conn_max_age=_env_int("TAIZHANG_DB_CONN_MAX_AGE", 600),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;"
        ),
        "transaction_mode": "IMMEDIATE",
    }
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "org.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
# Every sign-in (pages, API token, /admin/) goes through the lock-out of repeated failures.
AUTHENTICATION_BACKENDS = ["taizhang.org.backends.LockoutBackend"]

# Login controls (等保2.0): lock an account after repeated failures, throttle an address.
TAIZHANG_LOGIN_MAX_FAILURES = _env_int("TAIZHANG_LOGIN_MAX_FAILURES", 5)
TAIZHANG_LOGIN_FAILURE_WINDOW_MINUTES = _env_int("TAIZHANG_LOGIN_FAILURE_WINDOW_MINUTES", 15)
TAIZHANG_LOCKOUT_MINUTES = _env_int("TAIZHANG_LOCKOUT_MINUTES", 15)
TAIZHANG_LOGIN_MAX_FAILURES_PER_ADDRESS = _env_int("TAIZHANG_LOGIN_MAX_FAILURES_PER_ADDRESS", 20)
TAIZHANG_PASSWORD_MIN_LENGTH = _env_int("TAIZHANG_PASSWORD_MIN_LENGTH", 10)
TAIZHANG_PASSWORD_HISTORY = _env_int("TAIZHANG_PASSWORD_HISTORY", 5)
TAIZHANG_API_TOKEN_DAYS = _env_int("TAIZHANG_API_TOKEN_DAYS", 90)
# Idle sessions end: the cookie and the server-side session expire this long after the last
# request (the session is refreshed at most once a minute, see org.middleware).
TAIZHANG_SESSION_IDLE_MINUTES = _env_int("TAIZHANG_SESSION_IDLE_MINUTES", 30)
SESSION_COOKIE_AGE = TAIZHANG_SESSION_IDLE_MINUTES * 60

# PBKDF2 as Django's default, computed at a lower priority than pages (see org.hashers); the
# other hashers verify passwords stored by them.
PASSWORD_HASHERS = [
    "taizhang.org.hashers.LowPriorityPBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.BCryptSHA256PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]

AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": TAIZHANG_PASSWORD_MIN_LENGTH},
    },
    {"NAME": "taizhang.org.passwords.CharacterClassesValidator", "OPTIONS": {"min_classes": 3}},
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ["username", "display_name", "email", "phone"]},
    },
    {"NAME": "taizhang.org.passwords.NotUserNameValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {
        "NAME": "taizhang.org.passwords.PasswordHistoryValidator",
        "OPTIONS": {"count": TAIZHANG_PASSWORD_HISTORY},
    },
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [
    ("zh-hans", "简体中文"),
    ("zh-hant", "繁體中文"),
    ("en", "English"),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("TAIZHANG_TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploaded files go through Django's storage API only, so several app servers share them on a
# volume all of them mount (TAIZHANG_MEDIA_ROOT) or in an object store (TAIZHANG_MEDIA_STORAGE,
# e.g. django-storages' S3 backend, with its options as JSON).
MEDIA_ROOT = Path(os.environ.get("TAIZHANG_MEDIA_ROOT", VAR_DIR / "media")).resolve()


def _env_json_object(name):
    """A JSON object of options (a backend's keyword arguments); empty when not set."""
    value = os.environ.get(name, "")
    try:
        options = json.loads(value) if value else {}
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} is not JSON: {exc}") from exc
    if not isinstance(options, dict):
        raise ImproperlyConfigured(f"{name} must be a JSON object")
    return options


def _media_storage():
    options = _env_json_object("TAIZHANG_MEDIA_STORAGE_OPTIONS")
    backend = os.environ.get(
        "TAIZHANG_MEDIA_STORAGE", "django.core.files.storage.FileSystemStorage"
    )
    return {"BACKEND": backend, "OPTIONS": options}


STORAGES = {
    "default": _media_storage(),
    "staticfiles": {
        "BACKEND": os.environ.get(
            "TAIZHANG_STATICFILES_STORAGE",
            "whitenoise.storage.CompressedManifestStaticFilesStorage",
        )
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 25 * 1024 * 1024

# Background work goes through Django's Tasks framework with a database-backed worker. Each
# queue gets worker processes of its own, so a long document never delays the daily run.
TASK_QUEUES = ["default", "documents", "notify"]
TASKS = {
    "default": {
        "BACKEND": os.environ.get("TAIZHANG_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": TASK_QUEUES,
    }
}
# What the worker enqueues once a day (after 06:00): each app's lights and reminders.
TAIZHANG_DAILY_JOBS = [
    "taizhang.supervision.jobs.refresh_lights",
    "taizhang.suggestions.jobs.refresh_suggestions",
    "taizhang.meetings.jobs.refresh_meetings",
    "taizhang.rectification.jobs.refresh_rectification",
    "taizhang.utils.filejobs.purge_file_jobs",
]
# A job RUNNING longer than this, or whose worker stopped, is ended as failed (or retried once
# when its worker died under it: TAIZHANG_JOB_ATTEMPTS runs in all).
TAIZHANG_JOB_TIMEOUT_SECONDS = _env_int("TAIZHANG_JOB_TIMEOUT_SECONDS", 600)
TAIZHANG_JOB_ATTEMPTS = _env_int("TAIZHANG_JOB_ATTEMPTS", 2)

# Notifications (taizhang.notify): a message that fails is tried TAIZHANG_NOTIFY_ATTEMPTS times,
# waiting TAIZHANG_NOTIFY_RETRY_SECONDS and then twice as long each time (at most an hour), then
# given up and shown in-app. A message a worker was sending when it stopped is not sent again
# (it may have arrived): after TAIZHANG_NOTIFY_SENDING_SECONDS it is given up the same way.
TAIZHANG_NOTIFY_ATTEMPTS = _env_int("TAIZHANG_NOTIFY_ATTEMPTS", 5)
TAIZHANG_NOTIFY_RETRY_SECONDS = _env_int("TAIZHANG_NOTIFY_RETRY_SECONDS", 60)
TAIZHANG_NOTIFY_SENDING_SECONDS = _env_int("TAIZHANG_NOTIFY_SENDING_SECONDS", 300)
# The key webhooks and robot secrets are sealed with (empty: derived from the secret key; set
# it before rotating that key, or the stored robots must be entered again).
TAIZHANG_SEALING_KEY = os.environ.get("TAIZHANG_SEALING_KEY", "")
# Reading one document runs in a child process with these limits (0: no memory limit).
TAIZHANG_DOCUMENT_TIME_LIMIT_SECONDS = _env_int("TAIZHANG_DOCUMENT_TIME_LIMIT_SECONDS", 120)
TAIZHANG_DOCUMENT_MEMORY_LIMIT_MB = _env_int("TAIZHANG_DOCUMENT_MEMORY_LIMIT_MB", 2048)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "taizhang.api.authentication.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "taizhang.api.pagination.BoundedLimitOffsetPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "taizhang.api.exceptions.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "taizhang API",
    "DESCRIPTION": "台账 督查督办 — the supervision ledger",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "TaskStatusEnum": "taizhang.supervision.choices.Status",
        "SuggestionStatusEnum": "taizhang.suggestions.choices.Status",
        "SuggestionLightEnum": "taizhang.suggestions.choices.Light",
        "AdoptionExtentEnum": "taizhang.suggestions.choices.Extent",
        "TaskLightEnum": "taizhang.supervision.choices.Light",
        "MeetingStatusEnum": "taizhang.meetings.choices.Status",
        "MeetingKindEnum": "taizhang.meetings.choices.MeetingKind",
        "MechanismKindEnum": "taizhang.meetings.choices.MechanismKind",
        "GuestKindEnum": "taizhang.meetings.choices.GuestKind",
        "AttendanceEnum": "taizhang.meetings.choices.Attendance",
        "AppraisalStatusEnum": "taizhang.appraisal.choices.Status",
        "AppraisalSubjectEnum": "taizhang.appraisal.choices.Subject",
        "AppraisalPeriodEnum": "taizhang.appraisal.choices.Period",
        "IndicatorKindEnum": "taizhang.appraisal.choices.IndicatorKind",
        "CommendationTitleEnum": "taizhang.appraisal.choices.CommendationTitle",
        "PlanKindEnum": "taizhang.rectification.choices.PlanKind",
        "MeasureKindEnum": "taizhang.rectification.choices.MeasureKind",
        "DeliveryStatusEnum": "taizhang.notify.choices.DeliveryStatus",
        "ChannelKindEnum": "taizhang.notify.choices.ChannelKind",
        # 建言 intake channels keep their name beside the notification channels.
        "ChannelEnum": "taizhang.suggestions.choices.Channel",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "taizhang.api.schema.add_error_responses",
    ],
}

# E-mail, through Django's default mailer. Without TAIZHANG_EMAIL_HOST, mails are written as
# files under var/mail/ (`make run` shows them without a server); with it, they go out by SMTP;
# TAIZHANG_EMAIL_BACKEND names any other backend (Django's dummy one switches e-mail off).
SMTP_EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
FILE_EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"


def _smtp_options(host):
    use_tls = _env_bool("TAIZHANG_EMAIL_USE_TLS")
    use_ssl = _env_bool("TAIZHANG_EMAIL_USE_SSL")
    if use_tls and use_ssl:
        raise ImproperlyConfigured(
            "TAIZHANG_EMAIL_USE_TLS (STARTTLS) and TAIZHANG_EMAIL_USE_SSL (TLS from the start) "
            "exclude each other: set one of them"
        )
    return {
        "host": host,
        "port": _env_int("TAIZHANG_EMAIL_PORT", None),  # None: 25, 587 with TLS, 465 with SSL
        "username": os.environ.get("TAIZHANG_EMAIL_HOST_USER", ""),
        "password": os.environ.get("TAIZHANG_EMAIL_HOST_PASSWORD", ""),
        "use_tls": use_tls,
        "use_ssl": use_ssl,
        "timeout": _env_int("TAIZHANG_EMAIL_TIMEOUT", 10),
    }


def _mailer():
    host = os.environ.get("TAIZHANG_EMAIL_HOST", "")
    backend = os.environ.get("TAIZHANG_EMAIL_BACKEND") or (
        SMTP_EMAIL_BACKEND if host else FILE_EMAIL_BACKEND
    )
    if backend == FILE_EMAIL_BACKEND:
        return {"BACKEND": backend, "OPTIONS": {"file_path": str(VAR_DIR / "mail")}}
    if backend != SMTP_EMAIL_BACKEND:
        return {"BACKEND": backend}  # another backend reads its own settings
    if not host:
        raise ImproperlyConfigured("TAIZHANG_EMAIL_BACKEND is SMTP: set TAIZHANG_EMAIL_HOST")
    return {"BACKEND": backend, "OPTIONS": _smtp_options(host)}


MAILERS = {"default": _mailer()}
# Django's deployment check calls the file backend development-only. Here it is the deliberate
# default of an intranet without a mail server: nothing is lost, the mails wait under var/mail/
# until TAIZHANG_EMAIL_HOST is set (README, "Notifications").
SILENCED_SYSTEM_CHECKS = (
    ["mail.E001"] if MAILERS["default"]["BACKEND"] == FILE_EMAIL_BACKEND else []
)
DEFAULT_FROM_EMAIL = SERVER_EMAIL = os.environ.get("TAIZHANG_EMAIL_FROM", "taizhang@localhost")
TAIZHANG_EMAIL_SUBJECT_PREFIX = os.environ.get("TAIZHANG_EMAIL_SUBJECT_PREFIX", "【台账】")
# SMS (短信): a backend of taizhang.notify.sms (a provider's is written as docs/notify-sms.md
# says) with its keyword arguments as a JSON object; the default writes them under var/sms/.
TAIZHANG_SMS_BACKEND = os.environ.get("TAIZHANG_SMS_BACKEND", "taizhang.notify.sms.FileBackend")
TAIZHANG_SMS_OPTIONS = _env_json_object("TAIZHANG_SMS_OPTIONS")
# Free-text SMS are cut to this many characters (70 make one message; longer ones are joined).
TAIZHANG_SMS_MAX_CHARS = _env_int("TAIZHANG_SMS_MAX_CHARS", 140)

# Warning lights (督办灯): blue when the deadline is this many working days away or fewer;
# yellow when reported progress lags the elapsed share of the time by more than the tolerance.
TAIZHANG_LIGHT_BLUE_WORKING_DAYS = _env_int("TAIZHANG_LIGHT_BLUE_WORKING_DAYS", 3)
TAIZHANG_LIGHT_BEHIND_TOLERANCE = _env_int("TAIZHANG_LIGHT_BEHIND_TOLERANCE", 10)
# 催办单: a lead or responsible unit with no progress report in this many days is listed as quiet.
TAIZHANG_PROGRESS_REPORT_DAYS = _env_int("TAIZHANG_PROGRESS_REPORT_DAYS", 15)
# The address people open the product at, for links printed or sent out (QR codes on the
# sheets); empty: the address of the request.
TAIZHANG_BASE_URL = os.environ.get("TAIZHANG_BASE_URL", "")
# Seconds a group robot's webhook (WeCom, DingTalk, Feishu) may take to answer one message.
TAIZHANG_NOTIFY_HTTP_TIMEOUT = _env_int("TAIZHANG_NOTIFY_HTTP_TIMEOUT", 5)
# The daily job relights this many tasks per transaction (and reminds units in groups of
# about as many tasks): memory stays flat however large the ledger.
TAIZHANG_DAILY_BATCH_SIZE = _env_int("TAIZHANG_DAILY_BATCH_SIZE", 2000)
# Bounds on what a deadline may be: within this many years of today, or this many working days.
# 建言献策: the reply deadline given on 交办, the days a unit may return what it was given,
# the days a submitter has to rate a reply (then it counts as 基本满意), and a 重办's deadline.
TAIZHANG_SUGGESTION_REPLY_WORKING_DAYS = _env_int("TAIZHANG_SUGGESTION_REPLY_WORKING_DAYS", 20)
TAIZHANG_SUGGESTION_RETURN_WORKING_DAYS = _env_int("TAIZHANG_SUGGESTION_RETURN_WORKING_DAYS", 5)
TAIZHANG_SUGGESTION_RATING_WORKING_DAYS = _env_int("TAIZHANG_SUGGESTION_RATING_WORKING_DAYS", 10)
TAIZHANG_SUGGESTION_REDO_WORKING_DAYS = _env_int("TAIZHANG_SUGGESTION_REDO_WORKING_DAYS", 15)
# 立行立改: a measure fixed at once is due in this many working days unless given a deadline.
TAIZHANG_IMMEDIATE_MEASURE_WORKING_DAYS = _env_int("TAIZHANG_IMMEDIATE_MEASURE_WORKING_DAYS", 5)
TAIZHANG_DEADLINE_MAX_YEARS = _env_int("TAIZHANG_DEADLINE_MAX_YEARS", 10)
TAIZHANG_MAX_WORKING_DAYS = _env_int("TAIZHANG_MAX_WORKING_DAYS", 2000)
# 会签: working days a unit has to answer the minutes when its meeting has no mechanism.
TAIZHANG_COUNTERSIGN_WORKING_DAYS = _env_int("TAIZHANG_COUNTERSIGN_WORKING_DAYS", 3)
# Excel imports: the upload's size and the rows of a sheet, read in streaming mode.
TAIZHANG_IMPORT_MAX_BYTES = _env_int("TAIZHANG_IMPORT_MAX_BYTES", 10 * 1024 * 1024)
TAIZHANG_IMPORT_MAX_ROWS = _env_int("TAIZHANG_IMPORT_MAX_ROWS", 10000)
# The ledger page imports a file larger than this in the background, with a progress page.
TAIZHANG_IMPORT_BACKGROUND_BYTES = _env_int("TAIZHANG_IMPORT_BACKGROUND_BYTES", 100 * 1024)
# What an export may hold (every ledger, the audit log, GET /api/tasks/export.xlsx): written
# as a stream (100,000 ledger rows in about 10 s), bounded still. The ledger page exports
# more rows than TAIZHANG_EXPORT_BACKGROUND_ROWS in the background, to a file kept
# TAIZHANG_FILE_JOB_KEEP_HOURS for the user who asked for it.
TAIZHANG_EXPORT_MAX_ROWS = _env_int("TAIZHANG_EXPORT_MAX_ROWS", 200000)
TAIZHANG_EXPORT_BACKGROUND_ROWS = _env_int("TAIZHANG_EXPORT_BACKGROUND_ROWS", 5000)
TAIZHANG_FILE_JOB_KEEP_HOURS = _env_int("TAIZHANG_FILE_JOB_KEEP_HOURS", 24)
TAIZHANG_WEB_TIMEOUT = _env_int("TAIZHANG_WEB_TIMEOUT", 60)
# Threads per web worker process (``taizhang serve --threads`` sets it for the workers).
TAIZHANG_WEB_THREADS = _env_int("TAIZHANG_WEB_THREADS", 4)
TAIZHANG_UPLOAD_MAX_BYTES = _env_int("TAIZHANG_UPLOAD_MAX_BYTES", 20 * 1024 * 1024)
TAIZHANG_UPLOAD_EXTENSIONS = [
    ".pdf",
    ".doc",
    ".docx",
    ".xls",
    ".xlsx",
    ".wps",
    ".et",
    ".txt",
    ".png",
    ".jpg",
    ".jpeg",
    ".zip",
    ".ofd",
]

# Audit log (审计日志): kept at least 180 days (网络安全法 art. 21: six months); a shorter
# setting is refused. Proxies whose X-Forwarded-For is believed, as addresses or networks.
# (taizhang.audit.retention checks it again for settings changed at run time.)
TAIZHANG_AUDIT_RETENTION_DAYS = _env_int("TAIZHANG_AUDIT_RETENTION_DAYS", 180)
if TAIZHANG_AUDIT_RETENTION_DAYS < 180:
    raise ImproperlyConfigured(
        "TAIZHANG_AUDIT_RETENTION_DAYS must be at least 180 (six months), "
        f"not {TAIZHANG_AUDIT_RETENTION_DAYS}"
    )
TAIZHANG_TRUSTED_PROXIES = [
    p.strip() for p in os.environ.get("TAIZHANG_TRUSTED_PROXIES", "").split(",") if p.strip()
]
try:
    trusted_proxy_networks(TAIZHANG_TRUSTED_PROXIES)
except ValueError as exc:
    raise ImproperlyConfigured(f"TAIZHANG_TRUSTED_PROXIES: {exc}") from exc

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"one_line_refusals": {"()": "taizhang.utils.logs.OneLineRefusals"}},
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {
        "django.request": {"filters": ["one_line_refusals"]},
        # Its DEBUG lines print each request's path and query: a group robot's key with them.
        "urllib3.connectionpool": {"level": "INFO"},
    },
    "root": {"handlers": ["console"], "level": os.environ.get("TAIZHANG_LOG_LEVEL", "INFO")},
}

# Headers and TLS. The Content-Security-Policy allows no inline script or style and nothing from
# another origin: every behaviour lives in static files (taizhang/static/taizhang/taizhang.js).
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],  # Tabler draws its form icons as data: SVG
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
if _env_bool("TAIZHANG_CSP_REPORT_ONLY"):
    SECURE_CSP, SECURE_CSP_REPORT_ONLY = {}, SECURE_CSP
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = os.environ.get("TAIZHANG_REFERRER_POLICY", "same-origin")
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# TAIZHANG_HTTPS=true: served over TLS, terminated by a reverse proxy in front of gunicorn that
# sets X-Forwarded-Proto (and overwrites any the client sent). It switches on the redirect to
# HTTPS, secure cookies and HSTS; each can be overridden on its own.
HTTPS = _env_bool("TAIZHANG_HTTPS")
SECURE_SSL_REDIRECT = _env_bool("TAIZHANG_SSL_REDIRECT", HTTPS)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = _env_bool("TAIZHANG_SECURE_COOKIES", HTTPS)
SECURE_HSTS_SECONDS = _env_int("TAIZHANG_HSTS_SECONDS", 365 * 24 * 3600 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = _env_bool("TAIZHANG_HSTS_INCLUDE_SUBDOMAINS", HTTPS)
SECURE_HSTS_PRELOAD = _env_bool("TAIZHANG_HSTS_PRELOAD", HTTPS)
if proxy_header := os.environ.get(
    "TAIZHANG_PROXY_SSL_HEADER", "X-Forwarded-Proto" if HTTPS else ""
):
    SECURE_PROXY_SSL_HEADER = ("HTTP_" + proxy_header.upper().replace("-", "_"), "https")
