"""Reads of the telemetry engine, all through :func:`safecity.core.scoping.scoped`.

Who sees what (the models' ``scope_rule`` decides the rows; :func:`sees_telemetry` decides who
opens the pages and the API at all, so both say the same):
- the city administrator and city officials every device, alarm, silence and rule set of the city;
  district officials and inspectors those of the enterprises in their district;
- an enterprise's managers and staff their own organisation's, once it has a device;
- procurators, fire officers, experts and other organisations' people nothing (their reach would
  cover the rows by region, but the alarm pages are not theirs);
- the refused-message counters (not tied to any organisation: a message refused may name no known
  device) are for the city-wide administrator and officials only (:func:`sees_counters`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from safecity.core.models import Organisation
from safecity.core.scoping import Principal, allows_target, principal_for, scoped
from safecity.telemetry.choices import AlarmLevel, AlarmState, DeviceStatus
from safecity.telemetry.models import MANAGER_ROLES, Alarm, AlarmEvent, Device, IngestCounter, Reading, RuleSet, Silence

ORGANISATION_ROLES = frozenset({"enterprise_manager", "enterprise_staff"})
COUNTER_ROLES = frozenset({"city_admin", "city_official"})
# A device is online when the engine has heard from it within this many minutes.
ONLINE_MINUTES = 10
# Route playback draws at most this many points (a reading every 5 s for a day is 17,280).
PLAYBACK_LIMIT = 20_000
LEVEL_ORDER = [AlarmLevel.RED, AlarmLevel.ORANGE, AlarmLevel.YELLOW, AlarmLevel.BLUE]


# --- who opens the pages --------------------------------------------------------------------------


def organisations_with_devices(principal: Principal) -> list[int]:
    """The user's own organisations (as manager or staff) that have a device."""
    own = {g.organisation_id for g in principal.grants if g.role in ORGANISATION_ROLES}
    if not own:
        return []
    cached = principal.__dict__.get("_telemetry_organisations")
    if cached is None:
        cached = list(Device.objects.filter(organisation_id__in=own).values_list("organisation_id", flat=True).distinct())
        # The principal lives for one request (cached on the user): the navigation asks this once
        # per item, the page guard once more; one query answers them all.
        object.__setattr__(principal, "_telemetry_organisations", cached)
    return cached


def principal_sees_telemetry(principal: Principal) -> bool:
    if principal.is_superuser or principal.roles & MANAGER_ROLES:
        return True
    return bool(organisations_with_devices(principal))


def sees_telemetry(user: Any) -> bool:
    """May ``user`` open the alarm, device, silence and rule-set pages (and the API)?"""
    return principal_sees_telemetry(principal_for(user))


def principal_sees_counters(principal: Principal) -> bool:
    return principal.is_superuser or bool(principal.is_city_wide and principal.roles & COUNTER_ROLES)


def sees_counters(user: Any) -> bool:
    return principal_sees_counters(principal_for(user))


# --- devices --------------------------------------------------------------------------------------


def device_list(*, user: Any) -> QuerySet[Device]:
    """The devices the user may see, with what a list row shows (one query, plus one per kind of
    object the devices are mounted on)."""
    return (
        scoped(Device, user)
        .select_related("organisation", "rule_set", "engine_state")
        .prefetch_related("mounted_on")
        .order_by("serial")
    )


def may_register_for(*, user: Any, organisation: Organisation) -> bool:
    """May ``user`` register (or fit) a device of ``organisation``? The device's own scope rule says."""
    return allows_target(user, Device(organisation=organisation))


def device_owner_choices(*, user: Any) -> QuerySet[Organisation]:
    """The organisations ``user`` may register devices for: the device's own scope rule decides (an
    enterprise's managers for their enterprise, the regulators within their jurisdiction)."""
    visible = scoped(Organisation, user).select_related("region").order_by("name")
    allowed = [o.pk for o in visible if may_register_for(user=user, organisation=o)]
    return Organisation.objects.filter(pk__in=allowed).order_by("name")


def mount_target(*, user: Any, value: str) -> Any:
    """The object ``<app>.<model>:<id>`` names (what a device is fitted to: ``forklifts.forklift:12``)
    if it is a scoped object the user may see; None otherwise (no such model, id or reach)."""
    from django.apps import apps

    label, _sep, ident = (value or "").strip().partition(":")
    try:
        model = apps.get_model(label)
        pk = int(ident)
    except (LookupError, ValueError):
        return None
    if getattr(model, "scope_rule", None) is None:
        return None  # only scoped objects: whatever is not scoped is nobody's to fit devices to
    return scoped(model, user).filter(pk=pk).first()


