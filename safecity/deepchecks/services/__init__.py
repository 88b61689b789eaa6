"""Every write of the deep safety check; see the modules for the rules each implements."""

from safecity.deepchecks.services.campaigns import (
    campaign_create,
    campaign_targets_add,
    panel_member_set,
    problem_for,
    schedule_execute,
    schedule_publish,
    schedule_request,
    schedule_store,
    target_specialties_set,
    working_days,
)
from safecity.deepchecks.services.checks import (
    checklist_item_mark,
    finding_record,
    root_cause_save,
    session_complete,
    session_start,
)
from safecity.deepchecks.services.experts import affiliation_add, conflicts, expert_create, unavailability_add

__all__ = [
    "affiliation_add",
    "campaign_create",
    "campaign_targets_add",
    "checklist_item_mark",
    "conflicts",
    "expert_create",
    "finding_record",
    "panel_member_set",
    "problem_for",
    "root_cause_save",
    "schedule_execute",
    "schedule_publish",
    "schedule_request",
    "schedule_store",
    "session_complete",
    "session_start",
    "target_specialties_set",
    "unavailability_add",
    "working_days",
]
