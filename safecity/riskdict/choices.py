"""Codes of the risk-control dictionary (风险管控辞典), shared with the hazards app.

The control-measure classes and sub-classes, and the check-cycle units, are those of the national
guideline 《危险化学品企业双重预防机制数字化建设工作指南(试行)》 (Ministry of Emergency Management,
2022) and its data-exchange specification: four classes (engineering, maintenance, operation,
emergency), each with its own sub-classes, and a check cycle counted in hours, days, weeks, months
or years.

The UI shows the translated English labels; the Excel exchange format always holds the fixed
Chinese terms of the guideline (``*_ZH`` below), whatever the reader's language, so a file made in
one language imports in the other.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class DictionaryStatus(models.TextChoices):
    """A version is prepared as a draft and frozen once published: its content never changes afterwards."""

    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class MeasureClass(models.TextChoices):
    """管控措施分类1: the four classes of control measure."""

    ENGINEERING = "engineering", _("Engineering")
    MAINTENANCE = "maintenance", _("Maintenance")
    OPERATION = "operation", _("Operation")
    EMERGENCY = "emergency", _("Emergency")


class MeasureSubclass(models.TextChoices):
    """管控措施分类2: the sub-classes; each belongs to exactly one class (``MEASURE_SUBCLASSES``).

    Every class has its own "other" sub-class, so the value says which class it belongs to.
    """

    PROCESS_CONTROL = "process_control", _("Process control")
    KEY_EQUIPMENT = "key_equipment", _("Key equipment and components")
    SAFETY_ACCESSORIES = "safety_accessories", _("Safety accessories")
    SAFETY_INSTRUMENTED_SYSTEM = "safety_instrumented_system", _("Safety instrumented system")
    ENGINEERING_OTHER = "engineering_other", _("Other engineering measure")
    ROTATING_EQUIPMENT = "rotating_equipment", _("Rotating equipment")
    STATIC_EQUIPMENT = "static_equipment", _("Static equipment")
    MAINTENANCE_OTHER = "maintenance_other", _("Other maintenance measure")
    QUALIFICATION = "qualification", _("Personnel qualification")
    OPERATING_RECORDS = "operating_records", _("Operating records")
    SHIFT_HANDOVER = "shift_handover", _("Shift handover")
    OPERATION_OTHER = "operation_other", _("Other operation measure")
    EMERGENCY_FACILITIES = "emergency_facilities", _("Emergency facilities")
    PERSONAL_PROTECTION = "personal_protection", _("Personal protective equipment")
    FIRE_FACILITIES = "fire_facilities", _("Fire-fighting facilities")
    EMERGENCY_PLAN = "emergency_plan", _("Emergency plan")
    EMERGENCY_OTHER = "emergency_other", _("Other emergency measure")


class CycleUnit(models.TextChoices):
    """排查周期单位: the unit of a check item's cycle."""

    HOUR = "hour", _("hour")
    DAY = "day", _("day")
    WEEK = "week", _("week")
    MONTH = "month", _("month")
    YEAR = "year", _("year")


# Which sub-classes belong to which class (the national guideline's two-level classification).
MEASURE_SUBCLASSES: dict[str, tuple[str, ...]] = {
    MeasureClass.ENGINEERING: (
        MeasureSubclass.PROCESS_CONTROL,
        MeasureSubclass.KEY_EQUIPMENT,
        MeasureSubclass.SAFETY_ACCESSORIES,
        MeasureSubclass.SAFETY_INSTRUMENTED_SYSTEM,
        MeasureSubclass.ENGINEERING_OTHER,
    ),
    MeasureClass.MAINTENANCE: (
        MeasureSubclass.ROTATING_EQUIPMENT,
        MeasureSubclass.STATIC_EQUIPMENT,
        MeasureSubclass.MAINTENANCE_OTHER,
    ),
    MeasureClass.OPERATION: (
        MeasureSubclass.QUALIFICATION,
        MeasureSubclass.OPERATING_RECORDS,
        MeasureSubclass.SHIFT_HANDOVER,
        MeasureSubclass.OPERATION_OTHER,
    ),
    MeasureClass.EMERGENCY: (
        MeasureSubclass.EMERGENCY_FACILITIES,
        MeasureSubclass.PERSONAL_PROTECTION,
        MeasureSubclass.FIRE_FACILITIES,
        MeasureSubclass.EMERGENCY_PLAN,
        MeasureSubclass.EMERGENCY_OTHER,
    ),
}
SUBCLASS_CLASS: dict[str, str] = {sub: cls for cls, subs in MEASURE_SUBCLASSES.items() for sub in subs}

