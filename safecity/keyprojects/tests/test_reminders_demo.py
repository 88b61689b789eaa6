"""Reminders before milestone dates and escalation when behind (idempotent); the demo's 2023 figures."""

from __future__ import annotations

import random
from datetime import date
from typing import Any

import time_machine
from django.contrib.auth import get_user_model

from safecity.core.figures import FigureContext, compute_indicators
from safecity.core.models import Notification, Region
from safecity.keyprojects import services
from safecity.keyprojects.tests.conftest import Plan


def _kinds(user: Any) -> list[str]:
    return sorted(Notification.objects.filter(recipient=user).values_list("kind", flat=True))


def test_reminder_once_per_milestone_and_escalation_once_per_change(kp: Plan, personas: Any) -> None:
    with time_machine.travel("2023-03-26 09:00 +08:00", tick=False):
        # 方案 of every project is due on 31 March: 5 days ahead, within the 7 reminder days.
        counts = services.keyprojects_reminders(today=date(2023, 3, 26))
        assert _kinds(kp.dept_officer) == ["keyprojects.milestone_due"] * 2  # leads 武进 and 全市
        assert _kinds(kp.em_officer) == ["keyprojects.milestone_due"]
        # Nothing reported by 26 March: expected ~17.6 %, actual 0 → seriously behind, told to the committee office.
        assert _kinds(personas.city_official) == ["keyprojects.seriously_behind"] * 3
        assert counts["escalations"] == 3 * 2  # city_admin and city_official
        assert _kinds(personas.district_a) == []
        again = services.keyprojects_reminders(today=date(2023, 3, 26))
        assert again == {"reminders": 0, "escalations": 0}
    with time_machine.travel("2023-03-27 09:00 +08:00", tick=False):
        services.progress_report(actor=kp.dept_officer, project=kp.wujin, milestone=kp.wujin.milestones.first(), completion=100)
        counts = services.keyprojects_reminders(today=date(2023, 3, 27))
        assert counts == {"reminders": 0, "escalations": 0}  # back on schedule: recorded, nobody told
    with time_machine.travel("2023-05-20 09:00 +08:00", tick=False):
        counts = services.keyprojects_reminders(today=date(2023, 5, 20))
        # 武进 now falls behind again (expected ~46 %, actual 20 %): one new escalation per recipient.
        assert counts["escalations"] == 2
        assert _kinds(personas.city_official).count("keyprojects.seriously_behind") == 4


def test_reminders_job_writes_one_audit_entry_per_row(kp: Plan, personas: Any) -> None:
    from django.contrib.contenttypes.models import ContentType

    from safecity.core.models import AuditEntry
    from safecity.keyprojects.models import MilestoneReminder, StatusObservation

    def entries(model: Any) -> set[str]:
        return set(
            AuditEntry.objects.filter(content_type=ContentType.objects.get_for_model(model), action="create").values_list(
                "object_id", flat=True
            )
        )

    with time_machine.travel("2023-03-26 09:00 +08:00", tick=False):
        counts = services.keyprojects_reminders(today=date(2023, 3, 26))
    # 3 reminders and 3 × 2 escalations (bulk-created for the committee office) were written.
    assert counts == {"reminders": 3, "escalations": 6}
    assert Notification.objects.count() == 9
    for model in (Notification, MilestoneReminder, StatusObservation):
        rows = {str(pk) for pk in model.objects.values_list("pk", flat=True)}
        assert rows and entries(model) == rows, model.__name__
    assert AuditEntry.objects.filter(content_type=ContentType.objects.get_for_model(Notification)).count() == 9


def test_demo_step_gives_84_projects_67_completed_17_on_schedule(db: Any, settings: Any, tmp_path: Any) -> None:
    """The article's figures: at the cut-off date 2023-12-20, 67 completed and the other 17 on their
    time-based schedule; the year being over, those 17 are judged not completed at its end."""
    from safecity.core.demo.city import build_city
    from safecity.keyprojects.demo import build

    settings.MEDIA_ROOT = str(tmp_path / "media")
    admin = get_user_model().objects.create_superuser(username="admin", password="x", email="")
    build_city(random.Random("2023:core.city"), admin)
    build(random.Random("2023:keyprojects.2023"), admin)
    figures = compute_indicators(FigureContext(region=Region.objects.get(code="320400"), year=2023))
    assert figures["keyprojects.projects"] == 84
    assert figures["keyprojects.completed"] == 67
    assert figures["keyprojects.cutoff_on_schedule"] == 17
    assert figures["keyprojects.not_completed"] == 17
    assert figures["keyprojects.on_schedule"] == 0
    assert figures["keyprojects.behind"] == 0 and figures["keyprojects.seriously_behind"] == 0
    # A district official sees only the projects touching 新北, with the same computation.
    xinbei = get_user_model().objects.get(username="xinbei.official")
    district = compute_indicators(FigureContext(region=Region.objects.get(code="320400"), year=2023, user=xinbei))
    assert 0 < district["keyprojects.projects"] < 84
