"""Server-rendered UI of the telemetry engine: alarms (list, page, acknowledgement), silences, devices
(with their credentials, shown once), rule sets in words, and the refused-message counters. Thin:
selectors read, services write, refusals are shown to the user."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from safecity.core.exports import export_response
from safecity.core.forms import show_service_errors
from safecity.core.guards import guard as _guard
from safecity.core.models import Organisation
from safecity.core.paging import keyset_page_of, page_of, querystring
from safecity.core.scoping import CHANGE, can, scoped
from safecity.telemetry import forms, selectors
from safecity.telemetry.choices import AlarmAction, AlarmLevel
from safecity.telemetry.cockpit import LEVEL_HEX
from safecity.telemetry.filtersets import AlarmFilterSet, DeviceFilterSet, SilenceFilterSet
from safecity.telemetry.models import Alarm, Device
from safecity.telemetry.services import alarms as alarm_services
from safecity.telemetry.services import devices as device_services
from safecity.telemetry.wording import KINDS, alarm_title, event_detail, rule_summary

# The warning levels as the badges of the risk levels (red / orange / yellow / blue).
LEVEL_CLASS = {AlarmLevel.RED: "risk-1", AlarmLevel.ORANGE: "risk-2", AlarmLevel.YELLOW: "risk-3", AlarmLevel.BLUE: "risk-4"}


guard = _guard(selectors.sees_telemetry)


def _error(request: HttpRequest, error: ValidationError) -> None:
    messages.error(request, " ".join(error.messages))


def _local(moment: Any) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M:%S") if moment else ""


def alarm_row(alarm: Alarm) -> dict[str, Any]:
    """What a person reads of an alarm: its words, never its codes."""
    return {
        "alarm": alarm,
        "title": alarm_title(kind=alarm.kind, title=alarm.title, rule_id=alarm.rule_id),
        "detail": event_detail(alarm.kind, alarm.params),
        "kind": str(KINDS.get(alarm.kind, _("Alarm"))),
        "level_class": LEVEL_CLASS.get(alarm.level, ""),  # type: ignore[call-overload]
    }


ALARM_COLUMNS = [
    (_("Alarm level"), lambda a: a.get_level_display()),
    (_("State"), lambda a: a.get_state_display()),
    (_("Alarm"), lambda a: alarm_title(kind=a.kind, title=a.title, rule_id=a.rule_id)),
    (_("Detail"), lambda a: event_detail(a.kind, a.params)),
    (_("Device"), lambda a: str(a.device)),
    (_("Organisation"), lambda a: a.device.organisation.name),
    (_("Fired at"), lambda a: _local(a.fired_at)),
    (_("Cleared at"), lambda a: _local(a.cleared_at)),
    (_("Acknowledged at"), lambda a: _local(a.acknowledged_at)),
    (_("Escalation step"), lambda a: a.escalation),
]


@guard
def alarm_list(request: HttpRequest) -> HttpResponseBase:
    """The alarms within reach, firing ones first; filters, Excel/CSV export."""
    filterset = AlarmFilterSet(request.GET, queryset=selectors.alarm_list(user=request.user))
    fmt = request.GET.get("export")
    if fmt in ("csv", "xlsx"):
        columns = [(str(title), getter) for title, getter in ALARM_COLUMNS]
        return export_response(fmt=fmt, filename="alarms", columns=columns, objects=filterset.qs.iterator(chunk_size=2000))
    page = keyset_page_of(request, filterset.qs)
    silenced = selectors.silenced_alarm_ids(page.object_list)
    rows = [{**alarm_row(a), "silenced": a.pk in silenced} for a in page.object_list]
    context = {"filter": filterset, "page": page, "rows": rows, "querystring": querystring(request)}
    template = "telemetry/alarm_table.html" if request.headers.get("HX-Request") else "telemetry/alarm_list.html"
    return render(request, template, context)


def _timeline(alarm: Alarm) -> list[dict[str, Any]]:
    steps = []
    for event in selectors.alarm_events(alarm=alarm):
        text = event.note
        if event.action == AlarmAction.FIRE:
            text = event_detail(alarm.kind, event.params or alarm.params)
        elif event.action == AlarmAction.CLEAR and not event.note:
            text = event_detail(alarm.kind, event.params) if event.params else ""
        elif event.action == AlarmAction.ESCALATE:
            step = int((event.params or {}).get("step") or 0)
            text = {1: _("to the district officials"), 2: _("to the city officials")}.get(step, "")
        elif event.action == AlarmAction.NOTIFY:
            n = (event.params or {}).get("recipients", 0)
            text = _("%(n)s people of the enterprise") % {"n": n}
        steps.append({"event": event, "action": event.get_action_display(), "text": text})
    return steps


@guard
def alarm_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """An alarm: what fired, where (a small map when the reading had a position), its timeline in
    words, acknowledgement, and the hidden hazard it raised."""
    alarm = selectors.alarm_get(user=request.user, pk=pk)
    point = None
    if alarm.lon is not None and alarm.lat is not None:
        title = alarm_title(kind=alarm.kind, title=alarm.title, rule_id=alarm.rule_id)
        point = json.dumps(
            {"points": [[alarm.pk, str(alarm.device), "", alarm.lat, alarm.lon, LEVEL_HEX.get(alarm.level, ""), title]]},  # type: ignore[call-overload]
            ensure_ascii=False,
        )
    context = {
        **alarm_row(alarm),
        "silenced": bool(selectors.silenced_alarm_ids([alarm])),
        "timeline": _timeline(alarm),
        "point": point,
        "may_acknowledge": alarm.acknowledged_at is None and can(request.user, alarm, CHANGE),
        "form": forms.AcknowledgeForm(),
        "hazard_visible": selectors.hazard_visible(user=request.user, alarm=alarm),
        "clear_detail": event_detail(alarm.kind, alarm.clear_params) if alarm.clear_params.get("metric") else "",
    }
    return render(request, "telemetry/alarm_detail.html", context)


@guard
@require_POST
def alarm_acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    alarm = selectors.alarm_get(user=request.user, pk=pk)
    form = forms.AcknowledgeForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        alarm_services.alarm_acknowledge(actor=request.user, alarm=alarm, note=note)
        messages.success(request, _("Alarm acknowledged: its escalation stops."))
    except ValidationError as error:
        _error(request, error)
    return redirect("telemetry:alarm-detail", pk=alarm.pk)


# --- silences -------------------------------------------------------------------------------------


def _silence_organisations(user: Any) -> Any:
    """The organisations whose alarms the user may silence: those with devices the user may see
    and whose silences they may write (the service checks each again)."""
    with_devices = selectors.device_list(user=user).values("organisation_id")
    return scoped(Organisation, user).filter(pk__in=with_devices).order_by("name")


@guard
def silence_list(request: HttpRequest) -> HttpResponse:
    filterset = SilenceFilterSet(request.GET, queryset=selectors.silence_list(user=request.user))
    page = page_of(request, filterset.qs)
    now = timezone.now()
    rows = [
        {
            "silence": s,
            "state": selectors.silence_state(s, now),
            "kind": str(KINDS.get(s.kind, "")) if s.kind else "",
            "may_end": s.is_active(now) and can(request.user, s, CHANGE),
        }
        for s in page
    ]
    return render(
        request,
        "telemetry/silence_list.html",
        {"filter": filterset, "page": page, "rows": rows, "querystring": querystring(request)},
    )


@guard
def silence_create(request: HttpRequest) -> HttpResponse:
    """Hold back the notifications of an organisation's alarms for a while, with a reason."""
    organisations = _silence_organisations(request.user)
    devices = selectors.device_list(user=request.user).filter(organisation__in=organisations)
    form = forms.SilenceForm(request.POST or None, organisations=organisations, devices=devices)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            alarm_services.silence_create(
                actor=request.user,
                organisation=data["organisation"],
                device=data.get("device"),
                kind=data.get("kind") or "",
                rule_id=(data.get("rule_id") or "").strip(),
                ends_at=data["ends_at"],
                reason=data["reason"],
            )
            messages.success(request, _("Silence created: the matching alarms still open, their notifications wait."))
            return redirect("telemetry:silence-list")
        except ValidationError as error:
            show_service_errors(form, error)
    return render(request, "telemetry/silence_form.html", {"form": form})


