"""The suggestions' API (建言献策): the same reads (``visible_to``), rules and services as the
pages. Submitters file and rate, the office enters offline ones and takes them through their
lifecycle, units sign and reply; an anonymous submitter claims theirs with the receipt's code.
"""

from django.db.models import Prefetch
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import generics, serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from taizhang.org.choices import Role
from taizhang.org.models import Unit
from taizhang.suggestions import services, stats
from taizhang.suggestions.choices import (
    Channel,
    CommendationKind,
    Extent,
    Light,
    Rating,
    ReplyClass,
    Status,
)
from taizhang.suggestions.filters import SuggestionFilterSet
from taizhang.suggestions.models import Reply, SpawnedTask, Suggestion, SuggestionEvent
from taizhang.suggestions.rules import Claimant
from taizhang.supervision.models import Task
from taizhang.utils.addresses import client_address

from .filtering import PageFilters
from .serializers import TaskSerializer

MAX_ID = 2**31 - 1
VERSION_HELP = "The suggestion's version as you read it; a stale one is refused with 409."


# ---- serializers -------------------------------------------------------------------------------


class ReplySerializer(serializers.Serializer):
    reply_class = serializers.ChoiceField(choices=ReplyClass.choices)
    text = serializers.CharField()
    promised_date = serializers.DateField(allow_null=True)
    unit = serializers.CharField(source="unit.code", help_text="The lead unit's code.")
    reviewed_at = serializers.DateTimeField(allow_null=True)
    rating = serializers.CharField(help_text="satisfied, basically_satisfied, dissatisfied or ''")
    rating_comment = serializers.CharField()


def blank_or(choices):
    """A choice that is "" until it is made (a reply class, a rating, an extent)."""
    return serializers.ChoiceField(choices=choices.choices, allow_blank=True, read_only=True)


NAMES = {"type": "array", "items": {"type": "string"}}


# What the serializer reads besides the list's prefetch: replies with their unit, and tasks.
DETAILS = (
    Prefetch("replies", queryset=Reply.objects.select_related("unit")),
    Prefetch("spawned", queryset=SpawnedTask.objects.select_related("task")),
)


def _sent_reply(suggestion):
    """The latest reply the office approved (what the submitter received), or None."""
    sent = [r for r in suggestion.replies.all() if r.approved]
    return sent[-1] if sent else None


class SpawnedTaskSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    title = serializers.CharField()
    status = serializers.CharField()
    light = serializers.CharField()


class SuggestionSerializer(serializers.ModelSerializer):
    status = serializers.ChoiceField(choices=Status.choices, read_only=True)
    light = serializers.ChoiceField(choices=Light.choices, read_only=True)
    channel = serializers.ChoiceField(choices=Channel.choices, read_only=True)
    # User names; empty for an anonymous suggestion (and one written down without an account).
    submitters = serializers.SerializerMethodField()
    affiliation = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    lead_unit = serializers.SerializerMethodField()
    joint_units = serializers.SerializerMethodField()
    assisting_units = serializers.SerializerMethodField()
    refusal_reason = serializers.SlugRelatedField(
        slug_field="code", read_only=True, allow_null=True
    )
    reply = serializers.SerializerMethodField(help_text="The reply as sent, once approved.")
    tasks = serializers.SerializerMethodField(
        help_text="Supervision tasks made from it, with their live status and light."
    )
    url = serializers.CharField(source="get_absolute_url", read_only=True)
    reply_class = blank_or(ReplyClass)
    rating = blank_or(Rating)
    adoption_extent = blank_or(Extent)

    class Meta:
        model = Suggestion
        fields = [
            "id",
            "number",
            "status",
            "version",
            "title",
            "body",
            "topic",
            "channel",
            "received_on",
            "submitters",
            "submitter_name",
            "anonymous",
            "affiliation",
            "light",
            "round",
            "deadline",
            "lead_unit",
            "joint_units",
            "assisting_units",
            "refusal_reason",
            "alternative_channel",
            "merged_into",
            "reply_class",
            "replied_at",
            "reply",
            "rating",
            "adopted_at",
            "adoption_extent",
            "tasks",
            "url",
            "created_at",
        ]
        read_only_fields = fields

    @extend_schema_field(ReplySerializer(allow_null=True))
    def get_reply(self, suggestion):
        sent = _sent_reply(suggestion)
        return ReplySerializer(sent).data if sent else None

    @extend_schema_field(SpawnedTaskSerializer(many=True))
    def get_tasks(self, suggestion):
        return SpawnedTaskSerializer(
            [link.task for link in suggestion.spawned.all()], many=True
        ).data

    @extend_schema_field(NAMES)
    def get_submitters(self, suggestion):
        return [u.username for u in suggestion.submitters]

    @extend_schema_field({"type": "string", "nullable": True, "description": "A unit code."})
    def get_lead_unit(self, suggestion):
        lead = suggestion.lead_unit
        return lead.code if lead else None

    @extend_schema_field(NAMES)
    def get_joint_units(self, suggestion):
        return [u.code for u in suggestion.joint_units]

    @extend_schema_field(NAMES)
    def get_assisting_units(self, suggestion):
        return [u.code for u in suggestion.assisting_units]


