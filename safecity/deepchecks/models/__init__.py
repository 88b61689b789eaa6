"""Deep safety check models: the expert pool, campaigns and panels, the checks and their findings."""

from safecity.deepchecks.models.campaigns import Campaign, CampaignTarget, Panel, PanelMember, ScheduleRun
from safecity.deepchecks.models.checks import ChecklistItem, CheckSession, Finding, RootCause
from safecity.deepchecks.models.experts import Expert, ExpertAffiliation, ExpertDocument, ExpertUnavailability, Specialty

__all__ = [
    "Campaign",
    "CampaignTarget",
    "CheckSession",
    "ChecklistItem",
    "Expert",
    "ExpertAffiliation",
    "ExpertDocument",
    "ExpertUnavailability",
    "Finding",
    "Panel",
    "PanelMember",
    "RootCause",
    "ScheduleRun",
    "Specialty",
]
