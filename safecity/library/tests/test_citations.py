"""The library as its own app: hidden hazards cite an entry (their legal basis) from the hazards'
own citation table, registered with the library; each citation is shown only to those who may see
the hazard; the library page, the hazard page, the API and the former addresses."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from safecity.core.models import AuditEntry
from safecity.hazards.citations import HAZARD_CITATIONS
from safecity.hazards.models import LibraryCitation
from safecity.hazards.services import hazard_report
from safecity.library import selectors, services
from safecity.library.citations import kinds
from safecity.library.models import LibraryEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def standard(personas: Any) -> LibraryEntry:
    return services.library_entry_create(
        actor=personas.city_admin, kind="local_standard", title="小批量危险货物道路运输安全管理规范", summary="装卸要求"
    )


@pytest.fixture
def hazard(personas: Any, city: Any) -> Any:
    return hazard_report(actor=personas.district_a, organisation=city.enterprise_a, description="装卸站台静电接地报警器失效")


def _codes(user: Any, item: LibraryEntry) -> list[str]:
    return [h.code for h in selectors.cited_records(user=user, item=item, kind=HAZARD_CITATIONS)]


def test_the_library_imports_no_sub_system() -> None:
    """A lower floor: nothing in safecity/library imports a sub-system (only core and itself)."""
    allowed = ("safecity.core", "safecity.library")
    for path in Path(__file__).resolve().parents[1].rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for name in names:
                assert not name.startswith("safecity.") or name.startswith(allowed), f"{path.name} imports {name}"


def test_every_citing_app_is_registered() -> None:
    assert [k.key for k in kinds()] == [
        "innovation.innovationentry",
        "hazards.hiddenhazard",
        "keyprojects.keyproject",
        "invitations.invitation",
    ]


def test_who_cites_a_hazard_and_who_sees_it(personas: Any, standard: LibraryEntry, hazard: Any) -> None:
    for user in (personas.district_b, personas.expert, personas.outsider, AnonymousUser()):
        with pytest.raises(PermissionDenied):
            services.citation_add(actor=user, library_entry=standard, record=hazard)
    assert not LibraryCitation.objects.exists()
    citation = services.citation_add(actor=personas.enterprise_user, library_entry=standard, record=hazard)
    assert citation.created_by == personas.enterprise_user
    created = AuditEntry.objects.get(content_type=ContentType.objects.get_for_model(LibraryCitation), object_id=str(citation.pk))
    assert created.action == "create" and created.region_path == hazard.organisation.region.path
    with pytest.raises(ValidationError):
        services.citation_add(actor=personas.district_a, library_entry=standard, record=hazard)

    sees = {"city_admin", "city_official", "district_a", "enterprise_user"}
    for name in ("city_admin", "city_official", "district_a", "district_b", "enterprise_user", "expert", "outsider"):
        assert _codes(getattr(personas, name), standard) == ([hazard.code] if name in sees else []), name
    assert _codes(AnonymousUser(), standard) == []

    with pytest.raises(PermissionDenied):
        services.citation_remove(actor=personas.district_b, library_entry=standard, record=hazard)
    services.citation_remove(actor=personas.district_a, library_entry=standard, record=hazard)
    assert not LibraryCitation.objects.exists()
    assert AuditEntry.objects.filter(object_id=str(citation.pk), action="delete").exists()


def test_library_page_links_and_shows_hazards_by_scope(personas: Any, standard: LibraryEntry, hazard: Any, client: Any) -> None:
    url = reverse("library:library-detail", args=[standard.pk])
    page = client.get(url).content.decode()  # public; the hazards are not
    assert "小批量危险货物道路运输安全管理规范" in page and "Sign in to see the hidden hazards" in _english(client, url)
    client.force_login(personas.district_b)  # may not see the hazard: refused with a message, nothing linked
    assert client.post(url, {"kind": "hazards.hiddenhazard", "record": hazard.code}).status_code == 302
    assert not LibraryCitation.objects.exists()
    client.force_login(personas.district_a)
    assert client.post(url, {"kind": "hazards.hiddenhazard", "record": hazard.code}).status_code == 302
    assert list(LibraryCitation.objects.values_list("hazard_id", flat=True)) == [hazard.pk]
    page = client.get(url).content.decode()
    assert hazard.code in page and reverse("hazards:hazard-detail", args=[hazard.pk]) in page
    client.force_login(personas.district_b)
    assert hazard.code not in client.get(url).content.decode()
    client.logout()
    assert hazard.code not in client.get(url).content.decode()
    assert client.post(url, {"kind": "hazards.hiddenhazard", "record": hazard.code}).status_code == 403


def _english(client: Any, url: str) -> str:
    return client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()


def test_hazard_page_cites_the_library(personas: Any, standard: LibraryEntry, hazard: Any, client: Any) -> None:
    detail = reverse("hazards:hazard-detail", args=[hazard.pk])
    cite = reverse("library:cite")
    form = {"kind": "hazards.hiddenhazard", "record": hazard.pk, "library_entry": standard.pk, "next": detail}
    client.force_login(personas.district_a)
    page = client.get(detail).content.decode()
    assert 'data-testid="library-link-form"' in page and f'<option value="{standard.pk}">' in page
    response = client.post(cite, form)
    assert response.status_code == 302 and response["Location"] == detail
    page = client.get(detail).content.decode()
    assert reverse("library:library-detail", args=[standard.pk]) in page
    assert f'<option value="{standard.pk}">' not in page  # only entries not cited yet are offered
    client.force_login(personas.district_b)  # cannot see the hazard at all
    assert client.get(detail).status_code == 404
    assert client.post(cite, {**form, "remove": "1"}).status_code == 404
    client.force_login(personas.city_official)
    assert client.post(cite, {**form, "next": "https://evil.example/"})["Location"] == reverse("library:library")
    assert client.post(cite, {**form, "remove": "1"}).status_code == 302
    assert not LibraryCitation.objects.exists()


def test_api_hazard_citations_and_former_addresses(personas: Any, hazard: Any, client: Any) -> None:
    body = {"kind": "local_standard", "title": "小批量危险货物道路运输安全管理规范", "summary": "s"}
    assert client.post("/api/library/entries/", body, content_type="application/json").status_code == 401
    client.force_login(personas.district_a)
    assert client.post("/api/library/entries/", body, content_type="application/json").status_code == 403
    client.force_login(personas.city_admin)
    created = client.post("/api/library/entries/", body, content_type="application/json")
    assert created.status_code == 201 and created.json()["code"] == "" and created.json()["project_count"] == 0
    pk = created.json()["id"]
    url = f"/api/library/entries/{pk}/citations/"
    link = {"kind": "hazards.hiddenhazard", "record": hazard.pk}
    client.force_login(personas.district_b)
    refused = client.post(url, link, content_type="application/json")
    assert refused.status_code == 400 and "record" in refused.json()["fields"]  # a hazard B cannot see
    client.force_login(personas.district_a)
    assert client.post(url, link, content_type="application/json").status_code == 204
    assert client.post(url, link, content_type="application/json").status_code == 400  # already cited
    detail = client.get(f"/api/library/entries/{pk}/").json()
    assert detail["hazards"] == [
        {"id": hazard.pk, "code": hazard.code, "organisation": hazard.organisation.name, "description": hazard.description}
    ]
    client.logout()
    assert client.get(f"/api/library/entries/{pk}/").json()["hazards"] == []
    # The former address (before the library had its own app): permanent, method and body kept.
    client.force_login(personas.district_a)
    old = f"/api/innovation/library/{pk}/hazards/"
    assert client.delete(url, link, content_type="application/json").status_code == 204
    moved = client.post(old, {"hazard": hazard.pk}, content_type="application/json")
    assert moved.status_code == 308 and moved["Location"] == f"{url}?kind=hazards.hiddenhazard"
    assert client.post(old, {"hazard": hazard.pk}, content_type="application/json", follow=True).status_code == 204
    assert LibraryCitation.objects.filter(hazard=hazard).count() == 1
    listed = client.get("/api/innovation/library/?q=小批量", follow=True)
    assert [status for _url, status in listed.redirect_chain] == [301] and listed.json()["count"] == 1


def test_list_page_and_api_cost_the_same_with_more_citations(
    personas: Any, standard: LibraryEntry, hazard: Any, client: Any, django_assert_max_num_queries: Any
) -> None:
    for index in range(6):
        item = services.library_entry_create(actor=personas.city_admin, kind="practice", title=f"做法{index}", summary="s")
        services.citation_add(actor=personas.district_a, library_entry=item, record=hazard)
    client.force_login(personas.district_a)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("library:library"))
    assert page.content.decode().count("做法") >= 6
    with django_assert_max_num_queries(10):
        assert client.get("/api/library/entries/").json()["count"] == 7
    with django_assert_max_num_queries(20):
        assert client.get(reverse("library:library-detail", args=[standard.pk])).status_code == 200
