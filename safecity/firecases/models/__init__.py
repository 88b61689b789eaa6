"""Fire governance and public-interest litigation records (domain-rules §5, GB 35181-2017)."""

from safecity.firecases.models.cases import Case, CaseEvent, CaseEvidence, CaseReminder, Hearing, HearingParticipant
from safecity.firecases.models.letters import (
    Decision,
    FollowUpReview,
    ProsecutedPerson,
    Prosecution,
    Reply,
    SuggestionLetter,
)
from safecity.firecases.models.units import AGENCIES, OFFICIALS, SUPERVISORS, FireInspection, Lead, MajorFireHazardUnit

__all__ = [
    "AGENCIES",
    "OFFICIALS",
    "SUPERVISORS",
    "Case",
    "CaseEvent",
    "CaseEvidence",
    "CaseReminder",
    "Decision",
    "FireInspection",
    "FollowUpReview",
    "Hearing",
    "HearingParticipant",
    "Lead",
    "MajorFireHazardUnit",
    "ProsecutedPerson",
    "Prosecution",
    "Reply",
    "SuggestionLetter",
]
