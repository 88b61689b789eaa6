"""Every write of fire governance and public-interest litigation; see the modules for the rules."""

from safecity.firecases.services.cases import (
    case_evidence_add,
    case_file,
    case_investigate,
    hearing_hold,
    hearing_notify,
    hearing_participant_add,
    hearing_publish_notice,
    hearing_schedule,
)
from safecity.firecases.services.clocks import firecases_clocks
from safecity.firecases.services.letters import (
    decision_notify,
    decision_record,
    follow_up_record,
    letter_deliver,
    letter_document,
    letter_issue,
    letter_pdf,
    prosecution_record,
    reply_assess,
    reply_record,
)
from safecity.firecases.services.steps import (
    case_letter_current,
    case_next_steps,
    case_step_apply,
    prosecuted_persons_parse,
)
from safecity.firecases.services.units import fire_inspection_record, lead_decline, lead_refer, major_unit_determine

__all__ = [
    "case_evidence_add",
    "case_file",
    "case_investigate",
    "case_letter_current",
    "case_next_steps",
    "case_step_apply",
    "decision_notify",
    "decision_record",
    "fire_inspection_record",
    "firecases_clocks",
    "follow_up_record",
    "hearing_hold",
    "hearing_notify",
    "hearing_participant_add",
    "hearing_publish_notice",
    "hearing_schedule",
    "lead_decline",
    "lead_refer",
    "letter_deliver",
    "letter_document",
    "letter_issue",
    "letter_pdf",
    "major_unit_determine",
    "prosecuted_persons_parse",
    "prosecution_record",
    "reply_assess",
    "reply_record",
]
