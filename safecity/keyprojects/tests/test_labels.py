"""Words a user reads are words, not codes (issue 13): the audit trail's text of a status
observation and of a milestone reminder names the status and the kind, never their codes."""

from __future__ import annotations

from datetime import date

from django.utils import translation

from safecity.keyprojects.models import MilestoneReminder, StatusObservation


def test_status_observation_text_names_the_status() -> None:
    observation = StatusObservation(project_id=7, status="behind", observed_on=date(2023, 6, 30))
    with translation.override("zh-hans"):
        assert str(observation) == "7 · 滞后 · 2023-06-30"
    with translation.override("en"):
        assert str(observation) == "7 · Behind schedule · 2023-06-30"


def test_milestone_reminder_text_names_its_kind() -> None:
    reminder = MilestoneReminder(milestone_id=3, kind="milestone_due", recipient_id=5)
    with translation.override("zh-hans"):
        assert str(reminder) == "3 · 里程碑即将到期 · 5"
