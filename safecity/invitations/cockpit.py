"""Invitation-style inspections in the city cockpit and ``safecity figures``, counted from the
records (issue 16 §4): invitations received, done (reported) and scheduled within the SLA in the
year; hidden hazards the invited inspections found and those rectified; findings referred to
enforcement; and, per authority, the SLA figures (working days to schedule, to report)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db.models import F
from django.utils.translation import gettext_lazy as _

from safecity.core.calendar import working_calendar
from safecity.core.figures import FigureContext, indicator, panel
from safecity.invitations.models import Finding, Invitation
from safecity.invitations.services.findings import FIXED_STATES
from safecity.invitations.sla import working_days_between

SECTION = _("Invitation-style inspections")


@indicator("invitations.received", title=_("Invitations received"), section=SECTION, unit=_("invitations"), order=720)
def received(ctx: FigureContext) -> int:
    return ctx.records(Invitation).filter(invited_on__year=ctx.year).count()


@indicator("invitations.done", title=_("Invited inspections done"), section=SECTION, unit=_("inspections"), order=721)
def done(ctx: FigureContext) -> int:
    """Reported in the year (the inspection done and its report given)."""
    return ctx.records(Invitation).filter(reported_on__year=ctx.year).count()


@indicator(
    "invitations.within_sla",
    title=_("Invitations scheduled within the deadline"),
    section=SECTION,
    unit=_("invitations"),
    order=722,
)
def within_sla(ctx: FigureContext) -> int:
    return ctx.records(Invitation).filter(invited_on__year=ctx.year, accepted_on__lte=F("sla_due_on")).count()


def _findings(ctx: FigureContext) -> Any:
    return ctx.records(Finding).filter(invitation__inspected_on__year=ctx.year)


@indicator(
    "invitations.hazards_found",
    title=_("Hidden hazards found in invited inspections"),
    section=SECTION,
    unit=_("hazards"),
    order=723,
)
def hazards_found(ctx: FigureContext) -> int:
    return _findings(ctx).count()


@indicator(
    "invitations.hazards_rectified",
    title=_("Hidden hazards rectified after invited inspections"),
    section=SECTION,
    unit=_("hazards"),
    order=724,
)
def hazards_rectified(ctx: FigureContext) -> int:
    return _findings(ctx).filter(hazard__state__in=FIXED_STATES).count()


@indicator("invitations.referred", title=_("Findings referred to enforcement"), section=SECTION, unit=_("hazards"), order=725)
def referred(ctx: FigureContext) -> int:
    return ctx.records(Finding).filter(referred_at__year=ctx.year).count()


def _per_authority(ctx: FigureContext, start: str, end: str) -> dict[str, Any]:
    rows = (
        ctx.records(Invitation)
        .filter(invited_on__year=ctx.year, **{f"{start}__isnull": False, f"{end}__isnull": False})
        .values_list("authority__name", start, end)
    )
    days: dict[str, list[int]] = defaultdict(list)
    calendar = working_calendar()
    for name, first, last in rows:
        days[name].append(working_days_between(first, last, calendar=calendar))
    labels = sorted(days)
    values = [round(sum(days[n]) / len(days[n]), 1) for n in labels]
    return {"counts": dict(zip(labels, values, strict=True)), "labels": labels, "values": values}


@panel(
    "invitations.days_to_schedule",
    title=_("Working days from invitation to schedule, by authority"),
    section=SECTION,
    template="core/panels/bar.html",
    order=726,
)
def days_to_schedule(ctx: FigureContext) -> dict[str, Any]:
    return _per_authority(ctx, "invited_on", "accepted_on")


@panel(
    "invitations.days_to_report",
    title=_("Working days from inspection to report, by authority"),
    section=SECTION,
    template="core/panels/bar.html",
    order=727,
)
def days_to_report(ctx: FigureContext) -> dict[str, Any]:
    return _per_authority(ctx, "inspected_on", "reported_on")
