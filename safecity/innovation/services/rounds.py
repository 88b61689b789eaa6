"""Rounds, their weighted criteria and their judges (the committee office's set-up of a selection)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from safecity.core.models import Person
from safecity.core.scoping import require_target
from safecity.innovation.choices import RoundState
from safecity.innovation.models import Criterion, JudgeAssignment, SelectionRound
from safecity.innovation.services.common import lock_round, require_committee, require_state

WEIGHT_TOTAL = 100


@transaction.atomic
def round_create(
    *,
    actor: Any,
    year: int,
    title: str,
    submission_deadline: date,
    select_count: int = 38,
    scale_max: int = 10,
    min_judges: int = 3,
) -> SelectionRound:
    """Open a year's selection round (committee office). One round per year."""
    require_committee(actor)
    round = SelectionRound(
        year=year,
        title=title,
        submission_deadline=submission_deadline,
        select_count=select_count,
        scale_max=scale_max,
        min_judges=min_judges,
    )
    round.full_clean()
    require_target(actor, round)
    round.save()
    return round


def _check_weights(criteria: Sequence[tuple[str, int]]) -> None:
    names = [name.strip() for name, _w in criteria]
    if not criteria:
        raise ValidationError({"criteria": _("Give at least one criterion.")}, code="no_criteria")
    if any(not name for name in names) or len(set(names)) != len(names):
        raise ValidationError({"criteria": _("Every criterion needs a name, and names must differ.")}, code="criteria_names")
    if any(not isinstance(w, int) or w < 1 or w > WEIGHT_TOTAL for _n, w in criteria):
        raise ValidationError({"criteria": _("Each weight is a whole number from 1 to 100.")}, code="weight_range")
    total = sum(w for _n, w in criteria)
    if total != WEIGHT_TOTAL:
        raise ValidationError(
            {"criteria": _("The weights must sum to 100; they sum to %(total)d.") % {"total": total}}, code="weights_sum"
        )


@transaction.atomic
def criteria_set(*, actor: Any, round: SelectionRound, criteria: Sequence[tuple[str, int]]) -> list[Criterion]:
    """Replace the round's criteria with ``criteria`` [(name, weight), ...] while it is open.

    Rule: the weights are whole numbers that sum to 100 (so a weighted total lies on 0-100);
    refused otherwise, leaving the old criteria as they were.
    """
    require_committee(actor)
    round = lock_round(round)
    require_state(round, RoundState.OPEN, message=_("Criteria can only be changed while the round is open (it is “%(state)s”)."))
    _check_weights(criteria)
    Criterion.objects.filter(round=round).delete()
    return [
        Criterion.objects.create(round=round, name=name.strip(), weight=weight, order=i)
        for i, (name, weight) in enumerate(criteria, start=1)
    ]


@transaction.atomic
def judge_assign(*, actor: Any, round: SelectionRound, person: Person) -> JudgeAssignment:
    """Make ``person`` a judge of the round (before the selection is made)."""
    require_committee(actor)
    round = lock_round(round)
    require_state(
        round,
        RoundState.OPEN,
        RoundState.JUDGING,
        message=_("Judges are assigned before the selection (the round is “%(state)s”)."),
    )
    if JudgeAssignment.objects.filter(round=round, person=person).exists():
        raise ValidationError({"person": _("%(name)s already judges this round.") % {"name": person.name}}, code="duplicate")
    assignment = JudgeAssignment(round=round, person=person)
    assignment.save()
    return assignment


@transaction.atomic
def judge_remove(*, actor: Any, assignment: JudgeAssignment) -> None:
    """Remove a judge who has not scored yet (a judge's given scores stay part of the record)."""
    require_committee(actor)
    round = lock_round(assignment.round)
    require_state(round, RoundState.OPEN, RoundState.JUDGING, message=_("The round is “%(state)s”; its judges are final."))
    if assignment.scores.exists():
        raise ValidationError(_("This judge has already scored entries and cannot be removed."), code="judge_has_scores")
    assignment.delete()


@transaction.atomic
def round_start_judging(*, actor: Any, round: SelectionRound) -> SelectionRound:
    """Close submissions and start judging: needs criteria summing to 100 and enough judges."""
    require_committee(actor)
    round = lock_round(round)
    require_state(round, RoundState.OPEN, message=_("Judging starts from an open round (it is “%(state)s”)."))
    _check_weights(list(round.criteria.values_list("name", "weight")))
    judges = round.judges.count()
    if judges < round.min_judges:
        raise ValidationError(
            _("Assign at least %(min)d judges before judging starts (%(n)d assigned).") % {"min": round.min_judges, "n": judges},
            code="too_few_judges",
        )
    round.state = RoundState.JUDGING
    round.save(update_fields=["state", "updated_at"])
    return round
