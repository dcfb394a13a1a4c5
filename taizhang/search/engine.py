"""The search index: one row per object, a full-text index over it, and the queries."""

import itertools

from django.db import connections, router
from django.db.models import BooleanField, F, Func, Value

from .models import FullTextHit, SearchEntry, entry_id, kind_range
from .tokens import fts5_query, query_phrases, tokens, tsquery

BATCH = 2000

# kind → rows(ids): (object_id, organisation_id, texts) of the given objects (all when None).
_sources = {}


def register(kind, rows):
    """Declare a kind of object and how to read its texts, for ``rebuild``."""
    for other in _sources:
        if other != kind and kind_range(other) == kind_range(kind):
            raise ValueError(f"The search kinds {other!r} and {kind!r} share a code: rename one.")
    _sources[kind] = rows


def kinds():
    return sorted(_sources)


def _vendor():
    return connections[router.db_for_write(SearchEntry)].vendor


def index(kind, object_id, organisation_id, *texts):
    """Put one object in the index (or replace its entry) with its current texts."""
    text = tokens(*texts)
    pk = entry_id(kind, object_id)
    if not SearchEntry.objects.filter(pk=pk).update(organisation_id=organisation_id, text=text):
        SearchEntry.objects.create(
            id=pk, kind=kind, object_id=object_id, organisation_id=organisation_id, text=text
        )


def unindex(kind, *object_ids):
    """Take objects out of the index."""
    SearchEntry.objects.filter(pk__in=[entry_id(kind, pk) for pk in object_ids]).delete()


def rebuild(kind=None, ids=None):
    """Index again every object of ``kind`` (every kind when None), or only ``ids``, from its
    registered rows, in batches. Returns the number of entries written."""
    written = 0
    for name in [kind] if kind else kinds():
        rows = _sources[name]
        if ids is None:
            SearchEntry.objects.filter(pk__range=kind_range(name)).delete()
        else:
            unindex(name, *ids)
        entries = (
            SearchEntry(
                id=entry_id(name, pk),
                kind=name,
                object_id=pk,
                organisation_id=org,
                text=tokens(*texts),
            )
            for pk, org, texts in rows(ids)
        )
        while batch := list(itertools.islice(entries, BATCH)):
            SearchEntry.objects.bulk_create(batch)
            written += len(batch)
    return written


class _TsMatch(Func):
    """``tsv @@ to_tsquery('simple', query)`` on PostgreSQL, where ``tsv`` is the column the
    migration generates from ``text`` (the model does not know it: SQLite has none)."""

    output_field = BooleanField()
    conditional = True

    def as_sql(self, compiler, connection, **extra):
        text, text_params = compiler.compile(self.source_expressions[0])
        query, query_params = compiler.compile(self.source_expressions[1])
        if not text.endswith('"text"'):
            raise ValueError(f"Not the text column: {text}")
        tsv = text.removesuffix('"text"') + '"tsv"'
        return f"{tsv} @@ to_tsquery('simple'::regconfig, {query})", (*text_params, *query_params)


def matching(kind, query):
    """The ids of the objects of ``kind`` whose text has every word of ``query`` (a
    ``values_list`` queryset, for ``pk__in``). A query without any letter, digit or
    character matches nothing."""
    phrases = query_phrases(query)
    first, last = kind_range(kind)
    entries = SearchEntry.objects.filter(pk__range=(first, last))
    if not phrases:
        return entries.none().values_list("object_id", flat=True)
    vendor = _vendor()
    if vendor == "sqlite":
        # Object ids straight from the FTS5 index's row ids, without reading the entries.
        hits = FullTextHit.objects.filter(pk__range=(first, last), text__match=fts5_query(phrases))
        return hits.annotate(object_id=F("id") - first).values_list("object_id", flat=True)
    if vendor == "postgresql":
        entries = entries.filter(_TsMatch(F("text"), Value(tsquery(phrases))))
    else:  # no full-text index: the same tokens in a row, found by a scan
        for phrase in phrases:
            entries = entries.filter(text__contains=" ".join(phrase).removesuffix("*"))
    return entries.values_list("object_id", flat=True)