class CreatedSuggestionSerializer(SuggestionSerializer):
    claim_code = serializers.CharField(
        allow_null=True,
        read_only=True,
        help_text="Only for an anonymous suggestion, only in this answer: the code on its "
        "receipt, with which its submitter reads the reply and rates it.",
    )

    class Meta(SuggestionSerializer.Meta):
        fields = [*SuggestionSerializer.Meta.fields, "claim_code"]
        read_only_fields = fields


def _name_list(**kwargs):
    return serializers.ListField(
        child=serializers.CharField(max_length=150), max_length=50, required=False, **kwargs
    )


class NewSuggestionSerializer(serializers.Serializer):
    """A submitter sends title, body, topic, anonymous; the office (a supervisor) enters one
    on a submitter's behalf with submitter (a user name) or submitter_name, and channel."""

    title = serializers.CharField(max_length=200)
    body = serializers.CharField(max_length=20000)
    topic = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")
    anonymous = serializers.BooleanField(required=False, default=False)
    submitter = serializers.CharField(
        max_length=150, required=False, allow_blank=True, help_text="Staff only: a user name."
    )
    co_submitters = _name_list(help_text="User names of the other submitters (联名).")
    channel = serializers.ChoiceField(
        choices=Channel.choices, required=False, help_text="Staff only; letter if not given."
    )
    received_on = serializers.DateField(required=False, help_text="Staff only; today if not given.")
    submitter_name = serializers.CharField(
        max_length=100, required=False, allow_blank=True, default=""
    )
    submitter_contact = serializers.CharField(
        max_length=100, required=False, allow_blank=True, default=""
    )


