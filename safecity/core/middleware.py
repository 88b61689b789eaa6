"""Request-level plumbing: request ids, the audit context, and rejecting NUL bytes at the edge."""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _

from safecity.core import audit
from safecity.core.choices import AuditSource

_REQUEST_ID_RE = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


def _source_for(path: str) -> str:
    if path.startswith("/api/"):
        return AuditSource.API
    if path.startswith("/admin/"):
        return AuditSource.ADMIN
    return AuditSource.UI


class RequestIdMiddleware:
    """Give every request an id (or keep a well-formed X-Request-ID), and open the audit context.

    The context keeps the request itself, so the actor is read when a write happens: after session
    or token authentication, whichever applies.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _REQUEST_ID_RE.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id  # type: ignore[attr-defined]
        # PostgreSQL text cannot hold NUL; reject it here with a clear message instead of a 500.
        if any("\x00" in key or any("\x00" in v for v in values) for key, values in request.GET.lists()):
            message = _("The request contains a NUL character (\\x00), which is not allowed.")
            response: HttpResponse = JsonResponse({"code": "nul_character", "message": message, "fields": {}}, status=400)
        else:
            with audit.audit_context(source=_source_for(request.path), request_id=request_id, request=request):
                response = self.get_response(request)
        response["X-Request-ID"] = request_id
        return response


class RequestIdLogFilter(logging.Filter):
    """Put the current request id on every log record (``-`` outside requests)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = audit.current().request_id or "-"
        return True
