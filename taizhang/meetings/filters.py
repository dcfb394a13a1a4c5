"""The meeting list's filters: ``MeetingFilterSet(params, queryset=visible, user=user)``."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from taizhang.utils.filters import StyledFilterSet

from .choices import MeetingKind, Status
from .models import Mechanism, Meeting


class MeetingFilterSet(StyledFilterSet):
    q = django_filters.CharFilter(method="filter_keyword", label=_("Keyword"))
    kind = django_filters.ChoiceFilter(
        choices=MeetingKind.choices, label=_("Kind"), empty_label=_("All")
    )
    status = django_filters.ChoiceFilter(
        choices=Status.choices, label=_("Status"), empty_label=_("All")
    )
    mechanism = django_filters.ModelChoiceFilter(
        queryset=Mechanism.objects.none(), label=_("Mechanism"), empty_label=_("All")
    )
    year = django_filters.NumberFilter(field_name="date", lookup_expr="year", label=_("Year"))

    class Meta:
        model = Meeting
        fields = ["q", "kind", "status", "mechanism", "year"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if user is not None and user.is_authenticated:
            self.filters["mechanism"].queryset = Mechanism.objects.visible_to(user)

    def filter_keyword(self, queryset, name, value):
        for word in value.split():
            queryset = queryset.filter(
                Q(title__icontains=word) | Q(topic__icontains=word) | Q(place__icontains=word)
            )
        return queryset
