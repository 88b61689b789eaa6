"""Deployment checks (``safecity check --deploy``) for SafeCity's own production switch."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def production_switch(app_configs: Any = None, **kwargs: Any) -> list[Warning]:
    """`check --deploy` is run before a production start: it must run with PRODUCTION=1.

    Without the switch a missing SECRET_KEY falls back to a generated file under var/ and HTTPS
    defaults to off, which suits the demo and the console command, never a production server.
    """
    if settings.PRODUCTION:
        return []
    return [
        Warning(
            "PRODUCTION is not set: SECRET_KEY may come from var/secret_key and HTTPS defaults to off.",
            hint="Set PRODUCTION=1 in the production environment (see .env.example).",
            id="safecity.W001",
        )
    ]