# The guideline's Chinese terms: the cells of the Excel exchange format.
MEASURE_CLASS_ZH: dict[str, str] = {
    MeasureClass.ENGINEERING: "工程技术",
    MeasureClass.MAINTENANCE: "维护保养",
    MeasureClass.OPERATION: "操作行为",
    MeasureClass.EMERGENCY: "应急措施",
}
MEASURE_SUBCLASS_ZH: dict[str, str] = {
    MeasureSubclass.PROCESS_CONTROL: "工艺控制",
    MeasureSubclass.KEY_EQUIPMENT: "关键设备/部件",
    MeasureSubclass.SAFETY_ACCESSORIES: "安全附件",
    MeasureSubclass.SAFETY_INSTRUMENTED_SYSTEM: "安全仪表",
    MeasureSubclass.ENGINEERING_OTHER: "其他",
    MeasureSubclass.ROTATING_EQUIPMENT: "动设备",
    MeasureSubclass.STATIC_EQUIPMENT: "静设备",
    MeasureSubclass.MAINTENANCE_OTHER: "其他",
    MeasureSubclass.QUALIFICATION: "人员资质",
    MeasureSubclass.OPERATING_RECORDS: "操作记录",
    MeasureSubclass.SHIFT_HANDOVER: "交接班",
    MeasureSubclass.OPERATION_OTHER: "其他",
    MeasureSubclass.EMERGENCY_FACILITIES: "应急设施",
    MeasureSubclass.PERSONAL_PROTECTION: "个体防护",
    MeasureSubclass.FIRE_FACILITIES: "消防设施",
    MeasureSubclass.EMERGENCY_PLAN: "应急预案",
    MeasureSubclass.EMERGENCY_OTHER: "其他",
}
CYCLE_UNIT_ZH: dict[str, str] = {
    CycleUnit.HOUR: "小时",
    CycleUnit.DAY: "天",
    CycleUnit.WEEK: "周",
    CycleUnit.MONTH: "月",
    CycleUnit.YEAR: "年",
}


def subclass_belongs(measure_class: str, measure_subclass: str) -> bool:
    """Is ``measure_subclass`` one of the sub-classes of ``measure_class``?"""
    return measure_subclass in MEASURE_SUBCLASSES.get(measure_class, ())


def validate_measure_subclass(measure_class: str, measure_subclass: str) -> None:
    """Raise a ValidationError on the sub-class unless it belongs to ``measure_class``."""
    if measure_class in MEASURE_SUBCLASSES and not subclass_belongs(measure_class, measure_subclass):
        allowed = "、".join(MEASURE_SUBCLASS_ZH[s] for s in MEASURE_SUBCLASSES[measure_class])
        raise ValidationError(
            {
                "subclass": ValidationError(
                    _("This sub-class does not belong to the class %(cls)s; allowed: %(allowed)s.")
                    % {"cls": MEASURE_CLASS_ZH[measure_class], "allowed": allowed},
                    code="subclass_not_in_class",
                )
            }
        )


def measure_class_from_cell(value: str) -> str | None:
    """The class code for an Excel cell: the Chinese term, or the code itself."""
    value = value.strip()
    for code, label in MEASURE_CLASS_ZH.items():
        if value in (label, code):
            return str(code)
    return None


def measure_subclass_from_cell(measure_class: str | None, value: str) -> str | None:
    """The sub-class code for an Excel cell, read within its class ("其他" is ambiguous without it).

    Returns None when the cell names no sub-class at all; a sub-class of another class is returned
    as such, so the caller can say "not in this class" rather than "unknown".
    """
    value = value.strip()
    candidates = [code for code, label in MEASURE_SUBCLASS_ZH.items() if value in (label, code)]
    if not candidates:
        return None
    for code in candidates:
        if measure_class is not None and subclass_belongs(measure_class, code):
            return str(code)
    return str(candidates[0])


def cycle_unit_from_cell(value: str) -> str | None:
    """The cycle-unit code for an Excel cell: the Chinese term, or the code itself."""
    value = value.strip()
    for code, label in CYCLE_UNIT_ZH.items():
        if value in (label, code):
            return str(code)
    return None
