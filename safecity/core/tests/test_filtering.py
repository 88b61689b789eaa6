"""The shared list filters: nothing chosen for the user, chips in words, pickers within reach."""

from __future__ import annotations

import importlib
import inspect
import re
from pathlib import Path
from typing import Any

import django_filters
import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from safecity.core.filtering import ALL, PickerInput
from safecity.hazards import services as hazard_services
from safecity.hazards.choices import HazardLevel

APPS = Path(__file__).resolve().parents[2]
TYPED_CODES = {"object_id", "request_id", "code", "industry", "credit_code"}


def _filtersets() -> list[type[django_filters.FilterSet]]:
    found = []
    for path in sorted(APPS.glob("*/filtersets.py")):
        module = importlib.import_module(f"safecity.{path.parent.name}.filtersets")
        for _name, obj in inspect.getmembers(module, inspect.isclass):
            if issubclass(obj, django_filters.FilterSet) and obj.__module__ == module.__name__:
                found.append(obj)
    return found


def _client(username: str) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")  # what the city's users read
    client.force_login(get_user_model().objects.get(username=username))
    return client


@pytest.fixture
def hazards(city: Any, personas: Any) -> list[Any]:
    made = []
    for org, reporter, level in [
        (city.enterprise_a, personas.district_a, HazardLevel.GENERAL),
        (city.enterprise_a, personas.district_a, HazardLevel.MAJOR),
        (city.enterprise_b, personas.district_b, HazardLevel.GENERAL),
    ]:
        made.append(hazard_services.hazard_report(actor=reporter, organisation=org, level=level, description="消防通道堵塞"))
    return made


def test_every_filterset_starts_with_nothing_chosen(db: Any) -> None:
    """Every select of every list filter opens on "全部", and an empty query filters nothing."""
    filtersets = _filtersets()
    assert len(filtersets) >= 7
    for filterset_class in filtersets:
        model = filterset_class._meta.model
        filterset = filterset_class({}, queryset=model.objects.all())
        for name, field in filterset.form.fields.items():
            choices = list(getattr(field.widget, "choices", []) or [])
            if choices:
                first_value, first_label = choices[0]
                assert first_value == "" and str(first_label) == str(ALL), (filterset_class.__name__, name, choices[0])
                assert "未知" not in [str(c[1]) for c in choices] and "Unknown" not in [str(c[1]) for c in choices]
            # An internal id or region code is picked by name; the official codes people type
            # (risk codes, GB/T 4754 industry codes, credit codes) and the audit trail's ids stay.
            asks_for_code = re.search(r"\b(id|code)\b", str(field.label).lower())
            assert not asks_for_code or isinstance(field.widget, PickerInput) or name in TYPED_CODES, (
                filterset_class.__name__,
                name,
                field.label,
            )
        assert filterset.is_valid(), filterset.errors
        assert filterset.qs.count() == model.objects.count()


def test_hazard_list_untouched_form_lists_everything(city: Any, personas: Any, hazards: list[Any]) -> None:
    client = _client("city_official")
    page = client.get("/hazards/")
    html = page.content.decode()
    assert page.context["page"].paginator.count == 3
    # The selects show 全部, selected; no value of level/state/source/type is pre-chosen.
    for name in ("level", "state", "source", "hazard_type", "overdue"):
        select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S)
        assert select, name
        options = re.findall(r"<option value=\"([^\"]*)\"([^>]*)>([^<]*)", select.group(1))
        assert options[0][0] == "" and options[0][2] == "全部", (name, options[0])
        assert [o for o in options if "selected" in o[1]] in ([], [options[0]]), name
    assert 'class="chips"' not in html  # nothing set, nothing shown as set
    assert "逾期" in html and "未知" not in html


