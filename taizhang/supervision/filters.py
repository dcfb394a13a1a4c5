"""The ledger's filters: one definition for the page, the export and the API."""

from urllib.parse import urlencode

import django_filters
from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from taizhang import search
from taizhang.org.models import Unit
from taizhang.utils.filters import StyledFilterSet

from .choices import Light, Priority, SourceKind, Status, UnitRole
from .indexing import KIND
from .models import Task, TaskUnit


@extend_schema_field(OpenApiTypes.STR)  # a unit's code
class UnitCodeFilter(django_filters.ModelChoiceFilter):
    pass


# "Export the chosen" (issue 14's bulk actions): ``?id=1&id=2`` keeps just those tasks.
MAX_CHOSEN_IDS = 500


class IdsField(forms.Field):
    widget = forms.MultipleHiddenInput
    default_error_messages = {
        "invalid": _("“%(value)s” is not a task id."),
        "too_many": _("At most %(limit)d tasks can be chosen."),
    }

    def to_python(self, value):
        if not value:
            return []
        values = value if isinstance(value, (list, tuple)) else [value]
        ids = []
        for item in values:
            for part in str(item).split(","):
                if not part.strip():
                    continue
                try:
                    pk = int(part)
                except ValueError:
                    pk = 0
                if not 1 <= pk <= 2**31 - 1:  # what a database id can be
                    raise forms.ValidationError(
                        self.error_messages["invalid"], code="invalid", params={"value": part}
                    )
                ids.append(pk)
        if len(ids) > MAX_CHOSEN_IDS:
            raise forms.ValidationError(
                self.error_messages["too_many"], code="too_many", params={"limit": MAX_CHOSEN_IDS}
            )
        return ids


@extend_schema_field({"type": "array", "items": {"type": "integer"}})
class IdsFilter(django_filters.Filter):
    field_class = IdsField

    def filter(self, qs, value):
        return qs.filter(pk__in=value) if value else qs


class TaskFilterSet(StyledFilterSet):
    id = IdsFilter(label=_("Chosen tasks"))
    q = django_filters.CharFilter(method="filter_keyword", label=_("Keyword"))
    unit = UnitCodeFilter(
        queryset=Unit.objects.none(),
        to_field_name="code",
        method="filter_unit",
        label=_("Unit"),
    )
    unit_role = django_filters.ChoiceFilter(
        choices=UnitRole.choices, method="filter_noop", label=_("Unit's part"), empty_label=_("All")
    )
    # distinct=False: a task has one status and one light, and the DISTINCT django-filter adds
    # by default turns the page's count into a scan of a subquery as wide as the task.
    status = django_filters.MultipleChoiceFilter(
        choices=Status.choices, label=_("Status"), distinct=False
    )
    light = django_filters.MultipleChoiceFilter(
        choices=Light.choices, label=_("Light"), distinct=False
    )
    source_kind = django_filters.ChoiceFilter(
        choices=SourceKind.choices, label=_("Source"), empty_label=_("All")
    )
    priority = django_filters.ChoiceFilter(
        choices=Priority.choices, label=_("Priority"), empty_label=_("All")
    )
    deadline = django_filters.DateFromToRangeFilter(label=_("Deadline"))
    overdue = django_filters.BooleanFilter(method="filter_overdue", label=_("Overdue"))

    class Meta:
        model = Task
        fields = [
            "q",
            "unit",
            "unit_role",
            "status",
            "light",
            "source_kind",
            "priority",
            "deadline",
        ]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if user is not None and user.is_authenticated:
            self.filters["unit"].queryset = Unit.objects.filter(
                organisation_id=user.organisation_id
            )

    def filter_keyword(self, queryset, name, value):
        """Every word in the number, title, source, requirements or any progress text
        (through the search index: case, full-width forms and traditional script ignored)."""
        return queryset.filter(pk__in=search.matching(KIND, value))

    def filter_unit(self, queryset, name, unit):
        if not unit:
            return queryset
        parts = TaskUnit.objects.filter(unit=unit)
        role = self.form.cleaned_data.get("unit_role")
        if role:
            parts = parts.filter(role=role)
        return queryset.filter(pk__in=parts.values("task_id"))

    def filter_noop(self, queryset, name, value):
        return queryset  # read by filter_unit

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(light=Light.RED) if value else queryset.exclude(light=Light.RED)


def ledger_filter(user, data):
    """The ledger's filters over what ``user`` may see: the page, its export and its jobs."""
    return TaskFilterSet(data or None, queryset=Task.objects.visible_to(user), user=user)


def ledger_url(**filters):
    """The ledger page filtered by these filters (a list value repeats its parameter)."""
    return f"{reverse('supervision:ledger')}?{urlencode(filters, doseq=True)}"
