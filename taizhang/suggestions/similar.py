"""The most similar earlier suggestions, for the form as one types and the office's merge.

One index per organisation, kept in the process and rebuilt only when the organisation's
suggestions changed (their count or latest ``updated_at``), so typing does not rebuild it
at every keystroke. It is a cache: losing it costs a rebuild, nothing else.
"""

import threading
from collections import OrderedDict

from django.db.models import Count, Max

from taizhang.utils.similar import SimilarIndex

from .choices import Status
from .models import Suggestion

MAX_ORGANISATIONS = 32  # indexes kept at once; the least recently used goes first
_indexes = OrderedDict()
_lock = threading.Lock()
_build_lock = threading.Lock()


def _stamp(organisation_id):
    row = Suggestion.objects.filter(organisation_id=organisation_id).aggregate(
        count=Count("pk"), latest=Max("updated_at")
    )
    return row["count"], row["latest"]


def _cached(organisation_id, stamp):
    with _lock:
        cached = _indexes.get(organisation_id)
        if cached and cached[0] == stamp:
            _indexes.move_to_end(organisation_id)
            return cached[1]
    return None


def index_for(organisation_id):
    """The organisation's index, built again only if a suggestion was added or changed.
    One build at a time: requests that arrive meanwhile wait for it instead of each
    building their own (a build takes seconds for ten thousand suggestions)."""
    stamp = _stamp(organisation_id)
    if (index := _cached(organisation_id, stamp)) is not None:
        return index
    with _build_lock:
        if (index := _cached(organisation_id, stamp)) is not None:
            return index
        rows = Suggestion.objects.filter(organisation_id=organisation_id).values_list(
            "pk", "title", "body"
        )
        index = SimilarIndex(rows.iterator())
        with _lock:
            _indexes[organisation_id] = (stamp, index)
            _indexes.move_to_end(organisation_id)
            while len(_indexes) > MAX_ORGANISATIONS:
                _indexes.popitem(last=False)
    return index


def similar_to(title, body, *, among, organisation_id, exclude=None, limit=5):
    """The suggestions of ``among`` (a queryset the reader may see) most like the text, best
    first, each with ``similarity`` (0–1) set."""
    if not (title or "").strip() and not (body or "").strip():
        return []
    # More than ``limit``: the reader may not see every one found.
    found = index_for(organisation_id).most_similar(
        title or "", body or "", limit=limit * 10, exclude=() if exclude is None else (exclude,)
    )
    scores = dict(found)
    rows = {s.pk: s for s in among.filter(pk__in=scores).select_related(None)}
    ranked = sorted(rows.values(), key=lambda s: -scores[s.pk])[:limit]
    for suggestion in ranked:
        suggestion.similarity = scores[suggestion.pk]
    return ranked


def merge_candidates(suggestion, limit=5):
    """Earlier suggestions of the organisation this one could be merged into (并案)."""
    among = Suggestion.objects.filter(organisation_id=suggestion.organisation_id).exclude(
        status__in=[Status.WITHDRAWN, Status.REFUSED, Status.MERGED]
    )
    return similar_to(
        suggestion.title,
        suggestion.body,
        among=among,
        organisation_id=suggestion.organisation_id,
        exclude=suggestion.pk,
        limit=limit,
    )
