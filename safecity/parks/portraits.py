"""What the factory-within-a-factory register tells the health portrait (a portraits fact provider).

``three_in_one``: each tenant in a park at the reference date whose premises are used for
production or storage with people living there (三合一; 消防〔2023〕72号, GB 35181-2017) is a
premises fact of the tenant's enterprise; "present" forces its portrait red until the record says
otherwise or the tenant leaves. One query for any number of enterprises.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.db.models import Q
from django.utils import timezone

from safecity.parks.models import Tenant
from safecity.portraits.providers import THREE_IN_ONE, PremisesFact, register_fact_provider


def three_in_one_tenants(organisation_ids: list[int] | None, ref: datetime) -> Iterable[PremisesFact]:
    day = timezone.localdate(ref)
    queryset = Tenant.objects.filter(entered_on__lte=day).filter(Q(left_on__isnull=True) | Q(left_on__gt=day))
    queryset = queryset.filter(uses_living=True).filter(Q(uses_production=True) | Q(uses_storage=True))
    if organisation_ids is not None:
        queryset = queryset.filter(organisation_id__in=organisation_ids)
    rows = queryset.values_list("pk", "organisation_id", "park__name", "park__number_prefix", "unified_number")
    for pk, organisation_id, park_name, prefix, number in rows:
        yield PremisesFact(
            organisation_id=organisation_id,
            present=True,
            evidence_kind="park_tenant",
            evidence_id=pk,
            label=f"{park_name} {prefix}{number}",
        )


register_fact_provider(THREE_IN_ONE, "parks.tenants", three_in_one_tenants, inputs=[("parks", "tenant")])