def may_register_devices(*, user: Any) -> bool:
    """Whether ``user`` may register a device for some organisation (stops at the first one)."""
    visible = scoped(Organisation, user).select_related("region").order_by("pk")
    return any(may_register_for(user=user, organisation=o) for o in visible.iterator(chunk_size=200))


def device_get(*, user: Any, pk: int) -> Device:
    device = scoped(Device, user).select_related("organisation__region", "rule_set", "engine_state").filter(pk=pk).first()
    if device is None:
        raise Http404
    return device


def device_lookup(*, user: Any, q: str, limit: int = 20) -> list[dict[str, Any]]:
    """Devices by serial or name for the filters' picker: ``[{"value", "label", "detail"}]``."""
    queryset = scoped(Device, user)
    q = (q or "").strip()
    if q:
        queryset = queryset.filter(Q(serial__icontains=q) | Q(name__icontains=q))
    rows = queryset.order_by("serial").values("pk", "serial", "name", "organisation__name")[:limit]
    return [{"value": r["pk"], "label": f"{r['serial']} {r['name']}".strip(), "detail": r["organisation__name"]} for r in rows]


def last_seen(device: Device) -> datetime | None:
    """When the engine last received a reading of the device (its persisted state), if ever."""
    try:
        state = device.engine_state
    except ObjectDoesNotExist:  # the reverse one-to-one: no state until the first reading
        return None
    received = (state.data or {}).get("last_received")
    if isinstance(received, int | float) and not isinstance(received, bool):
        return datetime.fromtimestamp(received, tz=UTC)
    return state.updated_at


def is_online(device: Device, now: datetime | None = None) -> bool:
    seen = last_seen(device)
    now = now or timezone.now()
    return seen is not None and seen >= now - timedelta(minutes=ONLINE_MINUTES)


def device_alarms(*, user: Any, device: Device, limit: int = 20) -> list[Alarm]:
    """The device's most recent alarms (the caller already may see the device)."""
    return list(scoped(Alarm, user).filter(device=device).select_related("device").order_by("-fired_at", "-id")[:limit])


# --- alarms ---------------------------------------------------------------------------------------


def alarm_list(*, user: Any, filters: Mapping[str, Any] | None = None) -> QuerySet[Alarm]:
    """The alarms the user may see, firing ones first, then newest first.

    ``filters`` are the query parameters of :class:`~safecity.telemetry.filtersets.AlarmFilterSet`
    (state, level, kind, organisation, device, acknowledged, fired between)."""
    queryset = (
        scoped(Alarm, user)
        .select_related("device__organisation")
        # "firing" sorts before "resolved": the open alarms come first, on the (state, -fired_at) index.
        .order_by("state", "-fired_at", "-id")
    )
    if filters is not None:
        from safecity.telemetry.filtersets import AlarmFilterSet

        queryset = AlarmFilterSet(filters, queryset=queryset).qs
    return queryset


def alarm_get(*, user: Any, pk: int) -> Alarm:
    alarm = (
        scoped(Alarm, user)
        .select_related("device__organisation__region", "device__rule_set", "acknowledged_by__person", "hazard")
        .filter(pk=pk)
        .first()
    )
    if alarm is None:
        raise Http404
    return alarm


def alarm_events(*, alarm: Alarm) -> QuerySet[AlarmEvent]:
    """The timeline of an alarm the caller already may see."""
    return alarm.events.select_related("actor__person").order_by("at", "id")


def silenced_alarm_ids(alarms: Iterable[Alarm], at: datetime | None = None) -> set[int]:
    """Which of ``alarms`` an active silence matches now (one query for the lot)."""
    from safecity.telemetry.services.alarms import active_silences, is_silenced

    rows = list(alarms)
    if not rows:
        return set()
    silences = active_silences({a.device.organisation_id for a in rows}, at)
    return {a.pk for a in rows if is_silenced(a, silences)}


def hazard_visible(*, user: Any, alarm: Alarm) -> bool:
    """Whether the hidden hazard raised from the alarm is one the user may open."""
    if alarm.hazard_id is None:
        return False
    from safecity.hazards.models import HiddenHazard

    return scoped(HiddenHazard, user).filter(pk=alarm.hazard_id).exists()


# --- silences -------------------------------------------------------------------------------------


def silence_list(*, user: Any) -> QuerySet[Silence]:
    return scoped(Silence, user).select_related("organisation", "device", "created_by__person").order_by("-starts_at", "-id")


