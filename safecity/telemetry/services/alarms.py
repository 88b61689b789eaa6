"""Every write of alarms: opening and closing them from the engine's events, acknowledgement,
silences, escalation, notifications and hidden hazards raised from alarms (issue 14).

Semantics follow Prometheus Alertmanager's, which fleet operators know:
- **dedup**: at most one firing alarm per (device, rule) (a conditional unique constraint); a fire
  event for a pair already firing changes nothing, a clear event for a pair not firing neither;
- **grouping**: the notifications of one batch are grouped per recipient and organisation into one
  message, so a plant whose forty trucks go offline together sends one notification, not forty;
- **silences**: hold back notifications (never the alarm) of matching alarms until they expire,
  each with a reason;
- **escalation**: an alarm nobody acknowledged within ``TELEMETRY_ESCALATE_AFTER_MINUTES`` goes to
  the district officials over the enterprise, after twice that to the city officials;
- **hidden hazards**: a rule's ``hazard`` policy (:mod:`safecity.telemetry.policies`) raises a hidden
  hazard through the hazards service, with the alarm as its evidence.

``alarms_apply`` runs inside the ingest worker's batch transaction, so alarms, readings and the
engine's state commit together.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from safecity.core.models import Notification, RoleAssignment
from safecity.core.scoping import CHANGE, allows_target, can
from safecity.telemetry.choices import AlarmAction, AlarmLevel, AlarmState
from safecity.telemetry.hooks import alarms_opened
from safecity.telemetry.models import Alarm, AlarmEvent, Device, RuleSet, Silence
from safecity.telemetry.policies import RuleMeta, rule_meta
from safecity.telemetry.rules import Action, Event
from safecity.telemetry.wording import alarm_title, event_detail

ORGANISATION_ROLES = ("enterprise_manager", "enterprise_staff")
ESCALATION_ROLES = {1: ("district_official",), 2: ("city_official",)}


def _at(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


def _meta(rule_set: RuleSet | None) -> dict[str, RuleMeta]:
    """The titles and hazard policies of a rule set, read from the row as it is now (events are
    rare next to readings, so no cache that could outlive the row it describes)."""
    if rule_set is None:
        return {}
    return rule_meta(rule_set.rules)


def alarm_link(alarm: Alarm) -> str:
    return f"/telemetry/alarms/{alarm.pk}/"


def _position(params: Mapping[str, Any], event: Event) -> tuple[float | None, float | None]:
    if event.reading is not None and event.reading.position is not None:
        return event.reading.position
    position = params.get("position")
    if isinstance(position, list | tuple) and len(position) == 2:
        return float(position[0]), float(position[1])
    return None, None


def alarms_apply(events: Sequence[Event], *, devices: Mapping[str, int]) -> list[Alarm]:
    """Open and close alarms for the engine's ``events`` (``devices`` maps serials to Device pks).

    Returns the alarms opened. Call inside the caller's transaction (the ingest batch)."""
    if not events:
        return []
    pks = {devices[e.device_id] for e in events if e.device_id in devices}
    rows = {d.pk: d for d in Device.objects.filter(pk__in=pks).select_related("organisation__region", "rule_set")}
    firing = {
        (a.device_id, a.rule_id): a
        for a in Alarm.objects.select_for_update()
        .filter(device_id__in=pks, state=AlarmState.FIRING, rule_id__in={e.rule_id for e in events})
        .select_related("device")
    }
    opened: list[Alarm] = []
    notify_at_once: dict[int, tuple[str, ...]] = {}
    for event in events:
        pk = devices.get(event.device_id)
        device = rows.get(pk) if pk is not None else None
        if device is None:
            continue
        key = (device.pk, event.rule_id)
        if event.action == Action.FIRE:
            if key in firing:
                continue
            meta = _meta(device.rule_set).get(event.rule_id)
            params = dict(event.params)
            lon, lat = _position(params, event)
            alarm = Alarm.objects.create(
                device=device,
                rule_id=event.rule_id,
                kind=event.kind,
                title=meta.title if meta else "",
                level=AlarmLevel(event.level.value),
                state=AlarmState.FIRING,
                fired_at=_at(event.at),
                params=params,
                lon=lon,
                lat=lat,
                reading_seq=event.reading.seq if event.reading is not None else None,
            )
            AlarmEvent.objects.create(alarm=alarm, action=AlarmAction.FIRE, at=alarm.fired_at, params=params)
            firing[key] = alarm
            opened.append(alarm)
            if meta is not None and meta.notify:
                notify_at_once[alarm.pk] = meta.notify
            if meta is not None and meta.hazard is not None and meta.hazard.count:
                _hazard_by_count(alarm, meta)
        else:
            alarm = firing.pop(key, None)
            if alarm is None:
                continue
            alarm.state = AlarmState.RESOLVED
            alarm.cleared_at = _at(event.at)
            alarm.clear_params = dict(event.params)
            alarm.save(update_fields=["state", "cleared_at", "clear_params", "updated_at"])
            AlarmEvent.objects.create(alarm=alarm, action=AlarmAction.CLEAR, at=alarm.cleared_at, params=alarm.clear_params)
    if opened:
        _notify_opened(opened, notify_at_once)
        alarms_opened(opened)
    return opened


