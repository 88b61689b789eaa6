"""What the fire rescue detachment's records tell the health portrait (a portraits fact provider).

``three_in_one``: for each unit, the latest fire-safety inspection by the reference date that
assessed three-in-one use (GB 35181-2017 6.2 / 7.9) stands; "found" forces the portrait red until a
later inspection determines that the premises no longer is three-in-one. One query for any number
of enterprises.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.utils import timezone

from safecity.firecases.choices import ThreeInOne
from safecity.firecases.models import FireInspection
from safecity.portraits.providers import THREE_IN_ONE, PremisesFact, register_fact_provider


def three_in_one_standing(organisation_ids: list[int] | None, ref: datetime) -> Iterable[PremisesFact]:
    """The standing three-in-one determination of each unit at ``ref`` (its latest assessment)."""
    queryset = FireInspection.objects.exclude(three_in_one=ThreeInOne.NOT_ASSESSED).filter(
        inspected_on__lte=timezone.localdate(ref)
    )
    if organisation_ids is not None:
        queryset = queryset.filter(organisation_id__in=organisation_ids)
    seen: set[int] = set()
    rows = queryset.order_by("organisation_id", "-inspected_on", "-id").values_list(
        "id", "organisation_id", "inspected_on", "three_in_one"
    )
    for pk, organisation_id, inspected_on, determination in rows.iterator(chunk_size=2000):
        if organisation_id in seen:
            continue
        seen.add(organisation_id)
        yield PremisesFact(
            organisation_id=organisation_id,
            present=determination == ThreeInOne.PRESENT,
            evidence_kind="fire_inspection",
            evidence_id=pk,
            label=f"{inspected_on:%Y-%m-%d} {ThreeInOne(determination).label}",
        )


register_fact_provider(THREE_IN_ONE, "firecases.inspections", three_in_one_standing, inputs=[("firecases", "fireinspection")])
