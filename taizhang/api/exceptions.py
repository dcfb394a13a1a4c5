from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views import defaults
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from taizhang.utils.errors import WorkflowError


def exception_handler(exc, context):
    """Workflow errors become ``{"detail": message}`` with their status (403, 409, 400)."""
    if isinstance(exc, WorkflowError):
        body = {"detail": exc.message}
        if errors := getattr(exc, "errors", None):
            body["errors"] = [{"row": row, "message": message} for row, message in errors]
        return Response(body, status=exc.status_code)
    return drf_exception_handler(exc, context)


def api_aware_not_found(request, exception):
    """404 for a URL that matched nothing: JSON under /api/ (what an API client parses), the
    site's page elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": _("Not found.")}, status=404)
    return defaults.page_not_found(request, exception)
