"""The forklift platform in the city cockpit and ``safecity figures``, counted from the records.

Counted as the registry stands today (not by year): trucks registered, inspected on time,
drivers with a valid N1 certificate, checks of order No. 74 done on time (the last 30 days, 8
weeks, 6 months). The telemetry side adds the alarms by kind.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safecity.core.figures import FigureContext, indicator, panel
from safecity.forklifts.choices import CheckKind, ForkliftStatus
from safecity.forklifts.models import Forklift, Operator, SafetyCheck
from safecity.forklifts.selectors import missed_checks

SECTION = _("Forklift safety")


def _active(ctx: FigureContext) -> Any:
    return ctx.records(Forklift).exclude(status=ForkliftStatus.SCRAPPED)


@indicator("forklifts.total", title=_("Forklifts in use or stopped"), section=SECTION, unit=_("forklifts"), order=650)
def total(ctx: FigureContext) -> int:
    return _active(ctx).count()


@indicator("forklifts.registered", title=_("Forklifts registered for use"), section=SECTION, unit=_("forklifts"), order=651)
def registered(ctx: FigureContext) -> int:
    return _active(ctx).exclude(registration_number="").count()


@indicator("forklifts.inspected_on_time", title=_("Forklifts inspected on time"), section=SECTION, unit="%", order=652)
def inspected_on_time(ctx: FigureContext) -> float | None:
    rows = _active(ctx).aggregate(n=Count("id"), ok=Count("id", filter=Q(next_inspection_on__gte=timezone.localdate())))
    return round(100 * rows["ok"] / rows["n"], 1) if rows["n"] else None


@indicator("forklifts.certified_drivers", title=_("Drivers with a valid N1 certificate"), section=SECTION, unit="%", order=653)
def certified_drivers(ctx: FigureContext) -> float | None:
    rows = (
        ctx.records(Operator)
        .filter(is_active=True)
        .aggregate(n=Count("id"), ok=Count("id", filter=Q(certificate_valid_until__gte=timezone.localdate())))
    )
    return round(100 * rows["ok"] / rows["n"], 1) if rows["n"] else None


def _checks(ctx: FigureContext) -> tuple[int, int]:
    """(periods owed, periods missed) over the enterprises within the context, every kind."""
    org_ids = sorted(set(ctx.records(Forklift).values_list("organisation_id", flat=True)))
    ctx.records(SafetyCheck).exists()  # a read of the checks: "no access" for whoever cannot see them
    missed = missed_checks(org_ids=org_ids)
    owed = sum(sum(m.expected.values()) for m in missed.values())
    return owed, sum(m.total for m in missed.values())


@indicator("forklifts.checks_on_time", title=_("Forklift checks done on time"), section=SECTION, unit="%", order=654)
def checks_on_time(ctx: FigureContext) -> float | None:
    owed, missed = ctx.memo("forklifts.checks", lambda: _checks(ctx))
    return round(100 * (owed - missed) / owed, 1) if owed else None


@panel(
    "forklifts.compliance_by_district",
    title=_("Forklifts overdue for inspection by region"),
    section=SECTION,
    template="core/panels/bar.html",
    order=655,
)
def overdue_by_region(ctx: FigureContext) -> dict[str, Any]:
    rows = (
        _active(ctx)
        .filter(Q(next_inspection_on__lt=timezone.localdate()) | Q(next_inspection_on__isnull=True))
        .values("organisation__region__name")
        .annotate(n=Count("id"))
        .order_by("-n", "organisation__region__name")
    )
    return {
        "counts": {r["organisation__region__name"]: r["n"] for r in rows},
        "labels": [r["organisation__region__name"] for r in rows],
        "values": [r["n"] for r in rows],
    }


@panel(
    "forklifts.checks_by_kind",
    title=_("Forklift checks missed by kind"),
    section=SECTION,
    template="core/panels/bar.html",
    order=656,
)
def checks_by_kind(ctx: FigureContext) -> dict[str, Any]:
    org_ids = sorted(set(ctx.records(Forklift).values_list("organisation_id", flat=True)))
    ctx.records(SafetyCheck).exists()
    missed = missed_checks(org_ids=org_ids)
    counts = {kind: sum(len(m.of(kind)) for m in missed.values()) for kind in CheckKind.values}
    return {
        "counts": counts,
        "keys": list(counts),
        "labels": [str(label) for _kind, label in CheckKind.choices],
        "values": list(counts.values()),
    }
