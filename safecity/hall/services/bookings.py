"""A group's booking, from the public page to the visit (domain-rules §7d).

1. :func:`booking_request`: the group chooses a session and gives its details; everything is
   checked, a 6-digit code is sent to the contact phone (``sms.py``); nothing is booked yet.
2. :func:`booking_confirm`: the right code (a few tries, a few minutes) books: the session row is
   locked (``select_for_update``; SQLite serialises write transactions) and its booked people
   counted, so its capacity is never exceeded by simultaneous bookings. A group that does not fit
   is refused in words, or put on the waiting list when it asked for that.
3. :func:`booking_cancel`: the group (at least a day ahead) or the staff cancel; the waiting list
   moves up in the order the groups booked, each group that now fits is booked and told.
4. :func:`booking_check_in`: on the day, the staff count the heads (and a school class's guardians)
   by the booking code; :func:`booking_feedback`: the group's rating and comment, once.

Each refusal is a :class:`HallError` in words and leaves nothing written (but a wrong code's
attempt, which is counted so the tries stay limited).
"""

from __future__ import annotations

import hashlib
import hmac
import random
import re
import secrets
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from safecity.core.scoping import require
from safecity.hall import rules, sms
from safecity.hall.choices import BookingState, GroupType, SessionState
from safecity.hall.models import Booking, HallSession, PhoneVerification
from safecity.hall.services.common import HallError, moment, today

PHONE = re.compile(r"^1[3-9]\d{9}$")
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read out on the phone
CODE_TRIES = 5


@dataclass(frozen=True)
class GroupDetails:
    """What a group says about itself on the booking page."""

    group_type: str
    group_name: str
    people: int
    contact_name: str
    contact_phone: str
    wait_if_full: bool = False

    def as_json(self) -> dict[str, Any]:
        return {
            "group_type": self.group_type,
            "group_name": self.group_name,
            "people": self.people,
            "contact_name": self.contact_name,
            "contact_phone": self.contact_phone,
            "wait_if_full": self.wait_if_full,
        }


def booked_people(session: HallSession) -> int:
    return int(
        Booking.objects.filter(session=session, state__in=[BookingState.BOOKED, BookingState.ATTENDED]).aggregate(
            n=Sum("people")
        )["n"]
        or 0
    )


def _check(session: HallSession, details: GroupDetails, day: date) -> None:
    """Every rule on a new booking but the room left (that one is counted under the lock)."""
    errors: dict[str, str] = {}
    if session.state != SessionState.OPEN:
        errors["session"] = _("This session is cancelled; please choose another.")
    elif session.date <= day:
        errors["session"] = _("This session has already taken place or is today; please choose a later one.")
    elif session.date < rules.earliest_bookable(day):
        errors["session"] = _(
            "Sessions are booked at least %(n)d working days ahead: the earliest you can book now is %(day)s."
        ) % {"n": rules.book_ahead_working_days(), "day": rules.earliest_bookable(day).isoformat()}
    if details.group_type not in GroupType.values:
        errors["group_type"] = _("Choose what kind of group you are.")
    if not details.group_name.strip():
        errors["group_name"] = _("Give the name of your group (school and class, village, company or community).")
    if not rules.group_min() <= details.people <= rules.group_max():
        errors["people"] = _("A group is %(min)d to %(max)d people; you gave %(n)d.") % {
            "min": rules.group_min(),
            "max": rules.group_max(),
            "n": details.people,
        }
    if not details.contact_name.strip():
        errors["contact_name"] = _("Give the name of the contact person.")
    if not PHONE.match(details.contact_phone.strip()):
        errors["contact_phone"] = _("Give a mobile phone number of 11 digits: the code is sent to it.")
    if errors:
        raise HallError(errors)
    if details.people > session.capacity:
        raise HallError({"people": _("The session holds %(n)d people at most.") % {"n": session.capacity}}, code="full")


def _check_phone(session: HallSession, phone: str, day: date) -> None:
    """One phone: one booked or waiting booking per session, and a few upcoming ones in all
    (``SAFECITY_HALL_ACTIVE_PER_PHONE``), so one number cannot hold the hall's sessions."""
    active = Booking.objects.filter(
        contact_phone=phone, state__in=[BookingState.BOOKED, BookingState.WAITING], session__date__gte=day
    )
    if active.filter(session=session).exists():
        raise HallError(
            {"contact_phone": _("This phone already has a booking for this session; cancel it first to book again.")},
            code="conflict",
        )
    if active.count() >= rules.active_per_phone():
        raise HallError(
            {
                "contact_phone": _(
                    "This phone already has %(n)d upcoming bookings, the most one phone may hold; "
                    "please wait until one has taken place, or cancel one."
                )
                % {"n": rules.active_per_phone()}
            },
            code="conflict",
        )


