"""Codes become words in one place (core.labels): ledger kinds, model fields, choice values."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import translation

from safecity.core import labels
from safecity.core.models import Organisation
from safecity.cylinders.models import Cylinder, FillAttempt


def test_a_ledger_kind_reads_as_words_in_the_readers_language() -> None:
    with translation.override("zh-hans"):
        assert labels.label("ledger.kind", "cylinders.filling") == "充装"
        assert labels.label("ledger.kind", "cylinders.fill_refused") == "充装闸口拒绝充装"
        assert labels.label("ledger.kind", "audit.seal") == "审计日志封存"
    with translation.override("en"):
        assert labels.label("ledger.kind", "cylinders.fill_refused") == "Filling refused at the gate"
    # A code nobody labelled is shown as it is (and the page walk fails on it).
    assert labels.label("ledger.kind", "other.thing") == "other.thing"
    assert labels.label("ledger.kind", None) == ""


def test_the_ledger_kind_filter_offers_words() -> None:
    with translation.override("zh-hans"):
        offered = dict(labels.choices("ledger.kind"))
    assert offered["cylinders.filling"] == "充装"
    assert all("." in code and "." not in text for code, text in offered.items())


def test_fields_and_values_read_as_words() -> None:
    with translation.override("zh-hans"):
        assert labels.field_label(Cylinder, "next_inspection_on") == str(
            Cylinder._meta.get_field("next_inspection_on").verbose_name
        )
        assert labels.field_label(Organisation, "region_id") == str(Organisation._meta.get_field("region").verbose_name)
        assert labels.field_label(Organisation, "created_at") == "创建时间"
        assert labels.value_label(Cylinder, "state", "filled") == "已充装"
        assert labels.value_label(Organisation, "is_active", True) == "是"
        refused = labels.value_label(FillAttempt, "reasons", [{"code": "inspection_overdue", "params": {"date": "2026-01-01"}}])
    assert "inspection_overdue" not in refused and "2026-01-01" in refused
    # Data stays data.
    assert labels.value_label(Organisation, "name", "常州甲化工有限公司") == "常州甲化工有限公司"


@pytest.mark.django_db
def test_the_audit_trail_names_changed_fields_and_values_in_words(client: Any, city: Any, personas: Any) -> None:
    org = Organisation.objects.get(name="常州甲化工有限公司")
    org.is_active = False
    org.save()
    client.force_login(personas.city_official)
    page = client.get("/audit/", {"model": "core.organisation"}, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    active = str(Organisation._meta.get_field("is_active").verbose_name)
    assert active in page and ">is_active<" not in page and "is_active," not in page
    assert "否" in page  # the value, not "False"
    # The object-type filter offers kinds of record by name, not app.model codes to type.
    assert 'value="core.organisation"' in page and "app.model" not in page


def test_a_stored_time_reads_in_local_time_and_a_cylinder_state_as_its_label() -> None:
    from safecity.cylinders.models import CylinderEvent

    with translation.override("zh-hans"):
        assert labels.value_label(Organisation, "created_at", "2026-12-06T20:53:21.897680+00:00") == "2026-12-07 04:53:21"
        assert labels.value_label(CylinderEvent, "from_state", "filled") == "已充装"


@pytest.mark.django_db
def test_an_odd_utc_offset_in_a_time_filter_is_a_moment_not_a_database_error(client: Any, city: Any, personas: Any) -> None:
    """Python takes offsets up to ±23:59, PostgreSQL up to ±15:59 (found by schemathesis on PostgreSQL)."""
    client.force_login(personas.city_official)
    for address in ("/api/audit/", "/audit/"):
        response = client.get(address, {"since": "1518-05-24T08:52:25-22:15"}, HTTP_ACCEPT="application/json")
        assert response.status_code == 200, (address, response.status_code)


def test_a_cylinder_event_s_target_state_reads_by_its_field_s_choices() -> None:
    from safecity.cylinders.models import CylinderEvent

    with translation.override("zh-hans"):
        assert labels.value_label(CylinderEvent, "to_state", "filled") == "已充装"
