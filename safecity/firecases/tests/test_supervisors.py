"""Who sees the fire sub-system (issue 13), persona by persona, on the pages, the API and the cockpit.

City official and district officials: the figures, the units with a major fire hazard and the cases
of their jurisdiction, never the procuratorate's internal documents. Procurator and fire officer:
everything (fire officer: own brigade). Enterprise user and outsider: nothing, and the cockpit says
"no access" instead of zeros.
"""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.urls import reverse

from safecity.core.figures import NO_ACCESS, FigureContext, indicator_values
from safecity.firecases import services
from safecity.firecases.tests.conftest import make_case

pytestmark = pytest.mark.django_db

FIRE_IDS = {
    "firecases.units",
    "firecases.hearings",
    "firecases.letters",
    "firecases.replies_on_time",
    "firecases.replies_late",
    "firecases.prosecuted_persons",
}


@pytest.fixture
def case(city, agencies):
    """A prosecuted case about enterprise A (district A), and its determination as a unit."""
    case = make_case(city, agencies, until="prosecuted")
    services.major_unit_determine(
        actor=agencies.fire_officer,
        organisation=city.enterprise_a,
        method="direct",
        direct_items=["6.2"],
        evidence="检查记录",
        determined_on=case.letters.get().issued_on,
    )
    return case


def _user(name, agencies, personas):
    return getattr(agencies, name, None) or getattr(personas, name)


def _documents(case):
    letter = case.letters.get()
    return [
        reverse("firecases:case-detail", args=[case.pk]),
        reverse("firecases:letter-list"),
        reverse("firecases:letter-detail", args=[letter.pk]),
        reverse("firecases:letter-document", args=[letter.pk]),
        reverse("firecases:lead-list"),
        reverse("firecases:inspection-list"),
        reverse("firecases:unit-hazards", args=[case.lead.organisation_id]),
    ]


def _api_documents(case):
    letter = case.letters.get()
    return [
        f"/api/firecases/cases/{case.pk}/timeline/",
        "/api/firecases/letters/",
        f"/api/firecases/letters/{letter.pk}/",
        "/api/firecases/hearings/",
        "/api/firecases/leads/",
        "/api/firecases/inspections/",
    ]


@pytest.mark.parametrize("name", ["city_official", "district_a"])
def test_officials_see_figures_units_and_cases_of_their_jurisdiction(client, city, case, agencies, personas, name):
    user = _user(name, agencies, personas)
    client.force_login(user)
    cases = client.get(reverse("firecases:case-list")).content.decode()
    assert case.number in cases and city.enterprise_a.name in cases
    assert reverse("firecases:case-detail", args=[case.pk]) not in cases  # no way into the case file
    units = client.get(reverse("firecases:unit-list")).content.decode()
    assert city.enterprise_a.name in units
    assert reverse("firecases:unit-hazards", args=[city.enterprise_a.pk]) not in units
    dashboard = client.get(reverse("firecases:dashboard"))
    assert dashboard.status_code == 200
    figures = dict(dashboard.context["figures"])
    assert figures["Procuratorial suggestion letters"] == 1 and figures["Persons prosecuted"] == 2
    api = client.get("/api/firecases/cases/").json()["results"]
    assert [c["number"] for c in api] == [case.number]
    assert client.get(f"/api/firecases/cases/{case.pk}/").json()["state"] == "prosecuted"
    assert [u["organisation"] for u in client.get("/api/firecases/units/").json()["results"]] == [city.enterprise_a.pk]
    # Never the procuratorate's internal documents: letters, hearings, leads, inspections, timeline.
    for url in _documents(case):
        assert client.get(url).status_code in (403, 404), url
    for url in _api_documents(case):
        assert client.get(url).status_code in (403, 404), url
    # An official cannot move a case.
    response = client.post(f"/api/firecases/cases/{case.pk}/notify/", {"notified_on": "2020-01-01"})
    assert response.status_code == 403
    # Navigation offers the pages the official may open, not the others.
    page = client.get(reverse("cockpit")).content.decode()
    assert reverse("firecases:case-list") in page and reverse("firecases:letter-list") not in page


