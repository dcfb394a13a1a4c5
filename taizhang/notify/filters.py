"""The deliveries' filters: one definition for the administrators' page and the API."""

import django_filters
from django.utils.translation import gettext_lazy as _

from taizhang.utils.filters import StyledFilterSet

from . import deliveries
from .choices import KIND_LABELS, OTHER_KIND, ChannelKind, DeliveryStatus
from .models import Delivery


def of_kind(queryset, kind):
    """Notifications or deliveries of one labelled kind; "other" holds every kind without a
    label of its own."""
    if kind == OTHER_KIND:
        return queryset.exclude(kind__in=set(KIND_LABELS) - {OTHER_KIND})
    return queryset.filter(kind=kind)


class DeliveryFilterSet(StyledFilterSet):
    status = django_filters.ChoiceFilter(
        choices=DeliveryStatus.choices, label=_("Status"), empty_label=_("All")
    )
    channel = django_filters.ChoiceFilter(
        choices=ChannelKind.choices, label=_("Channel"), empty_label=_("All")
    )
    kind = django_filters.ChoiceFilter(
        choices=list(KIND_LABELS.items()),
        method="filter_kind",
        label=_("Kind"),
        empty_label=_("All"),
    )
    problems_first = django_filters.BooleanFilter(
        method="filter_problems_first",
        label=_("Failed and given up first"),
        widget=django_filters.widgets.BooleanWidget,
    )

    class Meta:
        model = Delivery
        fields = ["status", "channel", "kind", "problems_first"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)  # ``user``: the pages' filter sets all take it

    def filter_kind(self, queryset, name, value):
        return of_kind(queryset, value)

    def filter_problems_first(self, queryset, name, value):
        return deliveries.problems_first(queryset) if value else queryset
