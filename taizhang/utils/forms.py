"""One form rendering for the whole product: Tabler's classes on every widget, a Chinese
placeholder instead of Django's dashes, and the widgets the searchable selects need.

``settings.FORM_RENDERER`` names :class:`TablerRenderer`. Every widget Django renders passes
through it, so a form rendered with ``{{ form }}``, ``{{ field }}`` or the shared include
``includes/form_fields.html`` gets ``form-control`` / ``form-select`` / ``form-check-input``
(unless the form chose a ``form-*`` class itself) and ``is-invalid`` when the field has errors.
The layout of one field (label, widget, help text and errors under it, the required mark) is
``templates/django/forms/field.html``.

A select marked ``data-tz-select`` becomes a searchable Tom Select in the browser
(``static/taizhang/taizhang.js``): :class:`UnitSelect` / :class:`UnitSelectMultiple` for units
(the unit tree, matched by name, short name and aliases), :class:`RemoteSelect` for choices
searched on the server (the parent task), :func:`searchable` for any other (people).
"""

import json

from django import forms
from django.contrib.auth import get_user_model
from django.db.models.fields import BLANK_CHOICE_LABEL
from django.forms.renderers import TemplatesSetting
from django.utils.translation import gettext as _

WIDGETS = "django/forms/widgets/"
CHECK_TEMPLATES = {"checkbox.html"}
OPTION_TEMPLATES = {"radio.html", "checkbox_select.html"}
BARE_INPUT_TYPES = {"hidden", "checkbox", "radio", "submit", "button", "reset", "image"}
DASHES = "---------"


def placeholder():
    """What an empty choice says: 请选择… (never Django's dashes or "- Select an option -")."""
    return _("Select…")


def _add_class(attrs, css):
    classes = attrs.get("class", "").split()
    if css and not any(c.startswith(("form-", "btn")) for c in classes):
        classes.append(css)
    if str(attrs.get("aria-invalid", "")).lower() == "true" and "is-invalid" not in classes:
        classes.append("is-invalid")
    if classes:
        attrs["class"] = " ".join(classes)


def _is_blank_label(label):
    return str(label) in {DASHES, str(BLANK_CHOICE_LABEL), "- Select an option -"}


def _style_select(widget, attrs):
    _add_class(attrs, "form-select")
    for _group, options, _index in widget.get("optgroups", ()):
        for option in options:
            if option.get("value") in ("", None) and _is_blank_label(option.get("label")):
                option["label"] = placeholder()
    if "data-tz-select" in attrs:
        attrs.setdefault("data-tz-placeholder", placeholder())


def style_widget(widget):
    """Tabler's classes and the Chinese placeholder on a widget's render context."""
    name = widget.get("template_name", "").removeprefix(WIDGETS)
    attrs = widget.setdefault("attrs", {})
    if name == "select.html":
        _style_select(widget, attrs)
    elif name in OPTION_TEMPLATES:
        for _group, options, _index in widget.get("optgroups", ()):
            for option in options:
                _add_class(option.setdefault("attrs", {}), "form-check-input")
    elif name in CHECK_TEMPLATES:
        _add_class(attrs, "form-check-input")
    elif name == "textarea.html" or widget.get("type", "hidden") not in BARE_INPUT_TYPES:
        # text, number, email, url, password, date, file… (each its own template on input.html)
        _add_class(attrs, "form-control")


class TablerRenderer(TemplatesSetting):
    """Django's templates-setting renderer (so taizhang/templates/django/forms/ overrides the
    default field layout) that styles each widget as it is rendered."""

    def render(self, template_name, context, request=None):
        widget = context.get("widget") if isinstance(context, dict) else None
        if isinstance(widget, dict) and template_name.startswith(WIDGETS):
            style_widget(widget)
        return super().render(template_name, context, request)


class TimeInput(forms.TimeInput):
    """A time of day (``<input type="time">``), which takes ``HH:MM`` only."""

    input_type = "time"

    def __init__(self, attrs=None, format="%H:%M"):  # noqa: A002 — Django's own name
        super().__init__(attrs, format)


def searchable(widget, **data):
    """Mark a select to become a searchable Tom Select (people, long lists)."""
    widget.attrs["data-tz-select"] = ""
    for key, value in data.items():
        widget.attrs[f"data-tz-{key.replace('_', '-')}"] = value
    return widget