class SuggestionTransitionSerializer(serializers.Serializer):
    """An action and its inputs; the inputs another action takes are ignored."""

    action = serializers.ChoiceField(choices=[(a, a) for a in services.HANDLERS])
    comment = serializers.CharField(max_length=20000, required=False, allow_blank=True, default="")
    version = serializers.IntegerField(
        required=False, allow_null=True, min_value=0, max_value=MAX_ID, help_text=VERSION_HELP
    )
    topic = serializers.CharField(max_length=60, required=False, help_text="accept")
    reason_code = serializers.CharField(max_length=40, required=False, help_text="refuse")
    alternative_channel = serializers.CharField(
        max_length=200, required=False, allow_blank=True, help_text="refuse"
    )
    into = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, required=False, help_text="merge: the other's id"
    )
    lead_unit = serializers.CharField(max_length=40, required=False, help_text="assign: a code")
    joint_units = _name_list(help_text="assign: unit codes (会办)")
    assisting_units = _name_list(help_text="assign: unit codes (协办)")
    deadline_working_days = serializers.IntegerField(
        min_value=0, max_value=10000, required=False, help_text="assign"
    )
    reply_class = serializers.ChoiceField(choices=ReplyClass.choices, required=False)
    text = serializers.CharField(
        max_length=20000, required=False, help_text="reply, opinion, record_outcome"
    )
    promised_date = serializers.DateField(required=False, help_text="reply: for a B reply")
    public = serializers.BooleanField(required=False, help_text="approve_reply: publish it")
    rating = serializers.ChoiceField(choices=Rating.choices, required=False)
    extent = serializers.ChoiceField(choices=Extent.choices, required=False, help_text="adopt")
    place = serializers.CharField(max_length=200, required=False, help_text="record_outcome")
    benefit = serializers.CharField(
        max_length=5000, required=False, help_text="record_outcome; a number is 10,000 yuan"
    )
    benefit_amount = serializers.DecimalField(
        max_digits=14, decimal_places=2, min_value=0, required=False, help_text="10,000 yuan"
    )
    benefit_days = serializers.IntegerField(min_value=0, max_value=10**9, required=False)
    benefit_people = serializers.IntegerField(min_value=0, max_value=10**9, required=False)
    kind = serializers.ChoiceField(
        choices=CommendationKind.choices, required=False, help_text="commend"
    )
    amount = serializers.DecimalField(
        max_digits=12, decimal_places=2, min_value=0, required=False, help_text="commend: yuan"
    )
    done = serializers.BooleanField(required=False, help_text="follow_up")


class SpawnTaskSerializer(TaskSerializer):
    """The task fields as ``POST /api/tasks`` takes them; the source is the suggestion."""

    title = serializers.CharField(
        max_length=200, required=False, help_text="The suggestion's title if not given."
    )
    source_kind = None
    status = None
    light = None
    version = None
    url = None

    class Meta(TaskSerializer.Meta):
        fields = [
            "title",
            "body",
            "priority",
            "parent",
            "lead_unit",
            "responsible_units",
            "cooperating_units",
            "supervising_units",
            "deadline",
            "deadline_working_days",
        ]
        read_only_fields = []
        extra_kwargs = {"deadline_working_days": {"min_value": 1, "max_value": 10000}}


class SuggestionEventSerializer(serializers.ModelSerializer):
    actor = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    unit = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)

    class Meta:
        model = SuggestionEvent
        fields = [
            "id",
            "action",
            "actor",
            "unit",
            "from_status",
            "to_status",
            "comment",
            "changes",
            "public",
            "created_at",
        ]


class FiguresSerializer(serializers.Serializer):
    received = serializers.IntegerField()
    accepted = serializers.IntegerField()
    refused = serializers.IntegerField()
    merged = serializers.IntegerField()
    decided = serializers.IntegerField()
    replied = serializers.IntegerField()
    on_time = serializers.IntegerField()
    due = serializers.IntegerField()
    overdue = serializers.IntegerField()
    rated = serializers.IntegerField()
    content = serializers.IntegerField()
    dissatisfied = serializers.IntegerField()
    adopted = serializers.IntegerField()
    converted = serializers.IntegerField()
    benefit = serializers.DecimalField(
        max_digits=20, decimal_places=2, help_text="Money benefit of the outcomes, 10,000 yuan."
    )
    accepted_rate = serializers.FloatField(allow_null=True, help_text="立案率, 0–1")
    on_time_reply_rate = serializers.FloatField(allow_null=True, help_text="按期答复率")
    satisfaction_rate = serializers.FloatField(allow_null=True, help_text="满意率")
    adoption_rate = serializers.FloatField(allow_null=True, help_text="采纳率")


class FiguresRowSerializer(FiguresSerializer):
    key = serializers.CharField(
        allow_null=True, help_text="The unit's code, the channel, the topic or the month (YYYY-MM)."
    )


class StatsSerializer(FiguresSerializer):
    by = serializers.CharField(allow_null=True)
    rows = FiguresRowSerializer(many=True, required=False)


class ClaimSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=40, help_text="The code on the receipt.")
    rating = serializers.ChoiceField(
        choices=Rating.choices, required=False, help_text="Rate the reply (once it is sent)."
    )
    comment = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")


