"""Writes of the cylinders app: every step of a cylinder's life, signed and appended to the ledger."""

from __future__ import annotations

from safecity.cylinders.services.bulk import ImportCylinder, ImportEvent, ImportRefusal, cylinder_history_import
from safecity.cylinders.services.common import CylinderError
from safecity.cylinders.services.lifecycle import (
    cylinder_deliver,
    cylinder_dispatch,
    cylinder_fill,
    cylinder_fill_check,
    cylinder_inspect,
    cylinder_repair,
    cylinder_return,
    cylinder_scrap,
)
from safecity.cylinders.services.registry import cylinder_register, new_cylinder
from safecity.cylinders.services.reminders import cylinders_inspection_reminders

__all__ = [
    "CylinderError",
    "ImportCylinder",
    "ImportEvent",
    "ImportRefusal",
    "cylinder_deliver",
    "cylinder_dispatch",
    "cylinder_fill",
    "cylinder_fill_check",
    "cylinder_history_import",
    "cylinder_inspect",
    "cylinder_register",
    "cylinder_repair",
    "cylinder_return",
    "cylinder_scrap",
    "cylinders_inspection_reminders",
    "new_cylinder",
]
