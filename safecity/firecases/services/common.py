"""Helpers shared by the fire-case services: actor labels, the case timeline, the transition check."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from safecity.core.actors import actor_label
from safecity.core.scoping import principal_for, roles_for
from safecity.firecases.models import Case, CaseEvent
from safecity.firecases.transitions import Transition, transition_for


def event(case: Case, *, action: str, source: str, actor: Any, comment: str = "", at: datetime | None = None) -> CaseEvent:
    return CaseEvent.objects.create(
        case=case,
        action=action,
        from_state=source,
        to_state=case.state,
        actor=actor,
        actor_label=actor_label(actor)[:150],
        at=at or timezone.now(),
        comment=comment,
    )


def lock(case: Case) -> Case:
    return Case.objects.select_for_update().get(pk=case.pk)


def check(actor: Any, case: Case, action: str) -> Transition:
    """The transition for ``action`` from the case's state, or a clear refusal."""
    transition = transition_for(action, case.state)
    if transition is None:
        raise ValidationError(
            _("“%(action)s” is not allowed while the case is at “%(state)s”.")
            % {"action": action, "state": case.get_state_display()},
            code="transition_not_allowed",
        )
    if not (roles_for(actor, case) & transition.roles):
        raise PermissionDenied
    return transition


def move(case: Case, transition: Transition, actor: Any, *, comment: str = "", at: datetime | None = None) -> Case:
    source = case.state
    case.state = transition.target
    case.save(update_fields=["state", "updated_at"])
    event(case, action=transition.action, source=source, actor=actor, comment=comment, at=at)
    return case


def require_case_role(actor: Any, case: Case, allowed: frozenset[str] = frozenset({"procurator"})) -> None:
    if not (roles_for(actor, case) & allowed):
        raise PermissionDenied


def brigade_id_of(actor: Any) -> int | None:
    """The fire rescue detachment a fire officer works for (the organisation of their grant)."""
    for grant in principal_for(actor).grants:
        if grant.role == "fire_officer":
            return grant.organisation_id
    return None


def procuratorate_id_of(actor: Any) -> int | None:
    for grant in principal_for(actor).grants:
        if grant.role == "procurator":
            return grant.organisation_id
    return None


def numbered(model: type[models.Model], year: int, build: Any, attempts: int = 5) -> Any:
    """Save a row numbered max(serial)+1 within ``year``; retry when a concurrent writer took it.

    The unique (year, serial) constraint is what guarantees unique numbers; the retry only spares
    the user an error when two procurators file at the same moment.
    """
    for attempt in range(attempts):
        last = model._default_manager.filter(year=year).aggregate(m=models.Max("serial"))["m"] or 0
        obj = build(last + 1)
        try:
            with transaction.atomic():
                obj.save()
            return obj
        except IntegrityError:
            if attempt == attempts - 1 or not model._default_manager.filter(year=year, serial=last + 1).exists():
                raise  # not a numbering race: let the real error show
    raise ValidationError(_("Could not allocate a number; try again."), code="numbering")
