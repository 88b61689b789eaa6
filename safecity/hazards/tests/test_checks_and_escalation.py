"""Check tasks -> due check records -> completed checks (nothing found, or a hidden hazard), and the
daily escalation of overdue hazards (liable person first, then the supervising officials) and of major
hazards waiting too long for acceptance (order No. 16: 10 days)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from safecity.core.models import Notification
from safecity.hazards import selectors, services
from safecity.hazards.choices import CheckResult, HazardLevel, HazardSource, HazardState
from safecity.hazards.models import CheckRecord, CheckTask, HazardReminder, HiddenHazard
from safecity.hazards.services import check_records_generate, hazards_escalate, next_due

TZ = ZoneInfo("Asia/Shanghai")


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=TZ)  # type: ignore[misc]


# --- next_due ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("moment", "cycle", "unit", "expected"),
    [
        (at(2023, 3, 1, 8), 8, "hour", at(2023, 3, 1, 16)),
        (at(2023, 3, 1, 20), 6, "hour", at(2023, 3, 2, 2)),
        (at(2023, 3, 31, 8), 1, "day", at(2023, 4, 1, 8)),
        (at(2023, 12, 28, 8), 2, "week", at(2024, 1, 11, 8)),
        (at(2023, 1, 31, 8), 1, "month", at(2023, 2, 28, 8)),
        (at(2024, 1, 31, 8), 1, "month", at(2024, 2, 29, 8)),
        (at(2023, 11, 30, 8), 3, "month", at(2024, 2, 29, 8)),
        (at(2023, 5, 15, 8), 12, "month", at(2024, 5, 15, 8)),
        (at(2024, 2, 29, 8), 1, "year", at(2025, 2, 28, 8)),
        (at(2023, 6, 1, 8), 2, "year", at(2025, 6, 1, 8)),
    ],
)
def test_next_due(moment: datetime, cycle: int, unit: str, expected: datetime) -> None:
    assert next_due(moment, cycle, unit) == expected


@pytest.mark.parametrize(("cycle", "unit"), [(0, "day"), (-1, "month"), (1, "fortnight")])
def test_next_due_refuses_a_bad_cycle(cycle: int, unit: str) -> None:
    with pytest.raises(ValueError):
        next_due(at(2023, 1, 1), cycle, unit)


# --- generating and completing checks ------------------------------------------------------------


def test_generate_creates_due_checks_once_and_marks_missed_ones_overdue(registry: Any) -> None:
    t0 = at(2023, 3, 1, 8)
    CheckTask.objects.filter(pk=registry.task.pk).update(next_due_at=t0)
    now = t0 + timedelta(days=2, hours=12)
    assert check_records_generate(now=now) == {"created": 3, "overdue": 2}
    records = list(CheckRecord.objects.filter(task=registry.task).order_by("due_at").values_list("due_at", "result"))
    assert records == [
        (t0, CheckResult.OVERDUE),
        (t0 + timedelta(days=1), CheckResult.OVERDUE),
        (t0 + timedelta(days=2), CheckResult.PENDING),
    ]
    registry.task.refresh_from_db()
    assert registry.task.next_due_at == t0 + timedelta(days=3)
    # A second run at the same time changes nothing.
    assert check_records_generate(now=now) == {"created": 0, "overdue": 0}
    assert CheckRecord.objects.filter(task=registry.task).count() == 3
    # The next day brings one more check, and the one of the day before becomes overdue.
    assert check_records_generate(now=now + timedelta(days=1)) == {"created": 1, "overdue": 1}


def test_generate_ignores_tasks_not_yet_due_and_inactive_tasks(registry: Any) -> None:
    t0 = at(2023, 3, 1, 8)
    CheckTask.objects.filter(pk=registry.task.pk).update(next_due_at=t0)
    assert check_records_generate(now=t0 - timedelta(minutes=1)) == {"created": 0, "overdue": 0}
    CheckTask.objects.filter(pk=registry.task.pk).update(is_active=False)
    assert check_records_generate(now=t0 + timedelta(days=5)) == {"created": 0, "overdue": 0}
    assert not CheckRecord.objects.exists()


def test_generate_monthly_task_keeps_the_month_end(registry: Any) -> None:
    CheckTask.objects.filter(pk=registry.task.pk).update(next_due_at=at(2024, 1, 31, 9), cycle=1, cycle_unit="month")
    with time_machine.travel(at(2024, 2, 1, 9), tick=False):
        assert check_records_generate() == {"created": 1, "overdue": 0}
    registry.task.refresh_from_db()
    assert registry.task.next_due_at == at(2024, 2, 29, 9)


@pytest.fixture
def due_record(registry: Any) -> CheckRecord:
    check_records_generate(now=registry.task.next_due_at)
    return CheckRecord.objects.get(task=registry.task)


def test_complete_done(due_record: CheckRecord, personas: Any) -> None:
    assert list(selectors.due_checks(user=personas.enterprise_user)) == [due_record]
    record = services.check_record_complete(actor=personas.enterprise_user, record=due_record, result="done", note="正常")
    assert (record.result, record.note, record.checker) == (CheckResult.DONE, "正常", personas.enterprise_user.person)
    assert record.checked_at is not None
    assert not HiddenHazard.objects.exists()
    assert list(selectors.due_checks(user=personas.enterprise_user)) == []
    with pytest.raises(ValidationError, match="already recorded"):
        services.check_record_complete(actor=personas.enterprise_user, record=due_record, result="done")


def test_complete_hazard_found_reports_a_linked_hazard(
    due_record: CheckRecord, registry: Any, personas: Any, enterprise_staff: Any
) -> None:
    services.check_record_complete(
        actor=enterprise_staff,
        record=due_record,
        result="hazard_found",
        hazard={"description": "联锁被旁路", "level": HazardLevel.MAJOR},
    )
    hazard = HiddenHazard.objects.get()
    assert (hazard.check_record, hazard.risk_event, hazard.organisation) == (
        due_record,
        registry.event,
        registry.event.organisation,
    )
    assert (hazard.state, hazard.level, hazard.source, hazard.discovered_by) == (
        HazardState.TO_CONFIRM,
        HazardLevel.MAJOR,
        HazardSource.ROUTINE,
        enterprise_staff,
    )
    assert CheckRecord.objects.get(pk=due_record.pk).result == CheckResult.HAZARD_FOUND


def test_complete_refusals(due_record: CheckRecord, personas: Any) -> None:
    with pytest.raises(ValidationError) as exc:
        services.check_record_complete(actor=personas.enterprise_user, record=due_record, result="hazard_found")
    assert "hazard" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.check_record_complete(actor=personas.enterprise_user, record=due_record, result="pending")
    assert "result" in exc.value.message_dict
    for persona in ("district_b", "expert", "outsider"):
        with pytest.raises(PermissionDenied):
            services.check_record_complete(actor=getattr(personas, persona), record=due_record, result="done")
    assert CheckRecord.objects.get(pk=due_record.pk).result == CheckResult.PENDING
    assert not HiddenHazard.objects.exists()


def test_an_overdue_check_can_still_be_recorded(due_record: CheckRecord, personas: Any) -> None:
    check_records_generate(now=due_record.due_at + timedelta(days=1, hours=1))
    assert CheckRecord.objects.get(pk=due_record.pk).result == CheckResult.OVERDUE
    assert services.check_record_complete(actor=personas.district_a, record=due_record, result="done").result == CheckResult.DONE


# --- escalation ----------------------------------------------------------------------------------


def notified(kind: str) -> set[str]:
    return set(Notification.objects.filter(kind=f"hazards.{kind}").values_list("recipient__username", flat=True))


@pytest.fixture
def overdue_hazard(make_hazard: Any, personas: Any) -> HiddenHazard:
    """Rectifying, liable person: the enterprise manager; deadline 10 days ago."""
    today = timezone.localdate()
    return make_hazard(
        HazardState.RECTIFYING,
        discovered_at=timezone.now() - timedelta(days=30),
        deadline=today - timedelta(days=10),
        liable_person=personas.enterprise_user.person,
    )


def test_overdue_goes_to_the_liable_person_first(overdue_hazard: HiddenHazard, settings: Any) -> None:
    settings.SAFECITY_ESCALATE_AFTER_DAYS = 3
    counts = hazards_escalate(today=overdue_hazard.deadline + timedelta(days=1))
    assert counts == {"overdue_liable": 1, "overdue_supervisor": 0, "acceptance_overdue": 0}
    assert notified("overdue_liable") == {"enterprise_user"}
    assert notified("overdue_supervisor") == set()
    note = Notification.objects.get(recipient__username="enterprise_user")
    assert overdue_hazard.code in note.message and note.link == f"/hazards/{overdue_hazard.pk}/"


def test_overdue_escalates_to_the_officials_of_the_region_once(overdue_hazard: HiddenHazard, settings: Any) -> None:
    settings.SAFECITY_ESCALATE_AFTER_DAYS = 3
    hazards_escalate(today=overdue_hazard.deadline + timedelta(days=1))
    counts = hazards_escalate(today=overdue_hazard.deadline + timedelta(days=4))
    assert counts == {"overdue_liable": 0, "overdue_supervisor": 2, "acceptance_overdue": 0}
    assert notified("overdue_supervisor") == {"district_a", "city_official"}  # never district B
    total = Notification.objects.count()
    assert hazards_escalate(today=overdue_hazard.deadline + timedelta(days=5)) == {
        "overdue_liable": 0,
        "overdue_supervisor": 0,
        "acceptance_overdue": 0,
    }
    assert Notification.objects.count() == total == 3
    assert HazardReminder.objects.filter(hazard=overdue_hazard).count() == 3


def test_escalation_delay_comes_from_settings(overdue_hazard: HiddenHazard, settings: Any) -> None:
    settings.SAFECITY_ESCALATE_AFTER_DAYS = 12
    hazards_escalate(today=overdue_hazard.deadline + timedelta(days=10))
    assert notified("overdue_supervisor") == set()
    settings.SAFECITY_ESCALATE_AFTER_DAYS = 1
    hazards_escalate(today=overdue_hazard.deadline + timedelta(days=2))
    assert notified("overdue_supervisor") == {"district_a", "city_official"}


def test_no_reminder_for_hazards_on_time_or_closed(make_hazard: Any, personas: Any) -> None:
    today = timezone.localdate()
    make_hazard(HazardState.RECTIFYING, deadline=today, liable_person=personas.enterprise_user.person)
    make_hazard(
        HazardState.ACCEPTED,
        discovered_at=timezone.now() - timedelta(days=30),
        deadline=today - timedelta(days=10),
        liable_person=personas.enterprise_user.person,
    )
    assert hazards_escalate(today=today) == {"overdue_liable": 0, "overdue_supervisor": 0, "acceptance_overdue": 0}
    assert not Notification.objects.exists()


@pytest.mark.parametrize(("days_waiting", "expected"), [(9, set()), (11, {"district_a", "city_official"})])
def test_major_hazard_waiting_for_acceptance(make_hazard: Any, days_waiting: int, expected: set[str]) -> None:
    with time_machine.travel(timezone.now() - timedelta(days=days_waiting), tick=False):
        hazard = make_hazard(HazardState.AWAITING_ACCEPTANCE, level=HazardLevel.MAJOR)
    assert hazard.is_acceptance_overdue == bool(expected)
    hazards_escalate()
    assert notified("acceptance_overdue") == expected
    hazards_escalate()
    assert Notification.objects.filter(kind="hazards.acceptance_overdue").count() == len(expected)


def test_general_hazard_waiting_for_acceptance_is_not_escalated(make_hazard: Any) -> None:
    with time_machine.travel(timezone.now() - timedelta(days=20), tick=False):
        make_hazard(HazardState.AWAITING_ACCEPTANCE)
    assert hazards_escalate()["acceptance_overdue"] == 0


def test_escalation_skips_officials_whose_role_has_ended(overdue_hazard: HiddenHazard, personas: Any, settings: Any) -> None:
    """A former district official no longer sees the hazard: the escalation must not go to them."""
    from safecity.core.models import RoleAssignment

    RoleAssignment.objects.filter(person__user=personas.district_a).update(valid_until=timezone.localdate() - timedelta(days=30))
    settings.SAFECITY_ESCALATE_AFTER_DAYS = 3
    hazards_escalate()
    assert notified("overdue_supervisor") == {"city_official"}


# --- checks through the UI and the API -----------------------------------------------------------


def test_ui_check_list_and_completion(due_record: CheckRecord, personas: Any, client: Any) -> None:
    client.force_login(personas.district_b)
    assert client.get(f"/hazards/checks/{due_record.pk}/").status_code == 404
    client.force_login(personas.enterprise_user)
    assert "检查液位联锁是否投用" in client.get("/hazards/checks/").content.decode()
    response = client.post(
        f"/hazards/checks/{due_record.pk}/", {"result": "hazard_found", "description": "液位计失灵", "level": 0}
    )
    assert response.status_code == 302
    assert HiddenHazard.objects.get().check_record == due_record
    assert "检查液位联锁是否投用" not in client.get("/hazards/checks/").content.decode()


def test_api_check_completion(due_record: CheckRecord, personas: Any, client: Any) -> None:
    client.force_login(personas.enterprise_user)
    url = f"/api/hazards/checks/{due_record.pk}/complete/"
    assert [r["id"] for r in client.get("/api/hazards/checks/").json()["results"]] == [due_record.pk]
    response = client.post(
        url, {"result": "hazard_found", "hazard": {"description": "液位计失灵", "level": 1}}, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["result"] == "hazard_found"
    assert HiddenHazard.objects.get().level == HazardLevel.MAJOR
    assert client.post(url, {"result": "done"}, content_type="application/json").status_code == 404  # no longer due


@pytest.mark.parametrize(
    "hazard",
    [{"description": "x", "colour": "red"}, {"description": "x", "risk_event": 1}, {"description": "x", "organisation": 1}],
)
def test_api_check_completion_with_bad_hazard_fields_is_a_400(
    due_record: CheckRecord, personas: Any, client: Any, hazard: dict[str, Any]
) -> None:
    client.raise_request_exception = False
    client.force_login(personas.enterprise_user)
    response = client.post(
        f"/api/hazards/checks/{due_record.pk}/complete/",
        {"result": "hazard_found", "hazard": hazard},
        content_type="application/json",
    )
    assert response.status_code == 400, response.status_code
    assert set(response.json()) == {"code", "message", "fields"}
    assert CheckRecord.objects.get(pk=due_record.pk).result == CheckResult.PENDING and not HiddenHazard.objects.exists()
