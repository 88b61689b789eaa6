"""The pure schedule computations: expected progress, classification, forecast."""

from __future__ import annotations

from datetime import date

from safecity.keyprojects.schedule import (
    MilestoneSpec,
    Thresholds,
    actual_progress,
    classify,
    expected_progress,
    forecast_completion,
    is_completed,
    progress_history,
)

MS = [MilestoneSpec(date(2023, 3, 31), 20), MilestoneSpec(date(2023, 6, 30), 50), MilestoneSpec(date(2023, 9, 30), 30)]
START = date(2023, 1, 1)


def test_expected_progress_follows_the_milestones() -> None:
    assert expected_progress(START, MS, date(2022, 12, 1)) == 0
    assert expected_progress(START, MS, START) == 0
    assert expected_progress(START, MS, date(2023, 3, 31)) == 20
    # Half way through the second segment (91 days from 3-31 to 6-30).
    assert expected_progress(START, MS, date(2023, 5, 15)) == round(20 + 50 * 45 / 91, 2)
    assert expected_progress(START, MS, date(2023, 9, 30)) == 100
    assert expected_progress(START, MS, date(2024, 1, 1)) == 100


def test_milestone_on_the_start_date_counts_at_once() -> None:
    same_day = [MilestoneSpec(START, 40), MilestoneSpec(date(2023, 1, 11), 60)]
    assert expected_progress(START, same_day, START) == 40
    assert expected_progress(START, same_day, date(2023, 1, 6)) == 70


def test_actual_progress_and_completion() -> None:
    assert actual_progress([20, 50, 30], [100, 50, 0]) == 45
    assert not is_completed([100, 100, 99])
    assert is_completed([100, 100, 100])
    assert not is_completed([])


def test_classification_thresholds_are_strict() -> None:
    t = Thresholds(behind=5, seriously_behind=15)
    assert classify(expected=50, actual=45, completed=False, thresholds=t) == "on_schedule"
    assert classify(expected=50, actual=44.9, completed=False, thresholds=t) == "behind"
    assert classify(expected=50, actual=35, completed=False, thresholds=t) == "behind"
    assert classify(expected=50, actual=34.9, completed=False, thresholds=t) == "seriously_behind"
    assert classify(expected=100, actual=100, completed=True, thresholds=t) == "completed"
    assert classify(expected=10, actual=60, completed=False, thresholds=t) == "on_schedule"


def test_forecast_from_the_reporting_history() -> None:
    history = [(date(2023, 1, 1), 0.0), (date(2023, 1, 11), 10.0), (date(2023, 1, 21), 20.0)]
    assert forecast_completion(history) == date(2023, 4, 11)  # 1 point a day from 0 on 1 January
    assert forecast_completion(history[:1]) is None  # too few reports
    assert forecast_completion([(date(2023, 1, 1), 30.0), (date(2023, 2, 1), 30.0)]) is None  # not moving
    assert forecast_completion([(date(2023, 1, 1), 40.0), (date(2023, 2, 1), 30.0)]) is None  # going back
    assert forecast_completion([(date(2023, 1, 1), 40.0), (date(2023, 5, 1), 100.0)]) == date(2023, 5, 1)


def test_progress_history_replays_reports() -> None:
    points = progress_history({1: 20, 2: 80}, [(date(2023, 1, 5), 1, 100), (date(2023, 2, 1), 2, 50), (date(2023, 2, 1), 2, 60)])
    assert points == [(date(2023, 1, 5), 20.0), (date(2023, 2, 1), 68.0)]
