"""Services: the plan's projects, progress reports, and every refused input (nothing changed)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from safecity.keyprojects import selectors, services
from safecity.keyprojects.models import KeyProject, Milestone, ProgressEvidence, ProgressReport, SubSystem
from safecity.keyprojects.tests.conftest import YEAR, Plan, milestones, upload

NOW = "2023-05-15 10:00 +08:00"


def _create(kp: Plan, actor: Any, **overrides: Any) -> KeyProject:
    fields = {
        "plan": kp.plan,
        "sequence": 9,
        "name": "新项目",
        "sub_system": SubSystem.objects.get(code="01"),
        "lead_department": kp.housing,
        "districts": [kp.xinbei.districts.get()],
        "goal": "目标",
        "start_date": date(YEAR, 1, 1),
        "milestones": milestones(("甲", "2023-04-30", 40), ("乙", "2023-10-31", 60)),
        **overrides,
    }
    return services.project_create(actor=actor, **fields)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"milestones": milestones(("甲", "2023-04-30", 40), ("乙", "2023-10-31", 50))}, "milestones"),
        ({"milestones": milestones(("甲", "2024-01-10", 100))}, "milestones"),
        ({"start_date": date(2022, 12, 1)}, "start_date"),
        ({"milestones": []}, "milestones"),
        ({"districts": []}, "districts"),
    ],
)
def test_bad_projects_are_refused_and_nothing_is_written(kp: Plan, personas: Any, overrides: dict, field: str) -> None:
    before = (KeyProject.objects.count(), Milestone.objects.count())
    with pytest.raises(ValidationError) as error:
        _create(kp, personas.city_official, **overrides)
    assert field in error.value.message_dict
    assert (KeyProject.objects.count(), Milestone.objects.count()) == before


def test_weights_message_names_the_sum(kp: Plan, personas: Any) -> None:
    with pytest.raises(ValidationError) as error:
        _create(kp, personas.city_official, milestones=milestones(("甲", "2023-04-30", 40), ("乙", "2023-10-31", 50)))
    assert "add up to 90, not 100" in " ".join(error.value.message_dict["milestones"])


@pytest.mark.parametrize("persona", ["district_a", "enterprise_user", "expert", "outsider"])
def test_only_the_committee_office_writes_projects(kp: Plan, personas: Any, persona: str) -> None:
    with pytest.raises(PermissionDenied):
        _create(kp, getattr(personas, persona))
    with pytest.raises(PermissionDenied):
        _create(kp, kp.dept_officer)
    assert _create(kp, personas.city_admin).pk


@time_machine.travel(NOW, tick=False)
def test_lead_department_reports_progress_with_evidence(kp: Plan) -> None:
    milestone = kp.wujin.milestones.first()
    report = services.progress_report(
        actor=kp.dept_officer, project=kp.wujin, milestone=milestone, completion=100, note="完成", evidence=[upload()]
    )
    assert report.reporter.name == "dept_officer"
    evidence = ProgressEvidence.objects.get(report=report)
    assert evidence.content_type == "image/png" and evidence.file.read().startswith(b"\x89PNG")
    project = selectors.project_get(user=kp.dept_officer, pk=kp.wujin.pk)
    ev = selectors.evaluate(project, date(2023, 5, 15))
    assert ev.actual == 20 and ev.expected == round(20 + 50 * 45 / 91, 2) and ev.status == "seriously_behind"


@time_machine.travel(NOW, tick=False)
def test_reporting_on_another_departments_project_is_forbidden(kp: Plan, personas: Any) -> None:
    milestone = kp.xinbei.milestones.first()
    for actor in (kp.dept_officer, personas.district_a, personas.city_official):
        with pytest.raises(PermissionDenied):
            services.progress_report(actor=actor, project=kp.xinbei, milestone=milestone, completion=50)
    # The cooperating department sees the city-wide project but does not report on it.
    with pytest.raises(PermissionDenied):
        services.progress_report(
            actor=kp.em_officer, project=kp.citywide, milestone=kp.citywide.milestones.first(), completion=50
        )
    assert not ProgressReport.objects.exists()


@time_machine.travel(NOW, tick=False)
def test_progress_going_down_needs_a_reason(kp: Plan) -> None:
    milestone = kp.wujin.milestones.first()
    services.progress_report(
        actor=kp.dept_officer, project=kp.wujin, milestone=milestone, completion=80, reported_on=date(2023, 3, 1)
    )
    with pytest.raises(ValidationError) as error:
        services.progress_report(actor=kp.dept_officer, project=kp.wujin, milestone=milestone, completion=60)
    assert "reason" in error.value.message_dict
    assert ProgressReport.objects.count() == 1
    services.progress_report(actor=kp.dept_officer, project=kp.wujin, milestone=milestone, completion=60, reason="返工")
    assert list(ProgressReport.objects.values_list("completion", flat=True)) == [80, 60]  # both kept


@time_machine.travel(NOW, tick=False)
def test_backdated_report_higher_than_a_later_report_needs_a_reason(kp: Plan) -> None:
    milestone = kp.wujin.milestones.first()
    report = services.progress_report
    report(actor=kp.dept_officer, project=kp.wujin, milestone=milestone, completion=20, reported_on=date(2023, 3, 1))
    report(actor=kp.dept_officer, project=kp.wujin, milestone=milestone, completion=50, reported_on=date(2023, 5, 1))
    # 90 % on 1 April would make the history drop to 50 % on 1 May: refused without a reason.
    with pytest.raises(ValidationError) as error:
        report(actor=kp.dept_officer, project=kp.wujin, milestone=milestone, completion=90, reported_on=date(2023, 4, 1))
    assert "reason" in error.value.message_dict and "2023-05-01" in error.value.message_dict["reason"][0]
    assert ProgressReport.objects.count() == 2
    # A backdated report between its neighbours keeps the history monotonic: accepted.
    report(actor=kp.dept_officer, project=kp.wujin, milestone=milestone, completion=40, reported_on=date(2023, 4, 1))
    # With a reason the backdated higher figure is accepted (and kept with its reason).
    later = report(
        actor=kp.dept_officer,
        project=kp.wujin,
        milestone=milestone,
        completion=90,
        reported_on=date(2023, 4, 2),
        reason="补报",
    )
    assert later.reason == "补报" and ProgressReport.objects.count() == 4


@time_machine.travel("2024-02-01 10:00 +08:00", tick=False)
def test_reports_outside_the_plan_year_are_refused(kp: Plan) -> None:
    milestone = kp.wujin.milestones.first()
    for values in ({}, {"reported_on": date(2024, 1, 15)}, {"reported_on": date(2022, 12, 31)}):
        with pytest.raises(ValidationError) as error:
            services.progress_report(actor=kp.dept_officer, project=kp.wujin, milestone=milestone, completion=50, **values)
        assert "2023" in error.value.message_dict["reported_on"][0], values
    assert not ProgressReport.objects.exists()
    # Reporting late on the plan year is fine when the date lies in the year.
    services.progress_report(
        actor=kp.dept_officer, project=kp.wujin, milestone=milestone, completion=50, reported_on=date(2023, 12, 10)
    )
    assert ProgressReport.objects.count() == 1


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"completion": 101}, "completion"),
        ({"reported_on": date(2023, 6, 1)}, "reported_on"),
        ({"evidence": [upload("x.exe", b"MZ\x90\x00" * 10)]}, "evidence"),
    ],
)
def test_bad_reports_are_refused(kp: Plan, values: dict, field: str) -> None:
    data = {"completion": 50, **values}
    with pytest.raises(ValidationError) as error:
        services.progress_report(actor=kp.dept_officer, project=kp.wujin, milestone=kp.wujin.milestones.first(), **data)
    assert field in error.value.message_dict
    assert not ProgressReport.objects.exists() and not ProgressEvidence.objects.exists()


@time_machine.travel(NOW, tick=False)
def test_milestone_of_another_project_is_refused(kp: Plan) -> None:
    with pytest.raises(ValidationError):
        services.progress_report(actor=kp.dept_officer, project=kp.wujin, milestone=kp.xinbei.milestones.first(), completion=10)


def test_milestones_cannot_be_replaced_after_reports(kp: Plan, personas: Any) -> None:
    with time_machine.travel(NOW, tick=False):
        services.progress_report(actor=kp.dept_officer, project=kp.wujin, milestone=kp.wujin.milestones.first(), completion=10)
    with pytest.raises(ValidationError):
        services.project_update(actor=personas.city_official, project=kp.wujin, milestones=milestones(("甲", "2023-12-01", 100)))
    project = services.project_update(actor=personas.city_official, project=kp.wujin, name="改名")
    assert project.name == "改名" and project.milestones.count() == 3


def test_subsystems_are_seeded_and_editable_by_the_committee(kp: Plan, personas: Any) -> None:
    assert SubSystem.objects.filter(is_overall=False).count() == 29
    assert SubSystem.objects.filter(is_overall=True).count() == 1
    services.subsystem_create(actor=personas.city_official, code="30", name="低空经济安全", order=30)
    with pytest.raises(PermissionDenied):
        services.subsystem_create(actor=personas.district_a, code="31", name="其他", order=31)
    with pytest.raises(ValidationError):
        services.subsystem_create(actor=personas.city_admin, code="32", name="总体", is_overall=True)


def test_plan_thresholds_and_cut_off_are_checked(kp: Plan, personas: Any) -> None:
    with pytest.raises(ValidationError):
        services.plan_create(actor=personas.city_admin, year=2024, title="x", behind_points=20, seriously_behind_points=10)
    with pytest.raises(ValidationError):
        services.plan_create(actor=personas.city_admin, year=2024, title="x", as_of=date(2025, 1, 1))
    # A finished year is judged at its end, whatever its statistics cut-off; the current year today.
    assert kp.plan.evaluation_date(date(2026, 1, 1)) == date(2023, 12, 31)
    assert kp.plan.evaluation_date(date(2023, 12, 25)) == date(2023, 12, 25)
    assert kp.plan.evaluation_date(date(2023, 5, 1)) == date(2023, 5, 1)
    assert kp.plan.evaluation_date(date(2022, 5, 1)) == date(2023, 1, 1)
    assert (kp.plan.latest_month(date(2026, 1, 1)), kp.plan.latest_month(date(2023, 5, 1))) == (12, 5)
