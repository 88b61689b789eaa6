"""The specialties a target enterprise's panel needs, derived from its risk registry.

Rule (documented in :mod:`safecity.deepchecks.reference`): the management categories of the
dictionary entries of the enterprise's risk units, and the sub-classes of those entries' standard
measures, map to specialties; every enterprise also needs safety management.
"""

from __future__ import annotations

from collections.abc import Iterable

from safecity.deepchecks.models import CampaignTarget, Specialty
from safecity.deepchecks.reference import ALWAYS_NEEDED, CATEGORY_SPECIALTIES, SUBCLASS_SPECIALTIES
from safecity.hazards.models import RiskUnit
from safecity.riskdict.models import StandardMeasure


def derive_codes(organisation_ids: Iterable[int]) -> dict[int, set[str]]:
    """Needed specialty codes per organisation id, from their risk units (two queries)."""
    ids = list(organisation_ids)
    result: dict[int, set[str]] = {pk: set(ALWAYS_NEEDED) for pk in ids}
    units = RiskUnit.objects.filter(organisation_id__in=ids, dictionary_entry__isnull=False).values_list(
        "organisation_id", "dictionary_entry_id", "dictionary_entry__category__code"
    )
    entries: dict[int, set[int]] = {}
    for org_id, entry_id, category in units:
        result[org_id].update(CATEGORY_SPECIALTIES.get(category, ()))
        entries.setdefault(entry_id, set()).add(org_id)
    for entry_id, subclass in StandardMeasure.objects.filter(entry_id__in=entries).values_list("entry_id", "subclass"):
        code = SUBCLASS_SPECIALTIES.get(subclass)
        if code:
            for org_id in entries[entry_id]:
                result[org_id].add(code)
    return result


def targets_derive(targets: Iterable[CampaignTarget]) -> None:
    """Set the needed specialties of each target not overridden by hand."""
    targets = [t for t in targets if not t.specialties_overridden]
    if not targets:
        return
    codes = derive_codes(t.organisation_id for t in targets)
    specialties = {s.code: s for s in Specialty.objects.all()}
    Through = CampaignTarget.needed_specialties.through
    Through.objects.filter(campaigntarget_id__in=[t.pk for t in targets]).delete()
    Through.objects.bulk_create(
        [
            Through(campaigntarget_id=t.pk, specialty_id=specialties[code].pk)
            for t in targets
            for code in sorted(codes[t.organisation_id])
            if code in specialties
        ]
    )
