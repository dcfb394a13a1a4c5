"""The pages' filter sets in the API: each list view names its ``filterset_class`` (which also
documents the filters in the OpenAPI schema) and filters with it as the page does, for the
caller; an invalid filter is a 400 with the form's messages."""

from rest_framework.exceptions import ValidationError


class PageFilters:
    filterset_class = None

    def valid_filterset(self, queryset):
        filterset = self.filterset_class(
            self.request.query_params, queryset=queryset, user=self.request.user
        )
        if not filterset.is_valid():
            raise ValidationError(filterset.errors)
        return filterset

    def filter_queryset(self, queryset):
        return self.valid_filterset(queryset).qs
