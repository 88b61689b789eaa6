"""Village supervision (issue 16 §5): a village committee records its monthly supervision round
over the small and micro enterprises of its village, with what was open at the time."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from safecity.core.choices import RegionLevel
from safecity.core.models import Region
from safecity.hazards.choices import OPEN_STATES
from safecity.hazards.models import HiddenHazard
from safecity.smallbiz.choices import VisitState
from safecity.smallbiz.models import LOCAL_ROLES, REGULATOR_ROLES, SmallEnterprise, SupervisionRound, Visit
from safecity.smallbiz.services.common import SmallbizError, require_roles, require_target, today


@transaction.atomic
def supervision_round_record(
    *, actor: Any, village: Region, month: date, note: str = "", done_on: date | None = None
) -> SupervisionRound:
    """Record a village's supervision round of ``month`` (once a month), counting the village's
    enterprises, its overdue visits and its open hidden hazards at the time of recording."""
    if village.level != RegionLevel.VILLAGE:
        raise SmallbizError({"village": _("A supervision round is recorded for a village or community.")})
    month = month.replace(day=1)
    done_on = done_on or today()
    if done_on < month:
        raise SmallbizError({"done_on": _("A round of a month is done in or after that month.")})
    # Lock the village row so two supervisors recording the same month queue up, and the second
    # gets the clear "already recorded" instead of a database error.
    Region.objects.select_for_update().filter(pk=village.pk).first()
    if SupervisionRound.objects.filter(village=village, month=month).exists():
        raise SmallbizError(_("This village's round of this month is already recorded."), code="duplicate")
    enterprises = SmallEnterprise.objects.filter(organisation__region=village)
    row = SupervisionRound(
        village=village,
        month=month,
        done_on=done_on,
        enterprises_seen=enterprises.count(),
        visits_overdue=Visit.objects.filter(enterprise__in=enterprises, state=VisitState.SCHEDULED, due_on__lt=done_on).count(),
        hazards_open=HiddenHazard.objects.filter(organisation__region=village, state__in=OPEN_STATES).count(),
        note=note,
        recorded_by=actor,
    )
    row.full_clean()
    require_target(actor, row)
    require_roles(actor, row, REGULATOR_ROLES | LOCAL_ROLES)
    row.save()
    return row
