from urllib.parse import unquote

from taizhang.utils.addresses import client_address

from . import chain, context, recorder
from .choices import AuditAction


class AuditMiddleware:
    """Gives each request an id (answered in ``X-Request-ID``) and binds the request to the
    audit context; records every file handed out as an attachment — exports and downloads
    of every app — with its path, query and file name."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.request_id = context.new_request_id()
        token = context.bind(
            request_id=request.request_id,
            address=client_address(request),
            request=request,
            job="",
        )
        try:
            response = self.get_response(request)
            name = attachment_name(response)
            if name is not None and response.status_code < 400:
                extra = {
                    "path": request.path[:500],
                    "query": recorder.masked_query(request),
                    "filename": name,
                }
                record = recorder.entry(AuditAction.DOWNLOAD, extra=extra)
                record.object_repr = name
                chain.append([record])
        finally:
            context.reset(token)
        response.headers["X-Request-ID"] = request.request_id
        return response


def attachment_name(response):
    """The file name of an ``attachment`` response ("" if it gives none), else None."""
    kind, _sep, params = response.get("Content-Disposition", "").partition(";")
    if kind.strip().lower() != "attachment":
        return None
    plain = ""
    for param in params.split(";"):
        key, _sep, value = param.strip().partition("=")
        key = key.strip().lower()
        if key == "filename*":
            charset, _sep, encoded = value.strip().partition("''")
            return unquote(encoded, encoding=charset or "utf-8", errors="replace")[:200]
        if key == "filename":
            plain = value.strip().strip('"')
    return plain[:200]
