"""Secrets kept in the database sealed (Fernet: AES-128-CBC with an HMAC), under a key derived
from ``TAIZHANG_SEALING_KEY`` or, when that is not set, from the secret key. A webhook's key is
as good as a password to its group chat: a copy of the database alone does not reveal it."""

import base64

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.utils.translation import gettext as _


class SealBroken(Exception):
    """A sealed value that the current key cannot open (the key changed)."""


def _fernet():
    material = (settings.TAIZHANG_SEALING_KEY or settings.SECRET_KEY).encode()
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"taizhang.notify").derive(
        material
    )
    return Fernet(base64.urlsafe_b64encode(key))


def seal(text):
    return _fernet().encrypt(text.encode()).decode()


def unseal(token):
    try:
        return _fernet().decrypt(token.encode()).decode()
    except (InvalidToken, ValueError) as exc:
        raise SealBroken(
            _("The stored webhook cannot be read with this installation's key; enter it again.")
        ) from exc
