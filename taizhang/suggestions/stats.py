"""The channel's figures (立案率, 按期答复率, 满意率, 采纳率, 转化数 and benefit), for any set
of suggestions, whole or by unit, channel, topic or month. Pages, the API and reports read
them here, from ``visible_to`` querysets, so every figure counts what its reader may see.

Definitions (each rate is None when nothing is there to count):
- 立案率 accepted_rate: accepted ÷ (accepted + not accepted); merged and withdrawn ones and
  those still waiting are not decided either way.
- 按期答复率 on_time_reply_rate: first replies drafted by the deadline ÷ (first replies sent +
  suggestions past their deadline with no reply drafted yet; a draft under the office's
  review counts once the office sent it, by the day it was drafted).
- 满意率 satisfaction_rate: 满意 or 基本满意 (deemed ones included) ÷ closed and rated.
- 采纳率 adoption_rate: adopted ÷ accepted.
- converted: adopted suggestions with at least one outcome; benefit: their money benefit
  (10,000 yuan) summed.
"""

from decimal import Decimal

from django.db.models import Count, Exists, F, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone

from .choices import Rating, Status, UnitPart
from .models import Outcome, SuggestionUnit

RATES = {
    "accepted_rate": ("accepted", "decided"),
    "on_time_reply_rate": ("on_time", "due"),
    "satisfaction_rate": ("content", "rated"),
    "adoption_rate": ("adopted", "accepted"),
}
GROUPS = ("unit", "channel", "topic", "month")


def _annotated(queryset):
    benefit = (
        Outcome.objects.filter(suggestion=OuterRef("pk"))
        .values("suggestion")
        .annotate(total=Sum("benefit_amount"))
        .values("total")
    )
    lead = SuggestionUnit.objects.filter(
        suggestion=OuterRef("pk"), part=UnitPart.LEAD, returned_at__isnull=True
    ).values("unit_id")[:1]
    return queryset.annotate(
        has_outcome=Exists(Outcome.objects.filter(suggestion=OuterRef("pk"))),
        benefit_total=Subquery(benefit),
        lead_unit_id=Subquery(lead),
    )


def _figures():
    today = timezone.localdate()
    # Owed by the units: a draft waiting for the office's review is not the units' lateness.
    handling = Q(status__in=[Status.ASSIGNED, Status.IN_HAND], replied_at__isnull=True)
    return {
        "received": Count("pk", filter=~Q(status=Status.WITHDRAWN)),
        "accepted": Count("pk", filter=Q(status__in=Status.accepted_states())),
        "refused": Count("pk", filter=Q(status=Status.REFUSED)),
        "merged": Count("pk", filter=Q(status=Status.MERGED)),
        "decided": Count(
            "pk", filter=Q(status__in=Status.accepted_states()) | Q(status=Status.REFUSED)
        ),
        "replied": Count("pk", filter=Q(replied_at__isnull=False)),
        "on_time": Count("pk", filter=Q(replied_on_time=True)),
        "due": Count(
            "pk",
            filter=Q(replied_on_time__isnull=False) | (handling & Q(deadline__lt=today)),
        ),
        "overdue": Count("pk", filter=handling & Q(deadline__lt=today)),
        "rated": Count("pk", filter=Q(status=Status.CLOSED) & ~Q(rating="")),
        "content": Count("pk", filter=Q(status=Status.CLOSED, rating__in=Rating.content())),
        "dissatisfied": Count("pk", filter=Q(status=Status.CLOSED, rating=Rating.DISSATISFIED)),
        "adopted": Count("pk", filter=Q(adopted_at__isnull=False)),
        "converted": Count("pk", filter=Q(has_outcome=True)),
        "benefit": Coalesce(Sum("benefit_total"), Decimal("0")),
    }


def _with_rates(row):
    for rate, (part, whole) in RATES.items():
        row[rate] = round(row[part] / row[whole], 4) if row[whole] else None
    return row


def summary(queryset):
    """The figures of a whole set of suggestions."""
    return _with_rates(_annotated(queryset).aggregate(**_figures()))


def breakdown(queryset, by):
    """The figures per group: ``by`` is unit (the lead unit), channel, topic or month (of
    receipt). Rows carry ``key``; a unit's or a month's is its id or first day."""
    if by not in GROUPS:
        raise ValueError(by)
    queryset = _annotated(queryset).order_by()
    if by == "month":
        queryset = queryset.annotate(key=TruncMonth("received_on"))
    else:
        field = {"unit": "lead_unit_id", "channel": "channel", "topic": "topic"}[by]
        queryset = queryset.annotate(key=F(field))
    rows = queryset.values("key").annotate(**_figures()).order_by("key")
    return [_with_rates(dict(row)) for row in rows]
