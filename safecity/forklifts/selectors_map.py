"""Reads of the plant map: where each truck of a plant is now, and one truck's route of one day
with the alarms on it.

Who sees what: the caller passes a plant or truck it got from :func:`selectors.plant_get` /
:func:`selectors.forklift_get` (so the forklift scoping decides); the trucks of a plant come from
:func:`selectors.forklift_list` and the alarms from ``scoped(Alarm, user)``, so the map never shows
a truck or an alarm the registry and the alarm pages would not.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from safecity.core.scoping import scoped
from safecity.forklifts import selectors
from safecity.forklifts.choices import ForkliftStatus
from safecity.forklifts.models import Forklift, Plant
from safecity.telemetry import selectors as telemetry_selectors
from safecity.telemetry.choices import AlarmState
from safecity.telemetry.cockpit import LEVEL_HEX
from safecity.telemetry.models import Alarm, Reading
from safecity.telemetry.wording import alarm_title, event_detail

# Route playback draws at most this many points: a reading every 5 s is 17,280 a day, a browser
# animates 5,000 smoothly on a phone and the shape of a route inside a plant survives the thinning.
TRACK_LIMIT = 5_000


def _ms(moment: datetime) -> int:
    return round(moment.timestamp() * 1000)


def _local(moment: datetime | None, fmt: str = "%Y-%m-%d %H:%M:%S") -> str:
    return "" if moment is None else timezone.localtime(moment).strftime(fmt)


def _alarm_words(alarm: Alarm) -> dict[str, Any]:
    return {
        "id": alarm.pk,
        "title": alarm_title(kind=alarm.kind, title=alarm.title, rule_id=alarm.rule_id),
        "detail": event_detail(alarm.kind, alarm.params or {}),
        "level": alarm.level,
        "level_display": str(alarm.get_level_display()),
        "colour": LEVEL_HEX.get(alarm.level, "#c62828"),  # type: ignore[call-overload]
        "url": reverse("telemetry:alarm-detail", args=[alarm.pk]),
        "fired_at": _local(alarm.fired_at),
    }


def plant_trucks(*, user: Any, plant: Plant) -> QuerySet[Forklift]:
    """The plant's trucks in use or stopped that the user may see, with their device's engine state."""
    return (
        selectors.forklift_list(user=user)
        .filter(plant=plant)
        .exclude(status=ForkliftStatus.SCRAPPED)
        .select_related("device__engine_state")
    )


def _engine_position(truck: Forklift) -> tuple[tuple[float, float] | None, dict[str, Any]]:
    """The last position ([lon, lat]) and values the engine persisted for the truck's device."""
    try:
        data = truck.device.engine_state.data or {}  # type: ignore[union-attr]
    except ObjectDoesNotExist:
        return None, {}
    position = data.get("position")
    point = (float(position[0]), float(position[1])) if isinstance(position, list) and len(position) == 2 else None
    return point, dict(data.get("values") or {})


def plant_positions(*, user: Any, plant: Plant, now: datetime | None = None) -> dict[str, Any]:
    """Every truck of ``plant`` at its last known position, for the live map and its JSON poll.

    The position and values come from the engine's persisted state (written with each batch of
    readings); a device without one (never evaluated) falls back to its latest reading with a
    position. ``alarms`` are the truck's firing alarms in words; ``online`` follows the telemetry
    pages' rule (heard from within ``ONLINE_MINUTES``). A fixed number of queries per call.
    """
    now = now or timezone.now()
    trucks = list(plant_trucks(user=user, plant=plant))
    device_ids = [t.device_id for t in trucks if t.device_id]
    firing: dict[int, list[Alarm]] = {}
    for alarm in (
        scoped(Alarm, user)
        .filter(device_id__in=device_ids, state=AlarmState.FIRING)
        .select_related("device")
        .order_by("-fired_at", "-id")
    ):
        firing.setdefault(alarm.device_id, []).append(alarm)
    missing = []
    engine: dict[int, tuple[tuple[float, float] | None, dict[str, Any]]] = {}
    for truck in trucks:
        if truck.device_id:
            engine[truck.pk] = _engine_position(truck)
            if engine[truck.pk][0] is None:
                missing.append(truck.device_id)
    latest: dict[int, tuple[float, float, dict[str, Any], datetime]] = {}  # device pk -> lon, lat, values, at
    for device_id in missing:  # only devices the engine has no position for: rare, one query each
        found = (
            Reading.objects.filter(device_id=device_id, lon__isnull=False, lat__isnull=False)
            .order_by("-device_ts", "-seq")
            .values_list("lon", "lat", "values", "device_ts")
            .first()
        )
        if found is not None and found[0] is not None and found[1] is not None:
            latest[device_id] = (found[0], found[1], found[2] or {}, found[3])
    rows = []
    for truck in trucks:
        row: dict[str, Any] = {
            "id": truck.pk,
            "number": truck.number,
            "url": reverse("forklifts:detail", args=[truck.pk]),
            "track_url": reverse("forklifts:track", args=[truck.pk]),
            "has_device": bool(truck.device_id),
            "status": str(truck.get_status_display()),
            "lat": None,
            "lon": None,
            "speed": None,
            "belt": None,
            "last_seen": "",
            "online": False,
            "alarms": [],
        }
        if truck.device_id:
            point, values = engine[truck.pk]
            seen = telemetry_selectors.last_seen(truck.device)  # type: ignore[arg-type]
            if point is None and truck.device_id in latest:
                lon, lat, values, seen_at = latest[truck.device_id]
                point, seen = (lon, lat), seen or seen_at
            if point is not None:
                row["lon"], row["lat"] = point
            speed = values.get("speed_kmh")
            row["speed"] = round(float(speed), 1) if isinstance(speed, int | float) and not isinstance(speed, bool) else None
            belt = values.get("belt_fastened")
            row["belt"] = bool(belt) if isinstance(belt, bool | int) else None
            row["last_seen"] = _local(seen)
            row["online"] = seen is not None and seen >= now - timedelta(minutes=telemetry_selectors.ONLINE_MINUTES)
            row["alarms"] = [_alarm_words(a) for a in firing.get(truck.device_id, [])]
        rows.append(row)
    return {"plant": plant.pk, "at": _local(now), "trucks": rows}


