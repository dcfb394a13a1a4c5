"""Logging filters of the product."""

import logging

from django.core.exceptions import PermissionDenied


class OneLineRefusals(logging.Filter):
    """A refused permission is an everyday event, not a fault: Django logs it with the
    exception's traceback; keep its one line ("Forbidden (Permission denied): /path")."""

    def filter(self, record):
        if record.exc_info and isinstance(record.exc_info[1], PermissionDenied):
            record.exc_info = None
            record.exc_text = None
        return True
