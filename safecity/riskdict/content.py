"""The content of a dictionary version as plain, comparable values (no ids, no timestamps).

One shape serves the import (what a file says), the writer, the export, the diff between
versions and the tests' round-trip comparison: two versions hold the same dictionary exactly when
their :func:`dictionary_content` is equal.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from safecity.riskdict.choices import CycleUnit, MeasureClass, MeasureSubclass
from safecity.riskdict.models import CheckItem, DictionaryVersion, RiskEntry, StandardMeasure


@dataclass(frozen=True)
class CheckItemData:
    """A check item: identified within its measure by its content."""

    content: str
    cycle: int
    cycle_unit: str
    basis: str = ""

    @property
    def cycle_display(self) -> str:
        return _("every %(n)d %(unit)s") % {"n": self.cycle, "unit": CycleUnit(self.cycle_unit).label}


@dataclass(frozen=True)
class MeasureData:
    """A standard measure: identified within its entry by (class, sub-class, content)."""

    measure_class: str
    subclass: str
    content: str
    basis: str = ""
    check_items: tuple[CheckItemData, ...] = field(default_factory=tuple)

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.measure_class, self.subclass, self.content)

    @property
    def class_label(self) -> str | Promise:
        return MeasureClass(self.measure_class).label

    @property
    def subclass_label(self) -> str | Promise:
        return MeasureSubclass(self.subclass).label


@dataclass(frozen=True)
class EntryData:
    """A risk entry with its category and its measures, identified by its 4-digit code."""

    code: str
    name: str
    category_code: str
    category_name: str
    accident_types: str = ""
    risk_points: str = ""
    measures: tuple[MeasureData, ...] = field(default_factory=tuple)


def dictionary_content(version: DictionaryVersion) -> dict[str, EntryData]:
    """Everything a version holds, keyed by risk code in code order (four queries whatever its size)."""
    entries = (
        RiskEntry.objects.filter(version=version)
        .select_related("category")
        .prefetch_related(
            Prefetch(
                "measures",
                queryset=StandardMeasure.objects.order_by("order", "id").prefetch_related(
                    Prefetch("check_items", queryset=CheckItem.objects.order_by("order", "id"))
                ),
            )
        )
        .order_by("code")
    )
    return {entry.code: entry_data(entry) for entry in entries}


def entry_data(entry: RiskEntry) -> EntryData:
    """The plain value of one stored entry (uses prefetched measures and check items when present)."""
    return EntryData(
        code=entry.code,
        name=entry.name,
        category_code=entry.category.code,
        category_name=entry.category.name,
        accident_types=entry.accident_types,
        risk_points=entry.risk_points,
        measures=tuple(
            MeasureData(
                measure_class=m.measure_class,
                subclass=m.subclass,
                content=m.content,
                basis=m.basis,
                check_items=tuple(
                    CheckItemData(content=c.content, cycle=c.cycle, cycle_unit=c.cycle_unit, basis=c.basis)
                    for c in m.check_items.all()
                ),
            )
            for m in entry.measures.all()
        ),
    )
