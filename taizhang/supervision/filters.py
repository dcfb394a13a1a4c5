"""The ledger's filters: one definition for the page, the export and the API."""

import datetime
from urllib.parse import urlencode

import django_filters
from django import forms
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from taizhang import search
from taizhang.org.models import Unit
from taizhang.utils.filters import StyledFilterSet
from taizhang.utils.workdays import working_days_before

from . import history
from .choices import Light, Priority, SourceKind, Status, UnitRole
from .indexing import KIND
from .models import Task, TaskUnit
from .ordering import SORT_CHOICES, ledger_order


@extend_schema_field(OpenApiTypes.STR)  # a unit's code
class UnitCodeFilter(django_filters.ModelChoiceFilter):
    pass


# Chosen tasks (the row checkboxes: bulk actions, "export the chosen"): ``?id=1&id=2``.
MAX_CHOSEN_IDS = 500
MAX_ID = 2**31 - 1  # the largest id a database column holds


def chosen_ids(values):
    """Task ids from repeated or comma-separated values, in order, each once. ``ValueError``
    with the reason in the user's language for a value that is no id or more than
    ``MAX_CHOSEN_IDS`` ids (found before reading the rest: a huge list costs nothing)."""
    ids = {}
    for item in values:
        for part in str(item).split(","):
            if not part.strip():
                continue
            try:
                pk = int(part)
            except ValueError:
                pk = 0
            if not 1 <= pk <= MAX_ID:
                raise ValueError(gettext("“%(id)s” is not a task id.") % {"id": part[:20]})
            ids[pk] = None
            if len(ids) > MAX_CHOSEN_IDS:
                raise ValueError(
                    gettext("At most %(limit)d tasks can be chosen.") % {"limit": MAX_CHOSEN_IDS}
                )
    return list(ids)


class IdsField(forms.Field):
    widget = forms.MultipleHiddenInput

    def to_python(self, value):
        if not value:
            return []
        try:
            return chosen_ids(value if isinstance(value, (list, tuple)) else [value])
        except ValueError as exc:
            raise forms.ValidationError(str(exc), code="invalid") from exc


@extend_schema_field({"type": "array", "items": {"type": "integer"}})
class IdsFilter(django_filters.Filter):
    field_class = IdsField

    def filter(self, qs, value):
        return qs.filter(pk__in=value) if value else qs


ACTING = "acting"


def _days(value):
    """A date range field's first and last moments (or None), as the days they fall on."""
    return tuple(timezone.localtime(v).date() if v else None for v in (value.start, value.stop))


class TaskFilterSet(StyledFilterSet):
    id = IdsFilter(label=_("Chosen tasks"))
    q = django_filters.CharFilter(method="filter_keyword", label=_("Keyword"))
    unit = UnitCodeFilter(
        queryset=Unit.objects.none(),
        to_field_name="code",
        method="filter_unit",
        label=_("Unit"),
    )
    # ACTING: any part that asks work of the unit (what the burden meter counts).
    unit_role = django_filters.ChoiceFilter(
        choices=[*UnitRole.choices, (ACTING, _("Lead, responsible or cooperating"))],
        method="filter_noop",
        label=_("Unit's part"),
        empty_label=_("All"),
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
    # The reports' lists (history.py): what was open or overdue on a day, what was closed in a
    # period and whether on time, which sources, what waits for a signature since N working days.
    source = django_filters.MultipleChoiceFilter(
        field_name="source_kind", choices=SourceKind.choices, label=_("Sources"), distinct=False
    )
    open_on = django_filters.DateFilter(method="filter_open_on", label=_("Open on"))
    overdue_on = django_filters.DateFilter(method="filter_overdue_on", label=_("Overdue on"))
    closed = django_filters.DateFromToRangeFilter(method="filter_closed", label=_("Closed"))
    on_time = django_filters.BooleanFilter(method="filter_on_time", label=_("Closed on time"))
    assigned = django_filters.DateFromToRangeFilter(method="filter_assigned", label=_("Assigned"))
    unsigned_days = django_filters.NumberFilter(
        method="filter_unsigned_days",
        label=_("Not signed for after working days"),
        min_value=0,
        max_value=366,
    )
    # The order, here so that the page, its export and the API list the same way (ordering.py).
    sort = django_filters.ChoiceFilter(
        choices=SORT_CHOICES,
        method="filter_noop",
        label=_("Order"),
        empty_label=_("Most urgent first"),
    )

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
            "sort",
        ]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation_id = getattr(user, "organisation_id", None)
        if user is not None and user.is_authenticated:
            self.filters["unit"].queryset = Unit.objects.filter(
                organisation_id=user.organisation_id
            )

    @property
    def qs(self):
        """The filtered tasks in the order asked for (running first by default), bound or not."""
        if not hasattr(self, "_ordered"):
            data = self.form.cleaned_data if self.is_bound and self.form.is_valid() else {}
            order = ledger_order(
                data.get("sort") or "",
                statuses=data.get("status") or (),
                lights=data.get("light") or (),
            )
            self._ordered = super().qs.order_by(*order)
        return self._ordered

    def active_filters(self):
        """How many filters narrow the list (not the order or the page's size)."""
        if not self.is_bound or not self.form.is_valid():
            return 0
        skip = {"sort", "unit_role"}  # the unit's part only refines the unit
        count = 0
        for name, value in self.form.cleaned_data.items():
            if isinstance(value, slice):  # a range: from and/or to
                value = value.start or value.stop
            if name not in skip and value not in (None, "", [], ()):
                count += 1
        return count

    def filter_keyword(self, queryset, name, value):
        """Every word in the number, title, source, requirements or any progress text
        (through the search index: case, full-width forms and traditional script ignored),
        or a unit the word names: the same as the header's search."""
        return queryset.filter(keyword_condition(self.organisation_id, value))

    def filter_unit(self, queryset, name, unit):
        if not unit:
            return queryset
        parts = TaskUnit.objects.filter(unit=unit)
        role = self.form.cleaned_data.get("unit_role")
        if role == ACTING:
            parts = parts.filter(role__in=UnitRole.acting())
        elif role:
            parts = parts.filter(role=role)
        return queryset.filter(pk__in=parts.values("task_id"))

    def filter_noop(self, queryset, name, value):
        return queryset  # read by filter_unit

    def filter_open_on(self, queryset, name, day):
        return queryset.filter(history.open_on(day)) if day else queryset

    def filter_overdue_on(self, queryset, name, day):
        return queryset.filter(history.overdue_on(day)) if day else queryset

    def filter_closed(self, queryset, name, value):
        if not value or value.start is value.stop is None:
            return queryset
        return queryset.filter(history.closed_between(*_days(value)))

    def filter_assigned(self, queryset, name, value):
        if not value or value.start is value.stop is None:
            return queryset
        return queryset.filter(history.assigned_between(*_days(value)))

    def filter_on_time(self, queryset, name, value):
        if value is None:
            return queryset
        on_time = history.closed_on_time()
        if value:
            return queryset.filter(on_time)
        return queryset.filter(status=Status.CLOSED).exclude(on_time)

    def filter_unsigned_days(self, queryset, name, days):
        if days is None:
            return queryset
        return queryset.filter(history.unsigned_since(working_days_ago(int(days))))

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(light=Light.RED) if value else queryset.exclude(light=Light.RED)


