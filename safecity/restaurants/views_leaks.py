"""Pages of the restaurants' gas-leak alarms (issue 15 §4): the list (open ones first, overdue
marked), and one alarm with its deadline, escalations, the detector's timeline and the disposition
form. Thin: ``selectors.py`` reads, ``services/leaks.py`` writes."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safecity.core.guards import guard
from safecity.core.paging import page_of, querystring
from safecity.core.scoping import CHANGE, can
from safecity.restaurants import selectors
from safecity.restaurants.access import sees_restaurants
from safecity.restaurants.choices import LeakEscalation
from safecity.restaurants.forms import DisposeForm, add_service_errors
from safecity.restaurants.models import LeakAlarm
from safecity.restaurants.services.common import RestaurantError
from safecity.restaurants.services.leaks import leak_dispose
from safecity.telemetry.choices import AlarmState

STATES = (("open", _("Open")), ("overdue", _("Overdue")), ("closed", _("Dispositioned")), ("", _("All")))


def _row(leak: LeakAlarm, now: Any) -> dict[str, Any]:
    return {
        "leak": leak,
        "overdue": leak.disposed_at is None and leak.due_at <= now,
        "firing": leak.alarm.state == AlarmState.FIRING,
        "escalations": [LeakEscalation(code).label for code in leak.escalations if code in LeakEscalation.values],
    }


@guard(sees_restaurants)
def leak_list(request: HttpRequest) -> HttpResponse:
    """The gas-leak alarms of the restaurants within reach: open first, the overdue marked."""
    state = request.GET.get("state", "open")
    if state not in {s for s, _label in STATES}:
        state = "open"
    page = page_of(request, selectors.leak_list(user=request.user, state=state))
    now = timezone.now()
    return render(
        request,
        "restaurants/leak_list.html",
        {
            "page": page,
            "rows": [_row(leak, now) for leak in page],
            "state": state,
            "states": STATES,
            "querystring": querystring(request),
        },
    )


@guard(sees_restaurants)
def leak_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One gas-leak alarm: when it fired, by when it must be dispositioned, why it was escalated,
    the detector's alarm timeline; the disposition form for those who may write it."""
    leak = selectors.leak_get(user=request.user, pk=pk)
    form = DisposeForm(request.POST or None)
    may_dispose = leak.disposed_at is None and can(request.user, leak, CHANGE)
    if request.method == "POST" and may_dispose and form.is_valid():
        try:
            leak_dispose(actor=request.user, leak=leak, **form.cleaned_data)
        except RestaurantError as error:
            add_service_errors(form, error)
        else:
            from django.contrib import messages
            from django.shortcuts import redirect

            messages.success(request, _("Gas leak alarm dispositioned."))
            return redirect("restaurants:leak-detail", pk=leak.pk)
    status = 400 if request.method == "POST" else 200
    events = [
        {
            "event": event,
            "reason": LeakEscalation(event.params["reason"]).label if event.params.get("reason") in LeakEscalation.values else "",
        }
        for event in leak.alarm.events.select_related("actor__person").order_by("at", "id")
    ]
    return render(
        request,
        "restaurants/leak_detail.html",
        {**_row(leak, timezone.now()), "form": form, "may_dispose": may_dispose, "events": events},
        status=status,
    )
