"""Gather the scoring facts of many enterprises at once: a fixed number of queries, whatever their count.

Each query reads one kind of evidence for every enterprise in the set (hidden hazards, major hazard
installations, risk events with their measure counts, overdue check records, check tasks without
a checker, deep-check root causes) and the rows are grouped by enterprise in Python. No query runs
per enterprise, so rescoring 10,000 enterprises costs the same handful of queries as one.

Reference date: the end of the portrait's year, or now for the current year. A hidden hazard is
open at that date when it was found by then and not accepted (closed) by then; registry rows count
when they existed by then. Persons in charge are judged by whether they are active now (the system
keeps no history of that).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time
from typing import Any

from django.apps import apps
from django.db.models import Count, Exists, OuterRef, Q
from django.db.models.functions import Substr
from django.utils import timezone

from safecity.hazards.choices import HazardState, RiskObjectKind
from safecity.hazards.models import CheckRecord, CheckTask, GovernancePlan, HiddenHazard, RiskEvent, RiskObject
from safecity.portraits.providers import THREE_IN_ONE, facts_by_enterprise
from safecity.portraits.scoring import EnterpriseFacts, EventFact, HazardFact, InstallationFact, RecordFact

IN_LIST_LIMIT = 900  # below SQLite's 999 parameters per statement
# The three persons in charge of a major hazard installation (fields of the risk object); a
# deduction names the missing ones by these codes, the page by the fields' labels.
PERSON_ROLES = ("principal_in_charge", "technical_in_charge", "operations_in_charge")


def reference_moment(year: int, now: datetime | None = None) -> datetime:
    """The end of ``year`` (local time), or ``now`` when the year is not over yet."""
    now = now or timezone.now()
    end = timezone.make_aware(datetime.combine(date(year, 12, 31), time(23, 59, 59)))
    return min(now, end)


def _org_filter(field: str, organisation_ids: list[int] | None) -> Q:
    """All enterprises (None) or the given ones; a big set is passed as one IN list per query."""
    if organisation_ids is None:
        return Q()
    return Q(**{f"{field}__in": organisation_ids})


def root_causes_by_hazard(organisation_ids: list[int] | None = None) -> dict[int, tuple[str, int]]:
    """Deep-check root causes per hidden hazard: (management element or category, finding id).

    The deep-check app may not be installed or migrated yet (it is built in parallel); then no
    hazard has a root cause and every hazard counts by its installation or type.
    """
    try:
        root_cause = apps.get_model("deepchecks", "RootCause")
    except LookupError:
        return {}
    names = {f.name for f in root_cause._meta.get_fields()}
    if "finding" not in names:
        return {}
    element = "management_element" if "management_element" in names else None
    category = "category" if "category" in names else None
    fields = ["finding_id", "finding__hazard_id"] + [f for f in (element, category) if f]
    queryset = root_cause._default_manager.filter(finding__hazard__isnull=False).order_by("id")
    if organisation_ids is not None:
        queryset = queryset.filter(finding__hazard__organisation_id__in=organisation_ids)
    causes: dict[int, tuple[str, int]] = {}
    for row in queryset.values(*fields):
        hazard_id = row["finding__hazard_id"]
        if hazard_id in causes:
            continue  # the first root cause recorded decides the dimension
        key = str(row.get(element or "", "") or row.get(category or "", "") or "")
        causes[hazard_id] = (key, row["finding_id"])
    return causes


def _hazard_facts(facts: dict[int, EnterpriseFacts], organisation_ids: list[int] | None, year: int, ref: datetime) -> None:
    start = timezone.make_aware(datetime.combine(date(year, 1, 1), time.min))
    open_at_ref = Q(state__in=[HazardState.TO_CONFIRM, HazardState.RECTIFYING, HazardState.AWAITING_ACCEPTANCE]) | Q(
        state=HazardState.ACCEPTED, accepted_at__gt=ref
    )
    plan = GovernancePlan.objects.filter(hazard=OuterRef("pk"), funds__isnull=False, deadline__isnull=False).exclude(
        Q(responsibility="") | Q(measures="") | Q(emergency_plan="")
    )
    rows = (
        HiddenHazard.objects.filter(_org_filter("organisation_id", organisation_ids), discovered_at__lte=ref)
        .exclude(state=HazardState.WITHDRAWN)
        .filter(Q(discovered_at__gte=start) | open_at_ref)
        .annotate(plan_complete=Exists(plan), short=Substr("description", 1, 40))
        .order_by()
        .values_list(
            "id", "organisation_id", "code", "short", "level", "hazard_type", "state", "deadline", "discovered_at",
            "accepted_at", "acceptance_requested_at", "risk_event__unit__risk_object__kind", "plan_complete",
        )
    )  # fmt: skip
    ref_date = timezone.localdate(ref)
    collected: list[tuple[int, dict[str, Any]]] = []
    for (
        pk, org, code, short, level, hazard_type, state, deadline, discovered, accepted_at, requested_at, kind, plan_ok,
    ) in rows.iterator(chunk_size=5000):  # fmt: skip
        closed = state == HazardState.ACCEPTED and accepted_at is not None and accepted_at <= ref
        is_open = not closed
        awaiting = requested_at is not None and requested_at <= ref
        collected.append(
            (
                org,
                {
                    "id": pk,
                    "label": f"{code or pk} {short}".strip(),
                    "level": level,
                    "hazard_type": hazard_type,
                    "open": is_open,
                    "overdue": is_open and not awaiting and deadline is not None and deadline < ref_date,
                    "found_in_year": discovered >= start,
                    "closed": closed,
                    "on_mhi": kind == RiskObjectKind.MAJOR_HAZARD_INSTALLATION,
                    "plan_complete": bool(plan_ok),
                },
            )
        )
    causes = root_causes_by_hazard(organisation_ids) if collected else {}
    for org, row in collected:
        cause = causes.get(row["id"])
        facts[org].hazards.append(HazardFact(**row, root_cause=cause[0] if cause else "", finding_id=cause[1] if cause else None))


def _registry_facts(facts: dict[int, EnterpriseFacts], organisation_ids: list[int] | None, year: int, ref: datetime) -> None:
    installations = RiskObject.objects.filter(
        _org_filter("organisation_id", organisation_ids), kind=RiskObjectKind.MAJOR_HAZARD_INSTALLATION, created_at__lte=ref
    ).values_list("id", "organisation_id", "name", *(f"{field}__is_active" for field in PERSON_ROLES))
    for pk, org, name, *active in installations:
        missing = tuple(field for field, ok in zip(PERSON_ROLES, active, strict=True) if not ok)
        facts[org].installations.append(InstallationFact(id=pk, label=name, missing=missing))
    in_time = Q(measures__created_at__lte=ref)
    events = (
        RiskEvent.objects.filter(_org_filter("organisation_id", organisation_ids), created_at__lte=ref, current_level__lte=2)
        .annotate(
            n_measures=Count("measures", filter=in_time),
            n_emergency=Count("measures", filter=in_time & Q(measures__measure_class="emergency")),
        )
        .order_by()
        .values_list("id", "organisation_id", "name", "current_level", "n_measures", "n_emergency", "unit__risk_object__kind")
    )
    for pk, org, name, level, n, n_emergency, kind in events:
        facts[org].events.append(
            EventFact(
                id=pk,
                label=name,
                level=level,
                measures=n,
                emergency_measures=n_emergency,
                on_mhi=kind == RiskObjectKind.MAJOR_HAZARD_INSTALLATION,
            )
        )
    overdue = CheckRecord.objects.filter(
        _org_filter("organisation_id", organisation_ids), result="overdue", due_at__year=year, due_at__lte=ref
    ).values_list("id", "organisation_id", "due_at", Substr("task__content", 1, 40))
    for pk, org, due, content in overdue.order_by().iterator(chunk_size=5000):
        facts[org].overdue_checks.append(RecordFact(id=pk, label=f"{timezone.localdate(due):%Y-%m-%d} {content}"))
    tasks = CheckTask.objects.filter(
        _org_filter("organisation_id", organisation_ids), is_active=True, assignee__isnull=True, created_at__lte=ref
    ).values_list("id", "organisation_id", Substr("content", 1, 40))
    for pk, org, content in tasks.order_by():
        facts[org].tasks_without_checker.append(RecordFact(id=pk, label=content))


def enterprise_facts(*, organisations: dict[int, str], year: int, now: datetime | None = None) -> dict[int, EnterpriseFacts]:
    """The facts of every enterprise in ``organisations`` (id -> name) for ``year``.

    When the set is the whole population the queries carry no IN list (one pass over each table);
    otherwise each query is limited to the set by one IN list (up to ``IN_LIST_LIMIT`` ids).
    """
    ref = reference_moment(year, now)
    facts: dict[int, EnterpriseFacts] = defaultdict(lambda: EnterpriseFacts(organisation_id=0))
    for org_id, name in organisations.items():
        facts[org_id] = EnterpriseFacts(organisation_id=org_id, label=name)
    ids = list(organisations)
    # A small set is one IN list; a big one reads each table once and drops the rows of others.
    chunk = ids if len(ids) <= IN_LIST_LIMIT else None
    _hazard_facts(facts, chunk, year, ref)
    _registry_facts(facts, chunk, year, ref)
    # Structured facts other apps provide (three-in-one premises: fire inspections, later 厂中厂).
    for org_id, premises in facts_by_enterprise(THREE_IN_ONE, chunk, ref).items():
        if org_id in facts:
            facts[org_id].premises.extend(premises)
    return {org_id: facts[org_id] for org_id in organisations}
