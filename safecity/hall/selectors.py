"""Every read of the hall a user sees. Staff and officials read through the scoping
(``core.scoping.scoped``): the hall's staff their hall, the officials the halls of their region.
A citizen reads one booking, found by its code together with the phone it was made with; the
public page lists the sessions open for booking (no one's bookings)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Q, QuerySet, Sum
from django.http import Http404

from safecity.core.choices import OrganisationKind
from safecity.core.ids import id_or_none
from safecity.core.models import Organisation
from safecity.core.scoping import principal_for, scoped
from safecity.hall import rules
from safecity.hall.choices import BookingState, SessionState
from safecity.hall.models import STAFF_ROLES, VIEW_ROLES, Booking, HallSession


def sees_hall(user: Any) -> bool:
    principal = principal_for(user)
    return principal.is_superuser or bool(principal.roles & VIEW_ROLES)


def is_staff(user: Any) -> bool:
    principal = principal_for(user)
    return principal.is_superuser or bool(principal.roles & STAFF_ROLES)


def halls_of(user: Any) -> QuerySet[Organisation]:
    """The halls whose sessions the user keeps (staff: their hall; a superuser: all)."""
    principal = principal_for(user)
    halls = Organisation.objects.filter(kind=OrganisationKind.EXPERIENCE_HALL, is_active=True)
    if principal.is_superuser:
        return halls.order_by("name")
    ids = {g.organisation_id for g in principal.grants if g.role in STAFF_ROLES}
    return halls.filter(pk__in=ids).order_by("name")


def _with_counts(queryset: QuerySet[HallSession]) -> QuerySet[HallSession]:
    return queryset.select_related("hall").annotate(
        booked=Sum("bookings__people", filter=Q(bookings__state__in=[BookingState.BOOKED, BookingState.ATTENDED])),
        waiting=Sum("bookings__people", filter=Q(bookings__state=BookingState.WAITING)),
    )


def session_list(*, user: Any, start: date | None = None, end: date | None = None) -> QuerySet[HallSession]:
    sessions = scoped(HallSession, user)
    if start:
        sessions = sessions.filter(date__gte=start)
    if end:
        sessions = sessions.filter(date__lte=end)
    return _with_counts(sessions).order_by("date", "starts_at", "id")


def session_get(*, user: Any, pk: Any) -> HallSession:
    pk = id_or_none(pk)
    session = session_list(user=user).filter(pk=pk).first() if pk is not None else None
    if session is None:
        raise Http404
    return session


def session_bookings(*, user: Any, session: HallSession) -> QuerySet[Booking]:
    return scoped(Booking, user).filter(session=session).order_by("state", "booked_at", "id")


def booking_list(*, user: Any) -> QuerySet[Booking]:
    return scoped(Booking, user).select_related("session", "hall").order_by("-session__date", "booked_at", "id")


def booking_get(*, user: Any, pk: Any) -> Booking:
    pk = id_or_none(pk)
    booking = booking_list(user=user).filter(pk=pk).first() if pk is not None else None
    if booking is None:
        raise Http404
    return booking


def public_sessions(*, today: date) -> QuerySet[HallSession]:
    """The open sessions a group may book now (3 working days ahead and later), with the room left."""
    return _with_counts(HallSession.objects.filter(state=SessionState.OPEN, date__gte=rules.earliest_bookable(today))).order_by(
        "date", "starts_at", "hall__name"
    )


def public_session(*, pk: Any, today: date) -> HallSession:
    """An open session by its id, also one no longer bookable (an old link): the booking service
    then says in words why it cannot be booked, rather than a page not found."""
    pk = id_or_none(pk)
    open_sessions = _with_counts(HallSession.objects.filter(state=SessionState.OPEN))
    session = open_sessions.filter(pk=pk).first() if pk is not None else None
    if session is None:
        raise Http404
    return session


def public_booking(*, code: str, phone: str) -> Booking | None:
    """A citizen's own booking: the code and the phone it was made with, both right."""
    code = (code or "").strip().upper()
    phone = (phone or "").strip()
    if not code or not phone:
        return None
    return Booking.objects.select_related("session", "hall").filter(code=code, contact_phone=phone).first()


def public_booking_by_code(*, code: str) -> Booking | None:
    """The booking just made in this browser (its code kept in the browser's session)."""
    return Booking.objects.select_related("session", "hall").filter(code=code).first()