def unit_tree_order(units):
    """The units in tree order (each after its parent, siblings by order and name) with depths."""
    units = list(units)
    present = {u.pk for u in units}
    children = {}
    for unit in units:
        parent = unit.parent_id if unit.parent_id in present else None
        children.setdefault(parent, []).append(unit)
    ordered = []

    def walk(parent, depth):
        for unit in sorted(children.get(parent, ()), key=lambda u: (u.sort_order, u.code)):
            ordered.append((unit, depth))
            walk(unit.pk, depth + 1)

    walk(None, 0)
    return ordered


def unit_search_names(unit):
    """The names a unit is also known by (full name, short name, aliases), its label aside."""
    names = dict.fromkeys(n for n in (unit.name, unit.short_name, *unit.alias_list) if n)
    names.pop(str(unit), None)
    return list(names)


class UnitChoiceMixin:
    """Unit choices shown as the unit tree; each option carries its short name and aliases
    (``data-data``, which Tom Select reads) so typing 国资 finds 市国资委."""

    def _tree(self):
        field_choices = getattr(self, "_tz_queryset", None)
        if field_choices is None:
            return None
        return unit_tree_order(field_choices)

    def optgroups(self, name, value, attrs=None):
        tree = self._tree()
        if tree is None:
            return super().optgroups(name, value, attrs)
        self._tz_extra = {
            str(unit.pk): {
                "depth": depth,
                "search": " ".join(unit_search_names(unit)),
            }
            for unit, depth in tree
        }
        blank = [] if self.allow_multiple_selected else [("", placeholder())]
        saved = self.choices
        label = getattr(self, "_tz_label", str)
        self.choices = blank + [(unit.pk, label(unit)) for unit, _depth in tree]
        try:
            return super().optgroups(name, value, attrs)
        finally:
            self.choices = saved

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        extra = getattr(self, "_tz_extra", {}).get(str(value))
        if extra:
            option["attrs"]["data-data"] = json.dumps(
                {"value": str(value), "text": str(label), **extra}, ensure_ascii=False
            )
        return option


class UnitSelect(UnitChoiceMixin, forms.Select):
    def __init__(self, attrs=None):
        super().__init__({"data-tz-select": "units", **(attrs or {})})


class UnitSelectMultiple(UnitChoiceMixin, forms.SelectMultiple):
    def __init__(self, attrs=None):
        super().__init__({"data-tz-select": "units", **(attrs or {})})


def unit_field(field):
    """Give a unit ModelChoiceField / ModelMultipleChoiceField the tree widget; call after
    setting its queryset."""
    multiple = isinstance(field, forms.ModelMultipleChoiceField)
    old = field.widget
    field.widget = (UnitSelectMultiple if multiple else UnitSelect)(
        {k: v for k, v in old.attrs.items() if k != "size"}
    )
    field.widget.choices = field.choices
    field.widget.is_required = old.is_required
    field.widget._tz_queryset = field.queryset
    field.widget._tz_label = field.label_from_instance
    return field


def searchable_choices(form):
    """Make a form's unit and people selects searchable: each unit choice field (drop-down or
    multiple select) becomes the unit tree, each user choice field a searchable select. Call at
    the end of the form's ``__init__``, once the querysets are set."""
    for field in form.fields.values():
        widget = field.widget
        if not isinstance(field, forms.ModelChoiceField) or type(widget) not in (
            forms.Select,
            forms.SelectMultiple,
        ):
            continue
        model = getattr(field.queryset, "model", None)
        if model is None:
            continue
        if model._meta.label == "org.Unit":  # by name: utils sits below org
            unit_field(field)
        elif model is get_user_model():
            searchable(widget)
            widget.attrs.pop("size", None)


class RemoteSelect(forms.Select):
    """A select whose options are searched on the server (``url`` answers ``?q=`` with
    ``{"results": [{"value", "text"}]}``): the page lists only the chosen option, never the
    whole queryset; the field's queryset still validates any id the user may choose."""

    def __init__(self, url="", attrs=None):
        super().__init__(attrs)
        self.url = url
        self.queryset = None
        self.label = str

    def __deepcopy__(self, memo):
        copy = super().__deepcopy__(memo)
        copy.queryset, copy.label = self.queryset, self.label
        return copy

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["attrs"].update({"data-tz-select": "remote", "data-tz-url": self.url})
        return context

    def optgroups(self, name, value, attrs=None):
        chosen = [v for v in value if v not in ("", None)]
        rows = []
        if chosen and self.queryset is not None:
            try:
                rows = [(obj.pk, self.label(obj)) for obj in self.queryset.filter(pk__in=chosen)]
            except (TypeError, ValueError):
                rows = []
        saved = self.choices
        self.choices = [("", placeholder())] + rows
        try:
            return super().optgroups(name, value, attrs)
        finally:
            self.choices = saved
