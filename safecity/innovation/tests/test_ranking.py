"""The ranking arithmetic as pure functions: weighted totals, normalisation, each tie-break level."""

from __future__ import annotations

from datetime import datetime

import pytest

from safecity.innovation.ranking import CriterionSpec, ScoreRow, judge_statistics, rank_entries, top_criterion, weighted_total

C = [CriterionSpec(1, 60), CriterionSpec(2, 40)]
T0 = datetime(2023, 5, 1, 9)


def rows(judge: int, sheet: dict[int, tuple[float, float]]) -> list[ScoreRow]:
    return [ScoreRow(judge, entry, cid, v) for entry, values in sheet.items() for cid, v in zip((1, 2), values, strict=True)]


def at(day: int) -> datetime:
    return T0.replace(day=day)


def test_weighted_total_is_on_0_to_100_and_needs_every_criterion():
    assert weighted_total({1: 10, 2: 10}, C, 10) == pytest.approx(100)
    assert weighted_total({1: 5, 2: 0}, C, 10) == pytest.approx(30)
    assert weighted_total({1: 5}, C, 10) is None


def test_normalisation_makes_a_strict_and_a_lenient_judge_comparable():
    # Same order of merit (A > B > C); the strict judge gives 3-5, the lenient one 8-10.
    strict = rows(1, {1: (5, 5), 2: (4, 4), 3: (3, 3)})
    lenient = rows(2, {1: (10, 10), 2: (9, 9), 3: (8, 8)})
    stats = judge_statistics(strict + lenient, C, 10)
    assert stats[1].mean == pytest.approx(40) and stats[2].mean == pytest.approx(90)
    assert stats[1].z == pytest.approx(stats[2].z)  # identical z-scores despite a 50-point gap
    # Entry 4 is seen only by the lenient judge and entry 5 only by the strict one; raw totals would
    # put 4 (lenient's lowest, 80) far above 5 (strict's highest, 50). Normalised, 5 ranks above 4.
    strict += rows(1, {5: (6, 6)})
    lenient += rows(2, {4: (7, 7)})
    when = {i: at(i) for i in range(1, 6)}
    ranked, _ = rank_entries(strict + lenient, C, 10, when)
    order = [r.entry_id for r in ranked]
    assert order.index(5) < order.index(4)
    by_id = {r.entry_id: r for r in ranked}
    assert by_id[4].mean_raw > by_id[5].mean_raw


def test_a_judge_with_no_spread_gives_zero():
    stats = judge_statistics(rows(1, {1: (7, 7), 2: (7, 7)}), C, 10)
    assert stats[1].sd == 0 and set(stats[1].z.values()) == {0.0}


def test_score_is_shown_as_50_plus_10_z_and_few_judges_are_flagged():
    data = rows(1, {1: (9, 9), 2: (1, 1)}) + rows(2, {1: (8, 8), 2: (2, 2)})
    ranked, _ = rank_entries(data, C, 10, {1: at(1), 2: at(2), 3: at(3)}, min_judges=3)
    assert [r.entry_id for r in ranked] == [1, 2]  # entry 3 was not scored: not ranked
    assert ranked[0].score == 60.0 and ranked[1].score == 40.0
    assert all(r.flagged for r in ranked)
    assert ranked[0].per_judge[1][0] == pytest.approx(90)


def _tied(extra_a: list[ScoreRow], extra_b: list[ScoreRow], when_a: datetime, when_b: datetime):
    """Entries 1 and 2 with equal normalised scores; ``extra`` rows shape the later keys."""
    base = rows(9, {1: (5, 5), 2: (5, 5), 3: (1, 1), 4: (9, 9)})
    ranked, _ = rank_entries(base + extra_a + extra_b, C, 10, {1: when_a, 2: when_b, 3: at(20), 4: at(20)})
    return [r for r in ranked if r.entry_id in (1, 2)]


def test_tie_break_mean_raw():
    # Judge 7 scored both 1 and 2 (and nothing else): zero spread -> z 0 for both; raw totals differ only
    # via a second judge whose z is equal for both but whose raw total is higher for entry 2.
    j7 = rows(7, {1: (6, 6), 2: (6, 6)})
    j8 = rows(8, {1: (3, 3), 2: (3, 3)})
    data = j7 + j8 + rows(9, {1: (5, 5), 2: (5, 5), 3: (1, 1), 4: (9, 9)}) + rows(6, {2: (9, 9), 5: (9, 9)})
    ranked, _ = rank_entries(data, C, 10, {1: at(1), 2: at(2), 3: at(3), 4: at(4), 5: at(5)})
    one, two = (next(r for r in ranked if r.entry_id == i) for i in (1, 2))
    assert one.score == two.score and two.mean_raw > one.mean_raw
    assert two.rank < one.rank and one.decided_by == "mean_raw"


def test_tie_break_more_judges():
    # Entry 2 also scored by judge 5 with zero spread (z 0) and the same raw total: equal score and mean raw.
    first, second = _tied([], rows(5, {2: (5, 5)}), at(1), at(2))
    assert first.entry_id == 2 and second.entry_id == 1 and second.decided_by == "judges"


def test_tie_break_highest_weight_criterion():
    # Same totals (6*60+4*40 = 4*60+7*40 = 520/10): entry 2 is better on the highest-weight criterion.
    base = rows(9, {1: (4, 7), 2: (6, 4), 3: (1, 1), 4: (9, 9)})
    ranked, _ = rank_entries(base, C, 10, {1: at(1), 2: at(2), 3: at(3), 4: at(4)})
    pair = [r for r in ranked if r.entry_id in (1, 2)]
    assert [r.entry_id for r in pair] == [2, 1] and pair[1].decided_by == "top_criterion"
    assert top_criterion(C) == C[0]


def test_tie_break_earlier_submission_then_id():
    first, second = _tied([], [], at(9), at(3))
    assert first.entry_id == 2 and second.decided_by == "submitted_at"
    first, second = _tied([], [], at(3), at(3))
    assert first.entry_id == 1 and second.decided_by == "entry_id"
