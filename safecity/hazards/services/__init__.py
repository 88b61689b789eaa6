"""Every write of the dual-prevention app; see the modules for the rules each implements."""

from safecity.hazards.services.checks import check_record_complete, check_records_generate, next_due
from safecity.hazards.services.escalation import hazards_escalate
from safecity.hazards.services.evidence import (
    evidence_add,
    evidence_content_type,
    evidence_default_stage,
    hazard_report_with_photo,
)
from safecity.hazards.services.lifecycle import (
    HazardConflict,
    governance_plan_save,
    hazard_accept,
    hazard_confirm,
    hazard_fix_on_the_spot,
    hazard_reject,
    hazard_report,
    hazard_report_by_platform,
    hazard_request_acceptance,
    hazard_update,
    hazard_withdraw,
)
from safecity.hazards.services.numbering import hazard_number_next, hazard_numbers_assign
from safecity.hazards.services.registry import (
    check_task_add,
    control_measure_add,
    registry_create,
    registry_upgrade,
    registry_upgrade_preview,
    risk_event_assess,
    risk_object_save,
    risk_unit_save,
)

__all__ = [
    "HazardConflict",
    "check_record_complete",
    "check_records_generate",
    "check_task_add",
    "control_measure_add",
    "evidence_add",
    "evidence_content_type",
    "evidence_default_stage",
    "governance_plan_save",
    "hazard_accept",
    "hazard_confirm",
    "hazard_fix_on_the_spot",
    "hazard_number_next",
    "hazard_numbers_assign",
    "hazard_reject",
    "hazard_report",
    "hazard_report_by_platform",
    "hazard_report_with_photo",
    "hazard_request_acceptance",
    "hazard_update",
    "hazard_withdraw",
    "hazards_escalate",
    "next_due",
    "registry_create",
    "registry_upgrade",
    "registry_upgrade_preview",
    "risk_event_assess",
    "risk_object_save",
    "risk_unit_save",
]