class ClaimedSuggestionSerializer(serializers.ModelSerializer):
    """What the holder of an anonymous suggestion's code may read: its progress and reply."""

    status = serializers.ChoiceField(choices=Status.choices, read_only=True)
    reply_class = blank_or(ReplyClass)
    rating = blank_or(Rating)
    reply = serializers.SerializerMethodField()

    class Meta:
        model = Suggestion
        fields = [
            "number",
            "title",
            "body",
            "status",
            "received_on",
            "reply_class",
            "replied_at",
            "reply",
            "rating",
            "version",
        ]
        read_only_fields = fields

    @extend_schema_field(ReplySerializer(allow_null=True))
    def get_reply(self, suggestion):
        sent = _sent_reply(suggestion)
        return ReplySerializer(sent).data if sent else None


# ---- views -------------------------------------------------------------------------------------


def _details(suggestions):
    return suggestions.for_lists().prefetch_related(*DETAILS).select_related("refusal_reason")


def _visible(user):
    return _details(Suggestion.objects.visible_to(user))


def _suggestion(request, pk):
    """The suggestion if the user may see it; otherwise a 404 that says no more."""
    found = _visible(request.user).filter(pk=pk).first()
    if found is None:
        raise NotFound(_("No such suggestion, or not one you may see."))
    return found


def _answer(request, suggestion, serializer=SuggestionSerializer, code=status.HTTP_200_OK):
    fresh = _visible(request.user).filter(pk=suggestion.pk).first()
    if fresh is None:  # the caller's own action took it out of their sight (a unit's 退回)
        fresh = _details(Suggestion.objects.all()).get(pk=suggestion.pk)
    return Response(serializer(fresh, context={"request": request}).data, status=code)


class SuggestionList(PageFilters, generics.ListCreateAPIView):
    """The ledger with the page's filters (status, channel, topic, units, period, reply
    class, rating, light, adopted, keyword)."""

    serializer_class = SuggestionSerializer
    filterset_class = SuggestionFilterSet  # documents the filters in the OpenAPI schema

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Suggestion.objects.none()
        return _visible(self.request.user)

    @extend_schema(request=NewSuggestionSerializer, responses={201: CreatedSuggestionSerializer})
    def post(self, request, *args, **kwargs):
        data = NewSuggestionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        suggestion, code = services.create_suggestion(by=request.user, **fields)
        fresh = _visible(request.user).filter(pk=suggestion.pk).first()
        if fresh is None:  # an anonymous one its own submitter cannot list: answer what was made
            fresh = _details(Suggestion.objects.all()).get(pk=suggestion.pk)
        fresh.claim_code = code
        body = CreatedSuggestionSerializer(fresh, context={"request": request}).data
        return Response(body, status=status.HTTP_201_CREATED)


class SuggestionDetail(generics.RetrieveAPIView):
    serializer_class = SuggestionSerializer
    filter_backends = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Suggestion.objects.none()
        return _visible(self.request.user)

    def get_object(self):
        return _suggestion(self.request, self.kwargs["pk"])


class SuggestionHistory(generics.ListAPIView):
    """The timeline, newest first; a submitter sees only the events meant for them."""

    serializer_class = SuggestionEventSerializer
    pagination_class = None
    filter_backends = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return SuggestionEvent.objects.none()
        events = _suggestion(self.request, self.kwargs["pk"]).events.select_related("actor", "unit")
        if self.request.user.role == Role.SUBMITTER:
            events = events.filter(public=True)
        return events


class SuggestionTransition(APIView):
    @extend_schema(request=SuggestionTransitionSerializer, responses=SuggestionSerializer)
    def post(self, request, pk):
        suggestion = _suggestion(request, pk)
        data = SuggestionTransitionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        params = dict(data.validated_data)
        action = params.pop("action")
        services.perform(suggestion, action, by=request.user, **params)
        return _answer(request, suggestion)