def test_district_b_sees_the_sub_system_but_nothing_of_district_a(client, case, agencies, personas):
    client.force_login(personas.district_b)
    assert case.number not in client.get(reverse("firecases:case-list")).content.decode()
    assert client.get("/api/firecases/cases/").json()["results"] == []
    assert client.get("/api/firecases/units/").json()["results"] == []
    assert client.get(f"/api/firecases/cases/{case.pk}/").status_code == 404
    figures = dict(client.get(reverse("firecases:dashboard")).context["figures"])
    assert set(figures.values()) == {0}  # zeros that are true: the sub-system is open, district B has none


@pytest.mark.parametrize("name", ["procurator", "fire_officer"])
def test_agencies_still_see_the_documents(client, case, agencies, personas, name):
    client.force_login(_user(name, agencies, personas))
    for url in _documents(case):
        assert client.get(url).status_code == 200, url
    for url in _api_documents(case):
        assert client.get(url).status_code == 200, url
    assert reverse("firecases:case-detail", args=[case.pk]) in client.get(reverse("firecases:case-list")).content.decode()


@pytest.mark.parametrize("name", ["enterprise_user", "outsider"])
def test_enterprise_and_outsider_see_nothing(client, case, agencies, personas, name):
    client.force_login(_user(name, agencies, personas))
    for url in [
        reverse("firecases:dashboard"),
        reverse("firecases:unit-list"),
        reverse("firecases:case-list"),
        *_documents(case),
    ]:
        assert client.get(url).status_code in (403, 404), url
    for url in ["/api/firecases/cases/", "/api/firecases/units/", *_api_documents(case)]:
        assert client.get(url).status_code in (403, 404), url


@pytest.mark.parametrize(
    "name, letters",
    [
        ("city_official", 1),
        ("district_a", 1),
        ("district_b", 0),
        ("procurator", 1),
        ("fire_officer", 1),
        ("enterprise_user", None),
        ("outsider", None),
    ],
)
def test_cockpit_fire_figures_per_persona(client, city, case, agencies, personas, name, letters):
    """The cockpit, its API and ``safecity figures --user`` follow one rule: a figure the user may
    not see is absent and named under "no access", never a zero."""
    user = _user(name, agencies, personas)
    year = case.letters.get().year
    values = indicator_values(FigureContext(region=city.city, year=year, user=user))
    client.force_login(user)
    page = client.get(reverse("cockpit"), {"region": city.city.code, "year": year})
    api = client.get("/api/cockpit/figures/", {"region": city.city.code, "year": year}).json()
    if letters is None:
        assert values["firecases.letters"] is NO_ACCESS
        assert set(api["no_access"]) >= FIRE_IDS and not FIRE_IDS & set(api["indicators"])
        assert 'data-indicator="firecases.letters"' not in page.content.decode()
        assert "No access" in page.content.decode()
    else:
        assert values["firecases.letters"] == letters
        assert api["indicators"]["firecases.letters"] == letters and not FIRE_IDS & set(api["no_access"])
        assert 'data-indicator="firecases.letters"' in page.content.decode()


def test_figures_command_for_a_user(city, case, agencies, personas, capsys):
    import json

    year = case.letters.get().year
    call_command("figures", "--region", city.city.code, "--year", str(year), "--user", "enterprise_user")
    out = json.loads(capsys.readouterr().out)
    assert "firecases.letters" not in out and "firecases.letters" in out["no_access"]
    call_command("figures", "--region", city.city.code, "--year", str(year), "--user", "city_official")
    out = json.loads(capsys.readouterr().out)
    assert out["firecases.letters"] == 1 and "firecases.letters" not in out["no_access"]
    call_command("figures", "--region", city.city.code, "--year", str(year))
    out = json.loads(capsys.readouterr().out)
    assert out["firecases.letters"] == 1 and "no_access" not in out
