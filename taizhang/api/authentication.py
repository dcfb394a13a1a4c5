import datetime

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header

from taizhang.org.models import ApiToken
from taizhang.org.services import hash_key

# last_used is written at most this often per token, not on every request.
LAST_USED_RESOLUTION = datetime.timedelta(minutes=1)


class BearerTokenAuthentication(BaseAuthentication):
    """``Authorization: Bearer <token>``, a token from ``POST /api/auth/token`` or the
    tokens page. Only the key's SHA-256 is stored; expired and revoked tokens get 401."""

    keyword = b"bearer"

    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword:
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(_("Invalid Authorization header."))
        try:
            key = parts[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(_("Invalid Authorization header.")) from None
        token = (
            ApiToken.objects.usable().select_related("user").filter(key_hash=hash_key(key)).first()
        )
        if token is None or not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("Invalid, expired or revoked token."))
        if token.user.must_change_password:
            raise exceptions.PermissionDenied(_("You must change your password first."))
        now = timezone.now()
        if token.last_used is None or now - token.last_used > LAST_USED_RESOLUTION:
            # A bookkeeping column, not a change anyone made: a plain UPDATE.
            ApiToken.objects.filter(pk=token.pk).update(last_used=now)
        return token.user, token

    def authenticate_header(self, request):
        return 'Bearer realm="api"'


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = "taizhang.api.authentication.BearerTokenAuthentication"
    name = "bearerAuth"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer"}