def _check_codes_sent(phone: str) -> None:
    """Verification codes sent to one phone: a few a minute and an hour, so the page cannot be used
    to flood someone's phone (``SAFECITY_HALL_CODES_PER_MINUTE`` / ``_PER_HOUR``)."""
    now = timezone.now()
    sent = PhoneVerification.objects.filter(phone=phone)
    if sent.filter(created_at__gt=now - timedelta(minutes=1)).count() >= rules.codes_per_minute():
        raise HallError({"contact_phone": _("A code was just sent to this phone; please wait a minute before asking again.")})
    if sent.filter(created_at__gt=now - timedelta(hours=1)).count() >= rules.codes_per_hour():
        raise HallError(
            {
                "contact_phone": _("%(n)d codes were sent to this phone within the hour; please try again later.")
                % {"n": rules.codes_per_hour()}
            }
        )


def _code_hash(token: str, code: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), f"{token}:{code}".encode(), hashlib.sha256).hexdigest()


@transaction.atomic
def booking_request(*, session: HallSession, details: GroupDetails, on: date | None = None) -> PhoneVerification:
    """Check the group's booking and send a verification code to its contact phone (after commit).
    A session already too full is said now (unless the group would wait), not after the code."""
    day = on or today()
    details = GroupDetails(**{**details.as_json(), "contact_phone": details.contact_phone.strip()})
    _check(session, details, day)
    if not sms.available():
        raise HallError(
            _(
                "Text messages cannot be sent now, so the phone cannot be confirmed; please book by phone with the hall (%(phone)s)."
            )
            % {"phone": session.hall.contact_phone or session.hall.name},
            code="conflict",
        )
    _check_phone(session, details.contact_phone, day)
    if not details.wait_if_full and booked_people(session) + details.people > session.capacity:
        raise HallError(_full_message(session), code="full")
    _check_codes_sent(details.contact_phone)
    code = f"{secrets.randbelow(10**6):06d}"
    token = secrets.token_urlsafe(24)
    verification = PhoneVerification.objects.create(
        token=token,
        phone=details.contact_phone,
        code_hash=_code_hash(token, code),
        details={"session": session.pk, **details.as_json()},
        expires_at=timezone.now() + timedelta(minutes=rules.code_minutes()),
    )
    sms.send_text(
        details.contact_phone,
        _("%(hall)s booking: your verification code is %(code)s (valid %(minutes)d minutes).")
        % {"hall": session.hall.name, "code": code, "minutes": rules.code_minutes()},
    )
    return verification


def _full_message(session: HallSession) -> str:
    left = max(0, session.capacity - booked_people(session))
    return _(
        "The session has room for %(left)d more people only. Choose another session, or ask to be put on its waiting list."
    ) % {"left": left}


def booking_confirm(*, token: str, code: str, rng: random.Random | None = None) -> Booking:
    """Book with the code sent to the phone. A wrong code counts a try (kept even though the
    booking is refused); after the last try, or after the code expired, the group starts again."""
    with transaction.atomic():
        verification = PhoneVerification.objects.select_for_update().filter(token=token).first()
        if verification is None or verification.used_at is not None:
            raise HallError(_("This booking request is unknown or already used; please start again."), code="conflict")
        if verification.attempts >= rules.code_attempts():
            raise HallError(_("Too many wrong codes: please start the booking again."), code="locked")
        if verification.expires_at < timezone.now():
            raise HallError(_("The code has expired: please start the booking again."), code="locked")
        right = hmac.compare_digest(verification.code_hash, _code_hash(token, code.strip()))
        if not right:
            verification.attempts += 1
            verification.save(update_fields=["attempts"])
            left = rules.code_attempts() - verification.attempts
    if not right:
        if left <= 0:
            raise HallError(_("Too many wrong codes: please start the booking again."), code="locked")
        raise HallError({"code": _("The code is not right; %(n)d tries left.") % {"n": left}})
    with transaction.atomic():
        verification = PhoneVerification.objects.select_for_update().get(pk=verification.pk)
        if verification.used_at is not None:
            raise HallError(_("This booking request is unknown or already used; please start again."), code="conflict")
        data = dict(verification.details)
        session = HallSession.objects.get(pk=data.pop("session"))
        booking = booking_create(session=session, details=GroupDetails(**data), rng=rng)
        verification.used_at = timezone.now()
        verification.save(update_fields=["used_at"])
    return booking


