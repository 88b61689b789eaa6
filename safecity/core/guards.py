"""The gate in front of an app's pages: signed in (else the login page), and allowed by the app's
own check on the user (else 403). One decorator for every app's views."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.http.response import HttpResponseBase

View = Callable[..., Any]


def guard(check: Callable[[Any], bool]) -> Callable[[View], View]:
    """``@guard(sees_x)``: the view runs for a signed-in user ``check`` accepts; others get the
    login page (anonymous) or 403."""

    def decorate(view: View) -> View:
        @login_required
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not check(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)  # type: ignore[no-any-return]

        return wrapped

    return decorate
