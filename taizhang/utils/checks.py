"""System checks of a deployment (``taizhang check --deploy``)."""

from pathlib import Path

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def check_secret_key_is_shared(app_configs, **kwargs):
    """On a server database several app servers may share the installation; each would sign
    sessions with the key it generated under its own var dir, and a user whose next request
    reaches another server would be signed out."""
    if settings.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
        return []
    generated = Path(settings.VAR_DIR) / "secret_key"
    if not generated.is_file() or generated.read_text().strip() != settings.SECRET_KEY:
        return []
    return [
        Warning(
            "The secret key was generated under TAIZHANG_VAR_DIR, not set by TAIZHANG_SECRET_KEY.",
            hint="Set TAIZHANG_SECRET_KEY, to the same value on every app server and worker.",
            id="taizhang.W001",
        )
    ]
