"""Pure computations of the time-based schedule (时序进度) of a key project. No database access.

Sources: the City Safety Committee's yearly key-project list (issue 5): a project's expected
progress at a date follows its milestones' planned dates and weights; a project is "completed"
when every milestone is done, otherwise it is on schedule or behind by the plan's thresholds.

- expected(d) = Σ weight_i × clamp((d − start_i) / (planned_i − start_i), 0, 1), where start_i is
  the previous milestone's planned date (the project's start date for the first one);
- actual = Σ weight_i × completion_i / 100 with the latest reported completion of each milestone;
- forecast: least-squares line through the recent (date, actual progress) points → the date the
  line reaches 100; none when the rate is not positive or there are fewer than two points.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

COMPLETE = 100.0


@dataclass(frozen=True)
class MilestoneSpec:
    planned_date: date
    weight: int  # percent, the weights of a project sum to 100


@dataclass(frozen=True)
class Thresholds:
    behind: float = 5.0  # behind when actual < expected − behind
    seriously_behind: float = 15.0  # seriously behind when actual < expected − seriously_behind


def expected_progress(start: date, milestones: Sequence[MilestoneSpec], at: date) -> float:
    """The progress (0–100) the milestones call for at ``at``, interpolated linearly per segment."""
    total = 0.0
    previous = start
    for milestone in sorted(milestones, key=lambda m: m.planned_date):
        span = (milestone.planned_date - previous).days
        if span <= 0:
            fraction = 1.0 if at >= milestone.planned_date else 0.0
        else:
            fraction = min(max((at - previous).days / span, 0.0), 1.0)
        total += milestone.weight * fraction
        previous = milestone.planned_date
    return round(total, 2)


def actual_progress(weights: Sequence[int], completions: Sequence[float]) -> float:
    """Σ weight × completion / 100: the weighted share of the milestones done (0–100)."""
    return round(sum(w * c / 100.0 for w, c in zip(weights, completions, strict=True)), 2)


def is_completed(completions: Sequence[float]) -> bool:
    return bool(completions) and all(c >= COMPLETE for c in completions)


def classify(*, expected: float, actual: float, completed: bool, thresholds: Thresholds, final: bool = False) -> str:
    """The status code (see ``choices.ProjectStatus``) of a project with these figures.

    ``final``: the plan year is over, so a project is judged completed or not completed; being "on
    the time-based schedule" only means something while the year runs.
    """
    if completed:
        return "completed"
    if final:
        return "not_completed"
    gap = expected - actual
    if gap > thresholds.seriously_behind:
        return "seriously_behind"
    if gap > thresholds.behind:
        return "behind"
    return "on_schedule"


def forecast_completion(history: Iterable[tuple[date, float]], *, window: int = 6) -> date | None:
    """The date the project's progress reaches 100, from its reporting history.

    ``history`` holds (date, actual progress after that day's reports). Already at 100: the day it
    got there. Otherwise a least-squares line through the last ``window`` points; None with fewer
    than two points or when the rate is not positive (the project is not moving).
    """
    points = sorted(history)
    by_day: dict[date, float] = {}
    for day, progress in points:
        by_day[day] = progress
    points = sorted(by_day.items())
    for day, progress in points:
        if progress >= COMPLETE:
            return day
    points = points[-window:]
    if len(points) < 2:
        return None
    origin = points[0][0]
    xs = [(d - origin).days for d, _ in points]
    ys = [p for _, p in points]
    n = len(points)
    mean_x, mean_y = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mean_x) ** 2 for x in xs)
    if sxx == 0:
        return None
    slope = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / sxx
    if slope <= 0:
        return None
    intercept = mean_y - slope * mean_x
    days = (COMPLETE - intercept) / slope
    target = origin + timedelta(days=max(days, float(xs[-1])))
    return target if target.year < 9999 else None


def progress_history(weights: dict[int, int], reports: Iterable[tuple[date, int, float]]) -> list[tuple[date, float]]:
    """Replay (date, milestone id, completion) reports into (date, actual progress) points."""
    latest: dict[int, float] = {}
    out: list[tuple[date, float]] = []
    for day, milestone_id, completion in sorted(reports, key=lambda r: r[0]):
        if milestone_id not in weights:
            continue
        latest[milestone_id] = completion
        progress = round(sum(weights[m] * c / 100.0 for m, c in latest.items()), 2)
        if out and out[-1][0] == day:
            out[-1] = (day, progress)
        else:
            out.append((day, progress))
    return out
