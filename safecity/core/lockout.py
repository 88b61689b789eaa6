"""Login lock-out: who is locked after failed logins, and what a locked login is told.

Two locks, both from django-axes records (settings: ``AXES_*``, ``SAFECITY_LOGIN_ADDRESS_*``):

- the pair (user name, address): after ``AXES_FAILURE_LIMIT`` failures of one user name from one
  address, that user name is refused from that address for ``AXES_COOLOFF_TIME``. The same user
  name from any other address still logs in, so a stranger who knows a user name cannot lock its
  owner out (OWASP ASVS 4.0 V2.2.1: anti-automation without denial of service to the account);
- the address: an address that failed with ``SAFECITY_LOGIN_ADDRESS_USERNAME_LIMIT`` different
  user names within ``SAFECITY_LOGIN_ADDRESS_COOLOFF`` is refused for every user name until those
  failures are older than that window (password spraying / user-name guessing).

The HTML login and ``POST /api/auth/token/`` both authenticate through Django's ``authenticate``
and so through these locks; both answer a locked login with 429 and a message saying how long.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from axes.models import AccessFailureLog
from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _


def address_failed_usernames(ip_address: str | None) -> int:
    """How many different user names failed from this address within the address window."""
    if not ip_address:
        return 0
    since = timezone.now() - settings.SAFECITY_LOGIN_ADDRESS_COOLOFF
    return (
        AccessFailureLog.objects.filter(ip_address=ip_address, attempt_time__gte=since)
        .exclude(username__isnull=True)
        .values("username")
        .distinct()
        .count()
    )


def address_locked(ip_address: str | None) -> bool:
    return address_failed_usernames(ip_address) >= settings.SAFECITY_LOGIN_ADDRESS_USERNAME_LIMIT


class LockoutHandler(AxesDatabaseHandler):
    """Axes' database handler with the address lock added to its (user name, address) lock."""

    def is_locked(self, request: Any, credentials: dict[str, Any] | None = None) -> bool:
        if super().is_locked(request, credentials):
            return True
        return address_locked(getattr(request, "axes_ip_address", None))

    def user_login_failed(self, sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any) -> None:
        super().user_login_failed(sender, credentials, request, **kwargs)
        if (
            request is not None
            and not getattr(request, "axes_locked_out", False)
            and address_locked(getattr(request, "axes_ip_address", None))
        ):
            request.axes_locked_out = True
            request.axes_credentials = credentials


def lockout_duration(request: HttpRequest) -> timedelta:
    """How long the lock that refused this request lasts (the longer address lock when it applies)."""
    if address_locked(getattr(request, "axes_ip_address", None)):
        return settings.SAFECITY_LOGIN_ADDRESS_COOLOFF
    cooloff = settings.AXES_COOLOFF_TIME
    return cooloff if isinstance(cooloff, timedelta) else timedelta(hours=float(cooloff))


def lockout_message(request: HttpRequest) -> str:
    minutes = max(1, int(lockout_duration(request).total_seconds() // 60))
    return _("Too many failed logins. This login is locked; try again in %(minutes)d minutes.") % {"minutes": minutes}


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: dict[str, Any] | None = None
) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: 429 with a message; JSON in the API's error format under /api/."""
    retry_after = str(int(lockout_duration(request).total_seconds()))
    if request.path.startswith("/api/"):
        if original_response is not None and original_response.status_code == 429:
            response: HttpResponse = original_response
        else:
            response = JsonResponse({"code": "login_locked", "message": lockout_message(request), "fields": {}}, status=429)
    else:
        response = render(request, "registration/locked.html", {"message": lockout_message(request)}, status=429)
    response["Retry-After"] = retry_after
    return response
