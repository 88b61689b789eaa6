"""Every write of the innovation selection; see the modules for the rules."""

from safecity.innovation.services.common import is_committee
from safecity.innovation.services.entries import entry_create, entry_submit, entry_withdraw, material_add
from safecity.innovation.services.library import library_project_link
from safecity.innovation.services.rounds import criteria_set, judge_assign, judge_remove, round_create, round_start_judging
from safecity.innovation.services.scoring import ScoreInput, may_score, score_record, scores_record
from safecity.innovation.services.selection import selection_cancel, selection_make, selection_publish

__all__ = [
    "ScoreInput",
    "criteria_set",
    "entry_create",
    "entry_submit",
    "entry_withdraw",
    "is_committee",
    "judge_assign",
    "judge_remove",
    "library_project_link",
    "material_add",
    "may_score",
    "round_create",
    "round_start_judging",
    "score_record",
    "scores_record",
    "selection_cancel",
    "selection_make",
    "selection_publish",
]
