"""The ranking of innovation projects: weighted totals, per-judge normalisation and tie-breaks.

Pure functions over plain data (no ORM), so the arithmetic is tested on its own.

1. A judge's weighted total of an entry: Σ weight × value / scale over the round's criteria, with
   weights summing to 100, so the total lies between 0 and 100. Only complete sheets count (a judge
   who has not scored every criterion of an entry has no total for it).
2. Judges differ in strictness (one gives 5-7, another 7-10). Each judge's totals are turned into
   z-scores over the entries that judge scored: z = (total − judge's mean) / judge's population
   standard deviation; a judge whose totals do not vary gives z = 0 to every entry (no information
   on order). This is the usual standardisation of rater scores (e.g. the "z-score method" for
   judge bias in competition scoring; Cronbach, *Essentials of Psychological Testing*, on standard
   scores).
3. An entry's normalised score is the mean z over its judges, shown as 50 + 10·z (a T-score).
4. Ranking: by normalised score (as shown, 2 decimals), then the tie-breaks in this order:
   higher mean weighted total; more judges; higher mean value on the highest-weight criterion
   (the first such criterion when several share the highest weight); earlier submission; entry id.
   Every comparison is made at the precision shown on the ranking page, so a tie a reader sees is
   a tie the ranking breaks, and the page says which tie-break decided it.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from statistics import fmean, pstdev

# Keys of the ranking comparison, in order; the first is the normalised score itself.
TIE_BREAKS = ("score", "mean_raw", "judges", "top_criterion", "submitted_at", "entry_id")


@dataclass(frozen=True)
class CriterionSpec:
    id: int
    weight: int


@dataclass(frozen=True)
class ScoreRow:
    judge_id: int
    entry_id: int
    criterion_id: int
    value: float


@dataclass
class JudgeStats:
    judge_id: int
    totals: dict[int, float] = field(default_factory=dict)  # entry id -> weighted total
    z: dict[int, float] = field(default_factory=dict)  # entry id -> z-score
    mean: float = 0.0
    sd: float = 0.0


@dataclass
class RankedEntry:
    entry_id: int
    rank: int
    score: float  # 50 + 10 * mean z, 2 decimals
    mean_z: float
    mean_raw: float  # mean weighted total over judges, 2 decimals
    judges: int
    top_criterion_mean: float  # 2 decimals
    submitted_at: datetime | None
    per_judge: dict[int, tuple[float, float]]  # judge id -> (weighted total, z)
    flagged: bool  # fewer judges than the round's minimum
    decided_by: str = ""  # the tie-break that put this entry below the one above it ("" if no tie)


def weighted_total(values: Mapping[int, float], criteria: Sequence[CriterionSpec], scale: int) -> float | None:
    """Σ weight × value / scale (0-100 when weights sum to 100); None when a criterion is missing."""
    if any(c.id not in values for c in criteria):
        return None
    return sum(c.weight * values[c.id] / scale for c in criteria)


def judge_statistics(rows: Iterable[ScoreRow], criteria: Sequence[CriterionSpec], scale: int) -> dict[int, JudgeStats]:
    """Each judge's weighted totals of the entries they fully scored, their mean, spread and z-scores."""
    sheets: dict[tuple[int, int], dict[int, float]] = {}
    for row in rows:
        sheets.setdefault((row.judge_id, row.entry_id), {})[row.criterion_id] = row.value
    stats: dict[int, JudgeStats] = {}
    for (judge_id, entry_id), values in sheets.items():
        total = weighted_total(values, criteria, scale)
        if total is not None:
            stats.setdefault(judge_id, JudgeStats(judge_id)).totals[entry_id] = total
    for judge in stats.values():
        totals = list(judge.totals.values())
        judge.mean = fmean(totals)
        judge.sd = pstdev(totals) if len(totals) > 1 else 0.0
        judge.z = {
            entry_id: ((total - judge.mean) / judge.sd if judge.sd > 1e-12 else 0.0) for entry_id, total in judge.totals.items()
        }
    return stats


def top_criterion(criteria: Sequence[CriterionSpec]) -> CriterionSpec | None:
    """The highest-weight criterion (the first in order when several share the highest weight)."""
    best: CriterionSpec | None = None
    for criterion in criteria:
        if best is None or criterion.weight > best.weight:
            best = criterion
    return best


def _key(entry: RankedEntry) -> tuple[float, float, int, float, float, int]:
    submitted = entry.submitted_at.timestamp() if entry.submitted_at is not None else math.inf
    return (-entry.score, -entry.mean_raw, -entry.judges, -entry.top_criterion_mean, submitted, entry.entry_id)


def rank_entries(
    rows: Iterable[ScoreRow],
    criteria: Sequence[CriterionSpec],
    scale: int,
    submitted_at: Mapping[int, datetime | None],
    min_judges: int = 1,
) -> tuple[list[RankedEntry], dict[int, JudgeStats]]:
    """The ranking of the entries in ``submitted_at`` that at least one judge fully scored."""
    rows = list(rows)
    stats = judge_statistics(rows, criteria, scale)
    top = top_criterion(criteria)
    top_values: dict[int, list[float]] = {}
    for row in rows:
        complete = row.entry_id in stats.get(row.judge_id, JudgeStats(row.judge_id)).totals
        if top is not None and row.criterion_id == top.id and row.entry_id in submitted_at and complete:
            top_values.setdefault(row.entry_id, []).append(row.value)
    ranked: list[RankedEntry] = []
    for entry_id, when in submitted_at.items():
        per_judge = {j.judge_id: (j.totals[entry_id], j.z[entry_id]) for j in stats.values() if entry_id in j.totals}
        if not per_judge:
            continue
        mean_z = fmean(z for _, z in per_judge.values())
        ranked.append(
            RankedEntry(
                entry_id=entry_id,
                rank=0,
                score=round(50 + 10 * mean_z, 2),
                mean_z=mean_z,
                mean_raw=round(fmean(t for t, _ in per_judge.values()), 2),
                judges=len(per_judge),
                top_criterion_mean=round(fmean(top_values.get(entry_id, [0.0])), 2),
                submitted_at=when,
                per_judge=dict(sorted(per_judge.items())),
                flagged=len(per_judge) < min_judges,
            )
        )
    ranked.sort(key=_key)
    for position, entry in enumerate(ranked, start=1):
        entry.rank = position
        if position > 1:
            above = _key(ranked[position - 2])
            mine = _key(entry)
            level = next(i for i, (a, b) in enumerate(zip(above, mine, strict=True)) if a != b)
            entry.decided_by = TIE_BREAKS[level] if level > 0 else ""
    return ranked, stats
