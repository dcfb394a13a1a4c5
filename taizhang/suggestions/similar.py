"""The most similar earlier suggestions, for the form as one types and the office's merge.

One index per organisation, kept in the process and rebuilt only when the organisation's
suggestions changed (their count or latest ``updated_at``), so typing does not rebuild it
at every keystroke. It is a cache: losing it costs a rebuild, nothing else.
"""

import threading
from collections import OrderedDict

from django.db.models import Count, Max

from .choices import Status
from .models import Suggestion

try:
    from taizhang.utils.similar import SimilarIndex
except ImportError:  # pragma: no cover — until taizhang.utils.similar is merged
    SimilarIndex = None

MAX_ORGANISATIONS = 32
_indexes = OrderedDict()
_lock = threading.Lock()


class _BigramIndex:
    """A stand-in with the same interface: cosine of character bigrams, the title counted
    twice."""

    def __init__(self, documents):
        self.documents = [(key, self._grams(title, body)) for key, title, body in documents]

    @staticmethod
    def _grams(title, body):
        grams = {}
        for text, weight in ((title or "", 2), ((body or "")[:2000], 1)):
            text = "".join(c for c in text if c.isalnum())
            for i in range(len(text) - 1):
                gram = text[i : i + 2]
                grams[gram] = grams.get(gram, 0) + weight
        return grams

    def most_similar(self, title, body, limit=5, min_score=0.1):
        query = self._grams(title, body)
        norm = sum(v * v for v in query.values()) ** 0.5
        if not norm:
            return []
        found = []
        for key, grams in self.documents:
            dot = sum(v * grams.get(g, 0) for g, v in query.items())
            if dot:
                score = dot / (norm * sum(v * v for v in grams.values()) ** 0.5)
                if score >= min_score:
                    found.append((key, score))
        found.sort(key=lambda item: -item[1])
        return found[:limit]


def _stamp(organisation_id):
    row = Suggestion.objects.filter(organisation_id=organisation_id).aggregate(
        count=Count("pk"), latest=Max("updated_at")
    )
    return row["count"], row["latest"]


def index_for(organisation_id):
    stamp = _stamp(organisation_id)
    with _lock:
        cached = _indexes.get(organisation_id)
        if cached and cached[0] == stamp:
            _indexes.move_to_end(organisation_id)
            return cached[1]
    rows = Suggestion.objects.filter(organisation_id=organisation_id).values_list(
        "pk", "title", "body"
    )
    index = (SimilarIndex or _BigramIndex)(rows.iterator())
    with _lock:
        _indexes[organisation_id] = (stamp, index)
        _indexes.move_to_end(organisation_id)
        while len(_indexes) > MAX_ORGANISATIONS:
            _indexes.popitem(last=False)
    return index


def similar_to(title, body, *, among, organisation_id, exclude=None, limit=5, min_score=0.15):
    """The suggestions of ``among`` (a queryset the reader may see) most like the text, best
    first, each with ``similarity`` (0–1) set."""
    if not (title or "").strip() and not (body or "").strip():
        return []
    found = index_for(organisation_id).most_similar(
        title or "", body or "", limit=limit * 10 + 1, min_score=min_score
    )
    scores = {key: score for key, score in found if key != exclude}
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
