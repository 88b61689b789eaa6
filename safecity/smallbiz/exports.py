"""The service visits as a spreadsheet (issue 16 §6): the rows the user's list shows (scoped by the
selector), words not codes, through the core export helpers (no cell is ever run as a formula)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from safecity.core.exports import Column, export_response
from safecity.smallbiz.models import Visit


def _when(value: Any) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def _on_time(visit: Visit) -> str:
    return {True: _("On time"), False: _("Late"), None: ""}[visit.on_time]


def visit_columns() -> list[Column]:
    return [
        (_("Contract"), lambda v: v.contract.number),
        (_("Enterprise"), lambda v: v.enterprise.organisation.name),
        (_("Unified social credit code"), lambda v: v.enterprise.organisation.credit_code or ""),
        (_("Village / community"), lambda v: v.enterprise.organisation.region.name),
        (_("Safety service provider"), lambda v: v.contract.provider.organisation.name),
        (_("Engineer"), lambda v: v.engineer.person.name if v.engineer else ""),
        (_("Visit number"), lambda v: v.sequence),
        (_("Planned visit day"), lambda v: v.planned_on.isoformat() if v.planned_on else ""),
        (_("Due on"), lambda v: v.due_on.isoformat()),
        (_("State"), lambda v: v.get_state_display()),
        (_("Done at"), lambda v: _when(v.done_at)),
        (_("On time"), _on_time),
    ]


def visits_export(*, queryset: QuerySet[Visit]) -> HttpResponse | StreamingHttpResponse:
    return export_response(
        fmt="xlsx", filename="smallbiz-visits", columns=visit_columns(), objects=queryset.iterator(chunk_size=2000)
    )
