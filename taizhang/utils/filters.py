"""The base of every list's filters: django-filter's FilterSet with Tabler's form classes."""

import django_filters


class StyledFilterSet(django_filters.FilterSet):
    @property
    def form(self):
        form = super().form
        for field in form.fields.values():
            css = "form-select" if hasattr(field.widget, "choices") else "form-control"
            field.widget.attrs.setdefault("class", css)
        return form
