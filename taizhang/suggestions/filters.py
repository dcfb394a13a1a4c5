"""The 建言献策台账's filters: one definition for the page, the export and the API.

``SuggestionFilterSet(query_params, queryset=Suggestion.objects.visible_to(user), user=user)``.
"""

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from taizhang.org.models import Unit
from taizhang.supervision.filters import UnitCodeFilter
from taizhang.utils.filters import StyledFilterSet

from .choices import Channel, Light, Rating, ReplyClass, Status, UnitPart
from .models import Outcome, Suggestion, SuggestionUnit


class SuggestionFilterSet(StyledFilterSet):
    q = django_filters.CharFilter(method="filter_keyword", label=_("Keyword"))
    status = django_filters.MultipleChoiceFilter(choices=Status.choices, label=_("Status"))
    channel = django_filters.ChoiceFilter(
        choices=Channel.choices, label=_("Channel"), empty_label=_("All")
    )
    topic = django_filters.CharFilter(label=_("Topic"))
    lead_unit = UnitCodeFilter(
        queryset=Unit.objects.none(),
        to_field_name="code",
        method="filter_lead_unit",
        label=pgettext_lazy("suggestion", "Lead unit"),
    )
    affiliation = UnitCodeFilter(
        queryset=Unit.objects.none(), to_field_name="code", label=_("Submitter's unit")
    )
    received = django_filters.DateFromToRangeFilter(field_name="received_on", label=_("Received"))
    reply_class = django_filters.ChoiceFilter(
        choices=ReplyClass.choices, label=_("Reply class"), empty_label=_("All")
    )
    rating = django_filters.ChoiceFilter(
        choices=Rating.choices, label=_("Rating"), empty_label=_("All")
    )
    light = django_filters.MultipleChoiceFilter(choices=Light.choices, label=_("Light"))
    adopted = django_filters.BooleanFilter(
        method="filter_adopted",
        label=_("Adopted"),
        widget=forms.Select(choices=[("", _("All")), ("true", _("Yes")), ("false", _("No"))]),
    )

    # The reports' funnel (reports/modules.py): replied, and turned into results (成果转化).
    replied = django_filters.BooleanFilter(
        field_name="replied_at", lookup_expr="isnull", exclude=True, label=_("Replied")
    )
    converted = django_filters.BooleanFilter(
        method="filter_converted", label=_("Turned into results")
    )

    class Meta:
        model = Suggestion
        fields = [
            "q",
            "status",
            "channel",
            "topic",
            "lead_unit",
            "affiliation",
            "received",
            "reply_class",
            "rating",
            "light",
            "adopted",
            "replied",
            "converted",
        ]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if user is not None and user.is_authenticated:
            units = Unit.objects.filter(organisation_id=user.organisation_id)
            self.filters["lead_unit"].queryset = units
            self.filters["affiliation"].queryset = units

    def filter_keyword(self, queryset, name, value):
        for word in value.split():
            queryset = queryset.filter(
                Q(title__icontains=word)
                | Q(body__icontains=word)
                | Q(number__icontains=word)
                | Q(topic__icontains=word)
            )
        return queryset

    def filter_lead_unit(self, queryset, name, unit):
        if not unit:
            return queryset
        leads = SuggestionUnit.objects.filter(
            unit=unit, part=UnitPart.LEAD, returned_at__isnull=True
        )
        return queryset.filter(pk__in=leads.values("suggestion_id"))

    def filter_adopted(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(adopted_at__isnull=not value)

    def filter_converted(self, queryset, name, value):
        if value is None:
            return queryset
        outcomes = Outcome.objects.filter(suggestion=OuterRef("pk"))
        return queryset.filter(Exists(outcomes) if value else ~Exists(outcomes))
