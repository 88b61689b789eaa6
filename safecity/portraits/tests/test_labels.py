"""Words a user reads are words, not codes (issue 13): a portrait's deductions name a deep check's
root cause and an installation's missing persons in the reader's language, never their codes and
never English words inside the Chinese page; old English details are read back into codes."""

from __future__ import annotations

import importlib
import re
from typing import Any

import pytest
from django.utils import timezone, translation

from safecity.deepchecks import services as deepcheck_services
from safecity.deepchecks.tests.conftest import pool, world  # noqa: F401  (fixtures)
from safecity.portraits.models import DimensionScore, deduction_detail_text
from safecity.portraits.services import portrait_compute

pytestmark = pytest.mark.django_db

CODES = ("accident_management", "hazard_investigation", "leadership", "management")


def _deductions(page: str) -> str:
    found = re.search(r'<table class="table" data-testid="deductions">(.*?)</table>', page, re.S)
    assert found, "the portrait page lists its deductions"
    return re.sub(r"<[^>]+>", " ", found.group(1))  # the words a reader sees, without the markup


def test_root_cause_reads_in_the_reader_language(client: Any, city: Any, personas: Any, world: Any) -> None:  # noqa: F811
    session = deepcheck_services.session_start(actor=personas.expert, panel=world.panel)
    finding = deepcheck_services.finding_record(actor=personas.expert, session=session, description="事故未按规定调查处理")
    deepcheck_services.root_cause_save(
        actor=personas.expert, finding=finding, category="management", management_element="accident_management"
    )
    portrait = portrait_compute(organisation=city.enterprise_a, year=timezone.localdate().year)
    client.force_login(personas.district_a)
    url = f"/portraits/{portrait.pk}/"
    chinese = _deductions(client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode())
    assert f"根源原因：事故事件管理（发现的问题 {finding.pk}）" in chinese
    assert "安全领导力与责任" in chinese  # the dimension accident management counts in
    assert "root cause" not in chinese and "finding" not in chinese
    for code in CODES:
        assert not re.search(rf"\b{code}\b", chinese), code
    english = _deductions(client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode())
    assert f"root cause: Accident and incident management (finding {finding.pk})" in english
    assert "accident_management" not in english


def test_detail_texts_in_both_languages() -> None:
    missing = {"missing": ["principal_in_charge", "technical_in_charge"]}
    with translation.override("zh-hans"):
        assert deduction_detail_text(missing) == "缺少：主要负责人 / 技术负责人"
        assert deduction_detail_text({"root_cause": "person", "finding": None}) == "根源原因：人（不安全行为）"
        assert deduction_detail_text({"rate": "75.0", "closed": 3, "found": 4}) == "75.0% (3/4)"
    with translation.override("en"):
        assert deduction_detail_text(missing) == "missing: principal person in charge / technical person in charge"
    assert deduction_detail_text({}) == ""


def test_dimension_score_text_names_the_dimension() -> None:
    with translation.override("zh-hans"):
        assert str(DimensionScore(dimension="governance", points=18, max_points=20)) == "隐患治理绩效: 18/20"


def test_old_english_details_become_codes() -> None:
    migration = importlib.import_module("safecity.portraits.migrations.0003_deduction_detail_as_data")
    assert migration.as_data("root cause: accident_management (finding 12)") == {
        "root_cause": "accident_management",
        "finding": 12,
    }
    assert migration.as_data("technical, operations") == {"missing": ["technical_in_charge", "operations_in_charge"]}
    assert migration.as_data("75.0% (3/4)") == {"rate": "75.0", "closed": 3, "found": 4}
    assert migration.as_data("") == {}
    assert migration.as_data("其他") == {"text": "其他"}
    for text in ("root cause: training (finding 3)", "principal", "80.0% (4/5)", ""):
        assert migration.as_text(migration.as_data(text)) == text


def test_pdf_report_words_details_and_sources_in_chinese(city: Any, personas: Any, world: Any) -> None:  # noqa: F811
    from django.template.loader import render_to_string

    from safecity.portraits.pdf import portrait_pdf_context
    from safecity.portraits.scoring import RULES
    from safecity.portraits.scoring.model import SOURCE_ZH

    assert {rule.source for rule in RULES} <= set(SOURCE_ZH), "a rule's source has no Chinese citation"
    session = deepcheck_services.session_start(actor=personas.expert, panel=world.panel)
    finding = deepcheck_services.finding_record(actor=personas.expert, session=session, description="隐患排查制度未落实")
    deepcheck_services.root_cause_save(
        actor=personas.expert, finding=finding, category="management", management_element="hazard_investigation"
    )
    portrait = portrait_compute(organisation=city.enterprise_a, year=timezone.localdate().year)
    with translation.override("zh-hans"):  # as portrait_pdf renders it
        context = portrait_pdf_context(portrait=portrait, trend=[], peers={"district": {"name": "新北区"}})
        page = render_to_string("portraits/portrait_pdf.html", context)
    assert "根源原因：隐患排查治理" in page
    assert "root cause" not in page and "hazard_investigation" not in page
    assert "国家安全监管总局令第16号" in page and "SAWS" not in page and "MEM dual-prevention" not in page
