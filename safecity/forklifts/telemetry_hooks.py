"""The forklift platform's check on the telemetry ingest: the driver reported at start-up.

TSG 81-2022 and SAMR order No. 74 (domain-rules §4): forklifts made from 2023-12-01 report their
driver when they start; a start by an unknown driver, a driver whose N1 certificate has expired or
who is not authorised by the truck's enterprise, or of a truck past its periodic inspection, is an
alarm. The alarm (rule ``driver-start``) opens at such a start and clears at the truck's next start
that has no problem, so one bad shift is one alarm, however often the driver restarts.
"""

from __future__ import annotations

from datetime import UTC, datetime

from safecity.telemetry.hooks import DriverReport
from safecity.telemetry.rules import Action, Event, Level

RULE_ID = "driver-start"
# A truck that should not run at all (inspection overdue, not registered, stopped) is red; a driver
# problem orange.
RED_PROBLEMS = frozenset({"inspection_overdue", "not_registered", "not_in_use"})


def driver_start_events(report: DriverReport) -> list[Event]:
    """The fire (problems) or clear (a clean start) event of the truck's ``driver-start`` rule."""
    from safecity.forklifts.models import Forklift
    from safecity.forklifts.services.operators import driver_start_check

    forklift = Forklift.objects.filter(device_id=report.device_pk).first()
    if forklift is None:
        return []
    problems = driver_start_check(forklift=forklift, card_or_face_id=report.driver, at=datetime.fromtimestamp(report.at, UTC))
    codes = [p.code for p in problems]
    params: dict[str, object] = {
        "driver": report.driver,
        "labels": {"namespace": "forklifts.start_problem", "codes": [str(c) for c in codes]},
        "position": list(report.position) if report.position else None,
        "seq": report.seq,
    }
    if not problems:
        return [Event(report.serial, RULE_ID, "state", Action.CLEAR, Level.ORANGE, report.at, "state.clear", params, None)]
    level = Level.RED if RED_PROBLEMS & {str(c) for c in codes} else Level.ORANGE
    return [Event(report.serial, RULE_ID, "state", Action.FIRE, level, report.at, "state.fire", params, None)]
