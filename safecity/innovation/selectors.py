"""Every read of the innovation selection that a user sees; each starts from :func:`scoped`.

Visibility (issue 5 §5):
- the committee office (city-wide city administrators/officials) sees every round, entry, judge,
  score and the ranking;
- a department officer sees their own department's entries; district officials the entries of the
  bureaus in their district;
- a judge (an expert assigned to a round) sees the submitted entries of the rounds they judge
  (core ``register_assignment``, see ``apps.py``) and their own scores, nothing else;
- everybody, signed in or not, sees the rounds, their criteria and the published lists (the
  library, with the projects citing its entries, is ``safecity.library``; see ``citations.py``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet
from django.http import Http404

from safecity.core.scoping import CHANGE, scoped
from safecity.innovation import ranking
from safecity.innovation.choices import EntryState
from safecity.innovation.models import (
    Criterion,
    EntryMaterial,
    InnovationEntry,
    JudgeAssignment,
    Score,
    SelectedEntry,
    Selection,
    SelectionRound,
)
from safecity.innovation.services.common import is_committee, person_id_of


def _get(queryset: QuerySet, pk: Any) -> Any:
    try:
        return queryset.get(pk=int(pk))
    except (ValueError, TypeError, queryset.model.DoesNotExist):
        raise Http404 from None


def round_list(*, user: Any) -> QuerySet[SelectionRound]:
    return scoped(SelectionRound, user).annotate(
        submitted=Count("entries", filter=Q(entries__state=EntryState.SUBMITTED), distinct=True)
    )


def round_get(*, user: Any, pk: Any) -> SelectionRound:
    return _get(scoped(SelectionRound, user), pk)


def criteria_of(*, user: Any, round: SelectionRound) -> list[Criterion]:
    return list(scoped(Criterion, user).filter(round=round))


def entry_list(
    *, user: Any, round: SelectionRound | None = None, category: str | None = None, state: str | None = None, q: str | None = None
) -> QuerySet[InnovationEntry]:
    """Entries the user may see, with department and round in the same query and the material count."""
    queryset = scoped(InnovationEntry, user).select_related("department", "round").annotate(material_count=Count("materials"))
    if round is not None:
        queryset = queryset.filter(round=round)
    if category:
        queryset = queryset.filter(category=category)
    if state:
        queryset = queryset.filter(state=state)
    if q:
        queryset = queryset.filter(Q(title__icontains=q) | Q(summary__icontains=q) | Q(department__name__icontains=q))
    return queryset.order_by("round", "department__name", "id")


def entry_get(*, user: Any, pk: Any) -> InnovationEntry:
    return _get(scoped(InnovationEntry, user).select_related("department", "round", "submitted_by"), pk)


def entry_may_change(*, user: Any, entry: InnovationEntry) -> bool:
    return scoped(InnovationEntry, user, CHANGE).filter(pk=entry.pk).exists()


def materials_of(*, user: Any, entry: InnovationEntry) -> QuerySet[EntryMaterial]:
    return scoped(EntryMaterial, user).filter(entry=entry)


def material_get(*, user: Any, pk: Any) -> EntryMaterial:
    return _get(scoped(EntryMaterial, user).select_related("entry"), pk)


def judge_list(*, user: Any, round: SelectionRound) -> QuerySet[JudgeAssignment]:
    return scoped(JudgeAssignment, user).filter(round=round).select_related("person__organisation")


def my_assignment(*, user: Any, round: SelectionRound) -> JudgeAssignment | None:
    """The user's own judge assignment in the round, if they judge it."""
    person_id = person_id_of(user)
    if person_id is None:
        return None
    return JudgeAssignment.objects.filter(round=round, person_id=person_id).select_related("person").first()


@dataclass
class Sheet:
    assignment: JudgeAssignment
    criteria: list[Criterion]
    entries: list[InnovationEntry]  # offered: submitted, not the judge's own department
    own_department: int  # entries of the judge's own department, not offered
    values: dict[tuple[int, int], Any] = field(default_factory=dict)  # (entry, criterion) -> value


