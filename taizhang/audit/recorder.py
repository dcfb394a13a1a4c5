"""Turning changes, logins and downloads into audit records.

Values are recorded as JSON: dates as ISO text, foreign keys as their ids, files by name, long
texts cut. Fields that hold secrets (passwords, their hashes, TOTP secrets, token hashes, keys)
are written as ``***``: the log says that they changed, never what they are. So are the
personal fields a model lists in ``audit_personal`` (ID numbers, phones: PIPL's sensitive
information), with a keyed digest that shows a change without the value.
"""

import datetime
import decimal
import functools
import hashlib
import hmac
import re
import uuid
from urllib.parse import parse_qsl, urlencode

from django.apps import apps
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models.fields.files import FieldFile

from . import chain, context
from .choices import AuditAction
from .models import AuditRecord, canonical

MASK = "***"
SECRET_NAME = re.compile(
    r"pass(word|wd|phrase)|secret|token|hash|salt|totp|(^|_)otp(_|$)|(^|_)key(_|$)"
    r"|private|credential|recovery",
    re.IGNORECASE,
)
# Names with a secret word that say something about a secret rather than hold it.
NOT_SECRET = re.compile(r"(_at|_on|_id|_count|_expires|expires|_name|_prefix)$", re.IGNORECASE)
# Fields whose change is itself recorded another way, or is every save's noise.
IGNORED_FIELDS = {"last_login"}
MAX_TEXT = 2000


@functools.cache
def is_secret(name):
    return bool(SECRET_NAME.search(name)) and not NOT_SECRET.search(name)


def masked_query(request):
    """The request's query string, values of secret-looking parameters masked."""
    pairs = parse_qsl(request.META.get("QUERY_STRING", ""), keep_blank_values=True)
    masked = [(k, MASK if is_secret(k) else v) for k, v in pairs]
    return urlencode(masked, safe=",")[:1000]


def audited(model):
    """The models traced: every model of taizhang's own apps (the user model among them),
    but not the audit log itself. Django's, and other libraries' (sessions, task results,
    content types) are not the ledger's data. A model whose rows only echo what the log
    already holds, or that change every minute (heartbeats), says ``audit_log = False``."""
    meta = model._meta
    if meta.app_label == "audit" or meta.proxy or not meta.managed:
        return False
    if getattr(model, "audit_log", True) is False:
        return False
    if model is apps.get_model(settings.AUTH_USER_MODEL):
        return True
    return apps.get_app_config(meta.app_label).name.startswith("taizhang.")


def audited_models():
    return [m for m in apps.get_models() if audited(m)]


def object_type(model):
    """``app_label.model_name`` of a model or instance."""
    return f"{model._meta.app_label}.{model._meta.model_name}"


# ---- values -------------------------------------------------------------------------------


def _text(value):
    return value if len(value) <= MAX_TEXT else f"{value[:MAX_TEXT]}… [{len(value)}]"


def _float(value):
    return value if value == value and abs(value) != float("inf") else str(value)


def _moment(value):
    if isinstance(value, datetime.datetime) and value.tzinfo is not None:
        value = value.astimezone(datetime.UTC)
    return value.isoformat()


# By type, in order (bool before int, datetime before date: subclasses first).
CONVERTERS = [
    (bool, lambda v: v),
    (int, lambda v: v),
    (str, _text),
    (float, _float),
    ((datetime.date, datetime.time), _moment),
    (decimal.Decimal, lambda v: format(v.normalize(), "f")),
    ((uuid.UUID, datetime.timedelta), str),
    (FieldFile, lambda v: v.name or None),
    ((bytes, memoryview), lambda v: f"<{len(v)} bytes>"),
    ((list, tuple), lambda v: [jsonable(x) for x in v]),
    (dict, lambda v: {str(k): jsonable(x) for k, x in v.items()}),
]


def jsonable(value):
    """``value`` as JSON can hold it, the same whether read from the database or not."""
    if value is None:
        return None
    for types, convert in CONVERTERS:
        if isinstance(value, types):
            return convert(value)
    return _text(str(value))


def tracked_fields(model, names=None):
    """Concrete fields whose values are recorded (all, or those ``names``)."""
    fields = []
    # A model may name copies the database keeps (``audit_ignored_fields``): not anyone's change.
    ignored = IGNORED_FIELDS | set(getattr(model, "audit_ignored_fields", ()))
    for field in model._meta.concrete_fields:
        if field.primary_key or field.attname in ignored or field.name in ignored:
            continue
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            continue
        if names is not None and field.name not in names and field.attname not in names:
            continue
        fields.append(field)
    return fields


def _sealed(value):
    """A personal value the log must not show (an ID number, a phone): ``***`` and a keyed
    digest, so that a change still shows as one and nobody can read back what it was."""
    if value in (None, ""):
        return value
    digest = hmac.new(settings.SECRET_KEY.encode(), str(value).encode(), hashlib.sha256)
    return f"{MASK}{digest.hexdigest()[:8]}"


def values_of(instance, fields):
    """The recorded values; the fields a model names in ``audit_personal`` sealed."""
    deferred = instance.get_deferred_fields()
    personal = getattr(type(instance), "audit_personal", ())
    return {
        f.attname: _sealed(getattr(instance, f.attname))
        if f.name in personal
        else jsonable(getattr(instance, f.attname))
        for f in fields
        if f.attname not in deferred
    }


