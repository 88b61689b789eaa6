"""The visit scheduler's reasons reach users in their language: every code the scheduler can give
has a sentence with exactly its params; an infeasible contract plan reads in Chinese (the default)
with no English word left, and in English as the scheduler wrote it, the period shown as its first
and last day."""

from __future__ import annotations

import dataclasses
import re
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone, translation

from safecity.core.calendar import working_calendar
from safecity.core.models import Organisation
from safecity.smallbiz.models import ProviderEngineer, SmallEnterprise
from safecity.smallbiz.scheduling import (
    Engineer,
    Enterprise,
    Explanation,
    Problem,
    Provider,
    Village,
    VisitRequirement,
    precheck,
    visit_schedule_solve,
)
from safecity.smallbiz.scheduling.data import ParamValue
from safecity.smallbiz.scheduling.diagnose import EXPLANATION_CODES, EXPLANATION_PARAMS
from safecity.smallbiz.services import planning

NAMES = {"provider": "安泰安全", "engineer": "王建国", "enterprise": "甲村五金厂"}
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")
ENGLISH_WORD = re.compile(r"[A-Za-z]+")
CJK = re.compile(r"[\u4e00-\u9fff]")


def _sample(code: str) -> dict[str, ParamValue]:
    """Plain values of a code's params, of the kinds ``EXPLANATION_PARAMS`` says (distinct numbers,
    so a number shown in the wrong place shows)."""
    values: dict[str, ParamValue] = {}
    for k, name in enumerate(EXPLANATION_PARAMS[code]):
        if name in NAMES:
            values[name] = NAMES[name]
        elif name.endswith(("_start", "_end", "_on")):
            values[name] = (date(2028, 1, 3) + timedelta(days=7 * k)).isoformat()
        else:
            values[name] = 11 + k
    return values


def _shown(params: dict[str, ParamValue]) -> set[str]:
    """The placeholders a sentence must have: each param, a period's two dates as one."""
    names = set(params)
    for name in list(names):
        if name.endswith("_start") and name.removesuffix("_start") + "_end" in names:
            names -= {name, name.removesuffix("_start") + "_end"}
            names.add(name.removesuffix("_start"))
    return names


def _assert_kinds(explanation: Explanation) -> None:
    """The scheduler's params are plain values of the kinds ``_sample`` assumes."""
    assert set(explanation.params) == set(EXPLANATION_PARAMS[explanation.code]), explanation
    for name, value in explanation.params.items():
        if name in NAMES:
            assert isinstance(value, str), (name, explanation)
        elif name.endswith(("_start", "_end", "_on")):
            assert isinstance(value, str) and date.fromisoformat(value).isoformat() == value, (name, explanation)
        else:
            assert isinstance(value, int) and not isinstance(value, bool), (name, explanation)


def _no_english(text: str, names: list[str]) -> None:
    for name in names:
        text = text.replace(name, "")
    assert CJK.search(text), text
    assert not ENGLISH_WORD.findall(text), text


@pytest.mark.parametrize("code", EXPLANATION_CODES)
def test_every_code_has_a_sentence_in_chinese_and_in_english(code: str) -> None:
    params = _sample(code)
    sentence = planning.EXPLANATION_WORDS[code]
    assert set(PLACEHOLDER.findall(sentence)) == _shown(params), code
    explanation = Explanation("the scheduler's English", code=code, params=params)
    with translation.override("en"):
        english = planning.explanation_text(explanation)
    with translation.override("zh-hans"):
        chinese = planning.explanation_text(explanation)
    for text in (english, chinese):
        assert "%(" not in text and text != explanation.message, text
        for value in params.values():
            assert str(value) in text, (value, text)
    assert ENGLISH_WORD.search(english) and chinese != english, english
    _no_english(chinese, list(NAMES.values()))


def test_the_sentences_cover_exactly_the_codes_and_an_unknown_code_falls_back_to_english() -> None:
    assert set(planning.EXPLANATION_WORDS) == set(EXPLANATION_CODES)
    with translation.override("zh-hans"):
        assert planning.explanation_text(Explanation("Something new went wrong.", code="new_reason")) == (
            "Something new went wrong."
        )
        assert planning.explanation_text(Explanation("The greedy plan leaves 3 visits.")) == "The greedy plan leaves 3 visits."


def _problem(**extra: Any) -> Problem:
    villages = tuple(Village(id=i, name=f"村{i}") for i in (1, 2))
    enterprises = tuple(Enterprise(id=10 + k, name=f"企业{k}", village_id=1 + k % 2, provider_id=1) for k in range(4))
    return Problem(
        villages=villages,
        travel=((0, 15), (15, 0)),
        providers=(Provider(id=1, name="安泰安全", office_village_id=1),),
        engineers=(Engineer(id=1, name="王建国", provider_id=1),),
        enterprises=enterprises,
        requirements=tuple(VisitRequirement(enterprise_id=e.id) for e in enterprises),
        **extra,
    )