def alarms_close_unknown(*, device: Device, rule_ids: Iterable[str], at: datetime) -> int:
    """Resolve the firing alarms of rules a device no longer has (its rule set changed)."""
    closed = 0
    for alarm in Alarm.objects.select_for_update().filter(device=device, rule_id__in=list(rule_ids), state=AlarmState.FIRING):
        alarm.state = AlarmState.RESOLVED
        alarm.cleared_at = at
        alarm.clear_params = {"reason": "rule_removed"}
        alarm.save(update_fields=["state", "cleared_at", "clear_params", "updated_at"])
        AlarmEvent.objects.create(alarm=alarm, action=AlarmAction.CLEAR, at=at, note=_("The rule was removed."))
        closed += 1
    return closed


# --- notifications --------------------------------------------------------------------------------


def role_holders(roles: Sequence[str], *, organisation_id: int | None = None, region_path: str | None = None) -> list[Any]:
    """The user accounts holding one of ``roles`` today: in ``organisation_id``, or with a
    jurisdiction over ``region_path``."""
    today = timezone.localdate()
    rows = (
        RoleAssignment.objects.filter(role__in=roles, person__user__isnull=False, person__is_active=True)
        .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=today))
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=today))
        .select_related("person__user", "jurisdiction")
    )
    if organisation_id is not None:
        rows = rows.filter(organisation_id=organisation_id)
    users = {}
    for row in rows:
        if region_path is not None and not (row.jurisdiction and region_path.startswith(row.jurisdiction.path)):
            continue
        users[row.person.user.pk] = row.person.user
    return list(users.values())


def active_silences(organisation_ids: Iterable[int], at: datetime | None = None) -> list[Silence]:
    at = at or timezone.now()
    return list(
        Silence.objects.filter(organisation_id__in=set(organisation_ids), starts_at__lte=at, ends_at__gt=at).filter(
            Q(expired_early_at__isnull=True) | Q(expired_early_at__gt=at)
        )
    )


def is_silenced(alarm: Alarm, silences: Sequence[Silence]) -> bool:
    return any(s.matches(alarm) for s in silences)


def alarm_line(alarm: Alarm) -> str:
    name = alarm.device.name or alarm.device.serial
    return _("%(level)s alarm · %(device)s · %(title)s: %(detail)s") % {
        "level": alarm.get_level_display(),
        "device": name,
        "title": alarm_title(kind=alarm.kind, title=alarm.title, rule_id=alarm.rule_id),
        "detail": event_detail(alarm.kind, alarm.params),
    }


def _send(groups: Mapping[Any, list[Alarm]], kind: str, intro: str, urgent: Iterable[int] = ()) -> int:
    """One notification per (recipient, organisation) listing its alarms (Alertmanager's grouping).
    A notification that lists an ``urgent`` alarm goes out over the second channels too (e-mail,
    SMS: ``core.delivery``), as GB/T 45839-2025 wants of a gas leak."""
    from safecity.core.delivery import deliver_also

    urgent = set(urgent)
    sent = 0
    second: list[Notification] = []
    for (user, _organisation_id), alarms in groups.items():
        lines = [alarm_line(a) for a in alarms[:5]]
        if len(alarms) > 5:
            lines.append(_("and %(n)d more") % {"n": len(alarms) - 5})
        link = alarm_link(alarms[0]) if len(alarms) == 1 else "/telemetry/alarms/?state=firing"
        note = Notification.objects.create(recipient=user, kind=kind, message=f"{intro}\n" + "\n".join(lines), link=link)
        if urgent and any(a.pk in urgent for a in alarms):
            second.append(note)
        sent += 1
    deliver_also(second)
    return sent