def silence_get(*, user: Any, pk: int) -> Silence:
    silence = silence_list(user=user).filter(pk=pk).first()
    if silence is None:
        raise Http404
    return silence


def silence_state(silence: Silence, now: datetime | None = None) -> str:
    """``active``, ``pending`` (starts later) or ``ended`` (expired or ended early)."""
    now = now or timezone.now()
    if silence.is_active(now):
        return "active"
    return "pending" if silence.starts_at > now and not silence.expired_early_at else "ended"


# --- rule sets ------------------------------------------------------------------------------------


def rule_set_list(*, user: Any) -> QuerySet[RuleSet]:
    """The rule sets the user may see: their organisations' and, for whoever opens the pages, the
    city-wide sets (no organisation). A city-wide set is reference data its devices' owners must be
    able to read; the scope rule alone (by the organisation's region) would show it to nobody."""
    own = scoped(RuleSet, user)
    if sees_telemetry(user):
        own = own | RuleSet.objects.filter(organisation__isnull=True)
    return own.select_related("organisation").annotate(device_count=Count("devices")).order_by("name", "id")


def rule_set_get(*, user: Any, pk: int) -> RuleSet:
    rule_set = rule_set_list(user=user).filter(pk=pk).first()
    if rule_set is None:
        raise Http404
    return rule_set


# --- readings -------------------------------------------------------------------------------------


def reading_list(*, device: Device, since: datetime | None = None, until: datetime | None = None) -> QuerySet[Reading]:
    """A device's readings (the caller already may see the device) in device-time order, within
    ``[since, until)`` when given."""
    queryset = Reading.objects.filter(device=device)
    if since is not None:
        queryset = queryset.filter(device_ts__gte=since)
    if until is not None:
        queryset = queryset.filter(device_ts__lt=until)
    return queryset.order_by("device_ts", "seq")


def route_of_day(*, device: Device, day: date, limit: int = PLAYBACK_LIMIT) -> list[dict[str, Any]]:
    """A device's positions over one local day, for route playback: ``[{"t", "lon", "lat",
    "speed"}]`` in device-time order, positions only, at most ``limit`` points (the day's first)."""
    zone = timezone.get_current_timezone()
    start = datetime.combine(day, time.min, tzinfo=zone)
    rows = (
        reading_list(device=device, since=start, until=start + timedelta(days=1))
        .filter(lon__isnull=False, lat__isnull=False)
        .values_list("device_ts", "lon", "lat", "values__speed_kmh")[:limit]
    )
    return [{"t": t, "lon": lon, "lat": lat, "speed": speed} for t, lon, lat, speed in rows]


# --- refused messages -----------------------------------------------------------------------------


def counter_list(*, user: Any, days: int = 30) -> QuerySet[IngestCounter]:
    """The refused-message counters of the last ``days`` days (city-wide administrators and officials)."""
    if not sees_counters(user):
        return IngestCounter.objects.none()
    return IngestCounter.objects.filter(day__gte=timezone.localdate() - timedelta(days=days - 1)).order_by("-day", "reason")


# --- figures --------------------------------------------------------------------------------------


def online_q(now: datetime | None = None) -> Q:
    now = now or timezone.now()
    return Q(engine_state__updated_at__gte=now - timedelta(minutes=ONLINE_MINUTES))


def device_figures(devices: QuerySet[Device], now: datetime | None = None) -> dict[str, int]:
    """Registered (active) devices and those online now, of ``devices`` (already scoped)."""
    active = devices.filter(status=DeviceStatus.ACTIVE)
    return {"registered": active.count(), "online": active.filter(online_q(now)).count()}


def firing_by_level(alarms: QuerySet[Alarm]) -> dict[str, int]:
    rows = dict(alarms.filter(state=AlarmState.FIRING).values("level").annotate(n=Count("id")).values_list("level", "n"))
    return {level.value: rows.get(level.value, 0) for level in LEVEL_ORDER}


def alarms_by_kind(alarms: QuerySet[Alarm], *, days: int = 7, now: datetime | None = None) -> dict[str, dict[str, int]]:
    """Alarms fired in the last ``days`` days: ``{kind: {level: n}}``."""
    now = now or timezone.now()
    rows = (
        alarms.filter(fired_at__gte=now - timedelta(days=days))
        .values("kind", "level")
        .annotate(n=Count("id"))
        .values_list("kind", "level", "n")
    )
    out: dict[str, dict[str, int]] = {}
    for kind, level, n in rows:
        out.setdefault(kind, {})[level] = n
    return out
