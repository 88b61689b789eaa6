"""Edges found in review: typed hazard input on check completion, absurd years, non-numeric ids."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from safecity.hazards import services
from safecity.hazards.models import CheckRecord, HiddenHazard


def test_check_completion_through_the_api_reads_the_hazard_deadline_as_a_date(client: Any, registry: Any, personas: Any) -> None:
    services.check_records_generate(now=timezone.now())
    record = CheckRecord.objects.filter(task=registry.task).first()
    assert record is not None
    client.force_login(personas.enterprise_user)
    url = f"/api/hazards/checks/{record.pk}/complete/"
    bad = client.post(
        url, {"result": "hazard_found", "hazard": {"description": "x", "deadline": "not-a-date"}}, content_type="application/json"
    )
    assert bad.status_code == 400 and "hazard" in bad.json()["fields"]
    ok = client.post(
        url,
        {"result": "hazard_found", "hazard": {"description": "泄压阀锈蚀", "deadline": "2099-01-01"}},
        content_type="application/json",
    )
    assert ok.status_code == 200, ok.content
    assert str(HiddenHazard.objects.get(description="泄压阀锈蚀").deadline) == "2099-01-01"


def test_absurd_years_are_handled_not_crashed(client: Any, city: Any, personas: Any) -> None:
    client.force_login(personas.city_official)
    assert client.get("/hazards/statistics/", {"year": "99999"}).status_code == 200
    assert client.get("/", {"year": "0"}).status_code == 200
    for url in ("/api/hazards/statistics/", "/api/cockpit/figures/"):
        response = client.get(url, {"year": "abc"})
        assert response.status_code == 400 and "year" in response.json()["fields"]
        assert client.get(url, {"year": "99999"}).status_code == 400
    assert client.get("/api/portraits/portraits/abc/").status_code == 404
