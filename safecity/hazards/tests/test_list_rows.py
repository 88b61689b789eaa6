"""The hazard list's rows, built from ``.values()`` (api_rows.py), are what HazardSerializer shows
for the same hazards: every field, every value, in both languages, for every state."""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import Client
from django.utils import timezone, translation
from rest_framework import serializers
from rest_framework.renderers import JSONRenderer

from safecity.hazards.api import HAZARD_ROWS, HazardSerializer
from safecity.hazards.api_rows import ValuesRows
from safecity.hazards.choices import HazardLevel, HazardState
from safecity.hazards.models import HiddenHazard

pytestmark = pytest.mark.django_db


@pytest.fixture
def varied(city: Any, personas: Any, make_hazard: Any) -> list[HiddenHazard]:
    """Hazards in every state, major and general, with and without cost, liable person and
    deadline, one of them overdue, in both districts."""
    made = [make_hazard(state) for state in HazardState.values]
    made.append(make_hazard(HazardState.RECTIFYING, level=HazardLevel.MAJOR, cost=Decimal("1234.5")))
    made.append(make_hazard(HazardState.AWAITING_ACCEPTANCE, org=city.enterprise_b, location="2号车间"))
    made.append(make_hazard(HazardState.TO_CONFIRM, liable_person=personas.enterprise_user.person, cost=Decimal("0")))
    # Overdue: discovered 40 days ago, 30 days to rectify.
    late = make_hazard(HazardState.RECTIFYING, discovered_at=timezone.now() - timedelta(days=40))
    HiddenHazard.objects.filter(pk=late.pk).update(deadline=timezone.localdate() - timedelta(days=10))
    made.append(late)
    return made


def expected(ids: list[int]) -> list[Any]:
    hazards = HiddenHazard.objects.select_related("organisation__region").in_bulk(ids)
    data = HazardSerializer([hazards[pk] for pk in ids], many=True).data
    return json.loads(JSONRenderer().render(data))


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_api_list_rows_equal_the_serializer(varied: list[HiddenHazard], personas: Any, language: str) -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(personas.city_official)
    body = client.get("/api/hazards/hazards/", {"page_size": 200}).json()
    rows = body["results"]
    assert body["count"] == len(varied) == len(rows)
    assert any(r["is_overdue"] for r in rows) and any(r["cost"] for r in rows) and any(r["liable_person"] for r in rows)
    with translation.override(language):
        assert rows == expected([r["id"] for r in rows])
    assert list(rows[0]) == list(HazardSerializer().fields)  # the same keys, in the same order


def test_rows_follow_the_active_time_zone(varied: list[HiddenHazard], personas: Any) -> None:
    """DRF writes a date-time in the active time zone ("Z" for UTC); so do the rows."""
    rows = HAZARD_ROWS.rows(HiddenHazard.objects.order_by("-discovered_at", "-id"))
    for zone in ("UTC", "America/New_York"):
        with timezone.override(zone):
            shown = json.loads(JSONRenderer().render(HAZARD_ROWS.render(rows)))
            assert shown == expected([r["id"] for r in shown])
    with timezone.override("UTC"):
        assert HAZARD_ROWS.render(rows)[0]["discovered_at"].endswith("Z")


def test_a_field_that_is_not_a_column_must_be_named() -> None:
    class WithProperty(HazardSerializer):
        is_acceptance_overdue = serializers.BooleanField(read_only=True)

        class Meta(HazardSerializer.Meta):
            fields = [*HazardSerializer.Meta.fields, "is_acceptance_overdue"]

    with pytest.raises(ImproperlyConfigured, match="is_acceptance_overdue"):
        ValuesRows(WithProperty, computed=HAZARD_ROWS.computed).lookups  # noqa: B018 - builds the plan
