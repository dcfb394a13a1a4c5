"""Who is acting, from where, in which request: one context variable per thread or task.

The middleware binds the request; the task signals bind the job. A change traced with
neither was made by a command (``taizhang demo``) or another process, named from its
command line.
"""

import contextvars
import dataclasses
import os
import sys
import uuid


@dataclasses.dataclass(frozen=True)
class Context:
    request_id: str = ""
    address: str = ""
    request: object = None  # its user is read when a record is written, not before
    job: str = ""


NOBODY = Context()
_current = contextvars.ContextVar("taizhang_audit_context", default=None)


def current():
    return _current.get() or NOBODY


def bind(**values):
    """Replace fields of the current context; returns the token for ``reset``."""
    return _current.set(dataclasses.replace(current(), **values))


def reset(token):
    _current.reset(token)


def new_request_id():
    return uuid.uuid4().hex


def actor():
    """``(name, user id, organisation id)`` of whoever is acting now."""
    ctx = current()
    user = getattr(ctx.request, "user", None)
    if user is not None and user.is_authenticated:
        return user.get_username(), user.pk, getattr(user, "organisation_id", None)
    if ctx.job:
        return f"job:{ctx.job}", None, None
    if ctx.request is not None:
        return "", None, None  # an anonymous request
    return process_name(), None, None


def process_name():
    argv = sys.argv or [""]
    program = os.path.basename(argv[0])
    if program in {"taizhang", "manage.py", "cli.py", "__main__.py"} and len(argv) > 1:
        return f"command:{argv[1]}"[:150]
    return f"command:{program}"[:150]
