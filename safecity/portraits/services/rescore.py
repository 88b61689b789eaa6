"""Write health portraits: the set-based rescoring of many enterprises, and one enterprise's.

Both paths run the same code: gather facts with a fixed number of queries
(:mod:`safecity.portraits.services.facts`), score each enterprise with the pure engine
(:func:`safecity.portraits.scoring.score_enterprise`), then write portraits, dimension scores and
deductions in bulk. Portraits are audited (an unchanged rescore writes no audit entry); their
dimension and deduction rows are derived data, replaced as a whole.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.utils import timezone

from safecity.core.choices import OrganisationKind
from safecity.core.models import Organisation
from safecity.portraits.models import EVIDENCE_MODELS, Deduction, DimensionScore, Portrait
from safecity.portraits.scoring import DIMENSIONS, PortraitResult, score_enterprise
from safecity.portraits.services.facts import IN_LIST_LIMIT, enterprise_facts

BATCH = 5000
PORTRAIT_FIELDS = ["score", "colour", "forced_red", "forced_reasons", "hazards_found", "hazards_closed", "computed_at"]


def _content_types() -> dict[str, int]:
    """Evidence kind -> content type id, for every evidence model that exists (deep checks may not)."""
    from django.apps import apps

    ids = {}
    for kind, (app_label, model_name) in EVIDENCE_MODELS.items():
        try:
            model = apps.get_model(app_label, model_name)
        except LookupError:
            continue
        ids[kind] = ContentType.objects.get_for_model(model).pk
    return ids


def _enterprises(organisations: Iterable[Organisation] | Iterable[int] | None) -> dict[int, str]:
    queryset = Organisation.objects.filter(kind=OrganisationKind.ENTERPRISE, is_active=True)
    if organisations is not None:
        ids = [o if isinstance(o, int) else o.pk for o in organisations]
        queryset = Organisation.objects.filter(pk__in=ids)
    return dict(queryset.order_by("pk").values_list("pk", "name"))


def _portrait_values(result: PortraitResult, facts_found: tuple[int, int], now: datetime) -> dict[str, Any]:
    closed, found = facts_found
    return {
        "score": result.score,
        "colour": result.colour,
        "forced_red": result.is_forced_red,
        "forced_reasons": [
            {"rule": f.rule, "kind": f.evidence_kind, "id": f.evidence_id, "label": f.evidence_label[:200]}
            for f in result.forced_red
        ],
        "hazards_found": found,
        "hazards_closed": closed,
        "computed_at": now,
    }


DIMENSION_COLUMNS = ("portrait_id", "dimension", "max_points", "points")
DEDUCTION_COLUMNS = (
    "portrait_id", "dimension", "rule", "points", "evidence_type_id", "evidence_id", "evidence_label", "detail",
)  # fmt: skip


def _insert(model: type[DimensionScore] | type[Deduction], columns: tuple[str, ...], rows: list[tuple[Any, ...]]) -> None:
    """Insert derived rows: COPY on PostgreSQL (hundreds of thousands of deductions for a city),
    ``bulk_create`` elsewhere. These tables are derived and not audited row by row."""
    if not rows:
        return
    if connection.vendor == "postgresql":
        table = connection.ops.quote_name(model._meta.db_table)
        column_of = {f.attname: f.column for f in model._meta.concrete_fields}
        names = ", ".join(connection.ops.quote_name(column_of[c]) for c in columns)
        with connection.cursor() as cursor, cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:  # type: ignore[attr-defined]
            for row in rows:
                # COPY's text format: a JSON column takes the JSON text.
                copy.write_row([json.dumps(v, ensure_ascii=False) if isinstance(v, dict) else v for v in row])
        return
    objs: list[Any] = [model(**dict(zip(columns, row, strict=True))) for row in rows]
    model._default_manager.bulk_create(objs, batch_size=BATCH)


def _of_year(year: int, results: dict[int, Any]) -> Any:
    """The portraits of ``year`` of these enterprises: one IN list when small, else the whole year."""
    queryset = Portrait.objects.filter(year=year)
    if len(results) <= IN_LIST_LIMIT:
        queryset = queryset.filter(organisation_id__in=list(results))
    return queryset


def _write(year: int, results: dict[int, tuple[PortraitResult, tuple[int, int]]]) -> int:
    """Upsert the portraits, then replace their dimension scores and deductions, all in bulk."""
    now = timezone.now()
    existing = {p.organisation_id: p for p in _of_year(year, results) if p.organisation_id in results}
    to_update, to_create, recomputed = [], [], []
    for org_id, (result, counts) in results.items():
        values = _portrait_values(result, counts, now)
        portrait = existing.get(org_id)
        if portrait is None:
            to_create.append(Portrait(organisation_id=org_id, year=year, **values))
        else:
            unchanged = all(getattr(portrait, k) == v for k, v in values.items() if k != "computed_at")
            if not unchanged:
                for key, value in values.items():
                    setattr(portrait, key, value)
                to_update.append(portrait)
            else:
                # Same result, computed again now: the portrait says when it was last computed
                # (not audited: ``computed_at`` is excluded from the trail, see apps.py).
                portrait.computed_at = now
                recomputed.append(portrait)
    if recomputed:
        Portrait.objects.bulk_update(recomputed, ["computed_at"], batch_size=BATCH)
    # The audit trail reads each written portrait's enterprise and region: load them in one query.
    organisations = Organisation.objects.select_related("region").in_bulk([p.organisation_id for p in to_update + to_create])
    for portrait in to_update + to_create:
        portrait.organisation = organisations[portrait.organisation_id]
    if to_update:
        Portrait.objects.bulk_update(to_update, PORTRAIT_FIELDS, batch_size=BATCH)
    if to_create:
        Portrait.objects.bulk_create(to_create, batch_size=BATCH)
    ids = {org_id: pk for org_id, pk in _of_year(year, results).values_list("organisation_id", "pk") if org_id in results}
    portrait_ids = list(ids.values())
    for start in range(0, len(portrait_ids), BATCH):
        chunk = portrait_ids[start : start + BATCH]
        Deduction.objects.filter(portrait_id__in=chunk)._raw_delete(Deduction.objects.db)
        DimensionScore.objects.filter(portrait_id__in=chunk)._raw_delete(DimensionScore.objects.db)
    types = _content_types()
    dimension_rows: list[tuple[Any, ...]] = []
    deduction_rows: list[tuple[Any, ...]] = []
    for org_id, (result, _) in results.items():
        pk = ids[org_id]
        for spec in DIMENSIONS:
            dimension_rows.append((pk, spec.code, Decimal(spec.max_points), result.dimensions[spec.code]))
        for d in result.deductions:
            deduction_rows.append(
                (pk, d.dimension, d.rule, d.points, types[d.evidence_kind], d.evidence_id, d.evidence_label[:200], d.detail)
            )
    _insert(DimensionScore, DIMENSION_COLUMNS, dimension_rows)
    _insert(Deduction, DEDUCTION_COLUMNS, deduction_rows)
    return len(results)


def portraits_score(
    *, year: int, organisations: Iterable[Organisation] | Iterable[int] | None = None
) -> dict[int, PortraitResult]:
    """Score without writing: the results of every enterprise in the set (all active enterprises
    when ``organisations`` is None), from one set-based gathering of facts."""
    names = _enterprises(organisations)
    facts = enterprise_facts(organisations=names, year=year)
    return {org_id: score_enterprise(f) for org_id, f in facts.items()}


@transaction.atomic
def portraits_rescore(*, year: int, organisations: Iterable[Organisation] | Iterable[int] | None = None) -> int:
    """Recompute and store the portraits of ``year`` of every enterprise in the set, set-based.

    ``organisations=None``: every active enterprise. A fixed number of queries gathers the facts
    (never one per enterprise); portraits, dimensions and deductions are written in bulk. Called by
    the daily task, after hazard changes, and by officials (API/UI) within their jurisdiction: the
    caller decides the set, this service does not scope. Returns the number of portraits written.
    """
    from safecity.portraits.scoring.engine import closure_rate

    names = _enterprises(organisations)
    if not names:
        return 0
    facts = enterprise_facts(organisations=names, year=year)
    results = {org_id: (score_enterprise(f), closure_rate(f)) for org_id, f in facts.items()}
    return _write(year, results)


def portrait_compute(*, organisation: Organisation, year: int) -> Portrait:
    """Recompute one enterprise's portrait of ``year`` (the same path as the set-based rescore)."""
    portraits_rescore(year=year, organisations=[organisation.pk])
    return Portrait.objects.select_related("organisation").get(organisation=organisation, year=year)


