"""What every app's service functions do the same way: take a record fresh and locked, refuse
a stale version, ask the lifecycle, bump the version, and check the text a user typed.

An app's ``services.py`` keeps its own actions and events; these are the steps they share.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .errors import Conflict, NotAllowed, WorkflowError
from .text import clean_text

STALE = gettext_lazy(
    "This record was changed by someone else since you opened it "
    "(your version %(yours)s, current %(current)s). Reload it and try again."
)


def check_version(fresh, version, message=STALE):
    """Refuse an edit made on an older copy of the record (``version`` empty: no check)."""
    if version in (None, ""):
        return
    try:
        yours = int(version)
    except (TypeError, ValueError):
        raise WorkflowError(
            _("“%(value)s” is not a version number.") % {"value": version}
        ) from None
    if yours != fresh.version:
        raise Conflict(str(message) % {"yours": version, "current": fresh.version})


def lock(queryset, pk, version=None, message=STALE):
    """The record fresh from the database, locked for the transaction; refuse a stale version.
    ``queryset`` loads what the rules read (select_related/prefetch_related)."""
    fresh = queryset.select_for_update(of=("self",)).get(pk=pk)
    check_version(fresh, version, message)
    return fresh


def require(lifecycle, user, action, record, state_field="status"):
    """Raise NotAllowed with the lifecycle's reason when the user may not take the action."""
    reason = lifecycle.why_not(user, action, record, state_field)
    if reason:
        raise NotAllowed(reason)


def needs_comment(lifecycle, action, comment):
    """The actions the table marks ``needs_comment`` are refused without one."""
    if lifecycle[action].needs_comment and not clean_text(comment or "").strip():
        raise WorkflowError(
            _("“%(action)s” needs a comment saying why.") % {"action": lifecycle.verbs[action]}
        )


def bump(record, *fields):
    """Save the changed fields with a new version (and ``updated_at``)."""
    record.version += 1
    record.save(update_fields=[*fields, "version", "updated_at"])


def text(value, message, limit=None):
    """Cleaned, required text of at most ``limit`` characters; ``message`` says what is missing."""
    cleaned = clean_text(value or "").strip()
    if not cleaned:
        raise WorkflowError(message)
    return _within(cleaned, limit)


def optional_text(value, limit=None):
    return _within(clean_text(value or "").strip(), limit)


def _within(cleaned, limit):
    if limit and len(cleaned) > limit:
        raise WorkflowError(
            _("At most %(limit)d characters, please (this has %(count)d).")
            % {"limit": limit, "count": len(cleaned)}
        )
    return cleaned


def field_limit(model, field):
    return model._meta.get_field(field).max_length
