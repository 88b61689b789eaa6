"""Gas-leak alarms of restaurants still on cylinders: their disposition and escalation (issue 15 §4).

Rules and where they come from:

- GB/T 45839-2025 (networked gas detectors, domain-rules §7a): an alarm reaches the platform within
  30 s and people within 15 s over at least two channels. The detector's alarm opens a telemetry
  alarm in the ingest batch; its rule's ``notify`` tells the restaurant and the officials over its
  street at once, in the inbox and over the second channels (``core.delivery``: e-mail, SMS).
- GB 55009-2021 (gas engineering, general code) and the Jiangsu gas regulations: the combustible-gas
  alarm of a catering kitchen is linked to an automatic shut-off valve. The valve closes on the
  device; a valve still reported open during the alarm (rule ``valve-open-in-alarm``) means the
  protection failed, and escalates at once.
- The local programme (our rule, a setting): a leak alarm is dispositioned, as a false alarm or as a
  leak found and fixed with what was done, within ``SAFECITY_GAS_LEAK_DISPOSE_MINUTES`` (120) of
  firing; later, it escalates to the district and city officials. A detector silent for
  ``SAFECITY_GAS_ALARM_SILENT_S`` (300 s) while its leak alarm is open escalates too: nobody knows
  whether gas is still there.

Each reason escalates once (``LeakAlarm.escalations``). Who dispositions: the restaurant's own
people and the officials and inspectors over its street (the model's scope rule).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from safecity.core.delivery import deliver_also
from safecity.core.models import Notification
from safecity.restaurants.choices import LeakEscalation, LeakOutcome
from safecity.restaurants.models import LeakAlarm, Restaurant
from safecity.restaurants.services.common import RestaurantError, require_change
from safecity.telemetry.choices import AlarmAction, AlarmState
from safecity.telemetry.models import Alarm, AlarmEvent

LEAK_RULE = "gas-leak"
VALVE_RULE = "valve-open-in-alarm"
# Who hears of an escalation: the district officials over the street, and the city's.
ESCALATE_TO = ("district_official", "city_official")
MAX_NOTE = 2000


def dispose_minutes() -> int:
    return int(getattr(settings, "SAFECITY_GAS_LEAK_DISPOSE_MINUTES", 120))


def silent_seconds() -> int:
    return int(getattr(settings, "SAFECITY_GAS_ALARM_SILENT_S", 300))


def leak_link(leak: LeakAlarm) -> str:
    return f"/restaurants/leaks/{leak.pk}/"


def _restaurants_of(alarms: Sequence[Alarm]) -> dict[int, Restaurant]:
    """The restaurant each alarm's detector is mounted on, by alarm pk (alarms of other devices: absent)."""
    kind = ContentType.objects.get_for_model(Restaurant).pk
    mounted = {a.pk: a.device.mounted_id for a in alarms if a.device.mounted_type_id == kind and a.device.mounted_id}
    if not mounted:
        return {}
    rows = Restaurant.objects.select_related("organisation__region").in_bulk(set(mounted.values()))
    return {pk: rows[rid] for pk, rid in mounted.items() if rid in rows}


def leak_alarms_opened(alarms: list[Alarm]) -> None:
    """The telemetry alarm hook (``telemetry.hooks``, inside the ingest batch): a gas-leak alarm of a
    restaurant's detector gets its disposition record; a valve reported open escalates the open
    leak alarm of that detector at once."""
    relevant = [a for a in alarms if a.rule_id in (LEAK_RULE, VALVE_RULE)]
    if not relevant:
        return
    restaurants = _restaurants_of(relevant)
    now = timezone.now()
    for alarm in relevant:
        restaurant = restaurants.get(alarm.pk)
        if restaurant is None:
            continue
        if alarm.rule_id == LEAK_RULE:
            LeakAlarm.objects.create(
                alarm=alarm,
                restaurant=restaurant,
                fired_at=alarm.fired_at,
                due_at=alarm.fired_at + timedelta(minutes=dispose_minutes()),
            )
            continue
        leak = (
            LeakAlarm.objects.select_for_update()
            .filter(alarm__device_id=alarm.device_id, disposed_at__isnull=True)
            .select_related("restaurant__organisation__region", "alarm__device")
            .order_by("-fired_at")
            .first()
        )
        if leak is not None:
            _escalate([(leak, LeakEscalation.VALVE_OPEN)], now)


