"""Usability of the hazard pages (issue 13): the next step at the top of the hazard page, the
upload's stage preset to the hazard's stage, a recorded check that links to the hazard it found,
and the LEC form whose L list offers LEC values only."""

from __future__ import annotations

import re
from typing import Any

from django.test import Client
from django.utils import timezone

from safecity.hazards import services
from safecity.hazards.assessment import LEC_L
from safecity.hazards.choices import HazardLevel, HazardState
from safecity.hazards.forms_registry import RiskEventForm
from safecity.hazards.models import CheckRecord, HiddenHazard, RiskEvent
from safecity.hazards.services import check_records_generate
from safecity.hazards.tests.conftest import photo

S = HazardState


def login(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_next_step_comes_before_the_facts(make_hazard: Any, personas: Any) -> None:
    hazard = make_hazard(S.RECTIFYING)
    page = login(personas.enterprise_user).get(f"/hazards/{hazard.pk}/").content.decode()
    assert page.index('data-testid="hazard-next-step"') < page.index('<dl class="facts">') < page.index("Timeline")
    # What the record still lacks is said next to the button, and the file can go with the request.
    assert 'data-testid="missing-request_acceptance"' in page and "evidence of the rectification" in page
    assert 'name="evidence"' in page and 'enctype="multipart/form-data"' in page
    # Who may not act sees no step at all.
    closed = make_hazard(S.ACCEPTED)
    assert 'data-testid="hazard-next-step"' not in login(personas.district_a).get(f"/hazards/{closed.pk}/").content.decode()


def test_the_upload_stage_is_preset_to_the_hazards_stage(make_hazard: Any, personas: Any) -> None:
    for state, stage in ((S.TO_CONFIRM, "discovery"), (S.RECTIFYING, "rectification"), (S.AWAITING_ACCEPTANCE, "acceptance")):
        page = login(personas.city_official).get(f"/hazards/{make_hazard(state).pk}/").content.decode()
        assert re.search(rf'<option value="{stage}" selected>', page), (state, stage)


def test_major_hazard_page_asks_for_the_acceptance_document(make_hazard: Any, personas: Any) -> None:
    hazard = make_hazard(S.RECTIFYING, level=HazardLevel.MAJOR)
    services.hazard_request_acceptance(
        actor=personas.enterprise_user, hazard=hazard, rectification="整改完毕", evidence=[photo()]
    )
    official = login(personas.district_a)
    page = official.get(f"/hazards/{hazard.pk}/").content.decode()
    assert 'value="accept"' in page and "Acceptance document or photo" in page and "acceptance record" in page
    refused = official.post(f"/hazards/{hazard.pk}/action/", {"action": "accept", "comment": "同意"}, follow=True)
    assert "closed only with its acceptance record" in refused.content.decode()
    assert HiddenHazard.objects.get(pk=hazard.pk).state == S.AWAITING_ACCEPTANCE
    document = photo("验收意见.pdf", b"%PDF-1.4\n" + b"0" * 64)
    done = official.post(
        f"/hazards/{hazard.pk}/action/", {"action": "accept", "comment": "同意核销", "evidence": document}, follow=True
    )
    fresh = HiddenHazard.objects.get(pk=hazard.pk)
    assert fresh.state == S.ACCEPTED and 'data-testid="acceptance-record"' in done.content.decode()
    assert fresh.evidence.filter(stage="acceptance", content_type="application/pdf").exists()


def test_a_check_that_found_a_hazard_links_to_it(registry: Any, personas: Any) -> None:
    check_records_generate(now=timezone.now())
    record = CheckRecord.objects.get()
    client = login(personas.enterprise_user)
    response = client.post(
        f"/hazards/checks/{record.pk}/", {"result": "hazard_found", "description": "液位计失灵", "level": 0}, follow=True
    )
    hazard = HiddenHazard.objects.get(check_record=record)
    page = response.content.decode()
    assert f'href="/hazards/{hazard.pk}/" data-testid="found-hazard"' in page and hazard.code in page
    assert client.get(f"/hazards/{hazard.pk}/").status_code == 200
    # A check with nothing found links nowhere.
    assert "found-hazard" not in client.get("/hazards/checks/").content.decode()


def test_the_api_says_which_hazard_a_check_found(registry: Any, personas: Any) -> None:
    check_records_generate(now=timezone.now())
    record = CheckRecord.objects.get()
    client = login(personas.enterprise_user)
    body = client.post(
        f"/api/hazards/checks/{record.pk}/complete/",
        {"result": "hazard_found", "hazard": {"description": "液位计失灵"}},
        content_type="application/json",
    ).json()
    hazard = HiddenHazard.objects.get(check_record=record)
    assert body["hazards"] == [{"id": hazard.pk, "code": hazard.code}]


def test_the_lec_l_list_offers_lec_values_only() -> None:
    form = RiskEventForm()
    lec = [value for value, _label in form.fields["initial_l"].choices if value]
    assert lec == [str(v) for v in LEC_L] and not {"2", "4", "5"} & set(lec)
    assert [value for value, _label in form.fields["current_l"].choices if value] == lec
    assert [value for value, _label in form.fields["initial_ls_l"].choices if value] == ["1", "2", "3", "4", "5"]


def test_ls_and_lec_assessments_through_the_form(client: Any, city: Any, personas: Any, registry: Any) -> None:
    client.force_login(personas.district_a)
    url = f"/hazards/registry/units/{registry.unit.pk}/events/new/"
    ls = {"name": "超温超压", "method": "LS", "initial_ls_l": "4", "initial_s": "5"}
    assert client.post(url, ls).status_code == 302
    assert RiskEvent.objects.get(name="超温超压").initial_level == 1  # 4 × 5 = 20: red
    # An LS value in the LEC list is refused; so is an LEC assessment without its L.
    bad = client.post(url, {"name": "泄漏", "method": "LEC", "initial_l": "2", "initial_e": "6", "initial_c": "15"})
    assert bad.status_code == 200 and not RiskEvent.objects.filter(name="泄漏").exists()
    missing = client.post(url, {"name": "泄漏", "method": "LEC", "initial_e": "6", "initial_c": "15"})
    assert "Required for this assessment method" in missing.content.decode()
