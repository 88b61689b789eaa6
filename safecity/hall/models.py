"""The public-safety experience hall (公共安全体验馆, issue 17 part 2, domain-rules §7d).

The hall runs weekday morning and afternoon sessions (:class:`HallSession`: date, time, capacity,
guide, the exhibits covered). Groups (a school class, a village, an enterprise's staff, a
community) book a session from a public page without an account: the number of people, a contact
phone confirmed by a code sent to it (:class:`PhoneVerification`), and get a booking code
(:class:`Booking`). The booked people of a session never exceed its capacity (the session row is
locked while booking); a group that does not fit may wait, and moves up when a booking is
cancelled. On the day the staff check the group in by its code (heads counted, guardians of a
school class recorded); the group leaves a short feedback form by its code.

Rows are written by the services only (``services/``); every model is audited and scoped by the
hall: its own staff (ORGANISATION reach), the officials over its region (who count the figures).
Citizens never reach rows through scoping: the public pages find one booking by its code and phone.
"""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from safecity.core.models.base import AuditedModel
from safecity.core.scoping import ScopeRule
from safecity.hall.choices import BookingState, GroupType, Period, SessionState

STAFF_ROLES = frozenset({"hall_staff"})
OFFICIAL_ROLES = frozenset({"city_admin", "city_official", "district_official"})
VIEW_ROLES = STAFF_ROLES | OFFICIAL_ROLES


def _scope(prefix: str = "") -> ScopeRule:
    return ScopeRule(
        region_path=f"{prefix}hall__region__path",
        organisation=f"{prefix}hall",
        change_roles=frozenset({"city_admin"}),
        organisation_change_roles=STAFF_ROLES,
        view_roles=VIEW_ROLES,
    )


