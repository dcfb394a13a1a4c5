"""What was sent: the deliveries of notifications (one message to one person or group robot by
one channel) with how sending each went. The same reads as the pages: supervisors and leaders
see their organisation's, everyone else what was sent to them; the deliveries about a task only
to those who see the task."""

import django_filters
from django import forms
from drf_spectacular.utils import extend_schema_field
from rest_framework import generics, serializers
from rest_framework.exceptions import NotFound

from taizhang.notify import deliveries
from taizhang.notify.choices import ChannelKind, DeliveryStatus
from taizhang.notify.filters import DeliveryFilterSet
from taizhang.notify.models import Delivery
from taizhang.supervision.filters import MAX_ID

from .filtering import PageFilters

TASK = "supervision.task"  # the subject type tasks are registered under (``notify.subjects``)


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": MAX_ID})
class IdFilter(django_filters.Filter):
    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        super().__init__(*args, min_value=1, max_value=MAX_ID, **kwargs)


class TaskDeliveryFilterSet(DeliveryFilterSet):
    task = IdFilter(method="filter_task", help_text="The deliveries about this task only.")

    class Meta(DeliveryFilterSet.Meta):
        fields = ["task", *DeliveryFilterSet.Meta.fields]

    def filter_task(self, queryset, name, value):
        return deliveries.about(queryset, TASK, value)


class RecipientSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=["user", "robot"])
    id = serializers.IntegerField(allow_null=True)
    name = serializers.CharField(help_text="A person's name; a robot's unit and platform.")


class UnitRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class DeliverySerializer(serializers.ModelSerializer):
    channel = serializers.ChoiceField(choices=ChannelKind.choices, read_only=True)
    channel_label = serializers.CharField(source="get_channel_display", read_only=True)
    status = serializers.ChoiceField(choices=DeliveryStatus.choices, read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    recipient = serializers.SerializerMethodField()
    unit = serializers.SerializerMethodField()
    title = serializers.CharField(source="message_title", read_only=True)
    answer = serializers.CharField(read_only=True, help_text="What the platform answered.")

    class Meta:
        model = Delivery
        fields = [
            "id",
            "event",
            "kind",
            "channel",
            "channel_label",
            "status",
            "status_label",
            "recipient",
            "unit",
            "attempts",
            "answer",
            "urgent",
            "fell_back",
            "title",
            "created_at",
            "next_attempt_at",
            "sent_at",
        ]
        read_only_fields = fields

    @extend_schema_field(RecipientSerializer)
    def get_recipient(self, delivery):
        return deliveries.recipient(delivery)

    @extend_schema_field(UnitRefSerializer(allow_null=True))
    def get_unit(self, delivery):
        if not delivery.unit_id:
            return None
        return {"id": delivery.unit_id, "name": str(delivery.unit)}


class DeliveryList(PageFilters, generics.ListAPIView):
    """The deliveries the caller may see, newest first: supervisors and leaders, their
    organisation's; others, those sent to them. With ``task``: those about that task, which
    the caller must see (404 otherwise)."""

    serializer_class = DeliverySerializer
    filterset_class = TaskDeliveryFilterSet

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator's own call
            return Delivery.objects.none()
        return deliveries.listed(deliveries.visible_to(self.request.user))

    def filter_queryset(self, queryset):
        filterset = self.valid_filterset(queryset)
        task_id = filterset.form.cleaned_data.get("task")
        if task_id is not None and not deliveries.subject_visible(TASK, self.request.user, task_id):
            raise NotFound
        return filterset.qs
