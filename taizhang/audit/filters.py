"""The audit page's filters: one definition for the page and its Excel export."""

import datetime

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from taizhang.utils.filters import StyledFilterSet

from .choices import AuditAction
from .models import AuditRecord
from .recorder import audited_models, object_type


def object_type_choices():
    """Every traced model, by its name in the user's language; no query."""
    choices = [
        (object_type(model), f"{model._meta.verbose_name} ({object_type(model)})")
        for model in audited_models()
    ]
    return sorted(choices, key=lambda choice: choice[0])


def _day_start(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


class AuditFilterSet(StyledFilterSet):
    since = django_filters.DateFilter(
        method="filter_since", label=_("From"), widget=forms.DateInput(attrs={"type": "date"})
    )
    until = django_filters.DateFilter(
        method="filter_until", label=_("To"), widget=forms.DateInput(attrs={"type": "date"})
    )
    user = django_filters.CharFilter(field_name="actor", lookup_expr="icontains", label=_("User"))
    action = django_filters.ChoiceFilter(
        choices=AuditAction.choices, label=_("Action"), empty_label=_("All")
    )
    object_type = django_filters.ChoiceFilter(
        choices=object_type_choices, label=_("Object type"), empty_label=_("All")
    )
    address = django_filters.CharFilter(
        field_name="address", lookup_expr="startswith", label=_("Address")
    )
    q = django_filters.CharFilter(method="filter_text", label=_("Keyword"))

    class Meta:
        model = AuditRecord
        fields = ["since", "until", "user", "action", "object_type", "address", "q"]

    def filter_since(self, queryset, name, value):
        return queryset.filter(created_at__gte=_day_start(value))

    def filter_until(self, queryset, name, value):
        return queryset.filter(created_at__lt=_day_start(value + datetime.timedelta(days=1)))

    def filter_text(self, queryset, name, value):
        for word in value.split():
            queryset = queryset.filter(
                Q(object_repr__icontains=word)
                | Q(object_id=word)
                | Q(actor__icontains=word)
                | Q(changes__icontains=word)
                | Q(extra__icontains=word)
                | Q(request_id=word)
            )
        return queryset
