"""Keyword search (全文检索) over any kind of object, on SQLite and PostgreSQL alike.

An app registers a kind with the function that reads its objects' texts, and indexes an
object whenever one of them changes; a list filters with ``pk__in=search.matching(kind, q)``.
Every word of a query must match; case, full-width forms and traditional script do not
matter; two-character Chinese words are found exactly (the text is indexed as bigrams).
"""


def register(kind, rows):
    """Declare ``kind``: ``rows(ids)`` yields ``(object_id, organisation_id, texts)`` for the
    given ids, or for every object when ``ids`` is None (used by ``rebuild``)."""
    from .engine import register

    register(kind, rows)


def index(kind, object_id, organisation_id, *texts):
    """Index one object with its current texts (replacing what was indexed)."""
    from .engine import index

    index(kind, object_id, organisation_id, *texts)


def unindex(kind, *object_ids):
    """Take objects out of the index (they were deleted)."""
    from .engine import unindex

    unindex(kind, *object_ids)


def matching(kind, query):
    """The ids of the objects of ``kind`` that have every word of ``query``, as a subquery
    for ``pk__in``."""
    from .engine import matching

    return matching(kind, query)


def rebuild(kind=None, ids=None):
    """Index again every object of ``kind`` (of every kind when None), or only ``ids``, in
    batches; returns the number of entries written. Bulk loaders call it after inserting."""
    from .engine import rebuild

    return rebuild(kind, ids)
