"""The enterprise risk registry: objects, units, assessed events, measures and check tasks.

National dual-prevention guideline (domain-rules §1); major hazard installations carry their
three persons in charge (包保责任制, 2021). The registry records the dictionary version it uses;
``registry_upgrade`` moves it to a new version explicitly and never changes an assessment.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from safecity.core.models import Organisation
from safecity.core.scoping import CHANGE, allows_target, can
from safecity.hazards.assessment import assess
from safecity.hazards.models import CheckTask, ControlMeasure, RiskEvent, RiskObject, RiskRegistry, RiskUnit
from safecity.riskdict.models import DictionaryVersion, StandardMeasure


def _write(actor: Any, obj: Any, existing: bool) -> None:
    if existing and not can(actor, obj, CHANGE):
        raise PermissionDenied
    obj.full_clean()
    if not allows_target(actor, obj):
        raise PermissionDenied
    obj.save()


@transaction.atomic
def registry_create(*, actor: Any, organisation: Organisation, dictionary_version: DictionaryVersion) -> RiskRegistry:
    """Open an enterprise's risk registry on a published dictionary version."""
    if dictionary_version.status != "published":
        raise ValidationError({"dictionary_version": _("Use a published dictionary version.")})
    registry = RiskRegistry(organisation=organisation, dictionary_version=dictionary_version)
    _write(actor, registry, existing=False)
    return registry


@transaction.atomic
def risk_object_save(
    *, actor: Any, organisation: Organisation, risk_object: RiskObject | None = None, **fields: Any
) -> RiskObject:
    """Create or change a risk analysis object; a major hazard installation needs its three persons."""
    obj = risk_object or RiskObject(organisation=organisation)
    if risk_object is not None and not can(actor, risk_object, CHANGE):
        raise PermissionDenied
    for name, value in fields.items():
        setattr(obj, name, value)
    for name in ("principal_in_charge", "technical_in_charge", "operations_in_charge"):
        person = getattr(obj, name)
        if person is not None and person.organisation_id != organisation.pk:
            raise ValidationError({name: _("The person in charge must belong to the enterprise.")})
    _write(actor, obj, existing=False)
    return obj


@transaction.atomic
def risk_unit_save(*, actor: Any, risk_object: RiskObject, unit: RiskUnit | None = None, **fields: Any) -> RiskUnit:
    obj = unit or RiskUnit(organisation=risk_object.organisation, risk_object=risk_object)
    if unit is not None and not can(actor, unit, CHANGE):
        raise PermissionDenied
    for name, value in fields.items():
        setattr(obj, name, value)
    _write(actor, obj, existing=False)
    return obj


@transaction.atomic
def risk_event_assess(
    *, actor: Any, unit: RiskUnit, name: str, method: str, initial: dict[str, Any], current: dict[str, Any] | None = None,
    accident_type: str = "", event: RiskEvent | None = None,
) -> RiskEvent:  # fmt: skip
    """Assess a risk event by LEC or LS; ``current`` defaults to ``initial`` (no measures yet).

    Factor values outside the method's scale are refused, naming the factor.
    """
    try:
        initial_score, initial_level = assess(method, **{k.lower(): v for k, v in initial.items()})
    except ValidationError as exc:
        raise ValidationError({"initial": exc.messages}) from None
    current = current or initial
    try:
        current_score, current_level = assess(method, **{k.lower(): v for k, v in current.items()})
    except ValidationError as exc:
        raise ValidationError({"current": exc.messages}) from None
    obj = event or RiskEvent(organisation=unit.organisation, unit=unit)
    if event is not None and not can(actor, event, CHANGE):
        raise PermissionDenied
    registry = RiskRegistry.objects.filter(organisation=unit.organisation).first()
    obj.name, obj.method, obj.accident_type = name, method, accident_type
    obj.initial_factors = {k.upper(): str(v) for k, v in initial.items()}
    obj.current_factors = {k.upper(): str(v) for k, v in current.items()}
    obj.initial_score, obj.initial_level = initial_score, int(initial_level)
    obj.current_score, obj.current_level = current_score, int(current_level)
    obj.dictionary_version = registry.dictionary_version if registry else None
    _write(actor, obj, existing=False)
    return obj


