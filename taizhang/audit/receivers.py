"""What records itself: model saves and deletes, many-to-many changes, logins, jobs.

Receivers are connected per audited model (not for every sender), so models outside the log
keep Django's fast deletes and pay nothing.
"""

import contextlib

from django.contrib.auth import get_user_model
from django.contrib.auth import signals as auth_signals
from django.db.backends.signals import connection_created
from django.db.models import signals
from django.tasks.signals import task_finished, task_started

from . import chain, context, recorder
from .choices import AuditAction

BEFORE = "_audit_before"  # the stored values, read in pre_save, on the instance being saved
NEW = object()  # pre_save saw an instance not yet in the database
M2M_BEFORE = "_audit_m2m_before"

_m2m_fields = {}  # through model → the many-to-many field it serves
_job_tokens = {}


def connect():
    for model in recorder.audited_models():
        uid = recorder.object_type(model)
        signals.pre_save.connect(before_save, sender=model, dispatch_uid=f"audit-pre-{uid}")
        signals.post_save.connect(after_save, sender=model, dispatch_uid=f"audit-save-{uid}")
        signals.post_delete.connect(after_delete, sender=model, dispatch_uid=f"audit-del-{uid}")
        for field in model._meta.many_to_many:
            through = field.remote_field.through
            _m2m_fields[through] = field
            signals.m2m_changed.connect(
                m2m_changed, sender=through, dispatch_uid=f"audit-m2m-{through._meta.label}"
            )
    auth_signals.user_logged_in.connect(logged_in, dispatch_uid="audit-login")
    auth_signals.user_logged_out.connect(logged_out, dispatch_uid="audit-logout")
    auth_signals.user_login_failed.connect(login_failed, dispatch_uid="audit-login-failed")
    task_started.connect(job_started, dispatch_uid="audit-job-started")
    task_finished.connect(job_finished, dispatch_uid="audit-job-finished")
    connection_created.connect(sqlite_functions, dispatch_uid="audit-sqlite-functions")


# ---- model changes ------------------------------------------------------------------------


def before_save(sender, instance, raw, using, update_fields, **kwargs):
    """Read the stored values of the fields being saved: one SELECT, for updates only."""
    if raw:
        return
    if instance._state.adding:
        instance.__dict__[BEFORE] = NEW
        return
    deferred = instance.get_deferred_fields()
    names = [
        f.attname
        for f in recorder.tracked_fields(sender, update_fields)
        if f.attname not in deferred
    ]
    if not names:
        return  # only untracked fields (last_login, updated_at) are saved
    row = sender._base_manager.using(using).filter(pk=instance.pk).values(*names).first()
    instance.__dict__[BEFORE] = (
        {name: recorder.jsonable(value) for name, value in row.items()} if row else NEW
    )


def after_save(sender, instance, created, raw, using, update_fields, **kwargs):
    before = instance.__dict__.pop(BEFORE, None)
    if raw or before is None:
        return
    if created:
        values = recorder.values_of(instance, recorder.tracked_fields(sender))
        action, changes = AuditAction.CREATE, recorder.snapshot(values)
    else:
        fields = recorder.tracked_fields(sender, update_fields)
        after = recorder.values_of(instance, fields)
        if before is NEW:  # saved with a primary key of its own over an existing row
            before = dict.fromkeys(after)
        action, changes = AuditAction.UPDATE, recorder.diff(before, after)
        if not changes:
            return
    chain.append([recorder.entry(action, instance=instance, changes=changes)], using)


def after_delete(sender, instance, using, **kwargs):
    values = recorder.values_of(instance, recorder.tracked_fields(sender))
    changes = recorder.snapshot(values, deleted=True)
    chain.append([recorder.entry(AuditAction.DELETE, instance=instance, changes=changes)], using)


def m2m_changed(sender, instance, action, reverse, pk_set, using, **kwargs):
    """A many-to-many change as ``{relation: [ids before, ids after]}`` on ``instance``."""
    field = _m2m_fields[sender]
    own, other = field.m2m_field_name(), field.m2m_reverse_field_name()
    if reverse:
        own, other = other, own
    name = field.remote_field.get_accessor_name() if reverse else field.name
    stash = instance.__dict__.setdefault(M2M_BEFORE, {})
    if action.startswith("pre_"):
        column = sender._meta.get_field(other).attname
        rows = sender._base_manager.using(using).filter(**{own: instance.pk})
        stash[sender, reverse] = set(rows.values_list(column, flat=True))
        return
    before = stash.pop((sender, reverse), set())
    if action == "post_add":
        after = before | set(pk_set)
    elif action == "post_remove":
        after = before - set(pk_set)
    else:
        after = set()
    if before == after:
        return
    changes = {name: [sorted(before), sorted(after)]}
    record = recorder.entry(AuditAction.UPDATE, instance=instance, changes=changes)
    chain.append([record], using)


# ---- logins -------------------------------------------------------------------------------


def logged_in(sender, request, user, **kwargs):
    recorder.record(AuditAction.LOGIN, instance=user, who=user)


def logged_out(sender, request, user, **kwargs):
    if user is not None:
        recorder.record(AuditAction.LOGOUT, instance=user, who=user)


def login_failed(sender, credentials, request=None, **kwargs):
    """A failed login, with the user name tried (the password never reaches us: Django has
    already masked it in ``credentials``)."""
    users = get_user_model()
    tried = credentials.get(users.USERNAME_FIELD) or credentials.get("username") or ""
    tried = str(tried)[:150]
    user = users._default_manager.filter(**{users.USERNAME_FIELD: tried}).first() if tried else None
    record = recorder.entry(AuditAction.LOGIN_FAILED, instance=user, extra={"username": tried})
    record.actor, record.actor_id = tried, None
    chain.append([record])


# ---- background jobs ----------------------------------------------------------------------


def job_started(sender, task_result, **kwargs):
    """Changes made by a job are the job's: ``job:refresh_lights``."""
    request_id = context.current().request_id or str(task_result.id)
    _job_tokens[task_result.id] = context.bind(job=task_result.task.name, request_id=request_id)


def job_finished(sender, task_result, **kwargs):
    token = _job_tokens.pop(task_result.id, None)
    if token is not None:
        with contextlib.suppress(ValueError):  # finished in another context than it started
            context.reset(token)


# ---- the purge switch on SQLite -------------------------------------------------------------


def sqlite_functions(sender, connection, **kwargs):
    """The delete trigger asks ``taizhang_audit_purging()``; it is true only inside
    ``chain.purging()`` on this connection. A connection without it (the sqlite3 shell)
    cannot delete at all."""
    if connection.vendor != "sqlite":
        return
    connection.connection.create_function(
        "taizhang_audit_purging",
        0,
        lambda: int(getattr(connection, "taizhang_audit_purging", False)),
    )
