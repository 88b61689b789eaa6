"""Words a user reads are words, not codes (issue 13): the case timeline names each step, the letter
list heads its numbers as letter numbers, in Chinese and in English."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import translation

from safecity.firecases.models import CaseEvent, CaseReminder
from safecity.firecases.tests.conftest import make_case

pytestmark = pytest.mark.django_db

CODES = ("file", "investigate", "add_evidence", "issue_letter", "deliver_letter")


def _timeline(page: str) -> str:
    found = re.search(r'<ol class="timeline">(.*?)</ol>', page, re.S)
    assert found, "the case page has a timeline"
    return found.group(1)


def test_case_timeline_names_each_step_in_chinese(client, city, agencies):
    case = make_case(city, agencies, until="awaiting_reply")
    client.force_login(agencies.procurator)
    page = client.get(reverse("firecases:case-detail", args=[case.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    timeline = _timeline(page)
    for label in ("已立案", "已添加证据", "已制发检察建议书", "检察建议书已送达，开始回复计时"):
        assert label in timeline
    for code in CODES:
        assert not re.search(rf"\b{code}\b", timeline), code


def test_case_timeline_names_each_step_in_english(client, city, agencies):
    case = make_case(city, agencies, until="awaiting_reply")
    client.force_login(agencies.procurator)
    timeline = _timeline(client.get(reverse("firecases:case-detail", args=[case.pk]), HTTP_ACCEPT_LANGUAGE="en").content.decode())
    assert "Evidence added" in timeline and "Letter delivered, reply clock started" in timeline
    assert "deliver_letter" not in timeline and "add_evidence" not in timeline


def test_timeline_entry_text_names_its_step(city, agencies):
    case = make_case(city, agencies, until="letter_issued")
    event = CaseEvent.objects.get(case=case, action="issue_letter")
    with translation.override("zh-hans"):
        assert str(event) == f"{case.number} · 已制发检察建议书"
    with translation.override("en"):
        assert str(event) == f"{case.number} · Procuratorial suggestion letter issued"


def test_letter_list_heads_its_first_column_as_letter_numbers(client, city, agencies):
    case = make_case(city, agencies, until="awaiting_reply")
    client.force_login(agencies.procurator)
    url = reverse("firecases:letter-list")
    chinese = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert case.letters.get().number in chinese
    assert "<th>检察建议书编号</th>" in chinese and "隐患编号" not in chinese
    assert "<th>Letter number</th>" in client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()


def test_clock_warning_text_names_its_kind(city, agencies):
    case = make_case(city, agencies, until="awaiting_reply")
    reminder = CaseReminder(case=case, kind="reply_overdue", recipient=agencies.procurator)
    with translation.override("zh-hans"):
        assert str(reminder) == f"{case.number} · 回复逾期"