class HallSession(AuditedModel):
    """One session of the hall: a weekday morning or afternoon with its capacity in people.

    Invariants (database): one open session per hall, day and period; capacity at least 1. The
    booked people never exceed the capacity (checked under the row lock by the booking service).
    """

    hall = models.ForeignKey("core.Organisation", verbose_name=_("hall"), on_delete=models.PROTECT, related_name="+")
    date = models.DateField(_("date"))
    period = models.CharField(_("period"), max_length=16, choices=Period.choices)
    starts_at = models.TimeField(_("starts at"))
    ends_at = models.TimeField(_("ends at"))
    capacity = models.PositiveIntegerField(_("capacity (people)"), validators=[MinValueValidator(1)])
    guide = models.CharField(_("guide"), max_length=100, blank=True)
    exhibits = models.TextField(_("exhibits covered"), blank=True)
    state = models.CharField(_("state"), max_length=16, choices=SessionState.choices, default=SessionState.OPEN)
    cancel_reason = models.TextField(_("why cancelled"), blank=True)

    scope_rule = _scope()

    class Meta:
        ordering = ["date", "starts_at", "id"]
        verbose_name = _("hall session")
        verbose_name_plural = _("hall sessions")
        constraints = [
            models.UniqueConstraint(
                fields=["hall", "date", "period"],
                condition=Q(state="open"),
                name="hall_session_one_open_per_period",
                violation_error_message=_("The hall already has a session in this period."),
            ),
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")),
                name="hall_session_ends_after_start",
                violation_error_message=_("A session ends after it starts."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.get_period_display()}"


class Booking(AuditedModel):
    """One group's booking of a session, found by its code.

    ``state``: booked (counts against the capacity), waiting (asked to wait, in order of booking),
    cancelled, visited (checked in). ``arrived``/``guardians``: heads counted on arrival, of them
    the guardians of a school class's minors. Feedback: a rating 1-5 and a comment, once.
    """

    session = models.ForeignKey(HallSession, verbose_name=_("session"), on_delete=models.PROTECT, related_name="bookings")
    hall = models.ForeignKey("core.Organisation", verbose_name=_("hall"), on_delete=models.PROTECT, related_name="+")
    code = models.CharField(_("booking code"), max_length=12, unique=True)
    state = models.CharField(_("state"), max_length=16, choices=BookingState.choices, default=BookingState.BOOKED)
    group_type = models.CharField(_("group type"), max_length=16, choices=GroupType.choices)
    group_name = models.CharField(_("group"), max_length=200)
    people = models.PositiveIntegerField(_("number of people"))
    contact_name = models.CharField(_("contact person"), max_length=100)
    contact_phone = models.CharField(_("contact phone"), max_length=20)
    booked_at = models.DateTimeField(_("booked at"))
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancel_reason = models.TextField(_("why cancelled"), blank=True)
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    arrived = models.PositiveIntegerField(_("people arrived"), null=True, blank=True)
    guardians = models.PositiveIntegerField(_("guardians"), null=True, blank=True)
    rating = models.PositiveSmallIntegerField(
        _("rating"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    feedback = models.TextField(_("feedback"), blank=True)
    feedback_at = models.DateTimeField(_("feedback given at"), null=True, blank=True)

    scope_rule = _scope()

    class Meta:
        ordering = ["session__date", "booked_at", "id"]
        verbose_name = _("hall booking")
        verbose_name_plural = _("hall bookings")
        indexes = [models.Index(fields=["session", "state"], name="hall_booking_session_state")]
        constraints = [
            models.CheckConstraint(
                condition=Q(guardians__isnull=True) | Q(arrived__isnull=False, guardians__lte=models.F("arrived")),
                name="hall_booking_guardians_within_arrived",
                violation_error_message=_("The guardians are counted among the people arrived."),
            ),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5),
                name="hall_booking_rating_range",
                violation_error_message=_("A rating is a whole number from 1 to 5."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.group_name} · {self.session}"

    @property
    def pupils(self) -> int:
        if self.group_type != GroupType.SCHOOL or self.arrived is None:
            return 0
        return self.arrived - (self.guardians or 0)


class PhoneVerification(models.Model):
    """A booking waiting for its phone to be confirmed: the group's details and the code sent.

    The code is kept as a keyed hash, never in clear; it allows a few tries
    (``SAFECITY_HALL_CODE_ATTEMPTS``) within a few minutes, and is used once. Found by its random
    ``token`` (the public page's address), not by its id."""

    token = models.CharField(max_length=64, unique=True)
    phone = models.CharField(_("contact phone"), max_length=20, db_index=True)
    code_hash = models.CharField(max_length=128)
    details = models.JSONField(default=dict)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    # Only the public flow reads these rows, by token; no one sees them in lists.
    scope_rule = ScopeRule(change_roles=frozenset())

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("phone verification")
        verbose_name_plural = _("phone verifications")

    def __str__(self) -> str:
        return self.token[:8]


class TextMessage(models.Model):
    """A text message the hall sent: the development backend's outbox (read by tests and the demo),
    or a message for the SMS gateway with its state (pending, sent, failed and retried).
    Deleted after ``SAFECITY_HALL_KEEP_DAYS`` (personal data: a phone and a code)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting to be sent")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")

    phone = models.CharField(_("phone"), max_length=20)
    text = models.TextField(_("text"))
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True, db_index=True)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.SENT)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    error = models.CharField(_("error"), max_length=300, blank=True)

    scope_rule = ScopeRule(change_roles=frozenset())

    class Meta:
        ordering = ["-sent_at", "-id"]
        verbose_name = _("text message")
        verbose_name_plural = _("text messages")

    def __str__(self) -> str:
        from safecity.hall.sms import mask

        # Masked: the string is what lists and the audit trail show.
        return mask(self.phone)


class RequestCount(models.Model):
    """Public requests counted per IP and hour (``ratelimit.py``): in the database, so every web
    worker counts against the same allowance. Old windows are dropped as new ones start."""

    key = models.CharField(max_length=120)
    window = models.BigIntegerField()
    count = models.PositiveIntegerField(default=0)

    scope_rule = ScopeRule(change_roles=frozenset())

    class Meta:
        verbose_name = _("public request count")
        verbose_name_plural = _("public request counts")
        constraints = [models.UniqueConstraint(fields=["key", "window"], name="hall_request_count_unique")]

    def __str__(self) -> str:
        return f"{self.key}@{self.window}"
