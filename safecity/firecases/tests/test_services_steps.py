"""The steps of a case through one service (UI and API alike): the letter and reply a step
concerns, the persons prosecuted read from text, the steps offered per role."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from safecity.firecases import services
from safecity.firecases.models import ProsecutedPerson
from safecity.firecases.tests.conftest import make_case

pytestmark = pytest.mark.django_db


def test_prosecuted_persons_are_read_one_per_line() -> None:
    text = "张三：公司法定代表人\n\n 李四, 安全主管 \n王五"
    assert services.prosecuted_persons_parse(text) == [
        {"name": "张三", "description": "公司法定代表人"},
        {"name": "李四", "description": "安全主管"},
        {"name": "王五", "description": ""},
    ]
    assert services.prosecuted_persons_parse(" \n ") == []


def test_the_page_and_the_api_record_the_same_persons(client, city, agencies):
    for via in ("page", "api"):
        case = make_case(city, agencies, until="sued")
        client.force_login(agencies.procurator)
        filed_on = (case.decision.decided_on + timedelta(days=1)).isoformat()
        if via == "page":
            client.post(
                reverse("firecases:case-step", args=[case.pk, "record_prosecution"]),
                {"filed_on": filed_on, "court": "新北区人民法院", "persons": "张三：法定代表人\n李四"},
            )
        else:
            response = client.post(
                f"/api/firecases/cases/{case.pk}/prosecute/",
                {
                    "filed_on": filed_on,
                    "court": "新北区人民法院",
                    "persons": [{"name": "张三", "description": "法定代表人"}, {"name": "李四"}],
                },
                content_type="application/json",
            )
            assert response.status_code == 200, response.content
        rows = list(ProsecutedPerson.objects.filter(prosecution__case=case).order_by("id").values_list("name", "description"))
        assert rows == [("张三", "法定代表人"), ("李四", "")], via


def test_later_steps_use_the_cases_letter_and_refuse_without_one(city, agencies):
    case = make_case(city, agencies, until="letter_issued")
    letter = services.case_step_apply(actor=agencies.procurator, case=case, step="deliver_letter", data={})
    assert letter == services.case_letter_current(case) and letter.reply_due is not None
    empty = make_case(city, agencies, until="investigating")
    with pytest.raises(ValidationError) as refused:
        services.case_step_apply(actor=agencies.procurator, case=empty, step="assess_reply", data={"assessment": "adequate"})
    assert "letter" in refused.value.message_dict
    with pytest.raises(ValidationError):
        services.case_step_apply(actor=agencies.procurator, case=empty, step="no_such_step", data={})


def test_steps_offered_per_role(city, agencies, personas):
    case = make_case(city, agencies, until="investigating")
    assert "issue_letter" in services.case_next_steps(user=agencies.procurator, case=case)
    assert "add_evidence" in services.case_next_steps(user=agencies.procurator, case=case)
    for user in (agencies.fire_officer, personas.city_official, personas.district_a):
        assert services.case_next_steps(user=user, case=case) == []
    with pytest.raises(PermissionDenied):
        services.case_step_apply(
            actor=personas.city_official,
            case=case,
            step="add_evidence",
            data={"title": "x", "collected_on": case.filed_at.date()},
        )
