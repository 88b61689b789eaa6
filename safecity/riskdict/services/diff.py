"""What changes between two dictionary versions, risk by risk.

The hazards app shows this to an enterprise before it moves its registry to a new version (an
enterprise's registry records the version it uses; a new version never silently changes an
existing assessment). Entries are matched by their 4-digit code; within an entry, measures by
(class, sub-class, content), and check items within a measure by their content. A reworded
measure therefore shows as one removed and one added, which is what the enterprise must act on.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from safecity.riskdict.choices import CycleUnit
from safecity.riskdict.content import CheckItemData, EntryData, MeasureData, dictionary_content
from safecity.riskdict.models import DictionaryVersion

ENTRY_FIELDS = ("category_code", "category_name", "name", "accident_types", "risk_points")
MEASURE_FIELDS = ("basis",)
CHECK_ITEM_FIELDS = ("cycle", "cycle_unit", "basis")
FIELD_LABELS = {
    "category_code": _("Category code"),
    "category_name": _("Management category"),
    "name": _("Risk name"),
    "accident_types": _("Main accident types"),
    "risk_points": _("Risk points"),
    "basis": _("Basis"),
    "cycle": _("Check cycle"),
    "cycle_unit": _("Cycle unit"),
}


@dataclass(frozen=True)
class FieldChange:
    """One field that differs: its name, and the value in the old and in the new version."""

    field: str
    before: Any
    after: Any

    @property
    def label(self) -> str | Promise:
        return FIELD_LABELS.get(self.field, self.field)

    def _display(self, value: Any) -> Any:
        return CycleUnit(value).label if self.field == "cycle_unit" and value in CycleUnit.values else value

    @property
    def before_display(self) -> Any:
        return self._display(self.before)

    @property
    def after_display(self) -> Any:
        return self._display(self.after)


@dataclass(frozen=True)
class CheckItemDiff:
    """A check item present in both versions whose cycle, unit or basis changed."""

    old: CheckItemData
    new: CheckItemData
    changes: tuple[FieldChange, ...]

    @property
    def content(self) -> str:
        return self.new.content


@dataclass(frozen=True)
class MeasureDiff:
    """A measure present in both versions whose basis or check items changed."""

    old: MeasureData
    new: MeasureData
    changes: tuple[FieldChange, ...] = ()
    check_items_added: tuple[CheckItemData, ...] = ()
    check_items_removed: tuple[CheckItemData, ...] = ()
    check_items_changed: tuple[CheckItemDiff, ...] = ()


@dataclass(frozen=True)
class EntryDiff:
    """A risk code present in both versions whose description or measures changed."""

    code: str
    old: EntryData
    new: EntryData
    changes: tuple[FieldChange, ...] = ()
    measures_added: tuple[MeasureData, ...] = ()
    measures_removed: tuple[MeasureData, ...] = ()
    measures_changed: tuple[MeasureDiff, ...] = ()


@dataclass(frozen=True)
class DictionaryDiff:
    """Entries added, removed and changed from ``old`` to ``new`` (each list in code order)."""

    old: DictionaryVersion
    new: DictionaryVersion
    added: tuple[EntryData, ...] = ()
    removed: tuple[EntryData, ...] = ()
    changed: tuple[EntryDiff, ...] = ()
    unchanged_count: int = 0
    _changed_by_code: dict[str, EntryDiff] = field(default_factory=dict, repr=False, compare=False)

    @property
    def is_empty(self) -> bool:
        return not (self.added or self.removed or self.changed)

    def for_code(self, code: str) -> EntryDiff | None:
        """The changes of one risk code (None when it is unchanged, added or removed)."""
        return self._changed_by_code.get(code)


def _changes(old: Any, new: Any, names: tuple[str, ...]) -> tuple[FieldChange, ...]:
    return tuple(FieldChange(n, getattr(old, n), getattr(new, n)) for n in names if getattr(old, n) != getattr(new, n))


def _measure_diff(old: MeasureData, new: MeasureData) -> MeasureDiff | None:
    old_items = {c.content: c for c in old.check_items}
    new_items = {c.content: c for c in new.check_items}
    changed = []
    for content, item in new_items.items():
        before = old_items.get(content)
        if before is not None and before != item:
            changed.append(CheckItemDiff(old=before, new=item, changes=_changes(before, item, CHECK_ITEM_FIELDS)))
    result = MeasureDiff(
        old=old,
        new=new,
        changes=_changes(old, new, MEASURE_FIELDS),
        check_items_added=tuple(c for k, c in new_items.items() if k not in old_items),
        check_items_removed=tuple(c for k, c in old_items.items() if k not in new_items),
        check_items_changed=tuple(changed),
    )
    if result.changes or result.check_items_added or result.check_items_removed or result.check_items_changed:
        return result
    return None


def _entry_diff(old: EntryData, new: EntryData) -> EntryDiff | None:
    old_measures = {m.key: m for m in old.measures}
    new_measures = {m.key: m for m in new.measures}
    changed = []
    for key, measure in new_measures.items():
        before = old_measures.get(key)
        if before is not None:
            diff = _measure_diff(before, measure)
            if diff is not None:
                changed.append(diff)
    result = EntryDiff(
        code=new.code,
        old=old,
        new=new,
        changes=_changes(old, new, ENTRY_FIELDS),
        measures_added=tuple(m for k, m in new_measures.items() if k not in old_measures),
        measures_removed=tuple(m for k, m in old_measures.items() if k not in new_measures),
        measures_changed=tuple(changed),
    )
    if result.changes or result.measures_added or result.measures_removed or result.measures_changed:
        return result
    return None


def dictionary_diff(*, old: DictionaryVersion, new: DictionaryVersion) -> DictionaryDiff:
    """Compare two versions (a read: reference data every signed-in user may see; eight queries)."""
    before = dictionary_content(old)
    after = dictionary_content(new)
    changed = []
    unchanged = 0
    for code in sorted(set(before) & set(after)):
        diff = _entry_diff(before[code], after[code])
        if diff is None:
            unchanged += 1
        else:
            changed.append(diff)
    return DictionaryDiff(
        old=old,
        new=new,
        added=tuple(after[c] for c in sorted(set(after) - set(before))),
        removed=tuple(before[c] for c in sorted(set(before) - set(after))),
        changed=tuple(changed),
        unchanged_count=unchanged,
        _changed_by_code={d.code: d for d in changed},
    )
