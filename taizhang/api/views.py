"""The REST API. Same reads (``visible_to``), same filters and same services as the pages."""

from django.contrib.auth import authenticate
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import (
    AuthenticationFailed,
    PermissionDenied,
    Throttled,
    ValidationError,
)
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from taizhang.org import security, totp
from taizhang.org import services as accounts
from taizhang.org.models import Unit
from taizhang.org.security import locked_message
from taizhang.supervision import excel, services
from taizhang.supervision.choices import Action
from taizhang.supervision.filters import TaskFilterSet, find_tasks
from taizhang.supervision.models import Task, TaskEvent
from taizhang.utils.excel import read_upload
from taizhang.utils.paging import ids_first

from .filtering import PageFilters
from .pagination import IdsFirstPagination
from .serializers import (
    EventSerializer,
    ProgressSerializer,
    SearchQuerySerializer,
    SearchResultSerializer,
    TaskSerializer,
    TokenRequestSerializer,
    TokenSerializer,
    TransitionSerializer,
    UnitSerializer,
)


class TokenView(APIView):
    """Trade a user name and password for a new API token. The same lock-out of repeated
    failures as the login page: 429 while the account or the address is locked."""

    permission_classes = [AllowAny]
    authentication_classes = []

    def get_authenticate_header(self, request):
        return 'Bearer realm="api"'  # so that wrong credentials are a 401, not a 403

    @extend_schema(
        request=TokenRequestSerializer,
        responses=TokenSerializer,
    )
    def post(self, request):
        data = TokenRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        credentials = data.validated_data
        user = authenticate(
            request, username=credentials["username"], password=credentials["password"]
        )
        if (lockout := getattr(request, "login_lockout", None)) is not None:
            raise Throttled(detail=locked_message(lockout))  # 429, saying until when
        if user is None:
            raise AuthenticationFailed(_("Wrong user name or password."))
        if user.has_totp and not totp.verify(user, credentials.get("code", "")):
            security.refuse(request, user.username)
            raise AuthenticationFailed(_("Wrong or missing second-factor code."))
        if user.must_change_password:
            raise PermissionDenied(_("You must change your password first."))
        security.record_success(user.username)
        request.user = user  # the token is issued by them: so the audit log says
        token, key = accounts.create_api_token(user, credentials.get("name", ""))
        return Response({"token": key, "expires": token.expires})


class UnitList(generics.ListAPIView):
    serializer_class = UnitSerializer
    pagination_class = None

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator's own call
            return Unit.objects.none()
        return Unit.objects.filter(
            organisation_id=self.request.user.organisation_id
        ).select_related("parent")


class VisibleTasks:
    def get_queryset(self):
        return Task.objects.visible_to(self.request.user).with_units()


class FilteredTasks(PageFilters, VisibleTasks):
    filterset_class = TaskFilterSet  # documents the filters in the OpenAPI schema


class TaskList(FilteredTasks, generics.ListCreateAPIView):
    serializer_class = TaskSerializer
    pagination_class = IdsFirstPagination

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        data.pop("version", None)
        task = services.create_task(
            by=self.request.user, organisation=self.request.user.organisation, **data
        )
        serializer.instance = Task.objects.with_units().get(pk=task.pk)


class TaskSearch(APIView):
    """全局搜索: the tasks the caller may see that ``q`` finds (number, title, requirements,
    progress texts, units), the first ``limit`` in the ledger's order."""

    @extend_schema(
        parameters=[SearchQuerySerializer],
        responses=SearchResultSerializer,
    )
    def get(self, request):
        params = SearchQuerySerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        tasks = find_tasks(request.user, params.validated_data["q"])
        rows = ids_first(tasks[: params.validated_data["limit"]])
        return Response(
            {
                "count": tasks.count(),
                "results": SearchResultSerializer.Row(rows, many=True).data,
            }
        )


class LedgerExport(FilteredTasks, generics.GenericAPIView):
    """The filtered ledger as the page exports it (.xlsx), with the ledger's filters."""

    serializer_class = TaskSerializer
    pagination_class = None

    @extend_schema(
        responses={
            (200, excel.XLSX): OpenApiResponse(
                response=OpenApiTypes.BINARY, description="The ledger in the office layout."
            )
        }
    )
    def get(self, request):
        filterset = TaskFilterSet(
            request.query_params, queryset=self.get_queryset(), user=request.user
        )
        if not filterset.is_valid():
            raise ValidationError(filterset.errors)
        return excel.ledger_response(filterset.qs, note=excel.filter_line(filterset))


