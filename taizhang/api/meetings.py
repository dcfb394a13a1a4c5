"""The meetings' API (联席会议 and exchange events): the same reads (``visible_to``), rules and
services as the pages. The secretariat creates mechanisms and meetings and takes them through
their lifecycle; an invited unit's handler reads the meetings it was invited to and their
decisions, replies to the notice and countersigns the minutes.
"""

from django.db.models import Prefetch
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import generics, serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from taizhang.meetings import rules, services
from taizhang.meetings.choices import (
    Action,
    Answer,
    Attendance,
    DecisionState,
    GuestKind,
    JointSession,
    MechanismKind,
    MeetingKind,
    MemberRole,
    Status,
)
from taizhang.meetings.choices import Response as Reply
from taizhang.meetings.filters import MeetingFilterSet
from taizhang.meetings.models import (
    Countersignature,
    Decision,
    Invitee,
    Mechanism,
    MechanismMember,
    Meeting,
    Speaker,
)
from taizhang.supervision.choices import Light
from taizhang.supervision.choices import Status as TaskStatus

from .filtering import PageFilters

MAX_ID = 2**31 - 1
VERSION_HELP = "The meeting's version as you read it; a stale one is refused with 409."
CODES = {"type": "array", "items": {"type": "string"}, "description": "Unit codes."}
CODE = {"type": "string", "nullable": True, "description": "A unit code."}


def _codes(**kwargs):
    return serializers.ListField(
        child=serializers.CharField(max_length=40), max_length=200, required=False, **kwargs
    )


def _text(limit, **kwargs):
    return serializers.CharField(
        max_length=limit, required=False, allow_blank=True, default="", **kwargs
    )


# ---- mechanisms --------------------------------------------------------------------------------


class MemberSerializer(serializers.ModelSerializer):
    unit = serializers.SlugRelatedField(slug_field="code", read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    role = serializers.ChoiceField(choices=MemberRole.choices, read_only=True)

    class Meta:
        model = MechanismMember
        fields = ["unit", "unit_name", "role", "contact_name", "contact_phone", "countersigns"]
        read_only_fields = fields


class PlanLineSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    month = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=MeetingKind.choices)
    topic = serializers.CharField()


class MechanismSerializer(serializers.ModelSerializer):
    kind = serializers.ChoiceField(choices=MechanismKind.choices, read_only=True)
    convening_unit = serializers.SlugRelatedField(slug_field="code", read_only=True)
    members = MemberSerializer(many=True, read_only=True)
    member_units = serializers.SerializerMethodField(
        help_text="The member units' codes, the convening unit's included."
    )
    plan = PlanLineSerializer(many=True, read_only=True, help_text="The yearly plans' lines.")
    url = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta:
        model = Mechanism
        fields = [
            "id",
            "name",
            "kind",
            "convening_unit",
            "members",
            "member_units",
            "plan",
            "description",
            "countersign_working_days",
            "active",
            "version",
            "url",
            "created_at",
        ]
        read_only_fields = fields

    @extend_schema_field(CODES)
    def get_member_units(self, mechanism):
        codes = [m.unit.code for m in mechanism.members.all()]
        if mechanism.convening_unit.code not in codes:
            codes.insert(0, mechanism.convening_unit.code)
        return codes


class NewMechanismSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    convening_unit = serializers.CharField(max_length=40, help_text="The convening unit's code.")
    member_units = _codes(help_text="The member units' codes (the convening unit is one anyway).")
    kind = serializers.ChoiceField(
        choices=MechanismKind.choices, required=False, default=MechanismKind.JOINT_MEETING
    )
    description = _text(5000)
    rules_text = _text(20000)
    countersign_working_days = serializers.IntegerField(
        min_value=1, max_value=10000, required=False, allow_null=True
    )


def _mechanisms(user):
    members = MechanismMember.objects.select_related("unit")
    return (
        Mechanism.objects.visible_to(user)
        .select_related("convening_unit")
        .prefetch_related(Prefetch("members", queryset=members), "plan")
    )


class MechanismList(generics.ListCreateAPIView):
    """The mechanisms the caller may see: all of the organisation's for the secretariat and
    leaders, those one of their units is a member of for a handler."""

    serializer_class = MechanismSerializer
    filter_backends = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Mechanism.objects.none()
        return _mechanisms(self.request.user)

    @extend_schema(request=NewMechanismSerializer, responses={201: MechanismSerializer})
    def post(self, request, *args, **kwargs):
        data = NewMechanismSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        mechanism = services.create_mechanism(by=request.user, **data.validated_data)
        fresh = _mechanisms(request.user).get(pk=mechanism.pk)
        return Response(MechanismSerializer(fresh).data, status=status.HTTP_201_CREATED)


