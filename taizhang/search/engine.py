"""The search index: one row per object, a full-text index over it, and the queries."""

import itertools

from django.db import connections, router
from django.db.models import BooleanField, F, Func, Value
from django.db.models.expressions import RawSQL

from .models import SearchEntry
from .tokens import fts5_query, query_phrases, tokens, tsquery

FTS_TABLE = "search_fts"
BATCH = 2000

# kind → rows(ids): (object_id, organisation_id, texts) of the given objects (all when None).
_sources = {}


def register(kind, rows):
    """Declare a kind of object and how to read its texts, for ``rebuild``."""
    _sources[kind] = rows


def kinds():
    return sorted(_sources)


def _vendor():
    return connections[router.db_for_write(SearchEntry)].vendor


def index(kind, object_id, organisation_id, *texts):
    """Put one object in the index (or replace its entry) with its current texts."""
    text = tokens(*texts)
    entries = SearchEntry.objects.filter(kind=kind, object_id=object_id)
    if not entries.update(organisation_id=organisation_id, text=text):
        SearchEntry.objects.create(
            kind=kind, object_id=object_id, organisation_id=organisation_id, text=text
        )


def unindex(kind, *object_ids):
    """Take objects out of the index."""
    SearchEntry.objects.filter(kind=kind, object_id__in=object_ids).delete()


def rebuild(kind=None, ids=None):
    """Index again every object of ``kind`` (every kind when None), or only ``ids``, from its
    registered rows, in batches. Returns the number of entries written."""
    written = 0
    for name in [kind] if kind else kinds():
        rows = _sources[name]
        if ids is None:
            SearchEntry.objects.filter(kind=name).delete()
        else:
            unindex(name, *ids)
        entries = (
            SearchEntry(kind=name, object_id=pk, organisation_id=org, text=tokens(*texts))
            for pk, org, texts in rows(ids)
        )
        while batch := list(itertools.islice(entries, BATCH)):
            SearchEntry.objects.bulk_create(batch)
            written += len(batch)
    return written


class _TsMatch(Func):
    """``to_tsvector('simple', text) @@ to_tsquery('simple', query)``: the GIN index's
    expression, written exactly as the migration indexes it."""

    output_field = BooleanField()
    conditional = True

    def as_sql(self, compiler, connection, **extra):
        text, text_params = compiler.compile(self.source_expressions[0])
        query, query_params = compiler.compile(self.source_expressions[1])
        sql = (
            f"to_tsvector('simple'::regconfig, {text}) @@ to_tsquery('simple'::regconfig, {query})"
        )
        return sql, (*text_params, *query_params)


def matching(kind, query):
    """The ids of the objects of ``kind`` whose text has every word of ``query`` (a
    ``values_list`` queryset, for ``pk__in``). A query without any letter, digit or
    character matches nothing."""
    phrases = query_phrases(query)
    entries = SearchEntry.objects.filter(kind=kind)
    if not phrases:
        return entries.none().values_list("object_id", flat=True)
    vendor = _vendor()
    if vendor == "sqlite":
        hits = RawSQL(
            f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s", [fts5_query(phrases)]
        )
        entries = entries.filter(id__in=hits)
    elif vendor == "postgresql":
        entries = entries.filter(_TsMatch(F("text"), Value(tsquery(phrases))))
    else:  # no full-text index: the same tokens, found by a scan
        for phrase in phrases:
            entries = entries.filter(text__contains=" ".join(phrase))
    return entries.values_list("object_id", flat=True)
