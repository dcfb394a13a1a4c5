"""The records notifications are about (a task, a suggestion), named without importing their
apps: an app registers its model with the rule of who may see it, and the deliveries of a
record are listed only to those who see the record."""

_visible = {}


def key(record):
    """``("app_label.model_name", pk)`` of a record, ``("", None)`` for none."""
    if record is None:
        return "", None
    meta = record._meta
    return f"{meta.app_label}.{meta.model_name}", record.pk


def register(model, visible):
    """``visible(user)``: the queryset of the model's records ``user`` may see."""
    _visible[f"{model._meta.app_label}.{model._meta.model_name}"] = visible


def visible_ids(subject_type, user, ids):
    """Which of ``ids`` (records of ``subject_type``) ``user`` may see; none for a type no
    app registered."""
    rule = _visible.get(subject_type)
    if rule is None:
        return set()
    return set(rule(user).filter(pk__in=ids).values_list("pk", flat=True))
