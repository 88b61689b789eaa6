"""What the citizen-report services share: the error type, the row lock, the step check, the timeline."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from safecity.citizenreports.choices import ReportAction
from safecity.citizenreports.models import CitizenReport, ReportEvent
from safecity.citizenreports.transitions import Transition, transition_for, triage_reach
from safecity.core.actors import actor_label
from safecity.core.scoping import roles_for


class CitizenReportError(ValidationError):
    """A refused write with a stable code for the API (``error_code``) and a message for people.

    Codes: ``invalid`` (400), ``rate_limited`` (429: too many reports from one address),
    ``transition_not_allowed`` (409: the report was already triaged)."""

    def __init__(self, message: Any, *, code: str = "invalid") -> None:
        super().__init__(message, code=code)
        self.error_code = code


def now_or(at: datetime | None) -> datetime:
    return at if at is not None else timezone.now()


def begin(actor: Any, report: CitizenReport, action: str) -> tuple[CitizenReport, Transition, str]:
    """Lock the row and check the step against ``transitions.py``: (locked row, transition, state
    it leaves). A report already triaged is refused in words (409); an actor whose roles do not
    reach this report's district for triage is a 403."""
    locked = CitizenReport.objects.select_for_update().select_related("district").get(pk=report.pk)
    transition = transition_for(action, locked.state)
    if transition is None:
        raise CitizenReportError(
            _("This report has already been triaged: “%(state)s”.") % {"state": locked.get_state_display()},
            code="transition_not_allowed",
        )
    # A triage grant at the report's district or below: a city-wide grant (or a superuser) reaches
    # the report to read it, never to triage it.
    if not (roles_for(actor, locked) & transition.roles) or not triage_reach(actor, locked):
        raise PermissionDenied
    return locked, transition, locked.state


def record(report: CitizenReport, *, action: str, source: str, actor: Any, at: datetime, comment: str = "") -> ReportEvent:
    return ReportEvent.objects.create(
        report=report,
        action=action,
        from_state=source,
        to_state=report.state,
        actor=actor,
        actor_label=actor_label(actor)[:150] if actor is not None else "",
        at=at,
        comment=comment[:2000],
    )


__all__ = ["CitizenReportError", "ReportAction", "begin", "now_or", "record"]
