"""The public booking pages (no sign-in; phone first): choose a session → the group's details →
the code sent to the phone → the booking code. A group finds its booking again by its code and
phone, to cancel it (at least a day ahead) or to give feedback after its visit. The booking and
verification requests are limited per IP (``ratelimit.py``)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from safecity.core.forms import show_service_errors
from safecity.hall import forms, rules, selectors
from safecity.hall.choices import BookingState
from safecity.hall.ratelimit import over_limit
from safecity.hall.services import bookings as svc
from safecity.hall.services.common import HallError, today

SESSION_KEY = "hall_booking_code"


def _too_many(request: HttpRequest) -> HttpResponse:
    response = render(
        request,
        "hall/public_message.html",
        {
            "title": _("Too many requests"),
            "message": _("Too many booking requests from this network. Please try again in an hour."),
        },
        status=429,
    )
    response["Retry-After"] = "3600"
    return response


def book_sessions(request: HttpRequest) -> HttpResponse:
    """The sessions open for booking, by day, with the room left."""
    day = today()
    sessions = list(selectors.public_sessions(today=day)[:60])
    for s in sessions:
        s.left = max(0, s.capacity - (s.booked or 0))  # type: ignore[attr-defined]
    context_rules = {"min": rules.group_min(), "max": rules.group_max(), "ahead": rules.book_ahead_working_days()}
    return render(request, "hall/public_sessions.html", {"sessions": sessions, "rules": context_rules})


@require_http_methods(["GET", "POST"])
def book_details(request: HttpRequest, pk: int) -> HttpResponse:
    session = selectors.public_session(pk=pk, today=today())
    form = forms.BookingForm(request.POST or None)
    if request.method == "POST":
        if over_limit(request, "book"):
            return _too_many(request)
        if form.is_valid():
            try:
                verification = svc.booking_request(session=session, details=svc.GroupDetails(**form.cleaned_data))
            except HallError as error:
                show_service_errors(form, error, aliases={"session": "__all__"})
            else:
                return redirect("hall:book-verify", token=verification.token)
    left = max(0, session.capacity - (session.booked or 0))  # type: ignore[attr-defined]
    return render(request, "hall/public_details.html", {"session": session, "form": form, "left": left})


@require_http_methods(["GET", "POST"])
def book_verify(request: HttpRequest, token: str) -> HttpResponse:
    form = forms.CodeForm(request.POST or None)
    if request.method == "POST":
        if over_limit(request, "verify"):
            return _too_many(request)
        if form.is_valid():
            try:
                booking = svc.booking_confirm(token=token, code=form.cleaned_data["code"])
            except HallError as error:
                if error.error_code in ("locked", "conflict"):
                    return render(
                        request,
                        "hall/public_message.html",
                        {"title": _("Please start again"), "message": " ".join(error.messages), "restart": True},
                        status=409,
                    )
                show_service_errors(form, error)
            else:
                request.session[SESSION_KEY] = booking.code
                return redirect("hall:book-done")
    return render(request, "hall/public_verify.html", {"form": form})


def book_done(request: HttpRequest) -> HttpResponse:
    code = request.session.get(SESSION_KEY, "")
    booking = selectors.public_booking_by_code(code=code) if code else None
    if booking is None:
        return redirect("hall:book")
    return render(request, "hall/public_done.html", {"booking": booking})


@require_http_methods(["GET", "POST"])
def my_booking(request: HttpRequest) -> HttpResponse:
    """A group's own booking, by its code and phone: what it booked, cancel, feedback."""
    # By POST only: the phone number stays out of addresses and logs.
    lookup = forms.LookupForm(request.POST if request.method == "POST" else None)
    booking = None
    feedback_form = None
    cancel_error = ""
    if lookup.is_bound:
        if over_limit(request, "lookup"):
            return _too_many(request)
        if lookup.is_valid():
            booking = selectors.public_booking(code=lookup.cleaned_data["code"], phone=lookup.cleaned_data["phone"])
            if booking is None:
                lookup.add_error(None, _("No booking has this code with this phone number."))
    if booking is not None and request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "cancel":
                svc.booking_cancel(actor=None, booking=booking, phone=lookup.cleaned_data["phone"])
                booking.refresh_from_db()
            elif action == "feedback":
                feedback_form = forms.FeedbackForm(request.POST)
                if feedback_form.is_valid():
                    svc.booking_feedback(
                        booking=booking,
                        rating=feedback_form.cleaned_data["rating"],
                        comment=feedback_form.cleaned_data["comment"],
                    )
                    booking.refresh_from_db()
                    feedback_form = None
        except HallError as error:
            if feedback_form is not None:
                show_service_errors(feedback_form, error)
            else:
                cancel_error = " ".join(error.messages)
    context: dict[str, Any] = {"lookup": lookup, "booking": booking, "cancel_error": cancel_error}
    if booking is not None:
        context["may_cancel"] = booking.state in (BookingState.BOOKED, BookingState.WAITING)
        context["may_give_feedback"] = booking.state == BookingState.ATTENDED and booking.feedback_at is None
        context["feedback_form"] = feedback_form or forms.FeedbackForm()
    return render(request, "hall/public_booking.html", context)