def test_chips_show_filters_in_words_and_remove_one_at_a_time(city: Any, personas: Any, hazards: list[Any]) -> None:
    client = _client("city_official")
    org = city.enterprise_a
    page = client.get(f"/hazards/?level=1&organisation={org.pk}&page=2")
    assert page.context["page"].paginator.count == 1
    html = page.content.decode()
    chips = re.findall(r'<li class="chip" data-filter="(\w+)">(.*?)</li>', html, re.S)
    assert [c[0] for c in chips] == ["level", "organisation"]
    assert "重大隐患" in chips[0][1] and "1" not in re.sub(r"<[^>]+>", "", chips[0][1]).replace("×", "")
    assert org.name in chips[1][1] and str(org.pk) not in re.sub(r"<[^>]+>", "", chips[1][1])
    # Removing "level" keeps the organisation (and forgets the page).
    assert f'href="/hazards/?organisation={org.pk}"' in chips[0][1]
    assert 'href="/hazards/?level=1"' in chips[1][1]
    # The picker's search box shows the enterprise's name, the id stays in the hidden field.
    assert f'name="organisation" value="{org.pk}"' in html
    assert re.search(rf'value="{re.escape(org.name)}"[^>]*data-picker-search', html)


def test_picker_never_names_what_the_user_may_not_see(city: Any, personas: Any, hazards: list[Any]) -> None:
    client = _client("district_a")
    html = client.get(f"/hazards/?organisation={city.enterprise_b.pk}").content.decode()
    assert city.enterprise_b.name not in html


@pytest.mark.parametrize(
    ("username", "visible", "hidden"),
    [
        ("city_official", {"常州甲化工有限公司", "常州乙化工有限公司"}, set()),
        ("district_a", {"常州甲化工有限公司"}, {"常州乙化工有限公司"}),
        ("district_b", {"常州乙化工有限公司"}, {"常州甲化工有限公司"}),
        ("enterprise_user", {"常州甲化工有限公司"}, {"常州乙化工有限公司"}),
        ("expert", set(), {"常州甲化工有限公司", "常州乙化工有限公司"}),
        ("outsider", set(), {"常州甲化工有限公司", "常州乙化工有限公司"}),
    ],
)
def test_organisation_lookup_is_scoped(city: Any, personas: Any, username: str, visible: set[str], hidden: set[str]) -> None:
    client = _client(username)
    answer = client.get("/lookup/organisations/", {"q": "化工", "kind": "enterprise"})
    assert answer.status_code == 200
    names = {r["label"] for r in answer.json()["results"]}
    assert visible <= names and not (hidden & names)
    assert all(isinstance(r["value"], int) for r in answer.json()["results"])


def test_organisation_lookup_by_kind_and_anonymous(city: Any, personas: Any) -> None:
    client = _client("city_official")
    names = {r["label"] for r in client.get("/lookup/organisations/", {"q": "", "kind": "enterprise"}).json()["results"]}
    assert names == {"常州甲化工有限公司", "常州乙化工有限公司"}
    assert Client().get("/lookup/organisations/?q=化工").status_code == 302  # sign in first


def test_region_lookup_by_name_or_code(city: Any, personas: Any) -> None:
    client = _client("district_a")
    results = client.get("/lookup/regions/", {"q": "新北"}).json()["results"]
    assert results[0] == {"value": "320411", "label": "新北区", "detail": "常州市"}
    by_code = [r["value"] for r in client.get("/lookup/regions/", {"q": "32041"}).json()["results"]]
    assert by_code == ["320411", "320412", "320411002", "320412100"]  # districts before their streets


def test_region_picker_filters_the_subtree_and_shows_the_name(city: Any, personas: Any, hazards: list[Any]) -> None:
    client = _client("city_official")
    page = client.get("/hazards/?region=320411")
    assert page.context["page"].paginator.count == 2
    html = page.content.decode()
    assert re.search(r'<li class="chip" data-filter="region">[^<]*<strong>新北区</strong>', html)


@pytest.mark.parametrize(
    "url",
    ["/organisations/", "/people/", "/audit/", "/hazards/", "/portraits/", "/riskdict/"],
)
def test_lists_render_the_shared_filter_block(city: Any, personas: Any, url: str) -> None:
    html = _client("city_official").get(url).content.decode()
    assert "data-filters" in html and 'class="filters-toggle-box"' in html
    assert "hx-trigger" not in html.split("data-filters", 1)[1].split("</form>", 1)[0]
