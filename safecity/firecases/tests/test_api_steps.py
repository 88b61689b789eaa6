"""A case's later steps through the API: deliver, reply assessed, follow-up, decision, prosecution."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from safecity.firecases import services
from safecity.firecases.models import Case, Prosecution
from safecity.firecases.tests.conftest import make_case


def test_procurator_walks_a_case_to_prosecution_through_the_api(client: Any, city: Any, agencies: Any) -> None:
    case = make_case(city, agencies, until="letter_issued")
    client.force_login(agencies.procurator)
    url = f"/api/firecases/cases/{case.pk}"
    today = timezone.localdate()
    assert (
        client.post(
            f"{url}/deliver/", {"delivered_on": str(today - timedelta(days=40))}, content_type="application/json"
        ).status_code
        == 200
    )
    letter = case.letters.get()
    services.reply_record(actor=agencies.procurator, letter=letter, received_on=today - timedelta(days=10), content="已整改")
    missing = client.post(f"{url}/assess/", {}, content_type="application/json")
    assert missing.status_code == 400 and "assessment" in missing.json()["fields"]
    assert client.post(f"{url}/assess/", {"assessment": "inadequate"}, content_type="application/json").status_code == 200
    out_of_order = client.post(
        f"{url}/prosecute/",
        {"filed_on": str(today), "court": "天宁区人民法院", "persons": [{"name": "甲"}]},
        content_type="application/json",
    )
    assert out_of_order.status_code == 400
    body = {"reviewed_on": str(today), "outcome": "not_rectified", "findings": "仍未整改"}
    assert client.post(f"{url}/follow-up/", body, content_type="application/json").status_code == 200
    assert (
        client.post(f"{url}/decide/", {"kind": "sue", "reason": "整改不到位"}, content_type="application/json").status_code == 200
    )
    done = client.post(
        f"{url}/prosecute/",
        {"filed_on": str(today), "court": "天宁区人民法院", "persons": [{"name": "甲"}, {"name": "乙"}]},
        content_type="application/json",
    )
    assert done.status_code == 200, done.json()
    assert Prosecution.objects.filter(case=case).exists()
    assert Case.objects.get(pk=case.pk).state == done.json()["state"]


def test_fire_officer_and_outsiders_cannot_move_a_case(client: Any, city: Any, agencies: Any, personas: Any) -> None:
    case = make_case(city, agencies, until="letter_issued")
    url = f"/api/firecases/cases/{case.pk}/deliver/"
    client.force_login(agencies.fire_officer)
    assert client.post(url, {}, content_type="application/json").status_code == 403
    client.force_login(personas.city_official)
    assert client.post(url, {}, content_type="application/json").status_code in (403, 404)
    assert Case.objects.get(pk=case.pk).state == case.state


def test_case_list_exports_only_what_the_agency_sees(client: Any, city: Any, agencies: Any, personas: Any) -> None:
    case = make_case(city, agencies, until="letter_issued")
    client.force_login(agencies.procurator)
    body = b"".join(client.get("/firecases/cases/", {"export": "csv"}).streaming_content).decode("utf-8-sig")
    assert case.number in body and "常州甲化工有限公司" in body
    client.force_login(agencies.other_fire_officer)
    other = client.get("/firecases/cases/", {"export": "csv"})
    content = b"".join(other.streaming_content) if other.streaming else other.content
    assert case.number not in content.decode("utf-8-sig")


def test_steps_without_their_record_are_refused_not_crashed(client: Any, city: Any, agencies: Any) -> None:
    case = make_case(city, agencies, until="awaiting_reply")
    client.force_login(agencies.procurator)
    reply = client.post(f"/firecases/cases/{case.pk}/assess_reply/", {"assessment": "adequate"}, follow=True)
    assert reply.status_code == 200 and Case.objects.get(pk=case.pk).state == case.state
    fresh = make_case(city, agencies, until="filed")
    notify = client.post(f"/firecases/cases/{fresh.pk}/notify_not_sue/", {"notified_on": "2023-05-01"}, follow=True)
    assert notify.status_code == 200 and Case.objects.get(pk=fresh.pk).state == fresh.state
