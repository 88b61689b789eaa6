"""The telemetry engine in the city cockpit and ``safecity figures``: devices registered and online,
alarms firing now by level, alarms of the last 7 days by kind of rule, counted from the records.

The figures follow the pages: whoever may not open the alarm pages (an enterprise without devices,
a procurator, an outsider) gets "no access", never zeros (``selectors.sees_telemetry``)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safecity.core.figures import NO_ACCESS, FigureContext, indicator, panel
from safecity.telemetry import selectors
from safecity.telemetry.choices import AlarmLevel
from safecity.telemetry.models import MANAGER_ROLES, Alarm, Device
from safecity.telemetry.wording import KINDS

SECTION = _("Monitoring and alarms")
ROLES = MANAGER_ROLES | selectors.ORGANISATION_ROLES
# The warning levels in the colours of the risk levels (red / orange / yellow / blue).
LEVEL_HEX = {AlarmLevel.RED: "#c62828", AlarmLevel.ORANGE: "#ef6c00", AlarmLevel.YELLOW: "#f9a825", AlarmLevel.BLUE: "#1565c0"}


def _closed(ctx: FigureContext) -> bool:
    return ctx.user is not None and not selectors.sees_telemetry(ctx.user)


def _devices(ctx: FigureContext) -> dict[str, int]:
    return ctx.memo("telemetry.devices", lambda: selectors.device_figures(ctx.records(Device)))  # type: ignore[no-any-return]


@indicator(
    "telemetry.devices.registered",
    title=_("Monitoring devices registered"),
    section=SECTION,
    unit=_("devices"),
    order=650,
    roles=ROLES,
)
def devices_registered(ctx: FigureContext) -> Any:
    return NO_ACCESS if _closed(ctx) else _devices(ctx)["registered"]


@indicator(
    "telemetry.devices.online", title=_("Monitoring devices online"), section=SECTION, unit=_("devices"), order=651, roles=ROLES
)
def devices_online(ctx: FigureContext) -> Any:
    return NO_ACCESS if _closed(ctx) else _devices(ctx)["online"]


def _firing(ctx: FigureContext) -> dict[str, int]:
    return ctx.memo("telemetry.firing", lambda: selectors.firing_by_level(ctx.records(Alarm)))  # type: ignore[no-any-return]


@indicator("telemetry.alarms.firing", title=_("Alarms firing now"), section=SECTION, unit=_("alarms"), order=652, roles=ROLES)
def alarms_firing(ctx: FigureContext) -> Any:
    return NO_ACCESS if _closed(ctx) else sum(_firing(ctx).values())


def _level_indicator(level: AlarmLevel, order: int) -> None:
    def count(ctx: FigureContext) -> Any:
        return NO_ACCESS if _closed(ctx) else _firing(ctx)[level.value]

    count.__name__ = f"firing_{level.value}"
    indicator(
        f"telemetry.alarms.firing.{level.value}",
        title=level.label,
        section=SECTION,
        unit=_("alarms firing"),
        order=order,
        roles=ROLES,
    )(count)


for _n, _level in enumerate(selectors.LEVEL_ORDER):
    _level_indicator(_level, 653 + _n)


@panel(
    "telemetry.alarms.firing_by_level",
    title=_("Alarms firing now by level"),
    section=SECTION,
    template="core/panels/bar.html",
    order=660,
    roles=ROLES,
)
def firing_by_level(ctx: FigureContext) -> Any:
    if _closed(ctx):
        return NO_ACCESS
    counts = _firing(ctx)
    return {
        "counts": counts,
        "keys": [level.value for level in selectors.LEVEL_ORDER],
        "labels": [str(level.label) for level in selectors.LEVEL_ORDER],
        "values": [counts[level.value] for level in selectors.LEVEL_ORDER],
        "colours": [LEVEL_HEX[level] for level in selectors.LEVEL_ORDER],
    }


@panel(
    "telemetry.alarms.by_kind_7d",
    title=_("Alarms in the last 7 days by kind"),
    section=SECTION,
    template="core/panels/bar.html",
    order=661,
    roles=ROLES,
)
def by_kind_7d(ctx: FigureContext) -> Any:
    if _closed(ctx):
        return NO_ACCESS
    rows = selectors.alarms_by_kind(ctx.records(Alarm), days=7, now=timezone.now())
    totals = {kind: sum(levels.values()) for kind, levels in rows.items()}
    kinds = sorted(totals, key=lambda k: (-totals[k], k))
    return {
        # Stable ids (the rule kinds and levels) for `safecity figures`; labels/values for the chart.
        "counts": totals,
        "by_level": rows,
        "keys": kinds,
        "labels": [str(KINDS.get(k, k)) for k in kinds],
        "values": [totals[k] for k in kinds],
    }
