"""Innovation fixtures: city departments with a department officer and a judge, three judges, and a
round walked through the services up to a requested state."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from conftest import City, Personas, make_org, make_user
from safecity.core import services as core_services
from safecity.core.choices import OrganisationKind, Role
from safecity.innovation import services
from safecity.innovation.models import InnovationEntry, JudgeAssignment, SelectionRound

CRITERIA = [("创新性", 40), ("实效性", 30), ("可推广性", 30)]


@dataclass
class Contest:
    round: SelectionRound
    housing: Any  # 常州市住房和城乡建设局
    transport: Any  # 常州市交通运输局
    housing_officer: Any  # department officer of 住建局
    judge_housing: Any  # expert judge whose person is in 住建局
    judge_expert: Any  # personas.expert (安全生产科学研究院)
    judge_paper: Any  # a judge without account (交通运输局), sheet entered by the committee
    assignments: dict[str, JudgeAssignment]
    entries: dict[str, InnovationEntry]


def build_contest(city: City, personas: Personas, *, until: str = "judging") -> Contest:
    root, admin = city.superuser, personas.city_admin
    housing = make_org("常州市住房和城乡建设局", OrganisationKind.GOVERNMENT_DEPARTMENT, city.city, actor=root)
    transport = make_org("常州市交通运输局", OrganisationKind.GOVERNMENT_DEPARTMENT, city.city, actor=root)
    officer = make_user(city, "dept_housing", housing, Role.DEPARTMENT_OFFICER)
    judge_housing = make_user(city, "judge_housing", housing, Role.EXPERT, city.city)
    paper = core_services.person_create(actor=root, name="纸质评委", organisation=transport)
    round = services.round_create(
        actor=admin,
        year=2023,
        title="2023 创新创优",
        submission_deadline=timezone.localdate() + timedelta(days=5),
        select_count=2,
        min_judges=2,
    )
    services.criteria_set(actor=admin, round=round, criteria=CRITERIA)
    assignments = {
        "housing": services.judge_assign(actor=admin, round=round, person=judge_housing.person),
        "expert": services.judge_assign(actor=admin, round=round, person=personas.expert.person),
        "paper": services.judge_assign(actor=admin, round=round, person=paper),
    }
    entries = {
        "housing_a": services.entry_create(
            actor=officer,
            round=round,
            department=housing,
            category="method",
            title="高处作业“1+N”工作法",
            summary="s",
            submit=True,
        ),
        "housing_b": services.entry_create(
            actor=officer,
            round=round,
            department=housing,
            category="institutional",
            title="出租房屋安全管理规定",
            summary="s",
            submit=True,
        ),
        "em": services.entry_create(
            actor=admin,
            round=round,
            department=city.city_department,
            category="practice",
            title="深度安全体检",
            summary="s",
            submit=True,
        ),
        "transport": services.entry_create(
            actor=admin,
            round=round,
            department=transport,
            category="institutional",
            title="小批量危险货物道路运输",
            summary="s",
            submit=True,
        ),
        "bureau_a": services.entry_create(
            actor=personas.district_a,
            round=round,
            department=city.bureau_a,
            category="practice",
            title="化工园区封闭化管理",
            summary="s",
            submit=True,
        ),
        "draft": services.entry_create(
            actor=officer, round=round, department=housing, category="practice", title="草稿项目", summary="s"
        ),
    }
    contest = Contest(round, housing, transport, officer, judge_housing, personas.expert, paper, assignments, entries)
    if until == "open":
        return contest
    services.round_start_judging(actor=admin, round=round)
    round.refresh_from_db()
    return contest


# Judges' sheets: (judge, entry) -> values per criterion. The expert is lenient, the paper judge strict.
SHEETS = {
    "expert": {"housing_a": 9, "housing_b": 8, "em": 10, "transport": 7, "bureau_a": 9},
    "paper": {"housing_a": 6, "housing_b": 4, "em": 5, "bureau_a": 3},
    "housing": {"em": 7, "transport": 5, "bureau_a": 6},
}


def score_all(contest: Contest, personas: Personas) -> None:
    """Every judge scores every entry offered to them (the paper sheet entered by the committee)."""
    actors = {"expert": personas.expert, "paper": personas.city_admin, "housing": contest.judge_housing}
    for judge, sheet in SHEETS.items():
        rows = [
            services.ScoreInput(contest.entries[key].pk, c.pk, value)
            for key, value in sheet.items()
            for c in contest.round.criteria.all()
        ]
        services.scores_record(actor=actors[judge], assignment=contest.assignments[judge], scores=rows)


@pytest.fixture
def contest(city: City, personas: Personas) -> Contest:
    return build_contest(city, personas)


@pytest.fixture
def open_contest(city: City, personas: Personas) -> Contest:
    return build_contest(city, personas, until="open")
