"""Judges' scores: a sheet of (entry, criterion, value) rows checked as a whole, then written.

Rules: only while the round is judging; only the judge themself (or the committee office entering
a judge's paper sheet on their behalf); only submitted entries of the round; a judge never scores
an entry of their own department (conflict of interest); a value lies on the round's scale
(0..scale_max, one decimal). Any refused row refuses the whole sheet: nothing is changed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from safecity.innovation.choices import EntryState, RoundState
from safecity.innovation.models import Criterion, InnovationEntry, JudgeAssignment, Score
from safecity.innovation.services.common import is_committee, lock_round, person_id_of, require_state


@dataclass(frozen=True)
class ScoreInput:
    entry_id: int
    criterion_id: int
    value: Any


def _err(field: str, message: str, code: str) -> ValidationError:
    """A refusal about one field that keeps its code (for the API and the tests)."""
    return ValidationError({field: ValidationError(message, code=code)})


def _value(raw: Any, scale: int) -> Decimal:
    try:
        value = Decimal(str(raw).strip())
    except (InvalidOperation, ValueError):
        raise _err("value", _("A score is a number."), "not_a_number") from None
    if not value.is_finite() or value < 0 or value > scale:
        message = _("A score lies on the round's scale, from 0 to %(max)d; %(value)s is outside it.")
        raise _err("value", message % {"max": scale, "value": raw}, "out_of_scale")
    if value != value.quantize(Decimal("0.1")):
        raise _err("value", _("A score has at most one decimal."), "precision")
    return value


def may_score(actor: Any, assignment: JudgeAssignment) -> bool:
    """The judge themself, or the committee office entering a judge's sheet."""
    person_id = person_id_of(actor)
    return (person_id is not None and person_id == assignment.person_id) or is_committee(actor)


@transaction.atomic
def scores_record(*, actor: Any, assignment: JudgeAssignment, scores: Sequence[ScoreInput]) -> list[Score]:
    """Record (or correct) a judge's scores; all rows are checked before any is written."""
    assignment = JudgeAssignment.objects.select_related("person").get(pk=assignment.pk)
    if not may_score(actor, assignment):
        raise PermissionDenied
    round = lock_round(assignment.round)
    require_state(round, RoundState.JUDGING, message=_("Scores are given only while the round is judging (it is “%(state)s”)."))
    if not scores:
        raise ValidationError(_("No scores were given."), code="empty")
    entries = {
        e.pk: e
        for e in InnovationEntry.objects.filter(round=round, pk__in={s.entry_id for s in scores}).select_related("department")
    }
    criteria = {c.pk: c for c in Criterion.objects.filter(round=round)}
    own = assignment.person.organisation_id
    checked: list[tuple[InnovationEntry, Criterion, Decimal]] = []
    for row in scores:
        entry = entries.get(row.entry_id)
        if entry is None or entry.state != EntryState.SUBMITTED:
            raise _err("entry", _("This entry is not a submitted entry of the round."), "not_in_round")
        if entry.department_id == own:
            message = _("A judge cannot score an entry of their own department (%(department)s): “%(title)s”.")
            raise _err("entry", message % {"department": entry.department.name, "title": entry.title}, "own_department")
        criterion = criteria.get(row.criterion_id)
        if criterion is None:
            raise _err("criterion", _("This criterion does not belong to the round."), "not_in_round")
        checked.append((entry, criterion, _value(row.value, round.scale_max)))
    existing = {
        (s.entry_id, s.criterion_id): s for s in Score.objects.filter(judge=assignment, entry_id__in=entries).select_for_update()
    }
    created: list[Score] = []
    changed: list[Score] = []
    for entry, criterion, value in checked:
        score = existing.get((entry.pk, criterion.pk))
        if score is None:
            score = Score(judge=assignment, entry=entry, criterion=criterion, value=value, recorded_by=actor)
            existing[(entry.pk, criterion.pk)] = score
            created.append(score)
        elif score.value != value:
            score.value = value
            score.recorded_by = actor
            score.updated_at = timezone.now()
            if score not in changed and score.pk is not None:
                changed.append(score)
    if created:
        Score.objects.bulk_create(created)
    if changed:
        Score.objects.bulk_update(changed, ["value", "recorded_by", "updated_at"])
    return created + changed


def score_record(*, actor: Any, assignment: JudgeAssignment, entry_id: int, criterion_id: int, value: Any) -> Score:
    """Record one score (the API's single-score call); same rules as :func:`scores_record`."""
    rows = scores_record(actor=actor, assignment=assignment, scores=[ScoreInput(entry_id, criterion_id, value)])
    return rows[0] if rows else Score.objects.get(judge=assignment, entry_id=entry_id, criterion_id=criterion_id)
