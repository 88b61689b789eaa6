"""One error format for the whole API: ``{"code", "message", "fields"}``.

``code`` is a stable word for programs (``invalid``, ``not_found``, ``permission_denied``,
``not_authenticated``, ``method_not_allowed``, ``parse_error``, ``server_error``, or an app's own
such as ``duplicate``); ``message`` is a sentence for people, in the request's language, that names
the first problem; ``fields`` maps a field (or query parameter) name to its messages
(``non_field_errors`` for the whole object) and is empty for errors that are not about input.
Some operations add keys of their own (the ledger's ``position``); they never remove these three.

The same format answers a URL under ``/api/`` that matches nothing (404) and an unexpected
failure there (500): ``api_page_not_found`` and ``api_server_error`` are the project's handlers.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views import defaults
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


def _flatten(detail: Any) -> Any:
    if isinstance(detail, dict):
        return {str(k): _flatten(v) for k, v in detail.items()}
    if isinstance(detail, list):
        if all(not isinstance(item, dict | list) for item in detail):
            return [str(item) for item in detail]
        return [_flatten(item) for item in detail]
    return [str(detail)]


def _first_problem(fields: dict[str, Any]) -> str:
    """ "The input is not valid: <field>: <its first message>" (the whole list stays in ``fields``)."""
    for name, messages in fields.items():
        while isinstance(messages, (list, dict)) and messages:
            messages = next(iter(messages.values())) if isinstance(messages, dict) else messages[0]
        if isinstance(messages, str) and messages:
            problem = messages if name == "non_field_errors" else f"{name}: {messages}"
            return _("The input is not valid: %(problem)s") % {"problem": problem}
    return _("The input is not valid.")


def _is_api(request: HttpRequest) -> bool:
    return request.path_info.startswith("/api/")


def api_page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """The project's 404 handler: the error format under ``/api/``, the site's page elsewhere."""
    if _is_api(request):
        body = {"code": "not_found", "message": _("There is nothing at this address."), "fields": {}}
        return JsonResponse(body, status=404)
    return defaults.page_not_found(request, exception)  # type: ignore[arg-type]


def api_server_error(request: HttpRequest) -> HttpResponse:
    """The project's 500 handler: the error format under ``/api/`` (the failure itself is logged)."""
    if _is_api(request):
        body = {
            "code": "server_error",
            "message": _("Something went wrong on the server; the failure has been recorded."),
            "fields": {},
        }
        return JsonResponse(body, status=500)
    return defaults.server_error(request)


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):
            detail: Any = {
                ("non_field_errors" if k == "__all__" else k): [str(m) for m in v] for k, v in exc.message_dict.items()
            }
        else:
            detail = {"non_field_errors": [str(m) for m in exc.messages]}
        exc = exceptions.ValidationError(detail)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        fields = _flatten(exc.detail)
        if not isinstance(fields, dict):
            fields = {"non_field_errors": fields}
        response.data = {"code": "invalid", "message": _first_problem(fields), "fields": fields}
    elif isinstance(exc, exceptions.APIException):
        codes = exc.get_codes()
        code = codes if isinstance(codes, str) else "error"
        response.data = {"code": code, "message": str(exc.detail), "fields": {}}
    if response.status_code == status.HTTP_429_TOO_MANY_REQUESTS and "Retry-After" not in response:
        response["Retry-After"] = "60"
    return response


class ServiceConflict(exceptions.APIException):
    """A service's refusal that conflicts with the record's state (a step not possible now, a
    duplicate, someone changed it first): 409, with the refusal's code and words."""

    status_code = status.HTTP_409_CONFLICT

    def __init__(self, error: DjangoValidationError) -> None:
        super().__init__(detail=" ".join(error.messages), code=getattr(error, "error_code", "conflict"))


def conflict_caller(error_type: type[DjangoValidationError], conflicts: Any) -> Callable[..., Any]:
    """An app's ``call(fn, **kwargs)``: run a service; its refusals of type ``error_type`` whose
    ``error_code`` is one of ``conflicts`` answer 409 (:class:`ServiceConflict`), the others stay
    ValidationErrors (400 with their fields, by the handler above)."""
    codes = frozenset(conflicts)

    def call(fn: Callable[..., Any], **kwargs: Any) -> Any:
        try:
            return fn(**kwargs)
        except error_type as error:
            if getattr(error, "error_code", None) in codes:
                raise ServiceConflict(error) from None
            raise

    return call
