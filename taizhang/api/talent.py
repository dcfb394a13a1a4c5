"""The talent pool's API: the same reads (``visible_to``), filters, masks and access log as
the pages. A keeper reads the sensitive fields in full, and each person so read is logged;
everyone else reads them masked (``110***********1234``, ``138****5678``, ``z***@example.com``)."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, serializers
from rest_framework.response import Response

from taizhang.talent import excel, rules, services
from taizhang.talent.choices import AccessKind, Stage
from taizhang.talent.filters import PersonFilterSet
from taizhang.talent.models import PathEvent, Person

from .filtering import PageFilters

MASKED_HELP = "Masked (first 3 and last 4 kept) unless the caller keeps the talent pool."


class PathEventSerializer(serializers.ModelSerializer):
    stage = serializers.ChoiceField(choices=Stage.choices, read_only=True)

    class Meta:
        model = PathEvent
        fields = ["id", "kind", "stage", "title", "organiser", "start_date", "end_date", "note"]


class PersonSerializer(serializers.ModelSerializer):
    unit = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    account = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    stage = serializers.ChoiceField(choices=Stage.choices, read_only=True, allow_null=True)
    id_number = serializers.SerializerMethodField(help_text=MASKED_HELP)
    phone = serializers.SerializerMethodField(help_text=MASKED_HELP)
    email = serializers.SerializerMethodField(help_text="Masked unless the caller keeps the pool.")
    masked = serializers.SerializerMethodField(
        help_text="Whether id_number, phone and email are masked in this answer."
    )
    url = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta:
        model = Person
        fields = [
            "id",
            "name",
            "gender",
            "birth_year",
            "ethnicity",
            "affiliation",
            "party",
            "unit",
            "employer",
            "post",
            "title",
            "expertise",
            "education",
            "phone",
            "email",
            "id_number",
            "masked",
            "stage",
            "account",
            "url",
        ]
        read_only_fields = fields

    def _unmasked(self):
        return self.context.get("unmasked", False)

    def _sensitive(self, person, field):
        return getattr(person, field) if self._unmasked() else person.masked(field)

    def get_id_number(self, person) -> str:
        return self._sensitive(person, "id_number")

    def get_phone(self, person) -> str:
        return self._sensitive(person, "phone")

    def get_email(self, person) -> str:
        return self._sensitive(person, "email")

    def get_masked(self, person) -> bool:
        return not self._unmasked()


class PersonDetailSerializer(PersonSerializer):
    events = PathEventSerializer(many=True, read_only=True)

    class Meta(PersonSerializer.Meta):
        fields = [*PersonSerializer.Meta.fields, "notes", "events"]
        read_only_fields = fields


class VisiblePeople:
    def get_queryset(self):
        return (
            Person.objects.visible_to(self.request.user)
            .select_related("unit", "account")
            .with_stage()
        )

    def get_serializer_context(self):
        context = super().get_serializer_context()
        user = self.request.user
        context["unmasked"] = user.is_authenticated and rules.is_keeper(user)
        return context


class FilteredPeople(PageFilters, VisiblePeople):
    filterset_class = PersonFilterSet  # documents the filters in the OpenAPI schema


class PersonList(FilteredPeople, generics.ListAPIView):
    """The people of the pool the caller may see, with the pool's filters."""

    serializer_class = PersonSerializer

    def list(self, request, *args, **kwargs):
        response = super().list(request, *args, **kwargs)
        if self.get_serializer_context()["unmasked"]:
            services.record_access(self._shown, by=request.user, kind=AccessKind.API)
        return response

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        self._shown = list(page if page is not None else queryset)
        return page


class PersonDetail(VisiblePeople, generics.RetrieveAPIView):
    """One person with their path; a keeper's read is logged."""

    serializer_class = PersonDetailSerializer
    filter_backends = []

    def get_queryset(self):
        return super().get_queryset().prefetch_related("events")

    def retrieve(self, request, *args, **kwargs):
        person = self.get_object()
        serializer = self.get_serializer(person)
        if serializer.context["unmasked"]:
            services.reveal(person, by=request.user, kind=AccessKind.API)
        return Response(serializer.data)


class PersonExport(FilteredPeople, generics.GenericAPIView):
    """The filtered pool as the page exports it (.xlsx); masked unless a keeper; logged."""

    serializer_class = PersonSerializer
    pagination_class = None

    @extend_schema(
        responses={
            (200, excel.XLSX): OpenApiResponse(
                response=OpenApiTypes.BINARY, description="The roster, one person a row."
            )
        }
    )
    def get(self, request):
        return excel.export_response(self.filter_queryset(self.get_queryset()), by=request.user)
