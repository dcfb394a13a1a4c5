"""The meeting list's filters: ``MeetingFilterSet(params, queryset=visible, user=user)``."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from taizhang.utils.filters import StyledFilterSet

from .choices import MeetingKind, Status
from .models import Mechanism, Meeting
from .todo import waiting_work


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
    # Bounded: a year the calendar does not have is a form error, not a server error.
    year = django_filters.NumberFilter(
        field_name="date", lookup_expr="year", min_value=1, max_value=9999, label=_("Year")
    )
    # What the figures count as held: every state from 已召开 on (statistics link here).
    held = django_filters.BooleanFilter(method="filter_held", label=_("Held"))
    # The user's own waiting work (我的待办 links here): the same meetings it counts.
    work = django_filters.ChoiceFilter(
        method="filter_work",
        label=_("My work"),
        empty_label=_("All"),
        choices=[
            ("minutes", _("Minutes to write")),
            ("issue", _("Minutes to issue")),
            ("assign", _("Decisions' tasks to assign")),
            ("approve", _("Decisions' tasks to approve")),
            ("reply", _("Notices to answer")),
            ("countersign", _("Minutes to countersign")),
        ],
    )

    class Meta:
        model = Meeting
        fields = ["q", "kind", "status", "mechanism", "year", "held", "work"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if user is not None and user.is_authenticated:
            self.filters["mechanism"].queryset = Mechanism.objects.visible_to(user)

    def filter_held(self, queryset, name, value):
        held = Q(status__in=Status.held_states())
        return queryset.filter(held if value else ~held)

    def filter_work(self, queryset, name, value):

        if self.user is None:
            return queryset.none()
        for key, _title, meetings in waiting_work(self.user):
            if key == value:
                return queryset.filter(pk__in=meetings.values("pk"))
        return queryset.none()

    def filter_keyword(self, queryset, name, value):
        for word in value.split():
            queryset = queryset.filter(
                Q(title__icontains=word) | Q(topic__icontains=word) | Q(place__icontains=word)
            )
        return queryset
