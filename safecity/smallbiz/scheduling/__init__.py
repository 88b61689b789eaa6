"""The service-visit scheduler for small and micro enterprises: plain data in, visits or plain-word
explanations out (no Django, so it runs and is tested in isolation).

- ``data``: the dataclasses (villages, providers, engineers, enterprises, requirements, problem,
  visits, solution);
- ``generate``: synthetic districts (bench, tests) and the greedy baseline schedule;
- ``diagnose``: infeasibility explained per provider and period before the solver runs;
- ``solve``: CP-SAT day tours per provider and period, expanded into dated visits;
- ``validate``: an independent check of a schedule against every rule.
"""

from __future__ import annotations

from safecity.smallbiz.scheduling.data import (
    Engineer,
    Enterprise,
    Explanation,
    Problem,
    Provider,
    Solution,
    Village,
    Visit,
    VisitRequirement,
    quarters,
)
from safecity.smallbiz.scheduling.diagnose import precheck
from safecity.smallbiz.scheduling.generate import greedy_schedule, sample_holidays, synthetic_district
from safecity.smallbiz.scheduling.solve import schedule_travel, visit_schedule_solve
from safecity.smallbiz.scheduling.validate import validate_schedule, validate_solution

__all__ = [
    "Engineer",
    "Enterprise",
    "Explanation",
    "Problem",
    "Provider",
    "Solution",
    "Village",
    "Visit",
    "VisitRequirement",
    "greedy_schedule",
    "precheck",
    "quarters",
    "sample_holidays",
    "schedule_travel",
    "synthetic_district",
    "validate_schedule",
    "validate_solution",
    "visit_schedule_solve",
]
