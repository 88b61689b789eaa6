"""The panel scheduler of the deep safety check: plain data in, panels or named reasons out.

- ``data``: the dataclasses (experts, enterprises, rules, problem, solution) and the rule names;
- ``diagnose``: per-rule infeasibility checks before the solver runs;
- ``solve``: stage 1 dates, stage 2 CP-SAT expert assignment (decomposed by week when large);
- ``validate``: one panel or a whole schedule against every rule (manual edits, tests).
"""

from __future__ import annotations

from safecity.deepchecks.scheduling.data import (
    RULE_LABELS,
    ExpertInput,
    PanelPlan,
    Problem,
    Reason,
    RuleCode,
    Rules,
    Solution,
    TargetInput,
)
from safecity.deepchecks.scheduling.diagnose import precheck
from safecity.deepchecks.scheduling.solve import assign_dates, solve
from safecity.deepchecks.scheduling.validate import validate_panel, validate_solution

__all__ = [
    "RULE_LABELS",
    "ExpertInput",
    "PanelPlan",
    "Problem",
    "Reason",
    "RuleCode",
    "Rules",
    "Solution",
    "TargetInput",
    "assign_dates",
    "precheck",
    "solve",
    "validate_panel",
    "validate_solution",
]