def test_the_reasons_the_scheduler_gives_read_in_chinese() -> None:
    """Real reasons from the pure scheduler, not samples: their params are of the kinds the
    sentences take, and each reads in Chinese."""
    base = _problem()
    lost = Enterprise(id=99, name="迷路厂", village_id=7, provider_id=5)
    broken = dataclasses.replace(
        base,
        providers=(*base.providers, Provider(id=2, name="远方安全", office_village_id=8)),
        engineers=(
            *base.engineers,
            Engineer(id=2, name="李四", provider_id=9),
            Engineer(id=3, name="赵五", provider_id=1, home_village_id=6),
        ),
        enterprises=(*base.enterprises, lost),
        requirements=(*base.requirements, VisitRequirement(enterprise_id=77), VisitRequirement(enterprise_id=10, visits=6)),
        visit_minutes=600,
    )
    q1 = frozenset(date(2027, 1, 1) + timedelta(days=d) for d in range(90))
    reasons = [
        *precheck(broken),
        *precheck(dataclasses.replace(base, travel=((0,),))),
        *precheck(dataclasses.replace(base, holidays=q1)),
        *precheck(dataclasses.replace(base, min_spacing_days=200)),
        *precheck(dataclasses.replace(base, requirements=(VisitRequirement(10, last_visit=date(2027, 3, 30)),))),
        *precheck(dataclasses.replace(base, engineers=())),
        *precheck(dataclasses.replace(base, engineers=(Engineer(id=1, name="王建国", provider_id=1, unavailable=q1),))),
    ]
    # Q1's only working day is 31 March: with 85 days' spacing the Q2 visit cannot come before 24
    # June, and the engineer is on leave from 21 June to the end of the quarter.
    leave = frozenset((q1 - {date(2027, 3, 31)}) | {date(2027, 6, 21) + timedelta(days=i) for i in range(10)})
    late = dataclasses.replace(
        base,
        engineers=(Engineer(id=1, name="王建国", provider_id=1, unavailable=leave),),
        enterprises=base.enterprises[:1],
        requirements=base.requirements[:1],
        min_spacing_days=85,
    )
    reasons += visit_schedule_solve(late, time_limit_s=3).explanations
    codes = {r.code for r in reasons}
    assert codes >= set(EXPLANATION_CODES) - {"model_infeasible", "model_no_solution", "placement_no_days"}, codes
    names = ["安泰安全", "远方安全", "王建国", "李四", "赵五", "迷路厂", *(e.name for e in base.enterprises)]
    with translation.override("zh-hans"):
        for reason in reasons:
            _assert_kinds(reason)
            _no_english(planning.explanation_text(reason), names)


# --- a contract plan -------------------------------------------------------------------------


def _short_handed(biz: Any, settings: Any) -> tuple[Any, list[SmallEnterprise], date, date, int]:
    """A contract of 12 enterprises for 14 days whose provider keeps one engineer, one visit a day."""
    settings.SAFECITY_SMALLBIZ_VISITS_PER_DAY = 1
    settings.SAFECITY_SMALLBIZ_MIN_ENGINEERS = 1
    settings.SAFECITY_SMALLBIZ_PLAN_SECONDS = 3
    keep = ProviderEngineer.objects.filter(provider=biz.provider).order_by("pk").first()
    ProviderEngineer.objects.filter(provider=biz.provider).exclude(pk=keep.pk).update(full_time=False)
    many: list[SmallEnterprise] = [biz.enterprise("甲村厂", biz.village_a1) for _ in range(12)]
    Organisation.objects.filter(pk__in=[e.organisation_id for e in many]).update(
        latitude=Decimal("31.900000"), longitude=Decimal("119.900000")
    )
    start = date(timezone.localdate().year + 1, 1, 1)
    end = start + timedelta(days=13)
    contract = biz.contract(many, start=start, end=end)
    return contract, many, start, end, len(working_calendar().working_days(start, end))


def test_an_infeasible_plan_is_explained_in_chinese_through_the_api(client: Any, biz: Any, settings: Any) -> None:
    contract, many, start, end, days = _short_handed(biz, settings)
    client.force_login(biz.street_official)
    # The request switches the thread's language; the block puts the test's back afterwards.
    with translation.override(translation.get_language()):
        answer = client.post(f"/api/smallbiz/contracts/{contract.pk}/plan/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert body["status"] == "infeasible" and body["explanations"], body
    names = [str(biz.provider), *(str(e) for e in many)]
    for text in body["explanations"]:
        _no_english(text, names)
    capacity = body["explanations"][0]
    assert str(biz.provider) in capacity and f"{start.isoformat()} 至 {end.isoformat()}" in capacity, capacity
    assert f"{days} 个工作日" in capacity and f"{12 - days} 次）" in capacity, capacity


def test_an_infeasible_plan_reads_in_english_as_the_scheduler_wrote_it(biz: Any, settings: Any) -> None:
    contract, _many, start, end, days = _short_handed(biz, settings)
    with translation.override("en"):
        report = planning.contract_visits_plan(actor=biz.street_official, contract=contract, time_limit_s=2)
    assert report.status == "infeasible"
    assert report.explanations == (
        f"{biz.provider} lacks capacity in {start.isoformat()} to {end.isoformat()}: 12 visits are due, but its "
        f"1 engineer(s) have {days} working days in the period between them, at most 1 visits a day, so {days} "
        f"visits at most (short by {12 - days}).",
    )
