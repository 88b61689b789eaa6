"""Citizens' hazard reports (随手拍, issue 17 part 3).

Anyone, without an account, reports a hazard they saw: a point on the map inside the city, a
description, photos, optionally a phone number for feedback. The report is placed in the district
its point lies in (``geo.py``) and triaged there by the district's officials and inspectors:
dismissed with a reason, merged with a hidden hazard already known, or recorded as a new hidden
hazard of the enterprise or place responsible (``hazards.services.hazard_report``). The citizen
follows it by its receipt code.

Privacy: the photos are re-encoded without their EXIF (which carries the phone's location and
identity) before they are stored; the reporter's phone is shown only to those who may triage the
report (``selectors.phone_visible``), never in lists, exports or the API for others, and is masked
in the audit trail (``apps.py``). The reporter's address is kept only as a keyed digest, for the
rate limit.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from safecity.citizenreports.choices import ReportAction, ReportState
from safecity.citizenreports.transitions import TRIAGE_ROLES
from safecity.core.models.base import AuditedModel
from safecity.core.scoping import ScopeRule

# City-wide officials read the reports (and count them); the district's people triage them.
VIEW_ROLES = TRIAGE_ROLES | frozenset({"city_admin", "city_official"})

# Receipt codes: no 0/O, 1/I to misread; 12 characters, about 60 bits, shown as XXXX-XXXX-XXXX.
RECEIPT_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
RECEIPT_LENGTH = 12


def receipt_code_new() -> str:
    return "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(RECEIPT_LENGTH))


def receipt_normalise(code: str) -> str:
    """What a citizen typed (lower case, dashes, spaces) as the stored code."""
    return "".join(c for c in (code or "").upper() if c.isalnum())[:32]


def _scope(prefix: str = "") -> ScopeRule:
    return ScopeRule(
        region_path=f"{prefix}district__path",
        change_roles=TRIAGE_ROLES,
        view_roles=VIEW_ROLES,
    )


REPORT_SCOPE = _scope()


class CitizenReport(AuditedModel):
    """One citizen's report of a hazard at one point in the city.

    Invariants (database): the point is a latitude and longitude; a dismissed report has its reason;
    a merged or recorded report names its hidden hazard; the receipt code is unique. Written only by
    ``services`` (submit, then one triage step)."""

    receipt_code = models.CharField(_("receipt code"), max_length=32, unique=True, editable=False)
    district = models.ForeignKey(
        "core.Region", verbose_name=_("district"), on_delete=models.PROTECT, related_name="citizen_reports"
    )
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6)
    place = models.CharField(_("where exactly"), max_length=200, blank=True)
    description = models.TextField(_("what the citizen saw"))
    reporter_phone = models.CharField(_("reporter's phone"), max_length=20, blank=True)
    submitted_at = models.DateTimeField(_("reported at"))
    address_digest = models.CharField(_("sender digest"), max_length=64, blank=True, editable=False)
    state = models.CharField(_("state"), max_length=16, choices=ReportState.choices, default=ReportState.RECEIVED)
    triaged_at = models.DateTimeField(_("triaged at"), null=True, blank=True)
    triaged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("triaged by"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    dismiss_reason = models.TextField(_("why dismissed"), blank=True)
    hazard = models.ForeignKey(
        "hazards.HiddenHazard",
        verbose_name=_("hidden hazard"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="citizen_reports",
    )

    scope_rule = REPORT_SCOPE

    class Meta:
        ordering = ["-submitted_at", "-id"]
        verbose_name = _("citizen's hazard report")
        verbose_name_plural = _("citizens' hazard reports")
        indexes = [
            models.Index(fields=["state", "-submitted_at"], name="citizenrep_state_submitted"),
            models.Index(fields=["address_digest", "submitted_at"], name="citizenrep_sender_time"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(state=ReportState.DISMISSED) | ~Q(dismiss_reason=""),
                name="citizenreports_dismissed_has_reason",
                violation_error_message=_("A dismissed report says why."),
            ),
            models.CheckConstraint(
                condition=~Q(state__in=[ReportState.MERGED, ReportState.HAZARD]) | Q(hazard__isnull=False),
                name="citizenreports_outcome_has_hazard",
                violation_error_message=_("A merged or recorded report names its hidden hazard."),
            ),
            models.CheckConstraint(
                condition=Q(latitude__gte=-90, latitude__lte=90) & Q(longitude__gte=-180, longitude__lte=180),
                name="citizenreports_point_range",
                violation_error_message=_("The point is not a place on Earth."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.receipt_display} · {self.district.name}"

    @property
    def receipt_display(self) -> str:
        code = self.receipt_code
        return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def photo_path(instance: ReportPhoto, filename: str) -> str:
    # A random name: the citizen's own file name may carry their name or the phone's model.
    return f"citizenreports/{instance.report.submitted_at:%Y/%m}/{secrets.token_hex(12)}.jpg"


class ReportPhoto(AuditedModel):
    """A photo of a report, as stored: re-encoded as JPEG without EXIF, at most
    ``SAFECITY_CITIZENREPORT_PHOTO_MAX_SIDE`` pixels on its longer side."""

    report = models.ForeignKey(CitizenReport, verbose_name=_("report"), on_delete=models.CASCADE, related_name="photos")
    file = models.FileField(_("photo"), upload_to=photo_path)
    width = models.PositiveIntegerField(_("width"))
    height = models.PositiveIntegerField(_("height"))
    size = models.PositiveIntegerField(_("size (bytes)"))
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    scope_rule = _scope("report__")

    class Meta:
        ordering = ["report", "position", "id"]
        verbose_name = _("report photo")
        verbose_name_plural = _("report photos")

    def __str__(self) -> str:
        return f"{self.report_id}/{self.position + 1}"


class ReportEvent(models.Model):
    """The timeline of a report: one row per step, written by the service that made it."""

    report = models.ForeignKey(CitizenReport, verbose_name=_("report"), on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("action"), max_length=16, choices=ReportAction.choices)
    from_state = models.CharField(_("from state"), max_length=16, choices=ReportState.choices, blank=True)
    to_state = models.CharField(_("to state"), max_length=16, choices=ReportState.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    actor_label = models.CharField(_("by"), max_length=150, blank=True)
    at = models.DateTimeField(_("at"))
    comment = models.TextField(_("comment"), blank=True)

    scope_rule = _scope("report__")

    class Meta:
        ordering = ["report", "at", "id"]
        verbose_name = _("report step")
        verbose_name_plural = _("report steps")

    def __str__(self) -> str:
        return f"{self.report_id} · {self.get_action_display()}"


class SubmitAttempt(models.Model):
    """How many reports one address tried to send in one hour (sent, refused or limited alike): the
    rate limit's counter. One row per address digest and hour, incremented atomically
    (``services.submit.attempt_count``) so concurrent requests and several web workers share one
    allowance. The address is kept only as the report's keyed digest."""

    address_digest = models.CharField(_("sender digest"), max_length=64)
    hour = models.DateTimeField(_("hour"))
    count = models.PositiveIntegerField(_("attempts"), default=0)

    class Meta:
        verbose_name = _("report attempts of an hour")
        verbose_name_plural = _("report attempts of an hour")
        constraints = [
            models.UniqueConstraint(fields=["address_digest", "hour"], name="citizenreports_attempt_digest_hour"),
        ]

    def __str__(self) -> str:
        return f"{self.address_digest[:8]} · {self.hour:%Y-%m-%d %H}:00 · {self.count}"