def diff(before, after):
    """``{field: [before, after]}`` of the fields that differ; secrets masked."""
    changes = {}
    for name in sorted(set(before) | set(after)):
        old, new = before.get(name), after.get(name)
        if old != new:
            changes[name] = [MASK, MASK] if is_secret(name) else [old, new]
    return changes


def snapshot(values, *, deleted=False):
    """A create (``[None, value]``) or delete (``[value, None]``) as changes."""
    return {
        name: ([MASK, None] if deleted else [None, MASK])
        if is_secret(name)
        else ([value, None] if deleted else [None, value])
        for name, value in sorted(values.items())
        if value not in (None, "", [], {})
    }


class _NoQueries(Exception):
    pass


def _refuse(*args, **kwargs):
    raise _NoQueries


def short_repr(instance, using=DEFAULT_DB_ALIAS):
    """``str(instance)`` if it needs no query (a ``__str__`` that follows a relation not yet
    loaded would cost one per record), else the model's name and primary key."""
    with connections[using].execute_wrapper(_refuse):
        return _repr_without_queries(instance)


def _repr_without_queries(instance):
    """``short_repr`` where queries are already refused."""
    try:
        text = str(instance)
    except Exception:
        text = f"{instance._meta.verbose_name} #{instance.pk}"
    return text[:200]


def organisation_of(instance):
    """The organisation an object belongs to, from loaded data only: its own
    ``organisation_id``, or that of an already loaded object it points to."""
    if instance._meta.model_name == "organisation":
        return instance.pk
    found = instance.__dict__.get("organisation_id")
    if found is not None:
        return found
    for field in instance._meta.concrete_fields:
        if field.many_to_one and field.is_cached(instance):
            related = field.get_cached_value(instance)
            found = related is not None and related.__dict__.get("organisation_id")
            if found:
                return found
    return None


# ---- records ------------------------------------------------------------------------------


def entry(action, *, instance=None, changes=None, extra=None, who=None, organisation_id=None):
    """An unsaved record of ``action`` by the current actor (or ``who``: a user)."""
    if who is not None:
        acting = who.get_username(), who.pk, who.organisation_id
    else:
        acting = context.actor()
    record = _entry(action, context.current(), acting, changes, extra, organisation_id)
    if instance is not None:
        using = instance._state.db or DEFAULT_DB_ALIAS
        _about(record, instance, short_repr(instance, using), organisation_id)
    return record


def _entry(action, ctx, acting, changes, extra, organisation_id):
    name, actor_id, actor_org = acting
    return AuditRecord(
        action=action,
        actor=(name or "")[:150],
        actor_id=actor_id,
        address=ctx.address,
        request_id=ctx.request_id[:64],
        changes=canonical(changes) if changes else "",
        extra=canonical(extra) if extra else "",
        organisation_id=organisation_id or actor_org,
    )


def _about(record, instance, text, organisation_id=None):
    """Say which object ``record`` is about."""
    record.object_type = object_type(instance)
    record.object_id = str(instance.pk if instance.pk is not None else "")[:64]
    record.object_repr = text
    record.organisation_id = organisation_id or organisation_of(instance) or record.organisation_id


def record(action, *, using=None, **kwargs):
    """Write one record now, in the current transaction."""
    return chain.append([entry(action, **kwargs)], using)[0]


def record_bulk(model, objects, action, fields=None, *, before=None):
    objects = list(objects)
    if not objects or not audited(model):
        return []
    tracked = tracked_fields(model, fields)
    using = objects[0]._state.db or DEFAULT_DB_ALIAS
    # The context, the actor and the refusal of queries once for the batch, not per record.
    ctx, acting, extra = context.current(), context.actor(), {"bulk": True}
    entries = []
    with connections[using].execute_wrapper(_refuse):
        for obj in objects:
            values = values_of(obj, tracked)
            if action == AuditAction.UPDATE:
                old = before.get(obj.pk, {}) if before is not None else dict.fromkeys(values)
                changes = diff(old, values)
                if not changes:
                    continue
            else:
                changes = snapshot(values, deleted=action == AuditAction.DELETE)
            record = _entry(action, ctx, acting, changes, extra, None)
            _about(record, obj, _repr_without_queries(obj))
            entries.append(record)
    return chain.append(entries, using)


def bulk_create(model, objects, **options):
    created = model._default_manager.bulk_create(objects, **options)
    record_bulk(model, created, AuditAction.CREATE)
    return created


def bulk_update(model, objects, fields, **options):
    objects = list(objects)
    tracked = tracked_fields(model, fields)
    names = [f.attname for f in tracked]
    before = {}
    for start in range(0, len(objects), 1000):
        chunk = [obj.pk for obj in objects[start : start + 1000]]
        for row in model._base_manager.filter(pk__in=chunk).values("pk", *names):
            pk = row.pop("pk")
            before[pk] = {name: jsonable(value) for name, value in row.items()}
    count = model._default_manager.bulk_update(objects, fields, **options)
    record_bulk(model, objects, AuditAction.UPDATE, fields, before=before)
    return count
