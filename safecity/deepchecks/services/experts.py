"""Writes of the expert pool, and the conflict-of-interest rule.

Conflict of interest (rule "conflict_of_interest"): an expert may not check an enterprise that is,
or is in the same group company (``Organisation.parent`` chain) as, the expert's current employer
(the person's organisation) or any affiliation (employer or related enterprise) valid within
``years`` (default 3) before the check.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from safecity.core.models import Organisation, Person, Region
from safecity.core.scoping import CHANGE, allows_target, can
from safecity.deepchecks.models import Expert, ExpertAffiliation, ExpertUnavailability, Specialty


@transaction.atomic
def expert_create(
    *,
    actor: Any,
    person: Person,
    region: Region,
    level: str,
    title: str = "",
    specialties: Iterable[Specialty] = (),
) -> Expert:
    """Add a person to the region's expert pool. Who: officials of the region."""
    expert = Expert(person=person, region=region, level=level, title=title)
    expert.full_clean()
    if not allows_target(actor, expert):
        raise PermissionDenied
    expert.save()
    expert.specialties.set(list(specialties))
    return expert


@transaction.atomic
def affiliation_add(
    *,
    actor: Any,
    expert: Expert,
    organisation: Organisation,
    kind: str,
    valid_from: date | None = None,
    valid_until: date | None = None,
) -> ExpertAffiliation:
    """Record an employer or related enterprise of the expert (a source of conflicts of interest)."""
    if not can(actor, expert, CHANGE):
        raise PermissionDenied
    row = ExpertAffiliation(expert=expert, organisation=organisation, kind=kind, valid_from=valid_from, valid_until=valid_until)
    row.full_clean()
    row.save()
    return row


@transaction.atomic
def unavailability_add(*, actor: Any, expert: Expert, start: date, end: date, note: str = "") -> ExpertUnavailability:
    """Record days the expert cannot sit. Who: officials of the pool, or the expert themselves."""
    own = getattr(getattr(actor, "person", None), "pk", None) == expert.person_id
    if not own and not can(actor, expert, CHANGE):
        raise PermissionDenied
    row = ExpertUnavailability(expert=expert, start=start, end=end, note=note)
    row.full_clean()
    row.save()
    return row


def group_roots(organisation_ids: Iterable[int]) -> dict[int, int]:
    """The group company (top of the ``parent`` chain) of each organisation, a few queries in all."""
    parents: dict[int, int | None] = {}
    pending = set(organisation_ids)
    while pending:
        rows = Organisation.objects.filter(pk__in=pending).values_list("pk", "parent_id")
        pending = set()
        for pk, parent_id in rows:
            parents[pk] = parent_id
            if parent_id is not None and parent_id not in parents:
                pending.add(parent_id)
    roots: dict[int, int] = {}
    for pk in list(parents):
        seen = {pk}
        current = pk
        while parents.get(current) is not None:
            current = parents[current]  # type: ignore[assignment]
            if current in seen:  # a cycle is refused by organisation_update; never loop forever
                break
            seen.add(current)
        roots[pk] = current
    return roots


def conflicts(*, experts: Iterable[Expert], organisation_ids: Iterable[int], on: date, years: int = 3) -> dict[int, set[int]]:
    """For each target organisation id, the ids of the experts with a conflict of interest on ``on``.

    ``experts`` should have ``person`` selected and ``affiliations`` prefetched.
    """
    experts = list(experts)
    targets = list(organisation_ids)
    cutoff = on - timedelta(days=365 * years)
    linked: dict[int, set[int]] = {}
    for expert in experts:
        orgs = {expert.person.organisation_id}
        for aff in expert.affiliations.all():
            if aff.valid_until is None or aff.valid_until >= cutoff:
                orgs.add(aff.organisation_id)
        linked[expert.pk] = orgs
    roots = group_roots(set(targets).union(*linked.values()) if linked else targets)
    result: dict[int, set[int]] = {t: set() for t in targets}
    by_org: dict[int, set[int]] = {}
    by_root: dict[int, set[int]] = {}
    for expert_id, orgs in linked.items():
        for org in orgs:
            by_org.setdefault(org, set()).add(expert_id)
            by_root.setdefault(roots.get(org, org), set()).add(expert_id)
    for target in targets:
        result[target] |= by_org.get(target, set()) | by_root.get(roots.get(target, target), set())
    return result


def conflict_reason(expert: Expert, organisation: Organisation, *, on: date, years: int = 3) -> str | None:
    """Why ``expert`` may not check ``organisation`` on ``on`` (None: no conflict)."""
    found = conflicts(
        experts=[Expert.objects.select_related("person").prefetch_related("affiliations").get(pk=expert.pk)],
        organisation_ids=[organisation.pk],
        on=on,
        years=years,
    )
    if expert.pk in found[organisation.pk]:
        return _("%(expert)s has a conflict of interest with %(target)s.") % {
            "expert": expert.person.name,
            "target": organisation.name,
        }
    return None
