"""Every read of fire cases that a user sees; each starts from :func:`scoped`.

Visibility (issue 7 §3), on top of the scope rules (which let only procurators and fire officers
see these models at all, within their jurisdiction):
- a procurator sees the cases, leads and units of the jurisdiction, and the fire inspections and
  fire hidden hazards of the units concerned (those with a lead or a determination);
- a fire officer sees the records of their own fire rescue detachment, and the status of the cases
  that came from its leads;
- the city and district officials (``OFFICIALS``, issue 13) see the figures, the units with a major
  fire hazard and the cases (number, unit, state, clock) of their jurisdiction, never the
  procuratorate's internal documents (evidence, hearings, letters, replies, timeline);
- nobody else sees any of it.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from safecity.core.choices import OrganisationKind
from safecity.core.models import Organisation
from safecity.core.scoping import NOTHING, principal_for, scoped
from safecity.firecases.models import (
    OFFICIALS,
    SUPERVISORS,
    Case,
    CaseEvent,
    FireInspection,
    Hearing,
    Lead,
    MajorFireHazardUnit,
    Reply,
    SuggestionLetter,
)
from safecity.hazards.choices import HazardType
from safecity.hazards.models import HiddenHazard


def _agency_q(user: Any, *, brigade: str) -> Q | None:
    """Procurators: everything the scope rule gives; fire officers: only their own detachment's rows.

    ``brigade`` is the lookup to the fire rescue detachment of the row (its lead's, for a case).
    None means no extra limit (superusers).
    """
    principal = principal_for(user)
    if principal.is_superuser:
        return None
    # Procurators and officials: what the scope rule gives (their jurisdiction); the scope rules
    # keep officials away from the internal documents.
    parts = [Q()] if principal.roles & ({"procurator"} | OFFICIALS) else []
    parts += [Q(**{brigade: g.organisation_id}) for g in principal.grants if g.role == "fire_officer"]
    if not parts:
        return NOTHING
    q = parts[0]
    for part in parts[1:]:
        q |= part
    return q


def _limit(queryset: QuerySet, user: Any, *, brigade: str) -> QuerySet:
    q = _agency_q(user, brigade=brigade)
    queryset = scoped(queryset, user)
    return queryset if q is None else queryset.filter(q)


def case_list(*, user: Any, state: str | None = None) -> QuerySet[Case]:
    """Cases the user may see, with what the list's clock badges need in the same query."""
    queryset = _limit(Case.objects.all(), user, brigade="lead__fire_brigade_id")
    if state:
        queryset = queryset.filter(state=state)
    open_letter = SuggestionLetter.objects.filter(case=OuterRef("pk"), delivered_on__isnull=False, reply__isnull=True)
    return (
        queryset.select_related("lead__organisation__region", "lead__fire_brigade", "decision", "hearing")
        .annotate(
            has_late_reply=Exists(Reply.objects.filter(letter__case=OuterRef("pk"), late=True)),
            open_reply_due=open_letter.order_by("reply_due").values("reply_due")[:1],
        )
        .order_by("-filed_at", "-id")
    )


def case_get(*, user: Any, pk: int) -> Case:
    case = case_list(user=user).filter(pk=pk).first()
    if case is None:
        raise Http404
    return case


def case_timeline(*, user: Any, case: Case) -> QuerySet[CaseEvent]:
    return scoped(CaseEvent, user).filter(case=case).order_by("at", "id")


def letter_list(*, user: Any) -> QuerySet[SuggestionLetter]:
    return (
        _limit(SuggestionLetter.objects.all(), user, brigade="case__lead__fire_brigade_id")
        .select_related("case__lead__organisation", "addressee", "reply")
        .order_by("-issued_on", "-serial")
    )


def letter_get(*, user: Any, pk: int) -> SuggestionLetter:
    letter = letter_list(user=user).filter(pk=pk).first()
    if letter is None:
        raise Http404
    return letter


def hearing_list(*, user: Any) -> QuerySet[Hearing]:
    return (
        _limit(Hearing.objects.all(), user, brigade="case__lead__fire_brigade_id")
        .select_related("case__lead__organisation")
        .prefetch_related("participants")
        .order_by("-scheduled_at")
    )


def hearing_get(*, user: Any, pk: int) -> Hearing:
    hearing = hearing_list(user=user).filter(pk=pk).first()
    if hearing is None:
        raise Http404
    return hearing


def lead_list(*, user: Any) -> QuerySet[Lead]:
    return (
        _limit(Lead.objects.all(), user, brigade="fire_brigade_id")
        .select_related("organisation__region", "fire_brigade", "case")
        .order_by("-referred_at", "-id")
    )


def lead_get(*, user: Any, pk: int) -> Lead:
    lead = lead_list(user=user).filter(pk=pk).first()
    if lead is None:
        raise Http404
    return lead


def major_unit_list(*, user: Any, year: int | None = None) -> QuerySet[MajorFireHazardUnit]:
    queryset = _limit(MajorFireHazardUnit.objects.all(), user, brigade="fire_brigade_id").select_related(
        "organisation__region", "fire_brigade", "determined_by"
    )
    if year:
        queryset = queryset.filter(determined_on__year=year)
    return queryset.order_by("-determined_on", "-id")


def units_concerned(*, user: Any) -> QuerySet:
    """Ids of the units the user's fire-case records are about (leads and determinations)."""
    leads = lead_list(user=user).values("organisation_id")
    units = major_unit_list(user=user).values("organisation_id")
    return leads.union(units)


def inspection_list(*, user: Any) -> QuerySet[FireInspection]:
    """Fire officers: their detachment's inspections; procurators: those of the units concerned."""
    queryset = _limit(FireInspection.objects.all(), user, brigade="fire_brigade_id")
    principal = principal_for(user)
    if not principal.is_superuser and "fire_officer" not in principal.roles:
        queryset = queryset.filter(organisation_id__in=_concerned_ids(user))
    return queryset.select_related("organisation__region", "fire_brigade").order_by("-inspected_on", "-id")


def _concerned_ids(user: Any) -> list[int]:
    return sorted(
        set(lead_list(user=user).values_list("organisation_id", flat=True))
        | set(major_unit_list(user=user).values_list("organisation_id", flat=True))
    )


def unit_fire_hazards(*, user: Any, organisation_id: int) -> QuerySet[HiddenHazard]:
    """The fire hidden hazards of one unit concerned, for the procuratorate and the fire brigade.

    Empty unless the unit is one the user's fire-case records are about, so this page never becomes
    a window on every hazard of the city.
    """
    principal = principal_for(user)
    if not principal.is_superuser and not (principal.roles & {"procurator", "fire_officer"}):
        return HiddenHazard.objects.none()
    if not principal.is_superuser and organisation_id not in _concerned_ids(user):
        return HiddenHazard.objects.none()
    return (
        scoped(HiddenHazard, user)
        .filter(organisation_id=organisation_id, hazard_type=HazardType.FIRE)
        .select_related("organisation")
        .order_by("-discovered_at")
    )


def sees_fire_cases(user: Any) -> bool:
    """Procurators and fire officers: the whole chain, internal documents included."""
    principal = principal_for(user)
    return principal.is_superuser or bool(principal.roles & {"procurator", "fire_officer"})


def sees_fire_subsystem(user: Any) -> bool:
    """Who opens the sub-system at all: the agencies, and the city and district officials (the
    dashboard's figures, the units with a major fire hazard, the case list)."""
    principal = principal_for(user)
    return principal.is_superuser or bool(principal.roles & SUPERVISORS)


def is_procurator(user: Any) -> bool:
    principal = principal_for(user)
    return principal.is_superuser or "procurator" in principal.roles


def is_fire_officer(user: Any) -> bool:
    principal = principal_for(user)
    return principal.is_superuser or "fire_officer" in principal.roles


# The supervising agencies a procuratorial suggestion letter may be addressed to (issue 7).
ADDRESSEE_KINDS = (
    OrganisationKind.DISTRICT_BUREAU,
    OrganisationKind.GOVERNMENT_DEPARTMENT,
    OrganisationKind.STREET_OFFICE,
    OrganisationKind.FIRE_BRIGADE,
)


def letter_addressees(*, user: Any) -> QuerySet[Organisation]:
    """Who a letter may be addressed to: the supervising agencies within the procurator's reach."""
    return scoped(Organisation, user).filter(kind__in=ADDRESSEE_KINDS).order_by("name")