class MechanismDetail(generics.RetrieveAPIView):
    serializer_class = MechanismSerializer
    filter_backends = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Mechanism.objects.none()
        return _mechanisms(self.request.user)

    def get_object(self):
        found = self.get_queryset().filter(pk=self.kwargs["pk"]).first()
        if found is None:
            raise NotFound(_("No such mechanism, or not one you may see."))
        return found


# ---- meetings ----------------------------------------------------------------------------------


class AgendaItemSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=300)
    presenter = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")


class InviteeSerializer(serializers.ModelSerializer):
    unit = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    person = serializers.SlugRelatedField(
        source="user", slug_field="username", read_only=True, allow_null=True
    )
    name = serializers.CharField(read_only=True)
    guest_kind = serializers.ChoiceField(
        choices=GuestKind.choices, allow_blank=True, read_only=True
    )
    response = serializers.ChoiceField(choices=Reply.choices, read_only=True)
    attendance = serializers.ChoiceField(
        choices=Attendance.choices, allow_blank=True, read_only=True
    )

    class Meta:
        model = Invitee
        fields = [
            "id",
            "unit",
            "person",
            "name",
            "guest_kind",
            "guest_affiliation",
            "response",
            "substitute",
            "response_comment",
            "attendance",
            "attended_by",
            "absence_reason",
        ]
        read_only_fields = fields


class CountersignatureSerializer(serializers.ModelSerializer):
    unit = serializers.SlugRelatedField(slug_field="code", read_only=True)
    answer = serializers.ChoiceField(choices=Answer.choices, read_only=True)
    signed_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)

    class Meta:
        model = Countersignature
        fields = ["round", "unit", "due", "answer", "comment", "signed_by", "signed_at"]
        read_only_fields = fields


class SpeakerSerializer(serializers.ModelSerializer):
    unit = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)

    class Meta:
        model = Speaker
        fields = ["unit", "name", "topic"]
        read_only_fields = fields


class MeetingSerializer(serializers.ModelSerializer):
    kind = serializers.ChoiceField(choices=MeetingKind.choices, read_only=True)
    joint_session = serializers.ChoiceField(
        choices=JointSession.choices, allow_blank=True, read_only=True
    )
    status = serializers.ChoiceField(choices=Status.choices, read_only=True)
    mechanism = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    convener = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    chair = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    minutes_number = serializers.CharField(read_only=True, help_text="〔2026〕第3期, once issued.")
    invited_units = serializers.SerializerMethodField(help_text="The invited units' codes.")
    url = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta:
        model = Meeting
        fields = [
            "id",
            "kind",
            "joint_session",
            "title",
            "topic",
            "date",
            "start_time",
            "end_time",
            "place",
            "online",
            "mechanism",
            "convener",
            "chair",
            "chair_name",
            "invited_units",
            "status",
            "minutes_number",
            "issued_at",
            "version",
            "url",
            "created_at",
        ]
        read_only_fields = fields

    @extend_schema_field(CODES)
    def get_invited_units(self, meeting):
        return [i.unit.code for i in meeting.invitees.all() if i.unit_id]


class MeetingDetailSerializer(MeetingSerializer):
    """A meeting with its agenda, invited and their attendance, speakers, minutes and 会签."""

    agenda = AgendaItemSerializer(many=True, read_only=True)
    invitees = InviteeSerializer(many=True, read_only=True)
    speakers = SpeakerSerializer(many=True, read_only=True)
    countersignatures = CountersignatureSerializer(many=True, read_only=True)

    class Meta(MeetingSerializer.Meta):
        fields = [
            *MeetingSerializer.Meta.fields,
            "notice_text",
            "minutes_text",
            "report",
            "agenda",
            "invitees",
            "speakers",
            "countersignatures",
        ]
        read_only_fields = fields


class GuestSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=60)
    kind = serializers.ChoiceField(choices=GuestKind.choices, required=False)
    affiliation = _text(200)
    contact = _text(100)


class NewMeetingSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=MeetingKind.choices)
    title = serializers.CharField(max_length=200)
    date = serializers.DateField()
    mechanism = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, required=False, allow_null=True, help_text="Its id."
    )
    invited_units = _codes(
        help_text="Unit codes; a mechanism's meeting invites its member units if not given."
    )
    invited_people = _codes(help_text="User names of people invited in person.")
    guests = GuestSerializer(many=True, required=False, help_text="Guests without an account.")
    joint_session = serializers.ChoiceField(choices=JointSession.choices, required=False)
    topic = _text(5000)
    place = _text(200)
    start_time = serializers.TimeField(required=False, allow_null=True)
    end_time = serializers.TimeField(required=False, allow_null=True)
    online = serializers.BooleanField(required=False)
    online_link = _text(300)
    chair = serializers.CharField(
        max_length=150, required=False, allow_blank=True, help_text="A leader's user name."
    )
    chair_name = _text(60, help_text="The chair's name when they have no account.")
    agenda = AgendaItemSerializer(many=True, required=False)

    def validate_guests(self, value):
        if len(value) > services.MAX_INVITED:
            raise serializers.ValidationError(
                _("At most %(limit)d invited to one meeting.") % {"limit": services.MAX_INVITED}
            )
        return value

    def validate_agenda(self, value):
        if len(value) > 100:
            raise serializers.ValidationError(_("At most 100 agenda items."))
        return [(item["title"], item.get("presenter", "")) for item in value]


INVITEES = Prefetch("invitees", queryset=Invitee.objects.select_related("unit", "user"))
DETAILS = (
    "agenda",
    "speakers",
    Prefetch(
        "countersignatures",
        queryset=Countersignature.objects.select_related("unit", "signed_by"),
    ),
)


def _visible(user):
    return Meeting.objects.visible_to(user).for_lists()


def _meeting(request, pk):
    """The meeting if the user may see it; otherwise a 404 that says no more."""
    found = _visible(request.user).filter(pk=pk).first()
    if found is None:
        raise NotFound(_("No such meeting, or not one you may see."))
    return found


def _answer(request, meeting, code=status.HTTP_200_OK):
    """The meeting as the caller now sees it; nothing (204) when their own change took it out
    of their sight: an answer never shows more than a read would."""
    fresh = (
        _visible(request.user).prefetch_related(INVITEES, *DETAILS).filter(pk=meeting.pk).first()
    )
    if fresh is None:
        return Response(status=status.HTTP_204_NO_CONTENT)
    return Response(MeetingDetailSerializer(fresh).data, status=code)


ANSWERS = {
    200: MeetingDetailSerializer,
    204: OpenApiResponse(description="Done; the meeting is no longer one you may see."),
}


class MeetingList(PageFilters, generics.ListCreateAPIView):
    """The meetings the caller may see, newest first, with the list page's filters: keyword
    (q), kind, status, mechanism (its id), year and held."""

    serializer_class = MeetingSerializer
    filterset_class = MeetingFilterSet  # documents the filters in the OpenAPI schema

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Meeting.objects.none()
        return _visible(self.request.user).prefetch_related(INVITEES)

    @extend_schema(request=NewMeetingSerializer, responses={201: MeetingDetailSerializer})
    def post(self, request, *args, **kwargs):
        data = NewMeetingSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        if "invited_units" not in fields:
            fields["invited_units"] = None
        meeting = services.create_meeting(by=request.user, **fields)
        return _answer(request, meeting, status.HTTP_201_CREATED)


class MeetingDetail(generics.RetrieveAPIView):
    serializer_class = MeetingDetailSerializer
    filter_backends = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Meeting.objects.none()
        return _visible(self.request.user).prefetch_related(INVITEES, *DETAILS)

    def get_object(self):
        found = self.get_queryset().filter(pk=self.kwargs["pk"]).first()
        if found is None:
            raise NotFound(_("No such meeting, or not one you may see."))
        return found


class AttendanceSerializer(serializers.Serializer):
    """One invited's attendance: a person (a user name, or an invited guest's name), a unit (a
    code), or a guest who came without an invitation (their name)."""

    person = serializers.CharField(
        max_length=60,
        required=False,
        allow_blank=True,
        help_text="A user name of the organisation, or the name of a guest already invited.",
    )
    unit = serializers.CharField(
        max_length=40, required=False, allow_blank=True, help_text="A unit's code."
    )
    guest = serializers.CharField(
        max_length=60,
        required=False,
        allow_blank=True,
        help_text="The name of a guest who came without an invitation (added to the list).",
    )
    status = serializers.ChoiceField(
        choices=Attendance.choices, help_text="present, excused or absent"
    )
    reason = _text(300, help_text="Needed when excused.")
    attended_by = _text(60, help_text="Who attended for the unit (代会).")
    version = serializers.IntegerField(
        required=False, allow_null=True, min_value=0, max_value=MAX_ID, help_text=VERSION_HELP
    )

    def validate(self, attrs):
        named = [key for key in ("person", "unit", "guest") if attrs.get(key, "").strip()]
        if len(named) != 1:
            raise serializers.ValidationError(_("Name one of the person, the unit or the guest."))
        # Only the one named goes to the service (``guest`` only when given).
        for key in ("person", "unit", "guest"):
            if key not in named:
                attrs.pop(key, None)
        return attrs