@dataclass
class Track:
    """One truck's route of one local day: ``points`` are ``[lat, lon, epoch ms, speed]`` in
    device-time order, thinned to at most ``TRACK_LIMIT`` (``total`` says how many there were);
    ``alarms`` the alarms fired that day in words, placed where they fired."""

    day: date
    points: list[list[Any]] = field(default_factory=list)
    total: int = 0
    alarms: list[dict[str, Any]] = field(default_factory=list)

    @property
    def capped(self) -> bool:
        return self.total > len(self.points)


def _thin(rows: list[Any], limit: int) -> list[Any]:
    """Every k-th row so that at most ``limit`` remain, always keeping the last (where it ended)."""
    if len(rows) <= limit:
        return rows
    step = -(-len(rows) // (limit - 1)) if limit > 1 else len(rows)
    kept = rows[::step]
    if kept[-1] is not rows[-1]:
        kept.append(rows[-1])
    return kept[:limit]


def _nearest(points: list[list[Any]], ms: int) -> list[Any] | None:
    """The point nearest in time to ``ms`` (points sorted by time): where an alarm without its own
    position is drawn."""
    if not points:
        return None
    from bisect import bisect_left

    times = [p[2] for p in points]
    i = bisect_left(times, ms)
    candidates = [points[j] for j in (i - 1, i) if 0 <= j < len(points)]
    return min(candidates, key=lambda p: abs(p[2] - ms))


def forklift_track(*, user: Any, forklift: Forklift, day: date, limit: int | None = None) -> Track:
    """The route of ``forklift`` (already visible to ``user``) over the local ``day``, for playback,
    at most ``limit`` points (default ``TRACK_LIMIT``)."""
    limit = limit or TRACK_LIMIT
    track = Track(day=day)
    if forklift.device_id is None:
        return track
    zone = timezone.get_current_timezone()
    start = datetime.combine(day, time.min, tzinfo=zone)
    end = start + timedelta(days=1)
    rows = list(
        Reading.objects.filter(
            device_id=forklift.device_id, device_ts__gte=start, device_ts__lt=end, lon__isnull=False, lat__isnull=False
        )
        .order_by("device_ts", "seq")
        .values_list("lat", "lon", "device_ts", "values__speed_kmh")
    )
    track.total = len(rows)
    track.points = [
        [lat, lon, _ms(ts), round(float(speed), 1) if isinstance(speed, int | float) else None]
        for lat, lon, ts, speed in _thin(rows, limit)
    ]
    alarms = (
        scoped(Alarm, user)
        .filter(device_id=forklift.device_id, fired_at__gte=start, fired_at__lt=end)
        .select_related("device")
        .order_by("fired_at", "id")
    )
    for alarm in alarms:
        words = _alarm_words(alarm)
        words["t"] = _ms(alarm.fired_at)
        words["time"] = _local(alarm.fired_at, "%H:%M:%S")
        words["firing"] = alarm.state == AlarmState.FIRING
        if alarm.lat is not None and alarm.lon is not None:
            words["lat"], words["lon"] = alarm.lat, alarm.lon
        else:
            near = _nearest(track.points, words["t"])
            words["lat"], words["lon"] = (near[0], near[1]) if near else (None, None)
        track.alarms.append(words)
    return track


def utc_offset_ms(day: date) -> int:
    """The local time zone's offset from UTC at the start of ``day`` (the playback's clock)."""
    start = datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())
    offset = start.utcoffset()
    return 0 if offset is None else round(offset.total_seconds() * 1000)


def parse_day(value: str | None) -> date:
    """The ``?day=`` of the playback page; today (local) when missing or not a date."""
    today = timezone.localdate()
    try:
        day = date.fromisoformat(value or "")
    except ValueError:
        return today
    # A day far off (year 1 or 9999) names no readings and would overflow the day's window.
    return day if date(2000, 1, 1) <= day <= today + timedelta(days=1) else today
