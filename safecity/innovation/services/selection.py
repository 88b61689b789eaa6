"""The committee's selection of the top N and its publication (the list is frozen as rows)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from safecity.core.actors import actor_label
from safecity.innovation.choices import RoundState
from safecity.innovation.models import InnovationEntry, SelectedEntry, Selection, SelectionRound
from safecity.innovation.services.common import lock_round, require_committee, require_state


def _dec(value: float) -> Decimal:
    return Decimal(str(round(value, 2)))


@transaction.atomic
def selection_make(*, actor: Any, round: SelectionRound, count: int | None = None, note: str = "") -> Selection:
    """Select the top ``count`` (default: the round's N) of the ranking and freeze them as rows.

    Refused when fewer entries are ranked than are to be selected, or when an entry in the top N
    was scored by fewer judges than the round's minimum (complete the scoring first).
    """
    from safecity.innovation.selectors import ranking_of

    require_committee(actor)
    round = lock_round(round)
    require_state(round, RoundState.JUDGING, message=_("The selection is made at the end of judging (the round is “%(state)s”)."))
    count = count or round.select_count
    if count < 1:
        raise ValidationError({"count": _("Select at least one entry.")})
    result = ranking_of(round)
    if len(result.ranked) < count:
        raise ValidationError(
            {
                "count": _("Only %(n)d entries are ranked; %(count)d cannot be selected.")
                % {"n": len(result.ranked), "count": count}
            },
            code="too_few_ranked",
        )
    short = [r for r in result.ranked[:count] if r.flagged]
    if short:
        raise ValidationError(
            _("%(n)d entries in the top %(count)d were scored by fewer than %(min)d judges; complete their scoring first.")
            % {"n": len(short), "count": count, "min": round.min_judges},
            code="too_few_judges",
        )
    now = timezone.now()
    selection = Selection.objects.create(
        round=round, count=count, selected_at=now, selected_by=actor, selected_by_label=actor_label(actor)[:150], note=note
    )
    entries = {e.pk: e for e in InnovationEntry.objects.filter(round=round).select_related("department")}
    rows = []
    for r in result.ranked[:count]:
        entry = entries[r.entry_id]
        rows.append(
            SelectedEntry(
                selection=selection,
                entry=entry,
                rank=r.rank,
                title=entry.title,
                department_name=entry.department.name,
                category=entry.category,
                score=_dec(r.score),
                mean_raw=_dec(r.mean_raw),
                judges=r.judges,
                decided_by=r.decided_by,
            )
        )
    SelectedEntry.objects.bulk_create(rows)
    ranks = {r.entry_id: r.rank for r in result.ranked}
    changed = []
    for entry in entries.values():
        rank = ranks.get(entry.pk)
        selected = rank is not None and rank <= count
        if entry.rank != rank or entry.selected != selected:
            entry.rank, entry.selected, entry.updated_at = rank, selected, now
            changed.append(entry)
    InnovationEntry.objects.bulk_update(changed, ["rank", "selected", "updated_at"])
    round.state = RoundState.SELECTED
    round.save(update_fields=["state", "updated_at"])
    return selection


@transaction.atomic
def selection_cancel(*, actor: Any, round: SelectionRound) -> SelectionRound:
    """Undo an unpublished selection and return to judging (a published list is final)."""
    require_committee(actor)
    round = lock_round(round)
    require_state(
        round, RoundState.SELECTED, message=_("Only an unpublished selection can be undone (the round is “%(state)s”).")
    )
    selection = Selection.objects.get(round=round)
    SelectedEntry.objects.filter(selection=selection).delete()
    selection.delete()
    InnovationEntry.objects.filter(round=round).filter(rank__isnull=False).update(rank=None, selected=False)
    round.state = RoundState.JUDGING
    round.save(update_fields=["state", "updated_at"])
    return round


@transaction.atomic
def selection_publish(*, actor: Any, round: SelectionRound) -> Selection:
    """Publish the selected list: from now on it is public and final."""
    require_committee(actor)
    round = lock_round(round)
    require_state(round, RoundState.SELECTED, message=_("Select the entries before publishing (the round is “%(state)s”)."))
    selection = Selection.objects.select_for_update().get(round=round)
    selection.published_at = timezone.now()
    selection.published_by_label = actor_label(actor)[:150]
    selection.save(update_fields=["published_at", "published_by_label", "updated_at"])
    round.state = RoundState.PUBLISHED
    round.save(update_fields=["state", "updated_at"])
    return selection
