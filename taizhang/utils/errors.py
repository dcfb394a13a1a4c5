"""Errors that a workflow raises and that pages and the API both turn into messages."""


class WorkflowError(Exception):
    """An action that is not allowed: in this state, to this user, or with this input."""

    status_code = 400

    def __init__(self, message):
        super().__init__(message)
        self.message = message


class NotAllowed(WorkflowError):
    status_code = 403


class TooMany(WorkflowError):
    """Too many tries of something guessable (a claim code) from one place: wait."""

    status_code = 429


class Conflict(WorkflowError):
    """The record changed since the user loaded it (a stale ``version``)."""

    status_code = 409
