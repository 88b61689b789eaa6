"""The hall staff's sessions (domain-rules §7d: weekday morning and afternoon sessions): create one,
generate a month of them, cancel one (its bookings are cancelled and told by text message).

Only the hall's own staff (``hall_staff`` of the hall) or a city administrator write; the check is
:func:`safecity.core.scoping.require_target` on the row as it will be stored."""

from __future__ import annotations

import calendar as month_calendar
from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from safecity.core.calendar import working_calendar
from safecity.core.choices import OrganisationKind
from safecity.core.models import Organisation
from safecity.core.scoping import require, require_target
from safecity.hall import rules, sms
from safecity.hall.choices import BookingState, Period, SessionState
from safecity.hall.models import Booking, HallSession
from safecity.hall.services.common import HallError, moment, today


def _check_hall(hall: Organisation) -> None:
    if hall.kind != OrganisationKind.EXPERIENCE_HALL:
        raise HallError({"hall": _("%(name)s is not an experience hall.") % {"name": hall.name}})


def _new_session(*, hall: Organisation, day: date, period: str, capacity: int | None, guide: str, exhibits: str) -> HallSession:
    starts, ends = rules.period_times(period)
    return HallSession(
        hall=hall,
        date=day,
        period=period,
        starts_at=starts,
        ends_at=ends,
        capacity=capacity or rules.default_capacity(),
        guide=guide.strip(),
        exhibits=exhibits.strip(),
    )


@transaction.atomic
def session_create(
    *,
    actor: Any,
    hall: Organisation,
    day: date,
    period: str,
    capacity: int | None = None,
    guide: str = "",
    exhibits: str = "",
    on: date | None = None,
) -> HallSession:
    """Open one session: a working day (not a weekend or public holiday), not in the past, a
    morning or an afternoon the hall has no open session in yet."""
    _check_hall(hall)
    errors: dict[str, str] = {}
    if day < (on or today()):
        errors["day"] = _("A session cannot be in the past.")
    elif not working_calendar().is_working(day):
        errors["day"] = _("Sessions are held on working days only (not at weekends or on public holidays).")
    if period not in Period.values:
        errors["period"] = _("Choose the morning or the afternoon.")
    if capacity is not None and capacity < rules.group_min():
        errors["capacity"] = _("A session holds at least one group of %(n)d people.") % {"n": rules.group_min()}
    if errors:
        raise HallError(errors)
    if HallSession.objects.filter(hall=hall, date=day, period=period, state=SessionState.OPEN).exists():
        raise HallError({"day": _("The hall already has a session in this period.")})
    session = _new_session(hall=hall, day=day, period=period, capacity=capacity, guide=guide, exhibits=exhibits)
    session.full_clean()
    if actor is not None:
        require_target(actor, session)
    _save(session)
    return session


def _save(session: HallSession) -> None:
    """Store a new session; a simultaneous request that opened the same period first (the database's
    one-open-session constraint) is refused in words, not with a server error."""
    try:
        with transaction.atomic():
            session.save()
    except IntegrityError as error:
        raise HallError(
            {
                "day": _("The hall already has a session on %(day)s in the %(period)s (opened just now).")
                % {"day": session.date.isoformat(), "period": session.get_period_display()}
            },
            code="conflict",
        ) from error


@transaction.atomic
def sessions_generate_month(
    *,
    actor: Any,
    hall: Organisation,
    year: int,
    month: int,
    capacity: int | None = None,
    guide: str = "",
    exhibits: str = "",
    on: date | None = None,
) -> list[HallSession]:
    """A morning and an afternoon session on every working day of the month from today on, except
    where the hall already has one. Returns the sessions made (none: nothing to add)."""
    _check_hall(hall)
    if not 1 <= month <= 12 or not 2000 <= year <= 2100:
        raise HallError({"month": _("Choose a month.")})
    if capacity is not None and capacity < rules.group_min():
        raise HallError({"capacity": _("A session holds at least one group of %(n)d people.") % {"n": rules.group_min()}})
    first = max(date(year, month, 1), on or today())
    last = date(year, month, month_calendar.monthrange(year, month)[1])
    if first > last:
        raise HallError({"month": _("This month is over.")})
    taken = set(
        HallSession.objects.filter(hall=hall, date__range=(first, last), state=SessionState.OPEN).values_list("date", "period")
    )
    made: list[HallSession] = []
    for day in working_calendar().working_days(first, last):
        for period in Period.values:
            if (day, period) in taken:
                continue
            session = _new_session(hall=hall, day=day, period=period, capacity=capacity, guide=guide, exhibits=exhibits)
            if actor is not None and not made:
                require_target(actor, session)
            made.append(session)
    for session in made:
        session.full_clean(validate_constraints=False)
        _save(session)
    return made


@transaction.atomic
def session_cancel(*, actor: Any, session: HallSession, reason: str, on: date | None = None) -> HallSession:
    """Cancel a session: every booking on it (and on its waiting list) is cancelled and its contact
    told by text message. The reason is required: the groups read it."""
    locked = HallSession.objects.select_for_update().select_related("hall").get(pk=session.pk)
    if actor is not None:
        require(actor, locked)
    reason = reason.strip()
    if not reason:
        raise HallError({"reason": _("Say why the session is cancelled: the groups booked will read it.")})
    if locked.state == SessionState.CANCELLED:
        raise HallError(_("This session is already cancelled."), code="conflict")
    if locked.date < (on or today()):
        raise HallError(_("A session that has taken place cannot be cancelled."), code="conflict")
    locked.state = SessionState.CANCELLED
    locked.cancel_reason = reason
    locked.full_clean(validate_constraints=False)
    locked.save()
    when = moment(on)
    for booking in Booking.objects.select_for_update().filter(
        session=locked, state__in=[BookingState.BOOKED, BookingState.WAITING]
    ):
        booking.state = BookingState.CANCELLED
        booking.cancelled_at = when
        booking.cancel_reason = reason
        booking.save()
        sms.send_text(
            booking.contact_phone,
            _(
                "%(hall)s: the session of %(day)s %(period)s is cancelled (%(reason)s). Your booking %(code)s is cancelled; please book another session."
            )
            % {
                "hall": locked.hall.name,
                "day": locked.date.isoformat(),
                "period": locked.get_period_display(),
                "reason": reason,
                "code": booking.code,
            },
        )
    return locked
