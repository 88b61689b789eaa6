"""Writes of the forklift platform: every one a service with its rule (see the modules)."""

from __future__ import annotations

from safecity.forklifts.services.checks import Finding, safety_check_record
from safecity.forklifts.services.common import ForkliftError
from safecity.forklifts.services.operators import (
    Problem,
    driver_start_check,
    operator_add,
    operator_renew,
    operator_set_authorised,
)
from safecity.forklifts.services.registry import (
    DEFAULT_SPEED_LIMITS,
    forklift_add,
    forklift_inspection_record,
    forklift_officer_assign,
    forklift_register_use,
    forklift_transition,
    plant_create,
    plant_zone_add,
    safety_appoint,
    safety_appointment_end,
)
from safecity.forklifts.services.reminders import forklifts_reminders

__all__ = [
    "DEFAULT_SPEED_LIMITS",
    "Finding",
    "ForkliftError",
    "Problem",
    "driver_start_check",
    "forklift_add",
    "forklift_inspection_record",
    "forklift_officer_assign",
    "forklift_register_use",
    "forklift_transition",
    "forklifts_reminders",
    "operator_add",
    "operator_renew",
    "operator_set_authorised",
    "plant_create",
    "plant_zone_add",
    "safety_appoint",
    "safety_appointment_end",
    "safety_check_record",
]