def working_days_ago(days):
    """The start of the office's day ``days`` working days before today: what was assigned
    before it has waited at least that long."""
    day = working_days_before(timezone.localdate(), days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def ledger_filter(user, data):
    """The ledger's filters over what ``user`` may see: the page, its export and its jobs."""
    return TaskFilterSet(data or None, queryset=Task.objects.visible_to(user), user=user)


QUERY_MAX = 100


def named_unit(organisation_id, query):
    """The id of the organisation's unit the query names whole (its full name, short name, an
    alias or its code: 国资委, 市国资委), or None; a fragment such as 统战 names none, or it
    would find every task of 统战部."""
    query = query.strip()
    if organisation_id is None or not query:
        return None
    unit = Unit.objects.filter(organisation_id=organisation_id).by_name().get(query)
    return unit.pk if unit else None


def keyword_condition(organisation_id, query):
    """Tasks whose number, title, source, requirements or progress texts have every word of
    ``query`` (the search index), or in which a unit the query names has a part."""
    query = query[:QUERY_MAX]
    found = Q(pk__in=search.matching(KIND, query))
    unit = named_unit(organisation_id, query)
    if unit is not None:
        found |= Q(pk__in=TaskUnit.objects.filter(unit_id=unit).values("task_id"))
    return found


def find_tasks(user, query):
    """全局搜索: the tasks ``user`` may see that the query finds, in the ledger's order (the
    ledger filtered by ``q`` lists the same)."""
    if not (query or "").strip():
        return Task.objects.none()
    return Task.objects.visible_to(user).filter(keyword_condition(user.organisation_id, query))


def describe_filters(filterset):
    """The filters that produced a list, as (label, value in words) in the form's order: the
    printed ledger's title and the export's title block."""
    form = filterset.form
    if not form.is_bound or not form.is_valid():
        return []
    described = []
    for name, bound in form.fields.items():
        value = form.cleaned_data.get(name)
        if value in (None, "", [], ()) or name == "unit_role" and not form.cleaned_data["unit"]:
            continue
        if name == "sort" or isinstance(value, slice) and value.start is value.stop is None:
            continue  # an order is not a filter
        if name == "id":
            shown = ngettext("%(count)d task", "%(count)d tasks", len(value)) % {
                "count": len(value)
            }
        else:
            shown = _shown(bound, value)
        described.append((bound.label, shown))
    return described


def _shown(form_field, value):
    if isinstance(value, slice):  # a date range, as the days it runs from and to
        start, stop = (_day(v) for v in (value.start, value.stop))
        return f"{start} ~ {stop}".strip()
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    if isinstance(form_field, forms.ModelChoiceField):
        return str(value)  # its choices would read every row
    choices = dict(getattr(form_field, "choices", ()) or ())
    values = value if isinstance(value, (list, tuple)) else [value]
    return "、".join(str(choices.get(v, v)) for v in values)


def _day(value):
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        return value.date().isoformat()
    return value.isoformat() if value else ""


def filter_errors(filterset):
    """The reasons a bound filter is refused, in one line (empty when it is valid). A list,
    export or print must not drop a wrong filter silently and show the whole ledger."""
    if not filterset.is_bound or filterset.is_valid():
        return ""
    return " ".join(str(e) for errors in filterset.errors.values() for e in errors)


def ledger_url(**filters):
    """The ledger page filtered by these filters (a list value repeats its parameter)."""
    return f"{reverse('supervision:ledger')}?{urlencode(filters, doseq=True)}"
