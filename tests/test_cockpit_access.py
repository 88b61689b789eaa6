"""Every app's cockpit figures follow one rule (issue 13): a figure over records the viewer reaches
none of is "no access", never a zero, on the cockpit page, the API and ``safecity figures --user``."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from safecity.core.figures import NO_ACCESS, FigureContext, indicator_values, indicators, panel_values

pytestmark = pytest.mark.django_db

# Records only some roles reach: the outsider reaches none of them.
RESTRICTED = (
    "core.organisations.",
    "core.people.",
    "hazards.",
    "portraits.",
    "deepchecks.",
    "firecases.",
    "keyprojects.",
    "telemetry.",
)


def _values(city: Any, user: Any) -> dict[str, Any]:
    return indicator_values(FigureContext(region=city.city, year=timezone.localdate().year, user=user))


def test_the_outsider_gets_no_access_not_zeros(client: Any, city: Any, personas: Any) -> None:
    values = _values(city, personas.outsider)
    restricted = [i.id for i in indicators() if i.id.startswith(RESTRICTED)]
    assert restricted and all(values[i] is NO_ACCESS for i in restricted), [i for i in restricted if values[i] is not NO_ACCESS]
    # Reference data every signed-in user reads stays visible (the regions of the city).
    assert values["core.regions.districts"] == 2
    client.force_login(personas.outsider)
    page = client.get(reverse("cockpit")).content.decode()
    assert 'data-indicator="core.regions.districts"' in page
    assert not any(f'data-indicator="{i}"' in page for i in restricted)
    assert "No access" in page
    api = client.get("/api/cockpit/figures/").json()
    assert set(restricted) <= set(api["no_access"]) and not set(restricted) & set(api["indicators"])


@pytest.mark.parametrize("persona", ["city_official", "district_a", "district_b", "enterprise_user"])
def test_who_reaches_the_records_sees_the_figures(city: Any, personas: Any, persona: str) -> None:
    values = _values(city, getattr(personas, persona))
    for key in ("core.organisations.total", "hazards.found", "portraits.average_score"):
        assert values[key] is not NO_ACCESS, (persona, key)
    # The fire sub-system: officials yes (issue 13), the enterprise no.
    assert (values["firecases.letters"] is NO_ACCESS) is (persona == "enterprise_user")


def test_panels_follow_the_same_rule(city: Any, personas: Any) -> None:
    ctx = FigureContext(region=city.city, year=timezone.localdate().year, user=personas.outsider)
    data = panel_values(ctx)
    assert data["firecases.cases_by_state"] is NO_ACCESS and data["core.organisations.by_kind"] is NO_ACCESS
    official = panel_values(FigureContext(region=city.city, year=timezone.localdate().year, user=personas.city_official))
    assert official["firecases.cases_by_state"] is not NO_ACCESS and official["core.organisations.by_kind"] is not NO_ACCESS


def test_who_may_not_open_the_key_projects_gets_no_access_to_their_figures(city: Any, personas: Any) -> None:
    """An enterprise user reaches key projects of their district through the records' scope, but
    the key-project pages are for the committee, officials and departments: the cockpit follows the
    pages (no access), not zeros; a city official sees the figures."""
    values = _values(city, personas.enterprise_user)
    keyprojects = [i.id for i in indicators() if i.id.startswith("keyprojects.")]
    assert keyprojects and all(values[i] is NO_ACCESS for i in keyprojects)
    assert all(_values(city, personas.city_official)[i] is not NO_ACCESS for i in keyprojects)


def test_a_figure_with_nothing_to_compute_reads_as_a_dash_not_none(client: Any, city: Any, personas: Any) -> None:
    client.force_login(personas.district_b)
    page = client.get(reverse("cockpit")).content.decode()
    assert ">None<" not in page
