"""The audit log (审计日志): every login, data change and download, recorded by itself.

Apps write no audit code: model changes are traced through Django's signals, logins through
the auth signals, downloads by the middleware. Bulk writes bypass signals, so code that uses
them goes through the three functions below instead of the queryset's own (same arguments).
"""


def record_bulk(model, objects, action, fields=None, *, before=None):
    """Record ``action`` (create, update, delete) on each of ``objects`` in one INSERT.

    ``fields`` limits what is recorded; ``before`` maps a primary key to the stored values
    of an update (without it the before values are unknown and left empty).
    """
    from .recorder import record_bulk as record

    return record(model, objects, action, fields, before=before)


def bulk_create(model, objects, **options):
    """``model.objects.bulk_create(objects, **options)``, recorded."""
    from .recorder import bulk_create as create

    return create(model, objects, **options)


def bulk_update(model, objects, fields, **options):
    """``model.objects.bulk_update(objects, fields, **options)``, recorded with before/after
    (the stored values are read in one query first)."""
    from .recorder import bulk_update as update

    return update(model, objects, fields, **options)


def record_printout(request, name, instance=None):
    """Record a printable page handed out (a 督办单, a printed ledger) as the middleware records
    a downloaded file: with its path, query and a name; about ``instance`` when one record is
    printed. A page, unlike a file, carries no attachment header to be recognised by."""
    from . import chain, recorder
    from .choices import AuditAction

    extra = {
        "path": request.path[:500],
        "query": recorder.masked_query(request),
        "filename": name[:200],
        "printout": True,
    }
    record = recorder.entry(AuditAction.DOWNLOAD, instance=instance, extra=extra)
    if instance is None:
        record.object_repr = name[:200]
    return chain.append([record])[0]