def scoring_sheet(*, user: Any, round: SelectionRound, assignment: JudgeAssignment | None = None) -> Sheet:
    """The judge's sheet: the entries they may score (never their own department's) × the criteria.

    The committee office may open any judge's sheet (to enter a paper sheet); anybody else only
    their own.
    """
    if assignment is None:
        assignment = my_assignment(user=user, round=round)
        if assignment is None:
            raise PermissionDenied
    elif assignment.person_id != person_id_of(user) and not is_committee(user):
        raise PermissionDenied
    # The entries the judge sees by assignment; the committee's own scope is wider, so restrict to the round.
    visible = entry_list(user=user, round=round, state=EntryState.SUBMITTED)
    own_org = assignment.person.organisation_id
    entries = list(visible.exclude(department_id=own_org))
    own = visible.filter(department_id=own_org).count()
    values = {
        (s.entry_id, s.criterion_id): s.value
        for s in Score.objects.filter(judge=assignment).only("entry_id", "criterion_id", "value")
    }
    return Sheet(assignment=assignment, criteria=list(round.criteria.all()), entries=entries, own_department=own, values=values)


def my_scores(*, user: Any) -> QuerySet[Score]:
    return scoped(Score, user).select_related("entry", "criterion", "judge__person")


@dataclass
class RankingResult:
    round: SelectionRound
    criteria: list[Criterion]
    ranked: list[ranking.RankedEntry]
    stats: dict[int, ranking.JudgeStats]
    entries: dict[int, InnovationEntry]
    judges: dict[int, JudgeAssignment]
    unscored: list[InnovationEntry]


def ranking_of(round: SelectionRound) -> RankingResult:
    """The live ranking of a round from its scores (no scoping: callers check who may see it)."""
    criteria = list(Criterion.objects.filter(round=round))
    entries = {
        e.pk: e for e in InnovationEntry.objects.filter(round=round, state=EntryState.SUBMITTED).select_related("department")
    }
    rows = [
        ranking.ScoreRow(judge_id=j, entry_id=e, criterion_id=c, value=float(v))
        for j, e, c, v in Score.objects.filter(entry__round=round, entry__state=EntryState.SUBMITTED).values_list(
            "judge_id", "entry_id", "criterion_id", "value"
        )
    ]
    ranked, stats = ranking.rank_entries(
        rows,
        [ranking.CriterionSpec(id=c.pk, weight=c.weight) for c in criteria],
        round.scale_max,
        {pk: e.submitted_at for pk, e in entries.items()},
        min_judges=round.min_judges,
    )
    judges = {j.pk: j for j in JudgeAssignment.objects.filter(round=round).select_related("person__organisation")}
    ranked_ids = {r.entry_id for r in ranked}
    unscored = [e for pk, e in entries.items() if pk not in ranked_ids]
    return RankingResult(
        round=round, criteria=criteria, ranked=ranked, stats=stats, entries=entries, judges=judges, unscored=unscored
    )


def round_ranking(*, user: Any, round: SelectionRound) -> RankingResult:
    """The full ranking with every judge's totals: the committee office only (403 for others)."""
    if not is_committee(user):
        raise PermissionDenied
    return ranking_of(round)


def selection_list(*, user: Any) -> QuerySet[Selection]:
    """Published selections for everybody; the committee office also sees unpublished ones."""
    queryset = scoped(Selection, user).select_related("round")
    if not is_committee(user):
        queryset = queryset.filter(published_at__isnull=False)
    return queryset


def selection_for(*, user: Any, round: SelectionRound) -> Selection | None:
    return selection_list(user=user).filter(round=round).first()


def selected_rows(*, user: Any, selection: Selection, category: str | None = None) -> QuerySet[SelectedEntry]:
    queryset = scoped(SelectedEntry, user).filter(selection=selection)
    if not is_committee(user):
        queryset = queryset.filter(selection__published_at__isnull=False)
    if category:
        queryset = queryset.filter(category=category)
    return queryset.order_by("rank")
