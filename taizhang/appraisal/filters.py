"""The cycle list's filters: ``CycleFilterSet(params, queryset=visible)``."""

import django_filters
from django.utils.translation import gettext_lazy as _

from taizhang.utils.filters import StyledFilterSet

from .choices import Status, Subject
from .models import Cycle


class CycleFilterSet(StyledFilterSet):
    # Bounded: a year out of range is a form error, not a server error.
    year = django_filters.NumberFilter(min_value=2000, max_value=2100, label=_("Year"))
    subject = django_filters.ChoiceFilter(
        choices=Subject.choices, label=_("Subject"), empty_label=_("All")
    )
    status = django_filters.ChoiceFilter(
        choices=Status.choices, label=_("Status"), empty_label=_("All")
    )

    class Meta:
        model = Cycle
        fields = ["year", "subject", "status"]
