"""Hazard numbers carry the year of discovery and a sequence within it (YH-2024-000001), given by
the reporting service: unique, consecutive, never taken by a refused report, safe under concurrent
reports; rows written in bulk and rows from before the counter are numbered too; the number is what
the list, the detail page, the export and the API show."""

from __future__ import annotations

import importlib
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.test import Client

from safecity.hazards import services
from safecity.hazards.models import HazardNumberSequence, HiddenHazard
from safecity.hazards.tests.test_concurrency import run_in_threads, thread_database

TZ = ZoneInfo("Asia/Shanghai")


def report(actor: Any, org: Any, when: datetime, text: str = "消防通道堵塞") -> HiddenHazard:
    return services.hazard_report(actor=actor, organisation=org, description=text, discovered_at=when)


def test_numbers_run_per_year_of_discovery(city: Any, personas: Any) -> None:
    a = report(personas.district_a, city.enterprise_a, datetime(2024, 3, 1, 9, tzinfo=TZ))
    b = report(personas.district_b, city.enterprise_b, datetime(2024, 5, 1, 9, tzinfo=TZ))
    c = report(personas.district_a, city.enterprise_a, datetime(2023, 12, 31, 23, 30, tzinfo=TZ))  # local New Year's Eve
    assert [h.code for h in (a, b, c)] == ["YH-2024-000001", "YH-2024-000002", "YH-2023-000001"]
    assert dict(HazardNumberSequence.objects.values_list("year", "last")) == {2023: 1, 2024: 2}


def test_a_refused_report_takes_no_number(city: Any, personas: Any) -> None:
    report(personas.district_a, city.enterprise_a, datetime(2024, 3, 1, 9, tzinfo=TZ))
    with pytest.raises(PermissionDenied):
        report(personas.district_b, city.enterprise_a, datetime(2024, 3, 2, 9, tzinfo=TZ))
    assert report(personas.district_a, city.enterprise_a, datetime(2024, 3, 3, 9, tzinfo=TZ)).code == "YH-2024-000002"


def test_bulk_written_hazards_are_numbered_after_the_given_ones_in_discovery_order(city: Any, personas: Any) -> None:
    report(personas.district_a, city.enterprise_a, datetime(2023, 6, 1, 9, tzinfo=TZ))
    later, earlier = HiddenHazard.objects.bulk_create(
        [
            HiddenHazard(organisation=city.enterprise_a, description="专家会诊", discovered_at=datetime(2023, 9, 1, tzinfo=TZ), code="YH2023DC000002"),
            HiddenHazard(organisation=city.enterprise_a, description="专家会诊", discovered_at=datetime(2023, 8, 1, tzinfo=TZ)),
        ]
    )  # fmt: skip
    assert services.hazard_numbers_assign() == 2
    codes = dict(HiddenHazard.objects.values_list("pk", "code"))
    assert (codes[earlier.pk], codes[later.pk]) == ("YH-2023-000002", "YH-2023-000003")
    assert report(personas.district_a, city.enterprise_a, datetime(2023, 10, 1, tzinfo=TZ)).code == "YH-2023-000004"
    assert services.hazard_numbers_assign() == 0  # numbered once


def test_the_migration_renumbers_existing_rows_by_year_and_discovery(city: Any) -> None:
    migration = importlib.import_module("safecity.hazards.migrations.0002_hazard_numbers_by_year")
    rows = HiddenHazard.objects.bulk_create(
        [
            HiddenHazard(organisation=city.enterprise_a, description="x", discovered_at=datetime(2023, 5, 1, tzinfo=TZ), code="YH202300000007"),
            HiddenHazard(organisation=city.enterprise_a, description="x", discovered_at=datetime(2023, 2, 1, tzinfo=TZ), code="YH202300000009"),
            HiddenHazard(organisation=city.enterprise_b, description="x", discovered_at=datetime(2024, 1, 1, 1, tzinfo=TZ), code="YH202400000010"),
        ]
    )  # fmt: skip
    migration.renumber(apps, None)
    codes = [HiddenHazard.objects.get(pk=r.pk).code for r in rows]
    assert codes == ["YH-2023-000002", "YH-2023-000001", "YH-2024-000001"]
    assert dict(HazardNumberSequence.objects.values_list("year", "last")) == {2023: 2, 2024: 1}


@pytest.mark.django_db(transaction=True)
def test_simultaneous_reports_get_distinct_consecutive_numbers(city: Any, personas: Any, tmp_path: Any) -> None:
    """PostgreSQL: the counter row's lock serialises the increments; SQLite: IMMEDIATE transactions."""
    organisation_id = city.enterprise_a.pk
    report(personas.district_a, city.enterprise_a, datetime(2024, 1, 2, tzinfo=TZ))

    def reporter(n: int) -> Any:
        def run() -> str:
            user = get_user_model().objects.get(username="district_a")
            org = type(city.enterprise_a).objects.get(pk=organisation_id)
            return report(user, org, datetime(2024, 2, 1 + n, tzinfo=TZ), f"同时上报{n}").code

        return run

    with thread_database(tmp_path):
        codes = run_in_threads([reporter(n) for n in range(4)])
        stored = run_in_threads([lambda: sorted(HiddenHazard.objects.values_list("code", flat=True))])[0]
    assert all(isinstance(c, str) for c in codes), codes
    assert sorted(codes) == [f"YH-2024-{n:06d}" for n in range(2, 6)]
    assert stored == [f"YH-2024-{n:06d}" for n in range(1, 6)]


@pytest.mark.parametrize("persona", ["district_a", "city_official"])
def test_the_number_is_what_every_view_shows(city: Any, personas: Any, persona: str) -> None:
    hazard = report(personas.district_a, city.enterprise_a, datetime(2024, 3, 1, 9, tzinfo=TZ))
    client = Client()
    client.force_login(getattr(personas, persona))
    assert "YH-2024-000001" in client.get("/hazards/").content.decode()
    assert "YH-2024-000001" in client.get(f"/hazards/{hazard.pk}/").content.decode()
    csv = b"".join(client.get("/hazards/", {"export": "csv"}).streaming_content).decode("utf-8-sig")
    assert "YH-2024-000001" in csv
    assert client.get(f"/api/hazards/hazards/{hazard.pk}/").json()["code"] == "YH-2024-000001"
    other = Client()
    other.force_login(personas.district_b)
    assert "YH-2024-000001" not in other.get("/hazards/").content.decode()
    assert other.get(f"/hazards/{hazard.pk}/").status_code == 404
