"""The shared shape of every lifecycle: a transition table, the "why not" check and the
event each transition writes.

An app declares its own table (``supervision/workflow.py``, ``suggestions/workflow.py``, …) as
a ``Lifecycle`` of ``Transition`` rows, with the parts its users can play in a record and any
extra condition of its own; its services ask ``why_not`` before they change anything and
record the step in an event model built on ``LifecycleEvent``.
"""

from dataclasses import dataclass

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy


@dataclass(frozen=True)
class Transition:
    """One row of a table: ``action`` is allowed in ``sources`` and leads to ``target``
    (``None``: the state stays as it is)."""

    action: str
    sources: frozenset
    target: str | None
    # Organisation-wide roles that may take the action...
    roles: frozenset = frozenset()
    # ...or the parts a user must play in the record (a unit's role in a task, a submitter's
    # own suggestion), as the app's ``parts`` function names them.
    parts: frozenset = frozenset()
    needs_comment: bool = False


def _no_condition(user, action, record):
    return None


def _by_action(checks):
    """One ``extra`` from each action's own ``check(user, record)``."""

    def extra(user, action, record):
        check = checks.get(action)
        return check(user, record) if check else None

    return extra


class Lifecycle:
    """A table of transitions with one answer to "may this user take this action now?".

    ``verbs`` maps each action to what its button says; ``state_label`` names a state for a
    message; ``parts(user, record, parts)`` returns the user's parts in the record among the
    given ones; ``extra(user, action, record)`` returns a reason to refuse, or None — or, as a
    mapping, each action's own ``check(user, record)``.
    ``messages`` may word the three refusals for the app's records (lazy strings, formatted
    with ``action`` and ``status``).
    """

    MESSAGES = {
        "outside": gettext_lazy("You may not act on this item."),
        "state": gettext_lazy("“%(action)s” is not possible while it is “%(status)s”."),
        "role": gettext_lazy("Your role may not take the action “%(action)s” here."),
    }

    def __init__(self, transitions, *, verbs, state_label, parts=None, extra=None, messages=None):
        self.transitions = {t.action: t for t in transitions}
        self.verbs = verbs
        self.state_label = state_label
        self.parts = parts or (lambda user, record, parts: [])
        self.extra = _by_action(extra) if isinstance(extra, dict) else extra or _no_condition
        self.messages = {**self.MESSAGES, **(messages or {})}

    def __getitem__(self, action):
        return self.transitions[action]

    def __contains__(self, action):
        return action in self.transitions

    def __iter__(self):
        return iter(self.transitions)

    def why_not(self, user, action, record, state_field="status"):
        """None when the action is allowed, else the reason in the user's language."""
        transition = self.transitions[action]
        state = getattr(record, state_field)
        words = {"action": self.verbs[action], "status": self.state_label(state)}
        if not user.is_authenticated or user.organisation_id != record.organisation_id:
            return str(self.messages["outside"]) % words
        if state not in transition.sources:
            return str(self.messages["state"]) % words
        allowed = user.role in transition.roles or (
            bool(transition.parts) and bool(self.parts(user, record, transition.parts))
        )
        if not allowed:
            return str(self.messages["role"]) % words
        return self.extra(user, action, record)

    def can(self, user, action, record):
        return self.why_not(user, action, record) is None

    def available(self, user, record):
        """The actions the user may take now, in the table's order, with their verbs."""
        return [(a, self.verbs[a]) for a in self.transitions if self.can(user, a, record)]

    def enter(self, record, action, state_field="status"):
        """Move the record to the action's target state; returns the state it left."""
        before = getattr(record, state_field)
        target = self.transitions[action].target
        if target:
            setattr(record, state_field, target)
        return before


class LifecycleEvent(models.Model):
    """One line of a record's timeline: who did what, when, with which comment and changes.

    Concrete models add the record they belong to and ``action`` with their own choices.
    Written only by service functions, in the transaction of the change itself; ``changes``
    holds field changes as ``{field: [before, after]}``.
    """

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=gettext_lazy("by"),
    )
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20, blank=True)
    comment = models.TextField(gettext_lazy("comment"), blank=True)
    changes = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(gettext_lazy("time"), auto_now_add=True, db_index=True)

    class Meta:
        abstract = True
        ordering = ["-created_at", "-id"]
