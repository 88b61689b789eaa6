"""The API's writes (issue 16 §6): a street records its group purchase and puts it in force, the
engineer signs on the phone, the street scores; refusals in the core error format (400 with the
field, 409 for the record's state, 403 / 404 by reach) and nothing half-written."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from safecity.smallbiz.models import Contract, Visit, VisitFinding


def test_a_group_purchase_through_the_api(client: Any, biz: Any, personas: Any) -> None:
    e1, e2 = biz.enterprise("甲厂", biz.village_a1), biz.enterprise("乙厂", biz.village_a2)
    year = timezone.localdate().year
    body = {
        "number": "SJ-1",
        "title": "三井街道团购",
        "buyer_kind": "street",
        "buyer": biz.street_office.pk,
        "street": biz.city.street_a.code,
        "provider": biz.provider.pk,
        "enterprises": [e1.pk, e2.pk],
        "price": "20000.00",
        "government_share": "0.80",
        "starts_on": f"{year}-01-01",
        "ends_on": f"{year}-12-31",
    }
    client.force_login(personas.district_b)
    assert (
        client.post("/api/smallbiz/contracts/", body, content_type="application/json").status_code == 400
    )  # not their enterprises
    client.force_login(biz.street_official)
    bad = client.post("/api/smallbiz/contracts/", {**body, "government_share": "1.50"}, content_type="application/json")
    assert bad.status_code == 400 and "government_share" in bad.json()["fields"]
    created = client.post("/api/smallbiz/contracts/", body, content_type="application/json")
    assert created.status_code == 201, created.json()
    data = created.json()
    assert (data["state"], data["enterprise_count"], data["government_amount"], data["enterprise_amount"]) == (
        "draft",
        2,
        "16000.00",
        "4000.00",
    )
    pk = data["id"]
    assert client.post("/api/smallbiz/contracts/", body, content_type="application/json").status_code == 409  # same number
    assert client.post(f"/api/smallbiz/contracts/{pk}/activate/").json()["state"] == "active"
    again = client.post(f"/api/smallbiz/contracts/{pk}/activate/")
    assert again.status_code == 409 and again.json()["code"] == "transition_not_allowed"
    assert Visit.objects.filter(contract_id=pk).count() == 8
    visit = Visit.objects.filter(contract_id=pk, enterprise=e1).order_by("due_on").first()
    client.force_login(biz.engineer)
    missing = client.post(f"/api/smallbiz/visits/{visit.pk}/sign/", {"checklist": []}, content_type="application/json")
    assert missing.status_code == 400 and "latitude" in missing.json()["fields"]
    signed = client.post(
        f"/api/smallbiz/visits/{visit.pk}/sign/",
        {
            "latitude": "31.9",
            "longitude": "119.9",
            "checklist": [{"content": "消防通道", "ok": False}],
            "findings": [{"description": "安全出口堵塞"}],
        },
        content_type="application/json",
    )
    assert signed.status_code == 200 and signed.json()["state"] == "done"
    assert VisitFinding.objects.filter(visit=visit).count() == 1
    client.force_login(biz.street_official)
    out_of_range = client.post(
        f"/api/smallbiz/visits/{visit.pk}/score/", {"by": "street", "score": "0"}, content_type="application/json"
    )
    assert out_of_range.status_code == 400 and out_of_range.json()["fields"]["score"]
    assert (
        client.post(
            f"/api/smallbiz/visits/{visit.pk}/score/", {"by": "street", "score": "5"}, content_type="application/json"
        ).status_code
        == 201
    )
    performance = client.get("/api/smallbiz/providers/performance/").json()
    mine = next(p for p in performance if p["provider"] == biz.provider.pk)
    assert mine["visits_done"] == 1 and mine["score"] == 5.0
    ranking = client.get("/api/smallbiz/streets/ranking/").json()
    assert ranking[0]["street"] == biz.city.street_a.name and ranking[0]["done"] == 1
    assert Contract.objects.count() == 1


def test_rounds_through_the_api(client: Any, biz: Any, personas: Any) -> None:
    client.force_login(biz.supervisor)
    made = client.post(
        "/api/smallbiz/rounds/", {"village": biz.village_a1.code, "month": "2025-05-01"}, content_type="application/json"
    )
    assert made.status_code == 201 and made.json()["month"] == "2025-05-01"
    again = client.post(
        "/api/smallbiz/rounds/", {"village": biz.village_a1.code, "month": "2025-05-20"}, content_type="application/json"
    )
    assert again.status_code == 409
    client.force_login(biz.other_supervisor)
    assert client.get("/api/smallbiz/rounds/").json()["results"] == []
    refused = client.post(
        "/api/smallbiz/rounds/", {"village": biz.village_a1.code, "month": "2025-06-01"}, content_type="application/json"
    )
    assert refused.status_code == 403