def _notify_opened(alarms: Sequence[Alarm], officials: Mapping[int, tuple[str, ...]] | None = None) -> int:
    """Tell the device's organisation of each new alarm, and, for a rule whose ``notify`` names
    jurisdiction roles, the people holding them over the device's region, at once (grouped like the
    rest). A silence holds back both."""
    silences = active_silences(a.device.organisation_id for a in alarms)
    groups: dict[Any, list[Alarm]] = defaultdict(list)
    recipients: dict[int, list[Any]] = {}
    over: dict[tuple[tuple[str, ...], str], list[Any]] = {}
    for alarm in alarms:
        if is_silenced(alarm, silences):
            AlarmEvent.objects.create(alarm=alarm, action=AlarmAction.SILENCED, at=timezone.now())
            continue
        org = alarm.device.organisation_id
        if org not in recipients:
            recipients[org] = role_holders(ORGANISATION_ROLES, organisation_id=org)
        told = list(recipients[org])
        roles = (officials or {}).get(alarm.pk, ())
        if roles:
            path = alarm.device.organisation.region.path
            if (roles, path) not in over:
                over[(roles, path)] = role_holders(roles, region_path=path)
            told += [user for user in over[(roles, path)] if user not in told]
        for user in told:
            groups[(user, org)].append(alarm)
        AlarmEvent.objects.create(alarm=alarm, action=AlarmAction.NOTIFY, at=timezone.now(), params={"recipients": len(told)})
    return _send(groups, "telemetry.alarm", _("New alarms:"), urgent=(officials or {}).keys())


# --- people's actions -----------------------------------------------------------------------------


@transaction.atomic
def alarm_acknowledge(*, actor: Any, alarm: Alarm, note: str = "") -> Alarm:
    """Acknowledge an alarm: someone responsible has seen it and acts; stops its escalation.

    Who: the device's enterprise (manager, staff) and the officials over it."""
    alarm = Alarm.objects.select_for_update().select_related("device__organisation__region").get(pk=alarm.pk)
    if not can(actor, alarm, CHANGE):
        raise PermissionDenied
    if alarm.acknowledged_at is not None:
        raise ValidationError(_("This alarm was already acknowledged."), code="already_acknowledged")
    alarm.acknowledged_at = timezone.now()
    alarm.acknowledged_by = actor
    alarm.save(update_fields=["acknowledged_at", "acknowledged_by", "updated_at"])
    AlarmEvent.objects.create(alarm=alarm, action=AlarmAction.ACKNOWLEDGE, at=alarm.acknowledged_at, actor=actor, note=note[:500])
    return alarm


@transaction.atomic
def silence_create(
    *,
    actor: Any,
    organisation: Any,
    ends_at: datetime,
    reason: str,
    starts_at: datetime | None = None,
    device: Device | None = None,
    rule_id: str = "",
    kind: str = "",
) -> Silence:
    """Hold back the notifications of an organisation's matching alarms until ``ends_at``.

    A reason is required and a silence lasts at most 30 days, so none is forgotten for ever."""
    starts_at = starts_at or timezone.now()
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the alarms are silenced.")})
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": _("A silence must end after it starts.")})
    if ends_at - starts_at > timedelta(days=30):
        raise ValidationError({"ends_at": _("A silence lasts at most 30 days.")})
    if device is not None and device.organisation_id != organisation.pk:
        raise ValidationError({"device": _("The device does not belong to this organisation.")})
    silence = Silence(
        organisation=organisation,
        device=device,
        rule_id=rule_id,
        kind=kind,
        starts_at=starts_at,
        ends_at=ends_at,
        reason=reason[:300],
        created_by=actor,
    )
    if not allows_target(actor, silence):
        raise PermissionDenied
    silence.save()
    return silence


@transaction.atomic
def silence_expire(*, actor: Any, silence: Silence) -> Silence:
    """End a silence now (its notifications flow again)."""
    silence = Silence.objects.select_for_update().select_related("organisation__region").get(pk=silence.pk)
    if not can(actor, silence, CHANGE):
        raise PermissionDenied
    now = timezone.now()
    if not silence.is_active(now):
        raise ValidationError(_("This silence is not active."), code="not_active")
    silence.expired_early_at = now
    silence.save(update_fields=["expired_early_at", "updated_at"])
    return silence


# --- scheduled ------------------------------------------------------------------------------------


