"""Issue 14's contract for 催办 by hand and bulk actions: the same services as the pages."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from taizhang.supervision import services
from taizhang.supervision.choices import Action
from taizhang.supervision.filters import MAX_CHOSEN_IDS, MAX_ID

from .views import _task


class BulkTransitionSerializer(serializers.Serializer):
    # Bounded before the ids are read one by one: a huge body is refused at once.
    ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
        allow_empty=False,
        max_length=MAX_CHOSEN_IDS,
    )
    action = serializers.ChoiceField(choices=[(a, Action(a).label) for a in services.BULK_ACTIONS])
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class RefusedSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    reason = serializers.CharField()


class BulkResultSerializer(serializers.Serializer):
    done = serializers.ListField(child=serializers.IntegerField())
    refused = RefusedSerializer(many=True)


class BulkTransitions(APIView):
    """One action on many tasks, each id checked as a single transition would be; a task the
    caller cannot see is refused as not found. At most ``MAX_CHOSEN_IDS`` ids a call."""

    @extend_schema(request=BulkTransitionSerializer, responses=BulkResultSerializer)
    def post(self, request):
        data = BulkTransitionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        done, refused = services.bulk_perform(
            data.validated_data["ids"],
            data.validated_data["action"],
            by=request.user,
            comment=data.validated_data["comment"],
        )
        return Response(
            {"done": done, "refused": [{"id": pk, "reason": reason} for pk, reason in refused]}
        )


class RemindSerializer(serializers.Serializer):
    message = serializers.CharField(required=False, allow_blank=True, default="")
    urgent = serializers.BooleanField(required=False, default=False)
    units = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
        required=False,
        default=list,
        help_text="Ids of the task's acting units; by default its lead and responsible units.",
    )
    version = serializers.IntegerField(required=False, allow_null=True, default=None)


class RemindedUnitSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class RefusedUnitSerializer(RemindedUnitSerializer):
    reason = serializers.CharField()


class RemindResultSerializer(serializers.Serializer):
    reminded = RemindedUnitSerializer(many=True)
    refused = RefusedUnitSerializer(many=True)
    channels = serializers.ListField(child=serializers.CharField())


class TaskRemind(APIView):
    """催办 by a supervisor: the units reminded and those refused (already reminded today,
    unless ``urgent``), and the channels used. When no unit can be reminded: 400 with the
    reasons."""

    @extend_schema(request=RemindSerializer, responses=RemindResultSerializer)
    def post(self, request, pk):
        task = _task(request, pk)
        data = RemindSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        result = services.remind_task(task, by=request.user, **data.validated_data)
        return Response(
            {
                "reminded": [{"id": u.pk, "name": str(u)} for u in result.reminded],
                "refused": [
                    {"id": u.pk, "name": str(u), "reason": reason} for u, reason in result.refused
                ],
                "channels": [str(c) for c in result.channels],
            }
        )
