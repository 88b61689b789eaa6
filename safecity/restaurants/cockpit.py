"""Restaurant gas safety in the city cockpit and ``safecity figures``, counted from the records
(issue 15 §5): restaurants converted to piped gas and to electric in the year (accepted that year),
restaurants still on cylinders, gas detectors online, leak alarms in the year, subsidy paid in the
year, and the conversions by street."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safecity.core.figures import FigureContext, indicator, panel
from safecity.restaurants.choices import ConversionStep, ConversionTarget, KitchenFuel
from safecity.restaurants.detectors import OFFLINE_S
from safecity.restaurants.models import Conversion, Restaurant

SECTION = _("Restaurant gas safety")


def _converted(ctx: FigureContext) -> Any:
    return ctx.records(Conversion).filter(accepted_on__year=ctx.year)


@indicator("restaurants.converted", title=_("Restaurants converted"), section=SECTION, unit=_("restaurants"), order=700)
def converted(ctx: FigureContext) -> int:
    return _converted(ctx).count()


@indicator("restaurants.converted_to_pipe", title=_("Converted to piped gas"), section=SECTION, unit=_("restaurants"), order=701)
def converted_to_pipe(ctx: FigureContext) -> int:
    return _converted(ctx).filter(target=ConversionTarget.PIPE).count()


@indicator(
    "restaurants.converted_to_electric", title=_("Converted to electric"), section=SECTION, unit=_("restaurants"), order=702
)
def converted_to_electric(ctx: FigureContext) -> int:
    return _converted(ctx).filter(target=ConversionTarget.ELECTRIC).count()


@indicator(
    "restaurants.on_cylinders", title=_("Restaurants still on cylinders"), section=SECTION, unit=_("restaurants"), order=703
)
def on_cylinders(ctx: FigureContext) -> int:
    return ctx.records(Restaurant).filter(fuel=KitchenFuel.BOTTLED_LPG).count()


@indicator("restaurants.subsidy_paid", title=_("Conversion subsidy paid"), section=SECTION, unit=_("yuan"), order=704)
def subsidy_paid(ctx: FigureContext) -> float:
    total = (
        ctx.records(Conversion)
        .filter(step=ConversionStep.SUBSIDY_PAID, subsidy_paid_on__year=ctx.year)
        .aggregate(v=Sum("subsidy_amount"))["v"]
    )
    return float(total or 0)


def _detectors(ctx: FigureContext) -> Any:
    from safecity.telemetry.choices import DeviceKind, DeviceStatus
    from safecity.telemetry.models import Device

    return ctx.records(Device).filter(kind=DeviceKind.GAS_DETECTOR, status=DeviceStatus.ACTIVE)


@indicator("restaurants.detectors", title=_("Restaurant gas detectors"), section=SECTION, unit=_("detectors"), order=705)
def detectors(ctx: FigureContext) -> int:
    return _detectors(ctx).count()


@indicator(
    "restaurants.detectors_online", title=_("Restaurant gas detectors online"), section=SECTION, unit=_("detectors"), order=706
)
def detectors_online(ctx: FigureContext) -> int:
    """Online: reported within the last 24 h (GB/T 45839-2025: a signal report at least every 24 h;
    silent longer is a fault), read from the engine state each reading updates."""
    since = timezone.now() - timedelta(seconds=OFFLINE_S)
    return _detectors(ctx).filter(engine_state__updated_at__gte=since).count()


@indicator("restaurants.leak_alarms", title=_("Gas leak alarms"), section=SECTION, unit=_("alarms"), order=707)
def leak_alarms(ctx: FigureContext) -> int:
    from safecity.telemetry.models import Alarm

    return ctx.records(Alarm).filter(rule_id="gas-leak", fired_at__year=ctx.year, device__kind="gas_detector").count()


@panel(
    "restaurants.conversions_by_street",
    title=_("Restaurants converted by street"),
    section=SECTION,
    template="core/panels/bar.html",
    order=708,
)
def conversions_by_street(ctx: FigureContext) -> dict[str, Any]:
    rows = (
        _converted(ctx)
        .values("restaurant__organisation__region__name")
        .annotate(n=Count("id"), pipe=Count("id", filter=Q(target=ConversionTarget.PIPE)))
        .order_by("-n", "restaurant__organisation__region__name")
    )
    return {
        "counts": {r["restaurant__organisation__region__name"]: r["n"] for r in rows},
        "labels": [r["restaurant__organisation__region__name"] for r in rows],
        "values": [r["n"] for r in rows],
    }