class MeetingAttendance(APIView):
    """签到: record one invited's attendance (出席, 请假 with its reason, 缺席)."""

    @extend_schema(request=AttendanceSerializer, responses=ANSWERS)
    def post(self, request, pk):
        meeting = _meeting(request, pk)
        data = AttendanceSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.record_attendance(meeting, by=request.user, **data.validated_data)
        return _answer(request, meeting)


class DecisionTaskSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    status = serializers.ChoiceField(choices=TaskStatus.choices)
    light = serializers.ChoiceField(choices=Light.choices)


class DecisionSerializer(serializers.ModelSerializer):
    state = serializers.ChoiceField(choices=DecisionState.choices, read_only=True)
    lead_unit = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    responsible_units = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    cooperating_units = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    task = serializers.SerializerMethodField(
        help_text="The supervision task it became once the minutes were issued, with its live "
        "status and light; null before."
    )

    class Meta:
        model = Decision
        fields = [
            "id",
            "order",
            "title",
            "body",
            "state",
            "lead_unit",
            "responsible_units",
            "cooperating_units",
            "deadline",
            "deadline_working_days",
            "task",
        ]
        read_only_fields = fields

    @extend_schema_field(DecisionTaskSerializer(allow_null=True))
    def get_task(self, decision):
        return DecisionTaskSerializer(decision.task).data if decision.task_id else None


class NewDecisionSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    body = _text(20000)
    lead_unit = serializers.CharField(max_length=40, help_text="The lead unit's code.")
    responsible_units = _codes()
    cooperating_units = _codes()
    deadline = serializers.DateField(required=False, allow_null=True)
    deadline_working_days = serializers.IntegerField(
        min_value=1, max_value=10000, required=False, allow_null=True
    )
    version = serializers.IntegerField(
        required=False, allow_null=True, min_value=0, max_value=MAX_ID, help_text=VERSION_HELP
    )


def _decisions(meeting, user):
    """The decisions the user may read: the accepted ones; the engine's proposals too for who
    writes the minutes (the secretariat, while they are being written)."""
    shown = [DecisionState.ACCEPTED]
    if rules.can(user, Action.WRITE_MINUTES, meeting):
        shown.append(DecisionState.PROPOSED)
    return (
        Decision.objects.filter(meeting=meeting, state__in=shown)
        .select_related("lead_unit", "task")
        .prefetch_related("responsible_units", "cooperating_units")
    )


class MeetingDecisions(generics.ListCreateAPIView):
    """议定事项: the meeting's accepted decisions with their tasks (and, for the secretariat while
    it writes the minutes, the text engine's proposals with state ``proposed``); the
    secretariat adds one while the minutes are being written."""

    serializer_class = DecisionSerializer
    pagination_class = None
    filter_backends = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Decision.objects.none()
        return _decisions(_meeting(self.request, self.kwargs["pk"]), self.request.user)

    @extend_schema(request=NewDecisionSerializer, responses={201: DecisionSerializer})
    def post(self, request, pk):
        meeting = _meeting(request, pk)
        data = NewDecisionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        decision = services.add_decision(meeting, by=request.user, **data.validated_data)
        fresh = (
            Decision.objects.select_related("lead_unit", "task")
            .prefetch_related("responsible_units", "cooperating_units")
            .get(pk=decision.pk)
        )
        return Response(DecisionSerializer(fresh).data, status=status.HTTP_201_CREATED)


class MeetingTransitionSerializer(serializers.Serializer):
    """An action and its inputs; the inputs another action takes are ignored."""

    action = serializers.ChoiceField(choices=[(a, a) for a in services.HANDLERS])
    comment = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    version = serializers.IntegerField(
        required=False, allow_null=True, min_value=0, max_value=MAX_ID, help_text=VERSION_HELP
    )
    agree = serializers.BooleanField(
        required=False, help_text="countersign: false objects to the minutes (with a comment)"
    )
    units = _codes(help_text="request_countersign: the units that countersign")
    text = serializers.CharField(
        max_length=10000, required=False, allow_blank=True, help_text="send_notice"
    )
    response = serializers.ChoiceField(
        choices=[(r.value, r.label) for r in Reply if r != Reply.PENDING],
        required=False,
        help_text="respond",
    )
    substitute = serializers.CharField(
        max_length=60, required=False, allow_blank=True, help_text="respond"
    )


class MeetingTransition(APIView):
    @extend_schema(request=MeetingTransitionSerializer, responses=ANSWERS)
    def post(self, request, pk):
        meeting = _meeting(request, pk)
        data = MeetingTransitionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        params = dict(data.validated_data)
        action = params.pop("action")
        services.perform(meeting, action, by=request.user, **params)
        return _answer(request, meeting)
