"""Rows of the dictionary exchange format: validate every row, then write the whole dictionary.

The exchange format is one sheet with one row per check item (columns ``COLUMNS``, Chinese headers).
A row without a check item carries a measure that has none yet; a row without a measure carries an
entry that has none yet. The rows of one risk repeat its category, name, accident types and risk
points; the rows of one measure repeat its basis. Every row is checked against the models' own
validators (lengths, code formats, the class/sub-class table of the national guideline) and all
problems are reported together, each with its row and column, before anything is written.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _

from safecity.core.imports import CELL_TEXT_LIMIT, cell_length_error
from safecity.riskdict.choices import (
    CYCLE_UNIT_ZH,
    MEASURE_CLASS_ZH,
    MEASURE_SUBCLASS_ZH,
    MEASURE_SUBCLASSES,
    cycle_unit_from_cell,
    measure_class_from_cell,
    measure_subclass_from_cell,
    subclass_belongs,
)
from safecity.riskdict.content import CheckItemData, EntryData, MeasureData
from safecity.riskdict.models import CheckItem, DictionaryVersion, ManagementCategory, RiskEntry, StandardMeasure

COL_CATEGORY_CODE = "管理类别代码"
COL_CATEGORY_NAME = "管理类别"
COL_CODE = "风险代码"
COL_NAME = "风险名称"
COL_ACCIDENT_TYPES = "主要事故类型"
COL_RISK_POINTS = "风险点"
COL_MEASURE_CLASS = "管控措施类别"
COL_SUBCLASS = "管控措施子类"
COL_MEASURE = "管控措施"
COL_MEASURE_BASIS = "措施依据"
COL_CHECK = "排查内容"
COL_CYCLE = "排查周期"
COL_UNIT = "周期单位"
COL_CHECK_BASIS = "排查依据"

COLUMNS: tuple[str, ...] = (
    COL_CATEGORY_CODE, COL_CATEGORY_NAME, COL_CODE, COL_NAME, COL_ACCIDENT_TYPES, COL_RISK_POINTS,
    COL_MEASURE_CLASS, COL_SUBCLASS, COL_MEASURE, COL_MEASURE_BASIS, COL_CHECK, COL_CYCLE, COL_UNIT, COL_CHECK_BASIS,
)  # fmt: skip
MEASURE_COLUMNS = (COL_MEASURE_CLASS, COL_SUBCLASS, COL_MEASURE_BASIS)
CHECK_COLUMNS = (COL_CYCLE, COL_UNIT, COL_CHECK_BASIS)


class RowError(NamedTuple):
    """One problem of an imported file: its row (as Excel numbers it; 0: the file), column header and message."""

    row: int
    column: str
    message: str

    def __str__(self) -> str:
        if self.row <= 0:  # about the file as a whole
            return self.message
        if self.column:
            return _("row %(row)d, %(column)s: %(message)s") % {"row": self.row, "column": self.column, "message": self.message}
        return _("row %(row)d: %(message)s") % {"row": self.row, "message": self.message}


def _sort_key(error: RowError) -> tuple[int, int]:
    return (error.row, COLUMNS.index(error.column) if error.column in COLUMNS else -1)


class DictionaryImportError(ValidationError):
    """A dictionary file (or the version details given with it) is not valid; nothing was written.

    ``errors`` lists every row problem as (row, column header, message); as a ValidationError the
    row problems sit under the field ``file`` (so the API's error format carries them), next to any
    problem with ``version``, ``title`` or ``note``.
    """

    def __init__(self, errors: Sequence[RowError], *, fields: Mapping[str, list[str]] | None = None) -> None:
        self.errors: list[RowError] = sorted(errors, key=_sort_key)
        detail: dict[str, list[str]] = {name: list(messages) for name, messages in (fields or {}).items()}
        if self.errors:
            detail["file"] = [str(error) for error in self.errors]
        super().__init__(detail)


def nul_message() -> str:
    return _("Contains a NUL character (\\x00), which is not allowed.")


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    return str(value).strip()


def _code(value: Any, width: int) -> str:
    """A code cell; a code typed as a number loses its leading zeros in Excel, so they are restored."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 10**width:
        return str(value).zfill(width)
    return _text(value)


def _cycle(value: Any) -> int | None:
    """A whole number from a cycle cell, or None when the cell holds something else."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    text = _text(value)
    return int(text) if re.fullmatch(r"[0-9]{1,9}", text) else None


def _field_errors(obj: models.Model, mapping: Mapping[str, str], *, clean: bool = False) -> list[tuple[str, str]]:
    """The model's own validation of ``obj`` (only the fields in ``mapping``), as (column, message)."""
    exclude = [f.name for f in obj._meta.fields if f.name not in mapping]
    found: list[tuple[str, str]] = []
    try:
        obj.clean_fields(exclude=exclude)
    except ValidationError as exc:
        for name, messages in exc.message_dict.items():
            found.extend((mapping.get(name, ""), str(m)) for m in messages)
    if clean and not found:
        try:
            obj.clean()
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                found.extend((mapping.get(name, ""), str(m)) for m in messages)
    return found


@dataclass
class _Measure:
    data: MeasureData
    row: int
    items: dict[str, tuple[CheckItemData, int]] = field(default_factory=dict)


@dataclass
class _Entry:
    data: EntryData
    row: int
    measures: dict[tuple[str, str, str], _Measure] = field(default_factory=dict)

    def freeze(self) -> EntryData:
        measures = tuple(
            MeasureData(
                measure_class=m.data.measure_class,
                subclass=m.data.subclass,
                content=m.data.content,
                basis=m.data.basis,
                check_items=tuple(item for item, _row in m.items.values()),
            )
            for m in self.measures.values()
        )
        d = self.data
        return EntryData(
            code=d.code,
            name=d.name,
            category_code=d.category_code,
            category_name=d.category_name,
            accident_types=d.accident_types,
            risk_points=d.risk_points,
            measures=measures,
        )


@dataclass
class _Parser:
    errors: list[RowError] = field(default_factory=list)
    categories: dict[str, tuple[str, int]] = field(default_factory=dict)
    entries: dict[str, _Entry] = field(default_factory=dict)

    def error(self, row: int, column: str, message: str) -> None:
        self.errors.append(RowError(row, column, str(message)))

    def row(self, row: int, cells: Mapping[str, Any]) -> None:
        values: dict[str, str] = {}
        for column in COLUMNS:
            raw = cells.get(column)
            if column == COL_CATEGORY_CODE:
                text = _code(raw, 2)
            elif column == COL_CODE:
                text = _code(raw, 4)
            else:
                text = _text(raw)
            if "\x00" in text:
                self.error(row, column, nul_message())
                text = text.replace("\x00", "")
            too_long = cell_length_error(text)
            if too_long:
                self.error(row, column, too_long)
                text = text[:CELL_TEXT_LIMIT]
            values[column] = text
        entry = self._entry(row, values)
        if not values[COL_MEASURE]:
            for column in (*MEASURE_COLUMNS, COL_CHECK, *CHECK_COLUMNS):
                if values[column]:
                    self.error(
                        row,
                        column,
                        _("This row has no %(column)s: fill it in, or leave this cell empty.") % {"column": COL_MEASURE},
                    )
            return
        measure = self._measure(row, values, entry)
        if not values[COL_CHECK]:
            for column in CHECK_COLUMNS:
                if values[column]:
                    self.error(
                        row,
                        column,
                        _("This row has no %(column)s: fill it in, or leave this cell empty.") % {"column": COL_CHECK},
                    )
            return
        self._check_item(row, values, cells.get(COL_CYCLE), measure)

    def _entry(self, row: int, values: dict[str, str]) -> _Entry | None:
        category = ManagementCategory(code=values[COL_CATEGORY_CODE], name=values[COL_CATEGORY_NAME])
        category_errors = _field_errors(category, {"code": COL_CATEGORY_CODE, "name": COL_CATEGORY_NAME})
        for column, message in category_errors:
            self.error(row, column, message)
        if not category_errors:
            known = self.categories.get(category.code)
            if known is None:
                self.categories[category.code] = (category.name, row)
            elif known[0] != category.name:
                self.error(
                    row,
                    COL_CATEGORY_NAME,
                    _("Category %(code)s is named “%(name)s” in row %(row)d; one category has one name.")
                    % {"code": category.code, "name": known[0], "row": known[1]},
                )
        entry = RiskEntry(
            code=values[COL_CODE],
            name=values[COL_NAME],
            accident_types=values[COL_ACCIDENT_TYPES],
            risk_points=values[COL_RISK_POINTS],
        )
        entry.category = category
        mapping = {"code": COL_CODE, "name": COL_NAME, "accident_types": COL_ACCIDENT_TYPES, "risk_points": COL_RISK_POINTS}
        # The prefix rule (clean) only makes sense once the category code itself is valid.
        entry_errors = _field_errors(entry, mapping, clean=not category_errors)
        for column, message in entry_errors:
            self.error(row, column, message)
        if entry_errors or category_errors:
            return None
        data = EntryData(
            code=entry.code,
            name=entry.name,
            category_code=category.code,
            category_name=category.name,
            accident_types=entry.accident_types,
            risk_points=entry.risk_points,
        )
        known_entry = self.entries.get(entry.code)
        if known_entry is None:
            self.entries[entry.code] = known_entry = _Entry(data=data, row=row)
            return known_entry
        consistent = True
        for column, attr in (
            (COL_CATEGORY_CODE, "category_code"),
            (COL_NAME, "name"),
            (COL_ACCIDENT_TYPES, "accident_types"),
            (COL_RISK_POINTS, "risk_points"),
        ):
            first, here = getattr(known_entry.data, attr), getattr(data, attr)
            if first != here:
                self.error(
                    row,
                    column,
                    _("Risk %(code)s has “%(first)s” here in row %(row)d; the rows of one risk repeat the same %(column)s.")
                    % {"code": entry.code, "first": first, "row": known_entry.row, "column": column},
                )
                consistent = False
        # A contradicting row is reported once, not again for the measure it repeats.
        return known_entry if consistent else None

    def _measure(self, row: int, values: dict[str, str], entry: _Entry | None) -> _Measure | None:
        ok = True
        class_cell, subclass_cell = values[COL_MEASURE_CLASS], values[COL_SUBCLASS]
        measure_class = measure_class_from_cell(class_cell) if class_cell else None
        if not class_cell:
            self.error(row, COL_MEASURE_CLASS, _("Fill in this cell."))
            ok = False
        elif measure_class is None:
            allowed = "、".join(MEASURE_CLASS_ZH.values())
            self.error(
                row,
                COL_MEASURE_CLASS,
                _("Unknown measure class “%(value)s”; use one of: %(allowed)s.") % {"value": class_cell, "allowed": allowed},
            )
            ok = False
        subclass = measure_subclass_from_cell(measure_class, subclass_cell) if subclass_cell else None
        if not subclass_cell:
            self.error(row, COL_SUBCLASS, _("Fill in this cell."))
            ok = False
        elif subclass is None:
            choices = MEASURE_SUBCLASSES.get(measure_class or "", tuple(MEASURE_SUBCLASS_ZH))
            allowed = "、".join(dict.fromkeys(MEASURE_SUBCLASS_ZH[s] for s in choices))
            self.error(
                row,
                COL_SUBCLASS,
                _("Unknown measure sub-class “%(value)s”; use one of: %(allowed)s.")
                % {"value": subclass_cell, "allowed": allowed},
            )
            ok = False
        elif measure_class is not None and not subclass_belongs(measure_class, subclass):
            allowed = "、".join(MEASURE_SUBCLASS_ZH[s] for s in MEASURE_SUBCLASSES[measure_class])
            self.error(
                row,
                COL_SUBCLASS,
                _("Sub-class “%(value)s” does not belong to the class %(cls)s; use one of: %(allowed)s.")
                % {"value": subclass_cell, "cls": MEASURE_CLASS_ZH[measure_class], "allowed": allowed},
            )
            ok = False
        measure = StandardMeasure(content=values[COL_MEASURE], basis=values[COL_MEASURE_BASIS])
        found = _field_errors(measure, {"content": COL_MEASURE, "basis": COL_MEASURE_BASIS})
        for column, message in found:
            self.error(row, column, message)
        if not ok or found or entry is None or measure_class is None or subclass is None:
            return None
        data = MeasureData(measure_class=measure_class, subclass=subclass, content=measure.content, basis=measure.basis)
        known = entry.measures.get(data.key)
        if known is None:
            entry.measures[data.key] = known = _Measure(data=data, row=row)
        elif known.data.basis != data.basis:
            self.error(
                row,
                COL_MEASURE_BASIS,
                _("This measure has the basis “%(first)s” in row %(row)d; the rows of one measure repeat the same basis.")
                % {"first": known.data.basis, "row": known.row},
            )
        return known

    def _check_item(self, row: int, values: dict[str, str], raw_cycle: Any, measure: _Measure | None) -> None:
        cycle = _cycle(raw_cycle)
        if not values[COL_CYCLE]:
            self.error(row, COL_CYCLE, _("Fill in the check cycle: a whole number of at least 1."))
            cycle = None
        elif cycle is None or cycle < 1:
            self.error(
                row,
                COL_CYCLE,
                _("The check cycle must be a whole number of at least 1; “%(value)s” is not.") % {"value": values[COL_CYCLE]},
            )
            cycle = None
        unit = cycle_unit_from_cell(values[COL_UNIT]) if values[COL_UNIT] else None
        if not values[COL_UNIT]:
            self.error(row, COL_UNIT, _("Fill in this cell."))
        elif unit is None:
            allowed = "、".join(CYCLE_UNIT_ZH.values())
            self.error(
                row,
                COL_UNIT,
                _("Unknown cycle unit “%(value)s”; use one of: %(allowed)s.") % {"value": values[COL_UNIT], "allowed": allowed},
            )
        # The model's own validators (lengths, the largest cycle) on what was readable.
        item = CheckItem(content=values[COL_CHECK], basis=values[COL_CHECK_BASIS], cycle=cycle or 1)
        mapping = {"content": COL_CHECK, "basis": COL_CHECK_BASIS}
        if cycle is not None:
            mapping["cycle"] = COL_CYCLE
        found = _field_errors(item, mapping)
        for column, message in found:
            self.error(row, column, message)
        if found or measure is None or unit is None or cycle is None:
            return
        known = measure.items.get(item.content)
        if known is not None:
            self.error(
                row, COL_CHECK, _("This check item already appears in row %(row)d for the same measure.") % {"row": known[1]}
            )
            return
        measure.items[item.content] = (CheckItemData(content=item.content, cycle=cycle, cycle_unit=unit, basis=item.basis), row)


def parse_rows(rows: Iterable[tuple[int, Mapping[str, Any]]]) -> list[EntryData]:
    """Validate every row (``(row number, {header: cell})``) and return the dictionary they describe.

    Raises :class:`DictionaryImportError` listing every problem; returns entries in code order.
    """
    parser = _Parser()
    seen = False
    for number, cells in rows:
        seen = True
        parser.row(number, cells)
    if not seen:
        parser.error(1, "", _("The sheet holds no rows below the header row."))
    if parser.errors:
        raise DictionaryImportError(parser.errors)
    return [parser.entries[code].freeze() for code in sorted(parser.entries)]


def content_rows(entries: Iterable[EntryData]) -> Iterable[list[Any]]:
    """The exchange-format rows (without the header) of a dictionary, in the order of ``COLUMNS``."""
    for entry in entries:
        head = [entry.category_code, entry.category_name, entry.code, entry.name, entry.accident_types, entry.risk_points]
        if not entry.measures:
            yield head + [""] * 8
        for measure in entry.measures:
            middle = [
                MEASURE_CLASS_ZH[measure.measure_class],
                MEASURE_SUBCLASS_ZH[measure.subclass],
                measure.content,
                measure.basis,
            ]
            if not measure.check_items:
                yield head + middle + [""] * 4
            for item in measure.check_items:
                yield head + middle + [item.content, item.cycle, CYCLE_UNIT_ZH[item.cycle_unit], item.basis]


def write_content(version: DictionaryVersion, entries: Sequence[EntryData]) -> None:
    """Store validated ``entries`` under ``version`` (bulk inserts, each row recorded in the audit trail).

    The caller holds the transaction and has checked the actor; measures and check items keep the
    order they have in ``entries``.
    """
    categories: dict[str, ManagementCategory] = {}
    for entry in sorted(entries, key=lambda e: e.category_code):
        if entry.category_code not in categories:
            categories[entry.category_code] = ManagementCategory(
                version=version, code=entry.category_code, name=entry.category_name
            )
    ManagementCategory.objects.bulk_create(list(categories.values()))
    entry_rows = [
        RiskEntry(
            version=version,
            category=categories[e.category_code],
            code=e.code,
            name=e.name,
            accident_types=e.accident_types,
            risk_points=e.risk_points,
        )
        for e in entries
    ]
    RiskEntry.objects.bulk_create(entry_rows)
    measure_rows: list[tuple[StandardMeasure, MeasureData]] = []
    for stored, entry in zip(entry_rows, entries, strict=True):
        for order, m in enumerate(entry.measures, start=1):
            row = StandardMeasure(
                entry=stored, measure_class=m.measure_class, subclass=m.subclass, content=m.content, basis=m.basis, order=order
            )
            measure_rows.append((row, m))
    StandardMeasure.objects.bulk_create([row for row, _m in measure_rows])
    CheckItem.objects.bulk_create(
        [
            CheckItem(measure=row, content=c.content, cycle=c.cycle, cycle_unit=c.cycle_unit, basis=c.basis, order=order)
            for row, m in measure_rows
            for order, c in enumerate(m.check_items, start=1)
        ]
    )