def alarms_escalate(*, now: datetime | None = None) -> dict[str, int]:
    """Escalate firing alarms nobody acknowledged (step 1: district officials over the enterprise,
    step 2: city officials), unless silenced; and raise the hidden hazards of ``open_minutes``
    policies. Run by the scheduler every minute; each step is sent once per alarm."""
    now = now or timezone.now()
    after = timedelta(minutes=settings.TELEMETRY_ESCALATE_AFTER_MINUTES)
    counts = {"escalated": 0, "notifications": 0, "hazards": 0}
    candidates = (
        Alarm.objects.filter(state=AlarmState.FIRING, acknowledged_at__isnull=True, escalation__lt=len(ESCALATION_ROLES))
        .filter(fired_at__lte=now - after)
        .select_related("device__organisation__region")
    )
    groups: dict[int, dict[Any, list[Alarm]]] = {1: defaultdict(list), 2: defaultdict(list)}
    with transaction.atomic():
        pending = list(candidates.select_for_update(of=("self",)))
        silences = active_silences({a.device.organisation_id for a in pending}, now)
        for alarm in pending:
            step = alarm.escalation + 1
            if alarm.fired_at > now - after * step:
                continue
            alarm.escalation = step
            alarm.save(update_fields=["escalation", "updated_at"])
            AlarmEvent.objects.create(alarm=alarm, action=AlarmAction.ESCALATE, at=now, params={"step": step})
            counts["escalated"] += 1
            if is_silenced(alarm, silences):
                continue
            path = alarm.device.organisation.region.path
            for user in role_holders(ESCALATION_ROLES[step], region_path=path):
                groups[step][(user, alarm.device.organisation_id)].append(alarm)
        for grouped in groups.values():
            counts["notifications"] += _send(grouped, "telemetry.escalation", _("Alarms not acknowledged for too long:"))
        counts["hazards"] = _hazards_by_duration(now)
    return counts


# --- hidden hazards -------------------------------------------------------------------------------


def _raise_hazard(alarm: Alarm, meta: RuleMeta, reason: str) -> None:
    from safecity.hazards.choices import HazardSource
    from safecity.hazards.services import hazard_report_by_platform

    assert meta.hazard is not None
    device = alarm.device
    description = _("%(device)s: %(reason)s. Alarm: %(line)s") % {
        "device": device.name or device.serial,
        "reason": reason,
        "line": alarm_line(alarm),
    }
    hazard = hazard_report_by_platform(
        organisation=device.organisation,
        description=description,
        hazard_type=meta.hazard.hazard_type,
        source=HazardSource.OTHER,
        discovered_at=timezone.now(),
        comment=_("Raised by the monitoring platform from alarm %(link)s") % {"link": alarm_link(alarm)},
    )
    alarm.hazard = hazard
    alarm.save(update_fields=["hazard", "updated_at"])
    AlarmEvent.objects.create(alarm=alarm, action=AlarmAction.HAZARD, at=timezone.now(), params={"hazard": hazard.pk})


def _hazard_by_count(alarm: Alarm, meta: RuleMeta) -> None:
    policy = meta.hazard
    assert policy is not None and policy.count and policy.within_days
    since = alarm.fired_at - timedelta(days=policy.within_days)
    recent = Alarm.objects.filter(device=alarm.device, rule_id=alarm.rule_id, fired_at__gt=since)
    if recent.count() < policy.count or recent.filter(hazard__isnull=False).exists():
        return
    _raise_hazard(
        alarm,
        meta,
        _("%(count)d alarms of this kind within %(days)d days") % {"count": policy.count, "days": policy.within_days},
    )


def _hazards_by_duration(now: datetime) -> int:
    raised = 0
    firing = (
        Alarm.objects.select_for_update(of=("self",))
        .filter(state=AlarmState.FIRING, hazard__isnull=True, device__rule_set__isnull=False)
        .select_related("device__organisation__region", "device__rule_set")
    )
    for alarm in firing:
        meta = _meta(alarm.device.rule_set).get(alarm.rule_id)
        if meta is None or meta.hazard is None or not meta.hazard.open_minutes:
            continue
        if alarm.fired_at > now - timedelta(minutes=meta.hazard.open_minutes):
            continue
        _raise_hazard(alarm, meta, _("the alarm has lasted %(minutes)d minutes") % {"minutes": meta.hazard.open_minutes})
        raised += 1
    return raised