def _new_code(rng: random.Random | None) -> str:
    for _attempt in range(20):
        if rng is not None:
            code = "".join(rng.choice(CODE_ALPHABET) for _n in range(8))
        else:
            code = "".join(secrets.choice(CODE_ALPHABET) for _n in range(8))
        if not Booking.objects.filter(code=code).exists():
            return code
    raise HallError(_("No booking code could be given just now; please try again."), code="conflict")


@transaction.atomic
def booking_create(
    *, session: HallSession, details: GroupDetails, rng: random.Random | None = None, on: date | None = None
) -> Booking:
    """Book ``session`` for the group (its phone confirmed, or the demo's past). The session row is
    locked while its booked people are counted: simultaneous bookings are served one after the
    other and never exceed the capacity."""
    day = on or today()
    locked = HallSession.objects.select_for_update().select_related("hall").get(pk=session.pk)
    _check(locked, details, day)
    _check_phone(locked, details.contact_phone.strip(), day)
    fits = booked_people(locked) + details.people <= locked.capacity
    if not fits and not details.wait_if_full:
        raise HallError(_full_message(locked), code="full")
    booking = Booking(
        session=locked,
        hall=locked.hall,
        code=_new_code(rng),
        state=BookingState.BOOKED if fits else BookingState.WAITING,
        group_type=details.group_type,
        group_name=details.group_name.strip(),
        people=details.people,
        contact_name=details.contact_name.strip(),
        contact_phone=details.contact_phone.strip(),
        booked_at=moment(on, 9),
    )
    booking.full_clean()
    for _attempt in range(CODE_TRIES):
        try:
            # A savepoint: a code taken by a simultaneous booking between the check and the insert
            # is drawn again instead of failing the transaction.
            with transaction.atomic():
                booking.save()
            break
        except IntegrityError:
            booking.pk = None
            booking.code = _new_code(rng)
    else:
        raise HallError(_("No booking code could be given just now; please try again."), code="conflict")
    if fits:
        text = _("%(hall)s: %(group)s is booked for %(day)s %(time)s, %(n)d people. Booking code %(code)s.")
    else:
        text = _("%(hall)s: %(group)s is on the waiting list for %(day)s %(time)s, %(n)d people. Booking code %(code)s.")
    sms.send_text(booking.contact_phone, text % _message_values(booking))
    return booking


def _message_values(booking: Booking) -> dict[str, Any]:
    session = booking.session
    return {
        "hall": session.hall.name,
        "group": booking.group_name,
        "day": session.date.isoformat(),
        "time": session.starts_at.strftime("%H:%M"),
        "n": booking.people,
        "code": booking.code,
    }


def _promote(session: HallSession, *, on: date | None) -> list[Booking]:
    """Move the waiting list up: in the order they booked, each waiting group that now fits is booked."""
    room = session.capacity - booked_people(session)
    moved = []
    for waiting in (
        Booking.objects.select_for_update().filter(session=session, state=BookingState.WAITING).order_by("booked_at", "id")
    ):
        if waiting.people <= room:
            waiting.state = BookingState.BOOKED
            waiting.save()
            room -= waiting.people
            moved.append(waiting)
            sms.send_text(
                waiting.contact_phone,
                _("%(hall)s: a place is free, %(group)s is now booked for %(day)s %(time)s. Booking code %(code)s.")
                % _message_values(waiting),
            )
    return moved


