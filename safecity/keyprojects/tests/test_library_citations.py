"""Annual key projects citing library entries (issue 5; the citation table moved from innovation
into keyprojects, registered with the library): who links, who sees the link, on the services, the
library page, the key-project page, the library API (and its former address) and the key-project API.

Fixture ``kp`` (key projects): 新北消防项目 in 新北 (lead 应急管理局), 武进燃气项目 in 武进 (lead
住建局), 全市燃气项目 city-wide; ``dept_officer`` is 住建局's department officer.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from safecity.core.models import AuditEntry
from safecity.keyprojects.citations import KEY_PROJECT_CITATIONS
from safecity.keyprojects.models import LibraryCitation as LibraryKeyProjectCitation
from safecity.keyprojects.tests import conftest as keyprojects_fixtures
from safecity.keyprojects.tests.conftest import Plan
from safecity.library import selectors, services
from safecity.library.models import LibraryEntry

pytestmark = pytest.mark.django_db

# The key projects' fixtures: the 2023 plan with its three projects, and a temporary media folder.
kp = keyprojects_fixtures.kp
media = keyprojects_fixtures.media


@pytest.fixture
def standard(personas: Any) -> LibraryEntry:
    return services.library_entry_create(
        actor=personas.city_admin, kind="local_standard", title="起重机械安全管理规范", summary="使用登记、定期检验。"
    )


def _names(user: Any, item: LibraryEntry) -> set[str]:
    return {p.name for p in selectors.cited_records(user=user, item=item, kind=KEY_PROJECT_CITATIONS)}


def test_link_and_unlink_allowed_to_the_committee_office_only(kp: Plan, personas: Any, standard: LibraryEntry) -> None:
    refused = [
        personas.district_a,  # sees 新北消防项目, may not change it
        personas.district_b,
        kp.em_officer,  # the lead department's officer reports progress, does not link
        kp.dept_officer,
        personas.enterprise_user,
        personas.expert,
        personas.outsider,
        AnonymousUser(),
    ]
    for user in refused:
        with pytest.raises(PermissionDenied):
            services.citation_add(actor=user, library_entry=standard, record=kp.xinbei)
    assert not LibraryKeyProjectCitation.objects.exists()

    citation = services.citation_add(actor=personas.city_official, library_entry=standard, record=kp.xinbei)
    assert citation.created_by == personas.city_official
    assert AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(LibraryKeyProjectCitation), object_id=str(citation.pk), action="create"
    ).exists()
    with pytest.raises(ValidationError):
        services.citation_add(actor=personas.city_admin, library_entry=standard, record=kp.xinbei)

    for user in refused:
        with pytest.raises(PermissionDenied):
            services.citation_remove(actor=user, library_entry=standard, record=kp.xinbei)
    assert LibraryKeyProjectCitation.objects.count() == 1
    services.citation_remove(actor=personas.city_admin, library_entry=standard, record=kp.xinbei)
    assert not LibraryKeyProjectCitation.objects.exists()


def test_citations_are_seen_where_the_key_project_is(kp: Plan, personas: Any, standard: LibraryEntry, client: Any) -> None:
    for project in (kp.xinbei, kp.wujin):
        services.citation_add(actor=personas.city_admin, library_entry=standard, record=project)
    expected = {
        "city_admin": {"新北消防项目", "武进燃气项目"},
        "city_official": {"新北消防项目", "武进燃气项目"},
        "district_a": {"新北消防项目"},
        "district_b": {"武进燃气项目"},
        "enterprise_user": set(),
        "expert": set(),
        "outsider": set(),
    }
    for name, projects in expected.items():
        assert _names(getattr(personas, name), standard) == projects, name
    assert _names(kp.em_officer, standard) == {"新北消防项目"}  # lead department of the 新北 project
    assert _names(kp.dept_officer, standard) == {"武进燃气项目"}
    assert _names(AnonymousUser(), standard) == set()

    url = reverse("library:library-detail", args=[standard.pk])
    page = client.get(url).content.decode()  # the entry itself stays public
    assert "起重机械安全管理规范" in page and "新北消防项目" not in page and "武进燃气项目" not in page
    client.force_login(personas.district_a)
    page = client.get(url).content.decode()
    assert "新北消防项目" in page and "武进燃气项目" not in page
    assert reverse("keyprojects:project-detail", args=[kp.xinbei.pk]) in page
    client.force_login(personas.city_official)
    page = client.get(url).content.decode()
    assert "新北消防项目" in page and "武进燃气项目" in page
    client.force_login(personas.enterprise_user)
    page = client.get(url).content.decode()
    assert "新北消防项目" not in page and "武进燃气项目" not in page


def test_key_project_page_shows_and_links_cited_entries(kp: Plan, personas: Any, standard: LibraryEntry, client: Any) -> None:
    other = services.library_entry_create(actor=personas.city_admin, kind="work_method", title="高处作业“1+N”工作法", summary="s")
    services.citation_add(actor=personas.city_admin, library_entry=standard, record=kp.xinbei)
    detail = reverse("keyprojects:project-detail", args=[kp.xinbei.pk])
    post = reverse("keyprojects:project-library", args=[kp.xinbei.pk])

    client.force_login(personas.district_a)
    page = client.get(detail).content.decode()
    assert "起重机械安全管理规范" in page and reverse("library:library-detail", args=[standard.pk]) in page
    assert 'data-testid="library-link-form"' not in page  # not the committee office
    assert client.post(post, {"library_entry": other.pk}).status_code == 403
    client.force_login(personas.district_b)  # cannot see the 新北 project at all
    assert client.post(post, {"library_entry": other.pk}).status_code == 404
    assert LibraryKeyProjectCitation.objects.count() == 1

    client.force_login(personas.city_official)
    page = client.get(detail).content.decode()
    assert 'data-testid="library-link-form"' in page
    assert f'<option value="{other.pk}">' in page and f'<option value="{standard.pk}">' not in page  # only the uncited
    assert client.post(post, {"library_entry": other.pk}).status_code == 302
    assert set(LibraryKeyProjectCitation.objects.values_list("library_entry_id", flat=True)) == {standard.pk, other.pk}
    client.post(post, {"library_entry": other.pk})  # twice: refused with a message, nothing added
    assert LibraryKeyProjectCitation.objects.count() == 2
    assert client.post(post, {"library_entry": "x"}).status_code == 302 and LibraryKeyProjectCitation.objects.count() == 2
    assert "高处作业“1+N”工作法" in client.get(detail).content.decode()
    assert client.post(post, {"library_entry": other.pk, "unlink": "1"}).status_code == 302
    assert list(LibraryKeyProjectCitation.objects.values_list("library_entry_id", flat=True)) == [standard.pk]


def test_api_link_unlink_and_details(kp: Plan, personas: Any, standard: LibraryEntry, client: Any) -> None:
    url = f"/api/library/entries/{standard.pk}/citations/"
    body = {"kind": "keyprojects.keyproject", "record": kp.xinbei.pk}
    assert client.post(url, body, content_type="application/json").status_code == 401
    client.force_login(personas.district_a)
    refused = client.post(url, body, content_type="application/json")
    assert refused.status_code == 403 and refused.json()["code"]
    client.force_login(personas.city_official)
    unknown = client.post(url, {**body, "record": 999999}, content_type="application/json")
    assert unknown.status_code == 400 and "record" in unknown.json()["fields"]
    hidden = client.post(url, {**body, "kind": "no.such"}, content_type="application/json")
    assert hidden.status_code == 400 and "kind" in hidden.json()["fields"]
    assert client.post(url, body, content_type="application/json").status_code == 204
    assert client.post(url, body, content_type="application/json").status_code == 400  # already cited

    def cited(user: Any) -> list[str]:
        client.logout()
        if user is not None:
            client.force_login(user)
        return [p["code"] for p in client.get(f"/api/library/entries/{standard.pk}/").json()["key_projects"]]

    assert cited(personas.city_official) == [kp.xinbei.code]
    assert cited(personas.district_a) == [kp.xinbei.code]
    assert cited(personas.district_b) == []
    assert cited(None) == []

    client.force_login(personas.district_a)
    entries = client.get(f"/api/keyprojects/projects/{kp.xinbei.pk}/").json()["library_entries"]
    assert entries == [{"id": standard.pk, "title": "起重机械安全管理规范", "code": "", "kind": "local_standard"}]
    assert client.get(f"/api/keyprojects/projects/{kp.wujin.pk}/").status_code == 404
    client.force_login(personas.city_official)
    assert client.get(f"/api/keyprojects/projects/{kp.wujin.pk}/").json()["library_entries"] == []

    client.force_login(personas.district_a)
    assert client.delete(url, body, content_type="application/json").status_code == 403
    client.force_login(personas.city_admin)
    assert client.delete(url, body, content_type="application/json").status_code == 204
    assert not LibraryKeyProjectCitation.objects.exists()


def test_query_counts_do_not_grow_with_citations(
    kp: Plan, personas: Any, standard: LibraryEntry, client: Any, django_assert_max_num_queries: Any
) -> None:
    for project in (kp.xinbei, kp.wujin, kp.citywide):
        services.citation_add(actor=personas.city_admin, library_entry=standard, record=project)
    for index in range(4):
        item = services.library_entry_create(actor=personas.city_admin, kind="practice", title=f"做法{index}", summary="s")
        services.citation_add(actor=personas.city_admin, library_entry=item, record=kp.citywide)
    client.force_login(personas.city_official)
    with django_assert_max_num_queries(20):
        page = client.get(reverse("library:library-detail", args=[standard.pk]))
    assert page.content.decode().count(reverse("keyprojects:project-detail", args=[kp.wujin.pk])) == 1
    with django_assert_max_num_queries(20):
        assert client.get(f"/api/library/entries/{standard.pk}/").status_code == 200
    with django_assert_max_num_queries(30):
        page = client.get(reverse("keyprojects:project-detail", args=[kp.citywide.pk]))
    assert page.content.decode().count("做法") >= 4


def test_demo_links_2023_key_projects_to_library_entries(db: Any) -> None:
    from safecity.innovation.demo_data import KEY_PROJECT_CITATIONS as DEMO_CITATIONS
    from safecity.innovation.tests.test_visibility import _run_demo_steps

    _run_demo_steps("core.city")
    _run_demo_steps("library.entries", "keyprojects.2023", "innovation.selection_2023")
    pairs = set(LibraryKeyProjectCitation.objects.values_list("key_project__name", "library_entry__title"))
    assert pairs == set(DEMO_CITATIONS) and len(pairs) == 10
    assert ("危险货物道路运输全链条监管", "小批量危险货物道路运输安全管理规范") in pairs
    item = LibraryEntry.objects.get(title="小批量危险货物道路运输安全管理规范")
    from django.contrib.auth import get_user_model

    official = get_user_model().objects.get(username="city.official")
    assert _names(official, item) == {"危险货物道路运输全链条监管", "“两客一危一重”车辆动态监控提升"}
    assert _names(AnonymousUser(), item) == set()


def test_former_api_address_still_links_key_projects(kp: Plan, personas: Any, standard: LibraryEntry, client: Any) -> None:
    """``/api/innovation/library/{id}/key-projects/`` (before the library had its own app) redirects
    permanently, keeping the method and the body: an old client still links and unlinks."""
    old = f"/api/innovation/library/{standard.pk}/key-projects/"
    body = {"key_project": kp.xinbei.pk}
    moved = client.post(old, body, content_type="application/json")
    assert moved.status_code == 308
    assert moved["Location"] == f"/api/library/entries/{standard.pk}/citations/?kind=keyprojects.keyproject"
    client.force_login(personas.district_a)
    assert client.post(old, body, content_type="application/json", follow=True).status_code == 403
    client.force_login(personas.city_official)
    unknown = client.post(old, {"key_project": 999999}, content_type="application/json", follow=True)
    assert unknown.status_code == 400 and "key_project" in unknown.json()["fields"]
    assert client.post(old, body, content_type="application/json", follow=True).status_code == 204
    assert list(LibraryKeyProjectCitation.objects.values_list("key_project_id", flat=True)) == [kp.xinbei.pk]
    detail = client.get(f"/api/innovation/library/{standard.pk}/", follow=True)
    assert [p["code"] for p in detail.json()["key_projects"]] == [kp.xinbei.code]
    assert client.delete(old, body, content_type="application/json", follow=True).status_code == 204
    assert not LibraryKeyProjectCitation.objects.exists()
