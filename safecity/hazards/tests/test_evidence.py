"""Evidence of hidden hazards: photos and PDFs recognised by their content (not their name), a size
limit from the settings, through the service, the UI and the API; files only for those who see the hazard."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from safecity.hazards import services
from safecity.hazards.models import HazardEvidence
from safecity.hazards.tests.conftest import JPEG, PDF, PNG


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


@pytest.fixture
def hazard(make_hazard: Any) -> Any:
    return make_hazard()


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("现场.jpg", JPEG, "image/jpeg"),
        ("scan.png", PNG, "image/png"),
        ("report.pdf", PDF, "application/pdf"),
        ("photo.bin", JPEG, "image/jpeg"),
    ],
)
def test_service_accepts_by_content(hazard: Any, personas: Any, name: str, content: bytes, content_type: str) -> None:
    evidence = services.evidence_add(actor=personas.enterprise_user, hazard=hazard, stage="discovery", file=upload(name, content))
    assert (evidence.content_type, evidence.size, evidence.uploaded_by) == (content_type, len(content), personas.enterprise_user)
    assert evidence.organisation == hazard.organisation
    with evidence.file.open("rb") as stored:
        assert stored.read() == content


@pytest.mark.parametrize(
    ("name", "content"),
    [("photo.jpg", b"just some text, not a photo"), ("x.pdf", b"<html>%PDF-</html>"), ("a.png", b"GIF89a......")],
)
def test_service_refuses_other_content_whatever_the_name(hazard: Any, personas: Any, name: str, content: bytes) -> None:
    with pytest.raises(ValidationError) as exc:
        services.evidence_add(actor=personas.enterprise_user, hazard=hazard, stage="discovery", file=upload(name, content))
    assert "Only photos (JPEG, PNG) and PDF" in exc.value.message_dict["file"][0]
    assert not HazardEvidence.objects.exists()


def test_service_refuses_oversize(hazard: Any, personas: Any, settings: Any) -> None:
    settings.SAFECITY_EVIDENCE_MAX_BYTES = 2 * 1024 * 1024
    exact = JPEG + b"\x00" * (settings.SAFECITY_EVIDENCE_MAX_BYTES - len(JPEG))
    services.evidence_add(actor=personas.enterprise_user, hazard=hazard, stage="discovery", file=upload("ok.jpg", exact))
    with pytest.raises(ValidationError) as exc:
        services.evidence_add(
            actor=personas.enterprise_user, hazard=hazard, stage="discovery", file=upload("big.jpg", exact + b"\x00")
        )
    assert "larger than 2 MB" in exc.value.message_dict["file"][0]
    assert HazardEvidence.objects.count() == 1


def test_service_refuses_unknown_stage_and_personas_without_reach(hazard: Any, personas: Any) -> None:
    with pytest.raises(ValidationError) as exc:
        services.evidence_add(actor=personas.enterprise_user, hazard=hazard, stage="later", file=upload("a.jpg", JPEG))
    assert "stage" in exc.value.message_dict
    for persona in ("district_b", "expert", "outsider"):
        with pytest.raises(PermissionDenied):
            services.evidence_add(actor=getattr(personas, persona), hazard=hazard, stage="discovery", file=upload("a.jpg", JPEG))
    assert not HazardEvidence.objects.exists()


# --- UI ------------------------------------------------------------------------------------------


def ui(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_ui_upload_and_download(hazard: Any, personas: Any) -> None:
    client = ui(personas.enterprise_user)
    response = client.post(
        f"/hazards/{hazard.pk}/evidence/", {"stage": "rectification", "file": upload("整改后.png", PNG)}, follow=True
    )
    assert response.status_code == 200
    evidence = HazardEvidence.objects.get()
    assert (evidence.stage, evidence.content_type) == ("rectification", "image/png")
    assert f"/hazards/{hazard.pk}/evidence/{evidence.pk}/" in response.content.decode()
    download = ui(personas.district_a).get(f"/hazards/{hazard.pk}/evidence/{evidence.pk}/")
    assert download.status_code == 200
    assert download.content == PNG and download["Content-Type"] == "image/png"
    assert download["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    ("content", "message"), [(b"plain text pretending", "Only photos"), (JPEG + b"\x00" * 200, "larger than")]
)
def test_ui_refused_upload_says_why(hazard: Any, personas: Any, settings: Any, content: bytes, message: str) -> None:
    settings.SAFECITY_EVIDENCE_MAX_BYTES = 200
    response = ui(personas.enterprise_user).post(
        f"/hazards/{hazard.pk}/evidence/", {"stage": "discovery", "file": upload("photo.jpg", content)}, follow=True
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not HazardEvidence.objects.exists()


@pytest.mark.parametrize("persona", ["district_b", "expert", "outsider"])
def test_ui_evidence_is_404_outside_reach(hazard: Any, personas: Any, persona: str) -> None:
    evidence = services.evidence_add(actor=personas.enterprise_user, hazard=hazard, stage="discovery", file=upload("a.jpg", JPEG))
    client = ui(getattr(personas, persona))
    assert client.get(f"/hazards/{hazard.pk}/evidence/{evidence.pk}/").status_code == 404
    assert (
        client.post(f"/hazards/{hazard.pk}/evidence/", {"stage": "discovery", "file": upload("b.jpg", JPEG)}).status_code == 404
    )
    assert HazardEvidence.objects.count() == 1


def test_ui_evidence_of_another_hazard_is_404(make_hazard: Any, personas: Any) -> None:
    first, second = make_hazard(), make_hazard()
    evidence = services.evidence_add(actor=personas.enterprise_user, hazard=first, stage="discovery", file=upload("a.jpg", JPEG))
    assert ui(personas.district_a).get(f"/hazards/{second.pk}/evidence/{evidence.pk}/").status_code == 404


# --- API -----------------------------------------------------------------------------------------


def test_api_upload_list_and_refusals(hazard: Any, personas: Any, settings: Any) -> None:
    client = ui(personas.enterprise_user)
    url = f"/api/hazards/hazards/{hazard.pk}/evidence/"
    created = client.post(url, {"stage": "discovery", "file": upload("scan.pdf", PDF)})
    assert created.status_code == 201, created.content
    assert created.json()["content_type"] == "application/pdf" and created.json()["size"] == len(PDF)
    bad = client.post(url, {"stage": "discovery", "file": upload("photo.jpg", b"text text text")})
    assert bad.status_code == 400
    body = bad.json()
    assert set(body) == {"code", "message", "fields"} and "Only photos" in body["fields"]["file"][0]
    settings.SAFECITY_EVIDENCE_MAX_BYTES = 100
    big = client.post(url, {"stage": "discovery", "file": upload("big.jpg", JPEG + b"\x00" * 100)})
    assert big.status_code == 400 and "larger than" in big.json()["fields"]["file"][0]
    listed = client.get(url).json()
    assert [e["content_type"] for e in listed] == ["application/pdf"]
    assert ui(personas.district_b).get(url).status_code == 404
    assert ui(personas.district_b).post(url, {"stage": "discovery", "file": upload("a.jpg", JPEG)}).status_code == 404
    assert Client().get(url).status_code == 401
    assert HazardEvidence.objects.count() == 1
