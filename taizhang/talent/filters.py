"""The pool's filters: one definition for the list page, its export and the API."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from taizhang.org.models import Unit
from taizhang.utils.filters import StyledFilterSet

from .choices import Affiliation, AgeBand, Party, Stage
from .models import Person


@extend_schema_field(OpenApiTypes.STR)  # a unit's code
class UnitCodeFilter(django_filters.ModelChoiceFilter):
    pass


class PersonFilterSet(StyledFilterSet):
    q = django_filters.CharFilter(method="filter_keyword", label=_("Name or keyword"))
    expertise = django_filters.CharFilter(
        field_name="expertise", lookup_expr="icontains", label=_("Field of expertise")
    )
    affiliation = django_filters.ChoiceFilter(
        choices=Affiliation.choices, label=_("Political affiliation"), empty_label=_("All")
    )
    party = django_filters.ChoiceFilter(
        choices=Party.choices, label=_("Democratic party"), empty_label=_("All")
    )
    unit = UnitCodeFilter(
        queryset=Unit.objects.none(), to_field_name="code", label=_("Unit"), empty_label=_("All")
    )
    stage = django_filters.ChoiceFilter(
        choices=Stage.choices, method="filter_stage", label=_("Stage"), empty_label=_("All")
    )
    age_band = django_filters.ChoiceFilter(
        choices=AgeBand.choices, method="filter_age_band", label=_("Age"), empty_label=_("All")
    )

    class Meta:
        model = Person
        fields = ["q", "expertise", "affiliation", "party", "unit", "stage", "age_band"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if user is not None and user.is_authenticated:
            self.filters["unit"].queryset = Unit.objects.filter(
                organisation_id=user.organisation_id
            )

    def filter_keyword(self, queryset, name, value):
        for word in value.split():
            queryset = queryset.filter(
                Q(name__icontains=word)
                | Q(expertise__icontains=word)
                | Q(post__icontains=word)
                | Q(title__icontains=word)
                | Q(employer__icontains=word)
                | Q(unit__name__icontains=word)
                | Q(unit__short_name__icontains=word)
            )
        return queryset

    def filter_stage(self, queryset, name, value):
        return queryset.at_stage(value) if value else queryset

    def filter_age_band(self, queryset, name, value):
        return queryset.in_age_band(value) if value else queryset
