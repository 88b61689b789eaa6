"""Words a user reads are words, not codes (issue 13): the audit trail names a gate scan's answer
(准予充装 / 拒绝充装) and a cylinder event's step, never allow/refuse or the kind's code."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.utils import translation

from safecity.core.models import AuditEntry
from safecity.cylinders import services
from safecity.cylinders.models import CylinderEvent, FillAttempt, InspectionReminder

from .conftest import Cyl

pytestmark = pytest.mark.django_db


def test_audit_trail_names_the_gate_answer_in_words(client: Any, cyl: Cyl) -> None:
    cyl.register("CZ1000003")
    with translation.override("zh-hans"):  # the scan is made in the city's language
        allowed = services.cylinder_fill_check(actor=cyl.operator, code="CZ1000003")
        refused = services.cylinder_fill_check(actor=cyl.other_operator, code="CZ1000003")
    texts = {
        e.object_id: e.object_repr
        for e in AuditEntry.objects.filter(content_type__model="fillattempt", object_id__in=[allowed.pk, refused.pk])
    }
    assert texts == {str(allowed.pk): "CZ1000003 · 准予充装", str(refused.pk): "CZ1000003 · 拒绝充装"}
    client.force_login(cyl.regulator)
    page = client.get("/audit/", {"model": "cylinders.fillattempt"}, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "CZ1000003 · 拒绝充装" in page
    assert "· refuse" not in page and "· allow" not in page


def test_gate_answer_and_event_read_in_the_reader_language(cyl: Cyl) -> None:
    cyl.register("CZ1000004")
    attempt = services.cylinder_fill_check(actor=cyl.other_operator, code="CZ1000004")
    event = CylinderEvent.objects.filter(cylinder__code="CZ1000004", kind="registration").get()
    with translation.override("en"):
        assert str(FillAttempt.objects.get(pk=attempt.pk)) == "CZ1000004 · Refused"
        assert str(event) == f"Registration #{event.ledger_index}"
    with translation.override("zh-hans"):
        assert str(event) == f"登记 #{event.ledger_index}"


def test_inspection_reminder_text_names_its_kind() -> None:
    reminder = InspectionReminder(cylinder_id=4, kind="overdue", due_on=date(2026, 1, 1))
    with translation.override("zh-hans"):
        assert str(reminder) == "4 · 超期未检 · 2026-01-01"
    with translation.override("en"):
        assert str(InspectionReminder(cylinder_id=4, kind="due_soon", due_on=date(2026, 1, 1))) == (
            "4 · Periodic inspection due soon · 2026-01-01"
        )