class TaskDetail(VisibleTasks, generics.RetrieveUpdateAPIView):
    serializer_class = TaskSerializer
    filter_backends = []
    http_method_names = ["get", "patch", "head", "options"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator's own call
            return Task.objects.none()
        return Task.objects.visible_to(self.request.user, probe=True).with_units()

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        version = data.pop("version")
        task = services.update_task(
            serializer.instance, by=self.request.user, version=version, **data
        )
        serializer.instance = Task.objects.with_units().get(pk=task.pk)


def _task(request, pk):
    return get_object_or_404(Task.objects.visible_to(request.user, probe=True).with_units(), pk=pk)


class TaskTransition(APIView):
    @extend_schema(request=TransitionSerializer, responses=TaskSerializer)
    def post(self, request, pk):
        task = _task(request, pk)
        data = TransitionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        params = dict(data.validated_data)
        action = params.pop("action")
        services.perform(task, action, by=request.user, **params)
        task = Task.objects.with_units().get(pk=task.pk)
        return Response(TaskSerializer(task, context={"request": request}).data)


class TaskProgress(APIView):
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(responses=ProgressSerializer(many=True))
    def get(self, request, pk):
        reports = _task(request, pk).progress_reports.select_related("unit", "author")
        return Response(ProgressSerializer(reports, many=True).data)

    @extend_schema(request=ProgressSerializer, responses=TaskSerializer)
    def post(self, request, pk):
        task = _task(request, pk)
        data = ProgressSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.perform(
            task,
            Action.PROGRESS,
            by=request.user,
            files=request.FILES.getlist("files"),
            **data.validated_data,
        )
        task = Task.objects.with_units().get(pk=task.pk)
        return Response(
            TaskSerializer(task, context={"request": request}).data, status=status.HTTP_201_CREATED
        )


class TaskHistory(generics.ListAPIView):
    serializer_class = EventSerializer
    pagination_class = None

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return TaskEvent.objects.none()
        return _task(self.request, self.kwargs["pk"]).events.select_related("actor", "unit")


def _flag(request, name):
    return request.query_params.get(name, "").lower() in ("1", "true", "yes")


def _rows(items):
    return [{"row": row, "message": message} for row, message in items]


IMPORT_PARAMETERS = [
    OpenApiParameter(
        "dry_run",
        OpenApiTypes.BOOL,
        description="1: plan the import and answer the counts; nothing is saved.",
    ),
    OpenApiParameter(
        "on_match",
        OpenApiTypes.STR,
        enum=list(excel.ON_MATCH),
        description=(
            "What to do with a row that is a task of the ledger (same 编号, or else the same "
            "事项名称 + 牵头单位 + 来源) and differs from it: update the task (default) or skip "
            "the row. A row equal to its task, or whose task is closed or cancelled, is skipped."
        ),
    ),
    OpenApiParameter(
        "allow_past_deadlines",
        OpenApiTypes.BOOL,
        description=(
            "1: import rows whose new deadline is already past. Without it such rows are "
            "listed under `warnings` (and a real import is refused, listing them under "
            "`errors`)."
        ),
    ),
]
IMPORT_ANSWER = {
    "type": "object",
    "properties": {
        "create": {"type": "integer", "description": "Rows that are (or would be) new drafts."},
        "update": {"type": "integer", "description": "Rows whose matched task is updated."},
        "skip": {"type": "integer", "description": "Matched rows left as they are."},
        "errors": {
            "type": "array",
            "description": "Every bad row; with any, nothing is imported.",
            "items": {
                "type": "object",
                "properties": {
                    "row": {"type": "integer", "nullable": True},
                    "message": {"type": "string"},
                },
            },
        },
        "warnings": {
            "type": "array",
            "description": "Rows whose deadline is already past (see allow_past_deadlines).",
            "items": {
                "type": "object",
                "properties": {
                    "row": {"type": "integer", "nullable": True},
                    "message": {"type": "string"},
                },
            },
        },
        "rows": {
            "type": "array",
            "description": "Each matched row: its task's number, what is done and why.",
            "items": {"type": "object"},
        },
        "created": {"type": "array", "description": "Not in a dry run: the new tasks."},
        "updated": {"type": "array", "description": "Not in a dry run: the updated tasks."},
    },
}


class LedgerImport(APIView):
    """Import an .xlsx ledger (the export's layout or the template's). Rows the ledger already
    has are matched by 编号, else by 事项名称 + 牵头单位 + 来源, and updated or skipped
    instead of registered twice; all or nothing."""

    parser_classes = [MultiPartParser]

    @extend_schema(
        parameters=IMPORT_PARAMETERS,
        request={
            "multipart/form-data": {
                "type": "object",
                "properties": {"file": {"type": "string", "format": "binary"}},
            }
        },
        responses={200: IMPORT_ANSWER, 201: IMPORT_ANSWER, 400: IMPORT_ANSWER},
    )
    def post(self, request):
        upload = request.FILES.get("file")
        if upload is None:
            return Response(
                {"detail": _("Attach the Excel file as “file”.")},
                status=status.HTTP_400_BAD_REQUEST,
            )
        on_match = request.query_params.get("on_match", "update")
        try:
            plan = excel.plan_import(read_upload(upload), by=request.user, on_match=on_match)
        except excel.ImportFailed as exc:  # the file itself: not a workbook, no header…
            answer = {"create": 0, "update": 0, "skip": 0, "errors": _rows(exc.errors)}
            answer.update(warnings=[], rows=[], detail=exc.message)
            return Response(answer, status=status.HTTP_400_BAD_REQUEST)
        answer = {
            **plan.counts(),
            "errors": _rows(plan.errors),
            "warnings": _rows(plan.warnings),
            "rows": [
                {"row": row.line, "number": task.number, "action": "update", "changes": changes}
                for row, task, changes, _data in plan.update
            ]
            + [
                {"row": row.line, "number": task.number, "action": "skip", "reason": reason}
                for row, task, reason in plan.skip
            ],
        }
        if _flag(request, "dry_run"):
            return Response(answer)
        try:
            if plan.warnings and not _flag(request, "allow_past_deadlines"):
                raise excel.past_deadlines_refused(plan.warnings)
            excel.apply_plan(plan, by=request.user)
        except excel.ImportFailed as exc:
            answer.update(detail=exc.message, errors=_rows(exc.errors))
            return Response(answer, status=status.HTTP_400_BAD_REQUEST)
        context = {"request": request}
        created = Task.objects.filter(pk__in=[t.pk for t in plan.created]).with_units()
        updated = Task.objects.filter(pk__in=[t.pk for t in plan.updated]).with_units()
        answer["created"] = TaskSerializer(created, many=True, context=context).data
        answer["updated"] = TaskSerializer(updated, many=True, context=context).data
        code = status.HTTP_201_CREATED if plan.created else status.HTTP_200_OK
        return Response(answer, status=code)