@guard
@require_POST
def silence_end(request: HttpRequest, pk: int) -> HttpResponse:
    silence = selectors.silence_get(user=request.user, pk=pk)
    try:
        alarm_services.silence_expire(actor=request.user, silence=silence)
        messages.success(request, _("Silence ended: notifications flow again."))
    except ValidationError as error:
        _error(request, error)
    return redirect("telemetry:silence-list")


# --- devices --------------------------------------------------------------------------------------

DEVICE_COLUMNS = [
    (_("Serial number"), lambda d: d.serial),
    (_("Name"), lambda d: d.name),
    (_("Kind"), lambda d: d.get_kind_display()),
    (_("Organisation"), lambda d: d.organisation.name),
    (_("Mounted on"), lambda d: str(d.mounted_on) if d.mounted_on is not None else ""),
    (_("Status"), lambda d: d.get_status_display()),
    (_("Last seen"), lambda d: _local(selectors.last_seen(d))),
    (_("Rule set"), lambda d: d.rule_set.name if d.rule_set else ""),
]


@guard
def device_list(request: HttpRequest) -> HttpResponseBase:
    filterset = DeviceFilterSet(request.GET, queryset=selectors.device_list(user=request.user))
    fmt = request.GET.get("export")
    if fmt in ("csv", "xlsx"):
        columns = [(str(title), getter) for title, getter in DEVICE_COLUMNS]
        return export_response(fmt=fmt, filename="devices", columns=columns, objects=filterset.qs)
    page = page_of(request, filterset.qs)
    now = timezone.now()
    rows = [{"device": d, "last_seen": selectors.last_seen(d), "online": selectors.is_online(d, now)} for d in page]
    return render(
        request,
        "telemetry/device_list.html",
        {
            "filter": filterset,
            "page": page,
            "rows": rows,
            "querystring": querystring(request),
            "may_register": selectors.may_register_devices(user=request.user),
        },
    )


