"""屡查屡犯: earlier problems like this one, found by earlier inspections of the organisation,
for the office to confirm as a repeat (``services.link_repeat``). An organisation has a few
hundred problems, not thousands: the index is built for each question (see utils.similar)."""

from taizhang.utils.similar import SimilarIndex

from .models import Problem


def repeat_candidates(problem, *, among=None, limit=5):
    """Problems of earlier plans most like ``problem`` (its description as the title, the
    inspectors' wording as the body), best first, each with ``similarity`` set. ``among``
    is what the reader may see (all of the organisation by default)."""
    earlier = (among if among is not None else Problem.objects.all()).earlier_than(problem)
    rows = list(earlier.values_list("pk", "description", "wording"))
    if not rows:
        return []
    scores = dict(
        SimilarIndex(rows).most_similar(problem.description, problem.wording, limit=limit)
    )
    found = earlier.filter(pk__in=scores).select_related("plan")
    ranked = sorted(found, key=lambda p: -scores[p.pk])
    for candidate in ranked:
        candidate.similarity = scores[candidate.pk]
    return ranked
