"""Expert qualification documents uploaded in the UI and the API by the district (not only the
admin): who uploads, replaces and sees them, the file check of hidden-hazard evidence, expired
documents shown as expired, every write audited."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from safecity.core.models import AuditEntry
from safecity.deepchecks import services
from safecity.deepchecks.models import Expert, ExpertDocument
from safecity.deepchecks.services.documents import document_add, document_replace

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%qualification\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def me(city: Any, personas: Any) -> Expert:
    """The expert persona in 新北's pool (district A's officials manage it)."""
    return services.expert_create(actor=city.superuser, person=personas.expert.person, region=city.district_a, level="provincial")


def _pdf(name: str = "cert.pdf", body: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, body, content_type="application/pdf")


def test_the_district_of_the_pool_uploads_nobody_else(personas: Any, me: Expert) -> None:
    for user in (personas.district_b, personas.expert, personas.enterprise_user, personas.outsider, AnonymousUser()):
        with pytest.raises(PermissionDenied):
            document_add(actor=user, expert=me, kind="qualification", file=_pdf())
    assert not ExpertDocument.objects.exists()
    document = document_add(
        actor=personas.district_a, expert=me, kind="qualification", file=_pdf(), number="AQ-2023-0815",
        issuer="江苏省应急管理厅", valid_until=date(2026, 6, 30),
    )  # fmt: skip
    assert (document.content_type, document.size, document.uploaded_by) == ("application/pdf", len(PDF), personas.district_a)
    audit = AuditEntry.objects.get(content_type=ContentType.objects.get_for_model(ExpertDocument), object_id=str(document.pk))
    assert audit.action == "create" and audit.region_path == me.region.path
    document_add(actor=personas.city_official, expert=me, kind="appointment", file=_pdf())  # the city, too


def test_the_file_is_checked_like_hazard_evidence(personas: Any, me: Expert, settings: Any) -> None:
    with pytest.raises(ValidationError) as refused:
        document_add(actor=personas.district_a, expert=me, kind="qualification", file=_pdf("cert.pdf", b"MZ\x90\x00 not a pdf"))
    assert "file" in refused.value.message_dict
    settings.SAFECITY_EVIDENCE_MAX_BYTES = 10
    with pytest.raises(ValidationError):
        document_add(actor=personas.district_a, expert=me, kind="qualification", file=_pdf())
    assert not ExpertDocument.objects.exists()


def test_replace_keeps_the_row_and_the_history(personas: Any, me: Expert) -> None:
    document = document_add(actor=personas.district_a, expert=me, kind="qualification", file=_pdf(), number="OLD-1")
    with pytest.raises(PermissionDenied):
        document_replace(actor=personas.district_b, document=document, number="X")
    with pytest.raises(PermissionDenied):
        document_replace(actor=personas.expert, document=document, number="X")
    renewed = document_replace(
        actor=personas.district_a, document=document, file=SimpleUploadedFile("scan.png", PNG), number="NEW-2",
        valid_until=date(2029, 12, 31),
    )  # fmt: skip
    assert renewed.pk == document.pk and renewed.content_type == "image/png" and renewed.number == "NEW-2"
    update = AuditEntry.objects.filter(object_id=str(document.pk), action="update").latest("time")
    assert "number" in update.changed_fields
    with pytest.raises(ValidationError):
        document_replace(actor=personas.district_a, document=document, file=_pdf("x.pdf", b"<html>"))
    assert ExpertDocument.objects.get(pk=document.pk).content_type == "image/png"


def test_expert_page_lists_uploads_replaces_and_shows_expired(personas: Any, me: Expert, client: Any) -> None:
    today = timezone.localdate()
    page_url = reverse("deepchecks:expert-detail", args=[me.pk])
    upload = reverse("deepchecks:expert-document-upload", args=[me.pk])
    form = {
        "kind": "qualification",
        "number": "AQ-9",
        "issuer": "常州市应急管理局",
        "valid_until": str(today - timedelta(days=1)),
    }
    client.force_login(personas.district_a)
    page = client.get(page_url).content.decode()
    assert 'data-testid="document-upload-form"' in page
    assert client.post(upload, {**form, "file": _pdf()}).status_code == 302
    refused = client.post(upload, {**form, "number": "BAD", "file": _pdf("x.pdf", b"GIF89a")}, follow=True)
    assert "PDF" in refused.content.decode() and not ExpertDocument.objects.filter(number="BAD").exists()
    document = ExpertDocument.objects.get()
    page = client.get(page_url).content.decode()
    assert "AQ-9" in page and "常州市应急管理局" in page and 'data-testid="document-expired"' in page
    replace = reverse("deepchecks:expert-document-replace", args=[document.pk])
    renewed = {**form, "number": "AQ-10", "valid_until": str(today + timedelta(days=365))}
    assert client.post(replace, {**renewed, "file": _pdf()}).status_code == 302
    page = client.get(page_url).content.decode()
    assert "AQ-10" in page and 'data-testid="document-expired"' not in page
    assert client.get(reverse("deepchecks:expert-document-file", args=[document.pk])).status_code == 200

    client.force_login(personas.expert)  # sees their own documents, cannot upload or replace
    page = client.get(page_url).content.decode()
    assert "AQ-10" in page and 'data-testid="document-upload-form"' not in page
    assert client.post(upload, {**form, "file": _pdf()}).status_code == 403
    assert client.post(replace, renewed).status_code == 403
    assert client.get(reverse("deepchecks:expert-document-file", args=[document.pk])).status_code == 200
    for user in (personas.district_b, personas.enterprise_user, personas.outsider):
        client.force_login(user)
        assert client.get(page_url).status_code == 404
        assert client.post(upload, {**form, "file": _pdf()}).status_code == 404
        assert client.post(replace, renewed).status_code == 404
        assert client.get(reverse("deepchecks:expert-document-file", args=[document.pk])).status_code == 404
    assert ExpertDocument.objects.count() == 1 and ExpertDocument.objects.get().number == "AQ-10"


def test_api_upload_replace_list(personas: Any, me: Expert, client: Any) -> None:
    url = "/api/deepchecks/expert-documents/"
    body = {"expert": me.pk, "kind": "qualification", "number": "AQ-7", "issuer": "江苏省应急管理厅", "valid_until": "2020-01-01"}
    assert client.post(url, {**body, "file": _pdf()}).status_code == 401
    client.force_login(personas.district_b)
    assert client.post(url, {**body, "file": _pdf()}).status_code == 400  # an expert B may not see
    client.force_login(personas.expert)
    assert client.post(url, {**body, "file": _pdf()}).status_code == 403
    client.force_login(personas.district_a)
    refused = client.post(url, {**body, "file": _pdf("x.pdf", b"PK\x03\x04zip")})
    assert refused.status_code == 400 and "file" in refused.json()["fields"]
    created = client.post(url, {**body, "file": _pdf()})
    assert created.status_code == 201 and created.json()["expired"] is True and created.json()["number"] == "AQ-7"
    pk = created.json()["id"]
    replaced = client.post(f"{url}{pk}/replace/", {"valid_until": "2030-01-01", "file": _pdf()})
    assert replaced.status_code == 200 and replaced.json()["expired"] is False
    assert [d["id"] for d in client.get(f"{url}?expert={me.pk}").json()["results"]] == [pk]
    assert client.get(f"{url}{pk}/file/").status_code == 200
    client.force_login(personas.expert)
    assert [d["number"] for d in client.get(url).json()["results"]] == ["AQ-7"]
    assert client.post(f"{url}{pk}/replace/", {"number": "X"}).status_code == 403
    for user in (personas.district_b, personas.enterprise_user, personas.outsider):
        client.force_login(user)
        assert client.get(url).json()["results"] == []
        assert client.get(f"{url}{pk}/").status_code == 404