@transaction.atomic
def control_measure_add(
    *, actor: Any, event: RiskEvent, standard_measure: StandardMeasure | None = None, measure_class: str = "",
    subclass: str = "", content: str = "", basis: str = "", with_check_items: bool = False, first_due: datetime | None = None,
) -> ControlMeasure:  # fmt: skip
    """Add a control measure to a risk event: from the dictionary (copied, with its check items as
    check tasks if asked) or written by the enterprise."""
    if standard_measure is not None:
        measure_class = measure_class or standard_measure.measure_class
        subclass = subclass or standard_measure.subclass
        content = content or standard_measure.content
        basis = basis or standard_measure.basis
    measure = ControlMeasure(
        organisation=event.organisation, event=event, standard_measure=standard_measure,
        measure_class=measure_class, subclass=subclass, content=content, basis=basis,
    )  # fmt: skip
    _write(actor, measure, existing=False)
    if with_check_items and standard_measure is not None:
        for item in standard_measure.check_items.all():
            check_task_add(
                actor=actor,
                measure=measure,
                content=item.content,
                cycle=item.cycle,
                cycle_unit=item.cycle_unit,
                first_due=first_due,
            )
    return measure


@transaction.atomic
def check_task_add(
    *,
    actor: Any,
    measure: ControlMeasure,
    content: str,
    cycle: int,
    cycle_unit: str,
    assignee: Any = None,
    first_due: datetime | None = None,
) -> CheckTask:
    """Add a check task; its first check falls due at ``first_due`` (default: now)."""
    if cycle is None or int(cycle) <= 0:
        raise ValidationError({"cycle": _("A check cycle must be at least 1.")})
    task = CheckTask(
        organisation=measure.organisation, measure=measure, content=content, cycle=cycle, cycle_unit=cycle_unit,
        assignee=assignee, next_due_at=first_due or timezone.now(),
    )  # fmt: skip
    _write(actor, task, existing=False)
    return task


@dataclass
class UpgradePreview:
    """What moving a registry to a new dictionary version changes for this enterprise."""

    old: DictionaryVersion
    new: DictionaryVersion
    diff: Any
    units_relinked: list[tuple[RiskUnit, Any]] = field(default_factory=list)
    units_orphaned: list[RiskUnit] = field(default_factory=list)


def registry_upgrade_preview(*, registry: RiskRegistry, new_version: DictionaryVersion) -> UpgradePreview:
    """The differences an upgrade would bring, without changing anything."""
    from safecity.riskdict.models import RiskEntry
    from safecity.riskdict.services import dictionary_diff

    preview = UpgradePreview(
        old=registry.dictionary_version, new=new_version, diff=dictionary_diff(old=registry.dictionary_version, new=new_version)
    )
    new_entries = {e.code: e for e in RiskEntry.objects.filter(version=new_version)}
    units = RiskUnit.objects.filter(organisation=registry.organisation, dictionary_entry__isnull=False).select_related(
        "dictionary_entry"
    )
    for unit in units:
        target = new_entries.get(unit.dictionary_entry.code) if unit.dictionary_entry else None
        if target is None:
            preview.units_orphaned.append(unit)
        else:
            preview.units_relinked.append((unit, target))
    return preview


@transaction.atomic
def registry_upgrade(*, actor: Any, registry: RiskRegistry, new_version: DictionaryVersion) -> UpgradePreview:
    """Move the registry to ``new_version``: units follow their entry's code; assessments and the
    enterprise's measures stay exactly as they are (an explicit choice, never a silent change)."""
    registry = RiskRegistry.objects.select_for_update().get(pk=registry.pk)
    if not can(actor, registry, CHANGE):
        raise PermissionDenied
    if new_version.status != "published":
        raise ValidationError({"new_version": _("Use a published dictionary version.")})
    if new_version.pk == registry.dictionary_version_id:
        raise ValidationError({"new_version": _("The registry already uses this version.")})
    preview = registry_upgrade_preview(registry=registry, new_version=new_version)
    for unit, entry in preview.units_relinked:
        unit.dictionary_entry = entry
        unit.save(update_fields=["dictionary_entry", "updated_at"])
    for unit in preview.units_orphaned:
        unit.dictionary_entry = None
        unit.save(update_fields=["dictionary_entry", "updated_at"])
    registry.dictionary_version = new_version
    registry.save(update_fields=["dictionary_version", "updated_at"])
    return preview
