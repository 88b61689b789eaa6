"""Who sees fire cases (issue 7 §3): procurators and the fire officers of the lead's brigade, on
lists, details, documents and the API; officials see less (``test_supervisors.py``, issue 13).
Plus the pages themselves, figures and query counts."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from safecity.core.figures import FigureContext
from safecity.firecases import cockpit, selectors, services
from safecity.firecases.tests.conftest import make_case

pytestmark = pytest.mark.django_db

OUTSIDERS = ["enterprise_user", "expert", "outsider"]


def _user(name, agencies, personas):
    return getattr(agencies, name, None) or getattr(personas, name)


@pytest.fixture
def case(city, agencies):
    return make_case(city, agencies, until="not_sued")


@pytest.mark.parametrize("name", ["procurator", "fire_officer"])
def test_agencies_see_the_case_everywhere(client, case, agencies, personas, name):
    user = _user(name, agencies, personas)
    assert list(selectors.case_list(user=user)) == [case]
    client.force_login(user)
    letter = case.letters.get()
    for url in [
        reverse("firecases:case-list"),
        reverse("firecases:case-detail", args=[case.pk]),
        reverse("firecases:letter-detail", args=[letter.pk]),
        reverse("firecases:letter-document", args=[letter.pk]),
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert case.number in response.content.decode() or letter.number in response.content.decode()
    api = client.get("/api/firecases/cases/")
    assert api.status_code == 200 and api.json()["results"][0]["number"] == case.number
    assert client.get(f"/api/firecases/cases/{case.pk}/timeline/").status_code == 200


def test_other_brigade_sees_nothing_of_this_case(client, case, agencies):
    officer = agencies.other_fire_officer
    assert not selectors.case_list(user=officer).exists()
    assert not selectors.lead_list(user=officer).exists()
    assert not selectors.inspection_list(user=officer).exists()
    assert not selectors.letter_list(user=officer).exists()
    client.force_login(officer)
    assert case.number not in client.get(reverse("firecases:case-list")).content.decode()
    assert client.get(reverse("firecases:case-detail", args=[case.pk])).status_code == 404
    assert client.get(f"/api/firecases/cases/{case.pk}/").status_code == 404
    assert client.get("/api/firecases/cases/").json()["results"] == []


@pytest.mark.parametrize("name", OUTSIDERS)
def test_nobody_else_sees_cases(client, case, agencies, personas, name):
    user = _user(name, agencies, personas)
    assert not selectors.case_list(user=user).exists()
    assert not selectors.letter_list(user=user).exists()
    assert not selectors.lead_list(user=user).exists()
    assert not selectors.major_unit_list(user=user).exists()
    assert not selectors.unit_fire_hazards(user=user, organisation_id=case.lead.organisation_id).exists()
    client.force_login(user)
    letter = case.letters.get()
    for url in [
        reverse("firecases:case-list"),
        reverse("firecases:case-detail", args=[case.pk]),
        reverse("firecases:letter-document", args=[letter.pk]),
        reverse("firecases:dashboard"),
    ]:
        assert client.get(url).status_code in (403, 404), url
    assert client.get("/api/firecases/cases/").status_code == 403
    assert client.get(f"/api/firecases/letters/{letter.pk}/").status_code == 403


def test_procurator_sees_fire_hazards_of_units_concerned_only(city, case, agencies):
    concerned = selectors.unit_fire_hazards(user=agencies.procurator, organisation_id=city.enterprise_a.pk)
    assert concerned.count() == 1 and concerned.get().hazard_type == 5
    # Enterprise B has a fire hazard but no lead or determination: not shown to the procuratorate.
    services.fire_inspection_record(
        actor=agencies.fire_officer,
        organisation=city.enterprise_b,
        inspected_on=date.today(),
        inspectors="A",
        findings=[{"description": "x"}],
    )
    assert not selectors.unit_fire_hazards(user=agencies.procurator, organisation_id=city.enterprise_b.pk).exists()
    assert [i.organisation for i in selectors.inspection_list(user=agencies.procurator)] == [city.enterprise_a]


def test_procurator_moves_the_case_through_the_page(client, city, agencies):
    case = make_case(city, agencies, until="investigating")
    client.force_login(agencies.procurator)
    page = client.get(reverse("firecases:case-detail", args=[case.pk])).content.decode()
    assert "issue_letter" in page
    response = client.post(
        reverse("firecases:case-step", args=[case.pk, "issue_letter"]),
        {"addressee": city.bureau_a.pk, "facts": "f", "suggestions": "s", "issued_on": date.today().isoformat()},
        follow=True,
    )
    case.refresh_from_db()
    assert case.state == "letter_issued"
    # An out-of-order step is refused with a visible message, nothing changes.
    response = client.post(
        reverse("firecases:case-step", args=[case.pk, "follow_up"]),
        {"reviewed_on": date.today().isoformat(), "outcome": "rectified", "findings": "x"},
        follow=True,
    )
    assert "is not allowed" in response.content.decode()
    case.refresh_from_db()
    assert case.state == "letter_issued"


def test_fire_officer_sees_status_but_gets_no_step_forms(client, case, agencies):
    client.force_login(agencies.fire_officer)
    page = client.get(reverse("firecases:case-detail", args=[case.pk])).content.decode()
    assert case.get_state_display() in page and "Next step" not in page
    response = client.post(
        reverse("firecases:case-step", args=[case.pk, "notify_not_sue"]), {"notified_on": "2020-01-01"}, follow=True
    )
    assert response.status_code == 403  # a fire officer cannot move a case
    case.refresh_from_db()
    assert case.decision.notified_on is None


def test_api_letter_without_case_gives_core_error_format(client, city, agencies):
    client.force_login(agencies.procurator)
    response = client.post("/api/firecases/letters/", {"addressee": city.bureau_a.pk, "facts": "f", "suggestions": "s"})
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid" and "case" in body["fields"]


def test_api_reply_before_delivery_is_refused(client, city, agencies):
    case = make_case(city, agencies, until="letter_issued")
    client.force_login(agencies.procurator)
    letter = case.letters.get()
    response = client.post(
        f"/api/firecases/letters/{letter.pk}/reply/", {"received_on": date.today().isoformat(), "content": "x"}
    )
    assert response.status_code == 400 and response.json()["code"] == "invalid"


def test_other_pages_render(client, case, agencies):
    client.force_login(agencies.procurator)
    for name in [
        "firecases:dashboard",
        "firecases:unit-list",
        "firecases:inspection-list",
        "firecases:lead-list",
        "firecases:letter-list",
    ]:
        assert client.get(reverse(name)).status_code == 200, name
    assert (
        client.get(reverse("firecases:letter-document", args=[case.letters.get().pk]) + "?as=pdf")["Content-Type"]
        == "application/pdf"
    )
    for url in [
        "/api/firecases/units/",
        "/api/firecases/inspections/",
        "/api/firecases/leads/",
        "/api/firecases/letters/",
        "/api/firecases/hearings/",
    ]:
        assert client.get(url).status_code == 200, url


def test_list_queries_do_not_grow_with_page_size(client, city, agencies):
    make_case(city, agencies, until="awaiting_reply")
    client.force_login(agencies.procurator)

    def count(url):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx)

    urls = [
        reverse("firecases:case-list"),
        reverse("firecases:letter-list"),
        reverse("firecases:lead-list"),
        "/api/firecases/cases/",
    ]
    before = [count(u) for u in urls]
    for _ in range(4):
        make_case(city, agencies, until="reply_received")
    assert [count(u) for u in urls] == before


def test_figures_are_counted_from_records(city, agencies):
    case = make_case(city, agencies, until="prosecuted")
    year = case.letters.get().year
    services.major_unit_determine(
        actor=agencies.fire_officer,
        organisation=city.enterprise_a,
        method="direct",
        direct_items=["6.2"],
        evidence="e",
        determined_on=date(year, 1, 2),
    )
    ctx = FigureContext(region=city.city, year=year)
    assert cockpit.units(ctx) == 1
    assert cockpit.letters(ctx) == 1
    assert cockpit.replies_on_time(ctx) == 1 and cockpit.replies_late(ctx) == 0
    assert cockpit.prosecuted_persons(ctx) == 2
    assert cockpit.hearings(ctx) == 0
    # Another brigade's officer (district B) counts nothing of district A's case.
    assert cockpit.letters(FigureContext(region=city.city, year=year, user=agencies.other_fire_officer)) == 0


def test_demo_step_gives_the_2023_figures(db):
    # The steps the fire cases stand on, not the whole demo city (the page walk builds that).
    import random

    from django.contrib.auth import get_user_model
    from django.utils.module_loading import autodiscover_modules

    from safecity.core.demo import steps

    autodiscover_modules("demo")
    admin = get_user_model().objects.create_superuser(username="admin", password="x", email="")
    for step in steps():
        if step.name in ("core.city", "firecases.2023"):
            step.run(random.Random(f"2023:{step.name}"), admin)
    from safecity.core.models import Region

    ctx = FigureContext(region=Region.objects.get(code="320400"), year=2023)
    assert (cockpit.units(ctx), cockpit.hearings(ctx), cockpit.letters(ctx), cockpit.prosecuted_persons(ctx)) == (17, 2, 43, 2)
    assert cockpit.replies_late(ctx) == 5 and cockpit.replies_on_time(ctx) == 38
