"""The hall staff's pages (and the officials' reading of them): sessions by month with the room
left, a session's bookings and waiting list, create a session, generate a month, cancel a session
or a booking, check a group in by its code; the bookings list. Thin: selectors read, services
write; the public pages are ``views_public.py``."""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from safecity.core.forms import show_service_errors
from safecity.core.guards import guard
from safecity.core.paging import page_of, querystring
from safecity.core.scoping import CHANGE, can
from safecity.hall import forms, selectors
from safecity.hall.choices import BookingState, SessionState
from safecity.hall.services import bookings as booking_svc
from safecity.hall.services import sessions as session_svc
from safecity.hall.services.common import HallError, today


def _month(request: HttpRequest) -> date:
    value = request.GET.get("month", "")
    try:
        year, month = (int(p) for p in value.split("-")[:2])
        return date(year, month, 1)
    except (ValueError, TypeError):
        return today().replace(day=1)


def _shift(first: date, months: int) -> date:
    index = first.year * 12 + first.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


@guard(selectors.sees_hall)
def session_list(request: HttpRequest) -> HttpResponse:
    first = _month(request)
    after = _shift(first, 1)
    sessions = list(selectors.session_list(user=request.user, start=first, end=after - timedelta(days=1)))
    return render(
        request,
        "hall/session_list.html",
        {
            "sessions": sessions,
            "month": first,
            "previous": _shift(first, -1).strftime("%Y-%m"),
            "next": after.strftime("%Y-%m"),
            "is_staff": selectors.is_staff(request.user),
        },
    )


@guard(selectors.sees_hall)
def session_detail(request: HttpRequest, pk: int) -> HttpResponse:
    session = selectors.session_get(user=request.user, pk=pk)
    bookings = list(selectors.session_bookings(user=request.user, session=session))
    may_change = can(request.user, session, CHANGE)
    return render(
        request,
        "hall/session_detail.html",
        {
            "session": session,
            "bookings": bookings,
            "left": max(0, session.capacity - (session.booked or 0)),  # type: ignore[attr-defined]
            "may_cancel": may_change and session.state == SessionState.OPEN and session.date >= today(),
        },
    )


@guard(selectors.is_staff)
@require_http_methods(["GET", "POST"])
def session_new(request: HttpRequest) -> HttpResponse:
    form = forms.SessionForm(request.POST or None, halls=selectors.halls_of(request.user))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            session = session_svc.session_create(
                actor=request.user, hall=data["hall"], day=data["day"], period=data["period"],
                capacity=data["capacity"], guide=data["guide"], exhibits=data["exhibits"],
            )  # fmt: skip
        except HallError as error:
            show_service_errors(form, error)
        else:
            messages.success(request, _("The session is open for booking."))
            return redirect("hall:session", pk=session.pk)
    return render(request, "hall/form.html", {"form": form, "title": _("New session"), "back": reverse("hall:sessions")})


@guard(selectors.is_staff)
@require_http_methods(["GET", "POST"])
def sessions_generate(request: HttpRequest) -> HttpResponse:
    form = forms.GenerateForm(request.POST or None, halls=selectors.halls_of(request.user))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        year, month = data["month"]
        try:
            made = session_svc.sessions_generate_month(
                actor=request.user, hall=data["hall"], year=year, month=month,
                capacity=data["capacity"], guide=data["guide"], exhibits=data["exhibits"],
            )  # fmt: skip
        except HallError as error:
            show_service_errors(form, error)
        else:
            messages.success(request, _("Sessions added: %(n)d.") % {"n": len(made)})
            return redirect(f"{reverse('hall:sessions')}?month={year:04d}-{month:02d}")
    return render(
        request, "hall/form.html", {"form": form, "title": _("Generate a month of sessions"), "back": reverse("hall:sessions")}
    )


@guard(selectors.is_staff)
@require_http_methods(["GET", "POST"])
def session_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    session = selectors.session_get(user=request.user, pk=pk)
    if not can(request.user, session, CHANGE):
        raise PermissionDenied
    form = forms.ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            session_svc.session_cancel(actor=request.user, session=session, reason=form.cleaned_data["reason"])
        except HallError as error:
            show_service_errors(form, error)
        else:
            messages.success(request, _("The session is cancelled; the groups booked have been told."))
            return redirect("hall:session", pk=session.pk)
    return render(
        request,
        "hall/form.html",
        {"form": form, "title": _("Cancel the session"), "session": session, "back": reverse("hall:session", args=[session.pk])},
    )


@guard(selectors.sees_hall)
def booking_list(request: HttpRequest) -> HttpResponse:
    bookings = selectors.booking_list(user=request.user)
    state = request.GET.get("state", "")
    if state in BookingState.values:
        bookings = bookings.filter(state=state)
    page = page_of(request, bookings)
    return render(
        request,
        "hall/booking_list.html",
        {"page": page, "querystring": querystring(request), "states": BookingState.choices, "state": state},
    )


@guard(selectors.sees_hall)
@require_http_methods(["GET", "POST"])
def booking_detail(request: HttpRequest, pk: int) -> HttpResponse:
    booking = selectors.booking_get(user=request.user, pk=pk)
    may_cancel = (
        can(request.user, booking, CHANGE)
        and booking.state in (BookingState.BOOKED, BookingState.WAITING)
        and booking.session.date >= today()
    )
    form = forms.ReasonForm(request.POST or None)
    if request.method == "POST":
        if not may_cancel:
            raise PermissionDenied
        if form.is_valid():
            try:
                booking_svc.booking_cancel(actor=request.user, booking=booking, reason=form.cleaned_data["reason"])
            except HallError as error:
                show_service_errors(form, error)
            else:
                messages.success(request, _("The booking is cancelled; the group has been told."))
                return redirect("hall:booking", pk=booking.pk)
    return render(request, "hall/booking_detail.html", {"booking": booking, "form": form, "may_cancel": may_cancel})


@guard(selectors.is_staff)
@require_http_methods(["GET", "POST"])
def check_in(request: HttpRequest) -> HttpResponse:
    form = forms.CheckInForm(request.POST or None, halls=selectors.halls_of(request.user))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            booking = booking_svc.booking_check_in(
                actor=request.user, hall=data["hall"], code=data["code"], arrived=data["arrived"], guardians=data["guardians"]
            )
        except HallError as error:
            show_service_errors(form, error)
        else:
            messages.success(
                request,
                _("%(group)s checked in: %(n)d people.") % {"group": booking.group_name, "n": booking.arrived or 0},
            )
            return redirect("hall:check-in")
    return render(request, "hall/form.html", {"form": form, "title": _("Check a group in"), "back": reverse("hall:sessions")})