def _escalate(items: Sequence[tuple[LeakAlarm, str]], now: datetime) -> int:
    """Record each (leak, reason) once and tell the district and city officials over the street,
    in the inbox and over the second channels. Returns how many were escalated."""
    from safecity.telemetry.services.alarms import role_holders

    notes: list[Notification] = []
    holders: dict[str, list[Any]] = {}  # the officials over each street, read once per run
    escalated = 0
    for leak, reason in items:
        if reason in leak.escalations:
            continue
        leak.escalations = [*leak.escalations, str(reason)]
        leak.escalated_at = now
        leak.save(update_fields=["escalations", "escalated_at", "updated_at"])
        AlarmEvent.objects.create(alarm=leak.alarm, action=AlarmAction.ESCALATE, at=now, params={"reason": str(reason)})
        escalated += 1
        organisation = leak.restaurant.organisation
        message = _("Gas leak alarm escalated: %(restaurant)s (%(address)s), fired %(fired)s. %(reason)s.") % {
            "restaurant": organisation.name,
            "address": organisation.address or organisation.region.name,
            "fired": timezone.localtime(leak.fired_at).strftime("%Y-%m-%d %H:%M"),
            "reason": LeakEscalation(reason).label,
        }
        path = organisation.region.path
        if path not in holders:
            holders[path] = role_holders(ESCALATE_TO, region_path=path)
        for user in holders[path]:
            notes.append(
                Notification.objects.create(
                    recipient=user, kind="restaurants.leak_escalation", message=message, link=leak_link(leak)
                )
            )
    deliver_also(notes)
    return escalated


def leaks_escalate(*, now: datetime | None = None) -> dict[str, int]:
    """Escalate the open leak alarms past their deadline and those whose detector went silent while
    the alarm is still on (scheduled every minute). Each reason escalates a leak alarm once."""
    from safecity.telemetry.selectors import last_seen

    now = now or timezone.now()
    counts = {"overdue": 0, "offline": 0}
    with transaction.atomic():
        open_leaks = list(
            LeakAlarm.objects.select_for_update(of=("self",))
            .filter(disposed_at__isnull=True)
            .select_related("restaurant__organisation__region", "alarm__device__engine_state")
        )
        overdue = [(leak, LeakEscalation.OVERDUE) for leak in open_leaks if leak.due_at <= now]
        counts["overdue"] = _escalate([i for i in overdue if i[1] not in i[0].escalations], now)
        quiet = now - timedelta(seconds=silent_seconds())
        silent = []
        for leak in open_leaks:
            if leak.alarm.state != AlarmState.FIRING or LeakEscalation.OFFLINE in leak.escalations:
                continue
            seen = last_seen(leak.alarm.device)
            if seen is None or seen < quiet:
                silent.append((leak, LeakEscalation.OFFLINE))
        counts["offline"] = _escalate(silent, now)
    return counts


@transaction.atomic
def leak_dispose(*, actor: Any, leak: LeakAlarm, outcome: str, note: str) -> LeakAlarm:
    """Disposition a gas-leak alarm: a false alarm, or a leak found and fixed; ``note`` says what was
    found and done (required). Refused: a leak alarm already dispositioned, a detector that still
    reports the leak (the alarm is firing: ventilate, find and fix the leak first), someone outside
    the restaurant and the street's officials. Acknowledges the telemetry alarm too, if nobody had."""
    leak = LeakAlarm.objects.select_for_update().select_related("restaurant__organisation__region", "alarm").get(pk=leak.pk)
    require_change(actor, leak)
    if leak.disposed_at is not None:
        raise RestaurantError(_("This gas leak alarm was already dispositioned."), code="transition_not_allowed")
    if outcome not in LeakOutcome.values:
        raise RestaurantError({"outcome": _("Choose false alarm or leak found and fixed.")})
    note = (note or "").strip()
    if "\x00" in note:
        raise RestaurantError({"note": _("The text contains a NUL character, which cannot be stored; remove it.")})
    if not note:
        raise RestaurantError({"note": _("Say what was found and what was done.")})
    if len(note) > MAX_NOTE:
        raise RestaurantError({"note": _("Keep it under %(n)d characters.") % {"n": MAX_NOTE}})
    if leak.alarm.state == AlarmState.FIRING:
        raise RestaurantError(
            _(
                "The detector still reports gas: ventilate, find and fix the leak, and disposition the alarm once it reports normal."
            ),
            code="guard",
        )
    now = timezone.now()
    leak.outcome = outcome
    leak.note = note
    leak.disposed_at = now
    leak.disposed_by = actor
    leak.save(update_fields=["outcome", "note", "disposed_at", "disposed_by", "updated_at"])
    alarm = leak.alarm
    if alarm.acknowledged_at is None:
        alarm.acknowledged_at = now
        alarm.acknowledged_by = actor
        alarm.save(update_fields=["acknowledged_at", "acknowledged_by", "updated_at"])
        AlarmEvent.objects.create(alarm=alarm, action=AlarmAction.ACKNOWLEDGE, at=now, actor=actor, note=note[:500])
    return leak