class SuggestionSpawnTask(APIView):
    """A supervision task from an adopted suggestion (the office only)."""

    @extend_schema(request=SpawnTaskSerializer, responses={201: TaskSerializer})
    def post(self, request, pk):
        suggestion = _suggestion(request, pk)
        data = SpawnTaskSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        task = services.spawn_task(suggestion, by=request.user, **data.validated_data)
        task = Task.objects.with_units().get(pk=task.pk)
        return Response(
            TaskSerializer(task, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )


def _row_key(row, by, unit_codes):
    key = row.pop("key")
    if key is None or key == "":
        return None
    if by == "unit":
        return unit_codes.get(key)
    if by == "month":
        return key.strftime("%Y-%m")
    return str(key)


class PublishedReplySerializer(serializers.ModelSerializer):
    """A reply the office made public (公开答复): what every submitter may read, no names."""

    lead_unit = serializers.SerializerMethodField()
    reply_class = blank_or(ReplyClass)
    reply = serializers.SerializerMethodField()

    class Meta:
        model = Suggestion
        fields = [
            "id",
            "number",
            "title",
            "topic",
            "lead_unit",
            "reply_class",
            "reply",
            "replied_at",
        ]
        read_only_fields = fields

    @extend_schema_field({"type": "string", "nullable": True, "description": "A unit code."})
    def get_lead_unit(self, suggestion):
        return suggestion.public_replies[-1].unit.code

    @extend_schema_field(OpenApiTypes.STR)
    def get_reply(self, suggestion):
        return suggestion.public_replies[-1].text


class PublishedReplies(generics.ListAPIView):
    """The published replies of the caller's organisation, newest first."""

    serializer_class = PublishedReplySerializer

    def get_queryset(self):
        user = self.request.user
        if getattr(self, "swagger_fake_view", False) or user.is_administrator:
            return Suggestion.objects.none()
        public = Reply.objects.filter(approved=True, public=True).select_related("unit")
        return (
            Suggestion.objects.published(user.organisation_id)
            .prefetch_related(Prefetch("replies", queryset=public, to_attr="public_replies"))
            .order_by("-replied_at", "-pk")
        )


class SuggestionStats(APIView):
    """The channel's figures for what the caller may see of their organisation's suggestions."""

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "by",
                OpenApiTypes.STR,
                enum=list(stats.GROUPS),
                description="Also give the figures per unit (the lead unit), channel, topic "
                "or month of receipt, in rows.",
            )
        ],
        responses=StatsSerializer,
    )
    def get(self, request):
        by = request.query_params.get("by") or None
        if by is not None and by not in stats.GROUPS:
            raise serializers.ValidationError(
                {"by": _("Group by one of: %(groups)s.") % {"groups": ", ".join(stats.GROUPS)}}
            )
        suggestions = Suggestion.objects.visible_to(request.user)
        body = {**stats.summary(suggestions), "by": by}
        if by:
            rows = stats.breakdown(suggestions, by)
            unit_codes = {}
            if by == "unit":
                ids = {r["key"] for r in rows if r["key"]}
                unit_codes = dict(Unit.objects.filter(pk__in=ids).values_list("pk", "code"))
            for row in rows:
                row["key"] = _row_key(row, by, unit_codes)
            body["rows"] = rows
        return Response(StatsSerializer(body).data)


class SuggestionClaim(APIView):
    """An anonymous suggestion, by the code on its receipt: read its progress and reply, and
    rate the reply (with ``rating``). No sign-in."""

    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(request=ClaimSerializer, responses=ClaimedSuggestionSerializer)
    def post(self, request):
        data = ClaimSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        # Wrong codes counted per address, as on the claim page (429 after too many).
        suggestion = services.claim(data.validated_data["code"], client_address(request))
        if suggestion is None:
            raise NotFound(_("No suggestion has this code. Check it against your receipt."))
        if rating := data.validated_data.get("rating"):
            services.rate(
                suggestion,
                by=Claimant(suggestion),
                rating=rating,
                comment=data.validated_data["comment"],
            )
        fresh = Suggestion.objects.prefetch_related(*DETAILS).get(pk=suggestion.pk)
        return Response(ClaimedSuggestionSerializer(fresh).data)
