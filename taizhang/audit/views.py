"""The audit administrator's page (审计管理员): the log of their organisation, filtered, paged
and exported. Nobody else may open it, the other administrators included."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from taizhang.org.choices import Role
from taizhang.utils.errors import WorkflowError
from taizhang.utils.excel import check_export_rows
from taizhang.utils.htmx import is_htmx

from . import excel, recorder
from .choices import AuditAction
from .display import change_rows, describe_extra, type_label
from .filters import AuditFilterSet
from .models import AuditRecord

PER_PAGE = 50


def auditor_only(view):
    @wraps(view)
    @login_required
    def check(request, *args, **kwargs):
        if request.user.role != Role.AUDITOR or not request.user.organisation_id:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return check


def _filtered(request):
    records = AuditRecord.objects.visible_to(request.user)
    filterset = AuditFilterSet(request.GET or None, queryset=records)
    return filterset, filterset.qs.order_by("-seq")


@auditor_only
def log(request):
    """审计日志: newest first; viewing it is itself recorded."""
    filterset, records = _filtered(request)
    page = Paginator(records, PER_PAGE).get_page(request.GET.get("page"))
    rows = [
        {
            "record": r,
            "type": type_label(r.object_type),
            "changes": change_rows(r),
            "extra": describe_extra(r),
        }
        for r in page.object_list
    ]
    query = request.GET.copy()
    query.pop("page", None)
    recorder.record(
        AuditAction.VIEW,
        extra={"path": request.path, "query": recorder.masked_query(request)},
    )
    context = {"filterset": filterset, "page": page, "rows": rows, "query": query.urlencode()}
    template = "audit/includes/table.html" if is_htmx(request) else "audit/log.html"
    return render(request, template, context)


@auditor_only
def export(request):
    """The filtered log as .xlsx; the download is recorded by the middleware, as any other."""
    _filterset, records = _filtered(request)
    try:
        check_export_rows(records.count())
    except WorkflowError as exc:
        messages.error(request, exc.message)
        return redirect(f"{reverse('audit:log')}?{request.GET.urlencode()}")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response = HttpResponse(
        excel.export(records),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="audit-{stamp}.xlsx"'
    return response
