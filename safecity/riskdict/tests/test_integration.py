"""The dictionary's hooks into the platform: demo step, cockpit indicator, navigation, admin."""

from __future__ import annotations

import random
from typing import Any

import pytest
from django.utils import timezone

from conftest import ORG_REACH
from safecity.core.figures import FigureContext, compute_indicators
from safecity.core.navigation import sections_for
from safecity.core.scoping import principal_for
from safecity.riskdict.demo import load_starter
from safecity.riskdict.models import DictionaryVersion, RiskEntry
from safecity.riskdict.services import dictionary_load_starter


def test_demo_step_loads_the_published_starter_once(city: Any) -> None:
    load_starter(random.Random(1), city.superuser)
    load_starter(random.Random(1), city.superuser)
    version = DictionaryVersion.objects.get()
    assert (version.version, version.status) == ("2023.1", "published")


def test_cockpit_counts_the_entries_of_the_latest_published_version(city: Any, personas: Any) -> None:
    ctx = FigureContext(region=city.city, year=timezone.localdate().year, user=personas.district_a)
    assert compute_indicators(ctx)["riskdict.entries.published"] == 0
    starter = dictionary_load_starter(actor=personas.city_admin)
    dictionary_load_starter(actor=personas.city_admin, version="2024.1", publish=False)  # a draft does not count
    assert compute_indicators(ctx)["riskdict.entries.published"] == RiskEntry.objects.filter(version=starter).count()


@pytest.mark.parametrize("persona", list(ORG_REACH))
def test_navigation_offers_the_dictionary_to_everyone_and_import_to_editors(city: Any, personas: Any, persona: str) -> None:
    sections = {s["id"]: s for s in sections_for(principal_for(getattr(personas, persona)))}
    urls = {item.url_name for item in sections["dual_prevention"]["items"]}
    assert {"riskdict:version-list", "riskdict:version-diff"} <= urls
    assert ("riskdict:version-import" in urls) is (persona in ("city_admin", "city_official"))


def test_admin_browses_content_read_only_and_deletes_drafts_through_the_service(client: Any, city: Any, personas: Any) -> None:
    starter = dictionary_load_starter(actor=personas.city_admin)
    draft = dictionary_load_starter(actor=personas.city_admin, version="2024.1", publish=False)
    client.force_login(city.superuser)
    assert client.get("/admin/riskdict/riskentry/").status_code == 200
    entry = RiskEntry.objects.filter(version=starter).first()
    assert entry is not None
    page = client.get(f"/admin/riskdict/riskentry/{entry.pk}/change/")
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    assert client.get(f"/admin/riskdict/dictionaryversion/{starter.pk}/delete/").status_code == 403
    response = client.post(f"/admin/riskdict/dictionaryversion/{draft.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert list(DictionaryVersion.objects.values_list("version", flat=True)) == ["2023.1"]
