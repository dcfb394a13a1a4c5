"""Records as people read them: model and field names in the user's language, no queries."""

from django.apps import apps
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


def model_of(object_type):
    try:
        return apps.get_model(object_type) if object_type else None
    except (LookupError, ValueError):
        return None


def type_label(object_type):
    model = model_of(object_type)
    return str(model._meta.verbose_name) if model else object_type


def field_of(model, name):
    if model is not None:
        for field in model._meta.get_fields():
            if name in (field.name, getattr(field, "attname", None)):
                return field
    return None


def field_label(field, name):
    return str(getattr(field, "verbose_name", None) or name) if field is not None else name


def value_text(value, field=None):
    """A recorded value as text; a choice by its label."""
    if value is None or value == "":
        return "—"
    if isinstance(value, list):
        return ", ".join(value_text(v) for v in value) or "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if field is not None and getattr(field, "choices", None):
        return str(dict(field.flatchoices).get(value, value))
    return str(value)


def change_rows(record):
    """``(field, before, after)`` for each recorded field."""
    model = model_of(record.object_type)
    rows = []
    for name, (before, after) in record.changes_dict().items():
        field = field_of(model, name)
        rows.append((field_label(field, name), value_text(before, field), value_text(after, field)))
    return rows


def describe_changes(record):
    return "; ".join(f"{label}: {before} → {after}" for label, before, after in change_rows(record))


EXTRA_LABELS = {
    "username": gettext_lazy("User name tried"),
    "path": gettext_lazy("Path"),
    "query": gettext_lazy("Query"),
    "filename": gettext_lazy("File"),
    "purged": gettext_lazy("Records purged"),
    "anchor_seq": gettext_lazy("Anchor"),
    "bulk": gettext_lazy("Bulk write"),
}


def describe_extra(record):
    parts = []
    for key, value in record.extra_dict().items():
        if key in ("anchor_hash", "before") or value in ("", None):
            continue
        parts.append(f"{EXTRA_LABELS.get(key, key)}: {value_text(value)}")
    return "; ".join(parts)
