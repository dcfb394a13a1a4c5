from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from taizhang.org.models import Unit
from taizhang.supervision.choices import Action, Light, SourceKind, Status
from taizhang.supervision.models import ProgressReport, Task, TaskEvent
from taizhang.supervision.services import ACTION_PARAMS

VERSION_HELP = "The task's version as you read it; a stale one is refused with 409."


class UnitSerializer(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    aliases = serializers.ListField(
        source="alias_list", child=serializers.CharField(), read_only=True
    )

    class Meta:
        model = Unit
        fields = ["code", "name", "short_name", "aliases", "kind", "parent"]


@extend_schema_field(OpenApiTypes.STR)
class UnitCodeField(serializers.SlugRelatedField):
    """A unit referenced by its code, limited to the requesting user's organisation."""

    def __init__(self, **kwargs):
        super().__init__(slug_field="code", **kwargs)

    def get_queryset(self):
        user = self.context["request"].user
        return Unit.objects.filter(organisation_id=user.organisation_id)


class TaskSerializer(serializers.ModelSerializer):
    lead_unit = UnitCodeField()
    responsible_units = UnitCodeField(many=True, required=False)
    cooperating_units = UnitCodeField(many=True, required=False)
    supervising_units = UnitCodeField(many=True, required=False)
    source_kind = serializers.ChoiceField(choices=SourceKind.choices, default=SourceKind.MEETING)
    status = serializers.ChoiceField(choices=Status.choices, read_only=True)
    light = serializers.ChoiceField(choices=Light.choices, read_only=True)
    deadline = serializers.DateField(required=False)
    parent = serializers.PrimaryKeyRelatedField(
        queryset=Task.objects.none(), required=False, allow_null=True
    )
    version = serializers.IntegerField(required=False)
    url = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta:
        model = Task
        fields = [
            "id",
            "number",
            "title",
            "body",
            "source_kind",
            "source_ref",
            "priority",
            "parent",
            "lead_unit",
            "responsible_units",
            "cooperating_units",
            "supervising_units",
            "deadline",
            "deadline_working_days",
            "status",
            "light",
            "progress_percent",
            "latest_progress",
            "assigned_at",
            "closed_at",
            "created_at",
            "updated_at",
            "version",
            "url",
        ]
        read_only_fields = [
            "number",
            "progress_percent",
            "latest_progress",
            "assigned_at",
            "closed_at",
            "created_at",
            "updated_at",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request and request.user.is_authenticated:
            # One task is looked up (the parent given): probed, not the whole list read.
            self.fields["parent"].queryset = Task.objects.visible_to(request.user, probe=True)

    def validate(self, data):
        # The deadline and units are checked by the services; only the API needs the version.
        if self.instance is not None and "version" not in data:
            raise serializers.ValidationError(
                {"version": _("Send the version you read, so that a stale edit can be refused.")}
            )
        return data


class TransitionSerializer(serializers.Serializer):
    # Progress has its own endpoint, with its text and percentage.
    action = serializers.ChoiceField(
        choices=[(a, Action(a).label) for a in ACTION_PARAMS if a != Action.PROGRESS]
    )
    comment = serializers.CharField(required=False, allow_blank=True, default="")
    requested_deadline = serializers.DateField(required=False)
    approve = serializers.BooleanField(required=False, allow_null=True, default=None)
    # verify: close while a responsible or cooperating unit has not signed for the task.
    confirm_unsigned = serializers.BooleanField(required=False, default=False)
    version = serializers.IntegerField(help_text=VERSION_HELP)


class ProgressSerializer(serializers.ModelSerializer):
    unit = serializers.SlugRelatedField(slug_field="code", read_only=True)
    author = serializers.StringRelatedField()
    version = serializers.IntegerField(write_only=True, help_text=VERSION_HELP)

    class Meta:
        model = ProgressReport
        fields = ["id", "unit", "author", "percent", "text", "created_at", "version"]
        read_only_fields = ["created_at"]
        extra_kwargs = {"percent": {"min_value": 0, "max_value": 100}}


class EventSerializer(serializers.ModelSerializer):
    # None for what the daily job did (催办) and for events of no particular unit.
    actor = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    unit = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)

    class Meta:
        model = TaskEvent
        fields = [
            "id",
            "action",
            "actor",
            "unit",
            "from_status",
            "to_status",
            "comment",
            "changes",
            "reply_to",  # the comment a reply answers (the task page's threads)
            "created_at",
        ]
        read_only_fields = ["reply_to"]


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField()
    password = serializers.CharField(style={"input_type": "password"})
    name = serializers.CharField(required=False, allow_blank=True, max_length=100)
    code = serializers.CharField(
        required=False, allow_blank=True, max_length=10, help_text="TOTP code, if enrolled"
    )


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField()
    expires = serializers.DateTimeField()


class SearchQuerySerializer(serializers.Serializer):
    q = serializers.CharField(
        max_length=100, help_text="Words to find; a unit's name finds its tasks."
    )
    limit = serializers.IntegerField(min_value=1, max_value=100, default=20, required=False)


class SearchResultSerializer(serializers.Serializer):
    class Row(serializers.ModelSerializer):
        url = serializers.CharField(source="get_absolute_url", read_only=True)

        class Meta:
            model = Task
            fields = ["id", "number", "title", "light", "status", "deadline", "url"]

    count = serializers.IntegerField()
    results = Row(many=True)