def portraits_changed(*, year: int) -> list[int]:
    """Enterprises whose hidden hazards or risk registry changed after their portrait of ``year``
    was computed, or that have such records and no portrait yet (a few set-based queries)."""
    from django.db.models import Max

    from safecity.hazards.models import ControlMeasure, HiddenHazard, RiskEvent, RiskObject

    computed = dict(Portrait.objects.filter(year=year).values_list("organisation_id", "computed_at"))
    changed: set[int] = set()
    for model in (HiddenHazard, RiskObject, RiskEvent, ControlMeasure):
        rows = model.objects.order_by().values("organisation_id").annotate(last=Max("updated_at"))
        for row in rows.filter(organisation__kind=OrganisationKind.ENTERPRISE):
            at = computed.get(row["organisation_id"])
            if at is None or row["last"] > at:
                changed.add(row["organisation_id"])
    return sorted(changed)


def portraits_rescore_changed(*, year: int) -> int:
    """Rescore only the enterprises that changed since their portrait (the hourly job)."""
    changed = portraits_changed(year=year)
    return portraits_rescore(year=year, organisations=changed) if changed else 0


def portraits_rescore_by(*, actor: Any, year: int, organisation_id: int | None = None) -> int:
    """Rescore on request: officials (the Portrait scope rule's change roles) for the enterprises
    of their jurisdiction, or one of them. The one permission rule for the UI and the API."""
    from django.core.exceptions import PermissionDenied
    from django.http import Http404

    from safecity.core.choices import OrganisationKind
    from safecity.core.scoping import CHANGE, principal_for, scoped

    principal = principal_for(actor)
    if not (principal.is_superuser or principal.roles & Portrait.scope_rule.change_roles):
        raise PermissionDenied
    enterprises = scoped(Organisation, actor, CHANGE).filter(kind=OrganisationKind.ENTERPRISE, is_active=True)
    if organisation_id is not None:
        enterprises = enterprises.filter(pk=organisation_id)
        if not enterprises.exists():
            raise Http404
    return portraits_rescore(year=year, organisations=list(enterprises.values_list("pk", flat=True)))