@transaction.atomic
def booking_cancel(*, actor: Any, booking: Booking, reason: str = "", phone: str = "", on: date | None = None) -> Booking:
    """Cancel a booking (or leave the waiting list). The group (``actor`` None, its phone given)
    cancels at least ``SAFECITY_HALL_CANCEL_AHEAD_DAYS`` day ahead; the hall's staff at any time
    before the session, with the reason. The waiting list moves up."""
    session = HallSession.objects.select_for_update().select_related("hall").get(pk=booking.session_id)
    locked = Booking.objects.select_for_update().get(pk=booking.pk)
    day = on or today()
    if actor is None:
        if locked.contact_phone != phone.strip():
            raise HallError({"phone": _("The phone number is not the one this booking was made with.")})
        if (session.date - day).days < rules.cancel_ahead_days():
            raise HallError(
                _("A booking is cancelled at least %(n)d day before the session; please call the hall.")
                % {"n": rules.cancel_ahead_days()},
                code="conflict",
            )
    else:
        require(actor, locked)
        if not reason.strip():
            raise HallError({"reason": _("Say why the booking is cancelled: the group reads it.")})
        if session.date < day:
            raise HallError(_("The session has taken place."), code="conflict")
    if locked.state not in (BookingState.BOOKED, BookingState.WAITING):
        raise HallError(
            _("The booking is “%(state)s”: it cannot be cancelled.") % {"state": locked.get_state_display()}, code="conflict"
        )
    locked.state = BookingState.CANCELLED
    locked.cancelled_at = moment(on)
    locked.cancel_reason = reason.strip()
    locked.save()
    if actor is not None:
        sms.send_text(
            locked.contact_phone,
            _("%(hall)s: booking %(code)s for %(day)s is cancelled by the hall (%(reason)s).")
            % {**_message_values(locked), "reason": locked.cancel_reason},
        )
    _promote(session, on=on)
    return locked


@transaction.atomic
def booking_check_in(
    *, actor: Any, hall: Any, code: str, arrived: int, guardians: int | None = None, on: date | None = None
) -> Booking:
    """Check a group in by its booking code on the day of its session: the heads counted on arrival
    and, for a school class, how many of them are guardians of the minors. Once per booking."""
    code = code.strip().upper()
    locked = Booking.objects.select_for_update().select_related("session").filter(hall=hall, code=code).first()
    if locked is None:
        raise HallError({"code": _("No booking of this hall has the code %(code)s.") % {"code": code or "—"}})
    if actor is not None:
        require(actor, locked)
    day = on or today()
    if locked.state == BookingState.ATTENDED:
        checked = timezone.localtime(locked.checked_in_at) if locked.checked_in_at else None
        raise HallError(
            _("This group was already checked in at %(time)s.")
            % {"time": checked.strftime("%Y-%m-%d %H:%M") if checked else "—"},
            code="conflict",
        )
    if locked.state != BookingState.BOOKED:
        raise HallError(
            _("The booking is “%(state)s”: the group cannot be checked in.") % {"state": locked.get_state_display()},
            code="conflict",
        )
    if locked.session.date != day:
        raise HallError(_("This booking is for %(day)s, not today.") % {"day": locked.session.date.isoformat()}, code="conflict")
    errors: dict[str, str] = {}
    if arrived < 1:
        errors["arrived"] = _("Count the people who arrived.")
    if locked.group_type == GroupType.SCHOOL:
        if guardians is None:
            errors["guardians"] = _("A school class comes with guardians: give their number (among the people arrived).")
        elif guardians > arrived:
            errors["guardians"] = _("The guardians are counted among the people arrived.")
    if errors:
        raise HallError(errors)
    locked.state = BookingState.ATTENDED
    locked.arrived = arrived
    locked.guardians = guardians if locked.group_type == GroupType.SCHOOL else (guardians or None)
    locked.checked_in_at = moment(on, locked.session.starts_at.hour)
    locked.full_clean()
    locked.save()
    return locked


@transaction.atomic
def booking_feedback(*, booking: Booking, rating: int, comment: str = "", on: date | None = None) -> Booking:
    """The group's feedback after its visit: a rating 1-5 and a short comment, once."""
    locked = Booking.objects.select_for_update().get(pk=booking.pk)
    if locked.state != BookingState.ATTENDED:
        raise HallError(_("Feedback is given after the visit."), code="conflict")
    if locked.feedback_at is not None:
        raise HallError(_("Thank you: this visit's feedback was already given."), code="conflict")
    if not 1 <= rating <= 5:
        raise HallError({"rating": _("A rating is a whole number from 1 to 5.")})
    locked.rating = rating
    locked.feedback = comment.strip()[:2000]
    locked.feedback_at = moment(on, 16)
    locked.save()
    return locked
