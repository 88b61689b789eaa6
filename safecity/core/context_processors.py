from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from safecity.core.navigation import sections_for
from safecity.core.scoping import principal_for


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_sections": []}
    principal = principal_for(user)
    return {"nav_sections": sections_for(principal), "principal": principal}