@guard
def device_detail(request: HttpRequest, pk: int) -> HttpResponse:
    device = selectors.device_get(user=request.user, pk=pk)
    alarms = [alarm_row(a) for a in selectors.device_alarms(user=request.user, device=device)]
    rule_set_visible = device.rule_set_id is not None and (
        selectors.rule_set_list(user=request.user).filter(pk=device.rule_set_id).exists()
    )
    return render(
        request,
        "telemetry/device_detail.html",
        {
            "device": device,
            "last_seen": selectors.last_seen(device),
            "online": selectors.is_online(device),
            "alarms": alarms,
            "may_manage": can(request.user, device, CHANGE),
            "revoke_form": forms.RevokeForm(),
            "rule_set_visible": rule_set_visible,
        },
    )


def _mount_target(request: HttpRequest) -> Any:
    """The object named by ``?mount=<app>.<model>:<id>`` (a forklift's "fit a device" link), if the
    user may see it; None without the parameter; a 404 for a name that names nothing within reach."""
    from django.http import Http404

    value = request.GET.get("mount") or request.POST.get("mount") or ""
    if not value:
        return None
    target = selectors.mount_target(user=request.user, value=value)
    if target is None:
        raise Http404(_("No such object to fit a device to."))
    return target


@login_required
def device_register(request: HttpRequest) -> HttpResponse:
    """Register a device (optionally fitted to an object); its credentials are shown once. Open to
    whoever may register a device for some organisation, so an enterprise fits its first one here."""
    if not selectors.may_register_devices(user=request.user):
        raise PermissionDenied
    organisations = selectors.device_owner_choices(user=request.user)
    mounted_on = _mount_target(request)
    rule_sets = selectors.rule_set_list(user=request.user)
    initial: dict[str, Any] = {}
    owner_id = getattr(mounted_on, "organisation_id", None) or getattr(mounted_on, "enterprise_id", None)
    if owner_id is not None:
        initial["organisation"] = owner_id
    form = forms.DeviceRegisterForm(request.POST or None, organisations=organisations, rule_sets=rule_sets, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            device, credentials = device_services.device_register(
                actor=request.user,
                serial=data["serial"],
                kind=data["kind"],
                organisation=data["organisation"],
                name=data.get("name") or "",
                rule_set=data.get("rule_set"),
                mounted_on=mounted_on,
            )
        except ValidationError as error:
            show_service_errors(form, error)
        else:
            messages.success(request, _("Device registered. Copy its credentials now: they are not shown again."))
            return _credentials_page(request, device, credentials)
    mount = request.GET.get("mount") or request.POST.get("mount") or ""
    return render(
        request, "telemetry/device_form.html", {"form": form, "mounted_on": mounted_on, "mount": mount if mounted_on else ""}
    )


def _credentials_page(request: HttpRequest, device: Device, credentials: Any) -> HttpResponse:
    """The new secrets, shown this once: never stored, never cached by the browser."""
    response = render(request, "telemetry/credentials.html", {"device": device, "credentials": credentials})
    response["Cache-Control"] = "no-store"
    return response


@guard
@require_POST
def device_rotate(request: HttpRequest, pk: int) -> HttpResponse:
    device = selectors.device_get(user=request.user, pk=pk)
    try:
        credentials = device_services.device_rotate_credentials(actor=request.user, device=device)
    except ValidationError as error:
        _error(request, error)
        return redirect("telemetry:device-detail", pk=device.pk)
    return _credentials_page(request, device, credentials)


@guard
@require_POST
def device_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    device = selectors.device_get(user=request.user, pk=pk)
    form = forms.RevokeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why the device is revoked."))
        return redirect("telemetry:device-detail", pk=device.pk)
    try:
        device_services.device_revoke(actor=request.user, device=device, reason=form.cleaned_data["reason"])
        messages.success(request, _("Device revoked: the broker refuses it from now on."))
    except ValidationError as error:
        _error(request, error)
    return redirect("telemetry:device-detail", pk=device.pk)


@guard
@require_POST
def device_reinstate(request: HttpRequest, pk: int) -> HttpResponse:
    device = selectors.device_get(user=request.user, pk=pk)
    try:
        credentials = device_services.device_reinstate(actor=request.user, device=device)
    except ValidationError as error:
        _error(request, error)
        return redirect("telemetry:device-detail", pk=device.pk)
    return _credentials_page(request, device, credentials)


@guard
@require_GET
def device_lookup(request: HttpRequest) -> JsonResponse:
    """``?q=serial or name`` -> the matching devices the user may see (the filters' picker)."""
    return JsonResponse({"results": selectors.device_lookup(user=request.user, q=request.GET.get("q", ""))})


# --- rule sets ------------------------------------------------------------------------------------


@guard
def rule_set_list(request: HttpRequest) -> HttpResponse:
    page = page_of(request, selectors.rule_set_list(user=request.user))
    return render(request, "telemetry/rule_set_list.html", {"page": page, "querystring": querystring(request)})


def rule_rows(rules: list[Any]) -> list[dict[str, Any]]:
    rows = []
    for rule in rules if isinstance(rules, list) else []:
        if not isinstance(rule, dict):
            continue
        level = rule.get("level")
        rows.append(
            {
                "title": alarm_title(kind=str(rule.get("kind", "")), title=str(rule.get("title") or ""), rule_id=""),
                "rule_id": rule.get("id", ""),
                "kind": str(KINDS.get(str(rule.get("kind")), "")),
                "level": AlarmLevel(level).label if level in AlarmLevel.values else "",
                "level_class": LEVEL_CLASS.get(level, "") if isinstance(level, str) else "",  # type: ignore[call-overload]
                "summary": rule_summary(rule),
            }
        )
    return rows


@guard
def rule_set_detail(request: HttpRequest, pk: int) -> HttpResponse:
    rule_set = selectors.rule_set_get(user=request.user, pk=pk)
    return render(request, "telemetry/rule_set_detail.html", {"rule_set": rule_set, "rules": rule_rows(rule_set.rules)})


# --- refused messages -----------------------------------------------------------------------------


@_guard(selectors.sees_counters)
def counter_list(request: HttpRequest) -> HttpResponse:
    """How many messages the ingest workers refused, per day and reason (the last 30 days)."""
    rows = list(selectors.counter_list(user=request.user))
    totals: dict[str, int] = {}
    for row in rows:
        totals[row.get_reason_display()] = totals.get(row.get_reason_display(), 0) + row.count
    return render(request, "telemetry/counter_list.html", {"rows": rows, "totals": sorted(totals.items())})


@guard
def index(request: HttpRequest) -> HttpResponse:
    return redirect("telemetry:alarm-list")
