"""Evidence uploads for hidden hazards: photos and PDFs, checked by content and size."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from safecity.core.scoping import roles_for
from safecity.hazards.choices import OPEN_STATES, EvidenceStage, HazardState
from safecity.hazards.models import HazardEvidence, HiddenHazard

# Evidence: JPEG, PNG or PDF, recognised by their first bytes (not the name the browser sends).
EVIDENCE_SIGNATURES = {b"\xff\xd8\xff": "image/jpeg", b"\x89PNG\r\n\x1a\n": "image/png", b"%PDF-": "application/pdf"}


def evidence_content_type(head: bytes) -> str | None:
    for signature, content_type in EVIDENCE_SIGNATURES.items():
        if head.startswith(signature):
            return content_type
    return None


# The stage an upload belongs to when the uploader does not say: the hazard's current stage.
STAGE_OF_STATE: dict[int, EvidenceStage] = {
    HazardState.TO_CONFIRM: EvidenceStage.DISCOVERY,
    HazardState.RECTIFYING: EvidenceStage.RECTIFICATION,
    HazardState.AWAITING_ACCEPTANCE: EvidenceStage.ACCEPTANCE,
}


def evidence_default_stage(hazard: HiddenHazard) -> str:
    """The hazard's current stage: discovery while to be confirmed, rectification while rectifying,
    acceptance while awaiting acceptance."""
    return str(STAGE_OF_STATE.get(hazard.state, EvidenceStage.DISCOVERY))


@transaction.atomic
def evidence_add(*, actor: Any, hazard: HiddenHazard, file: UploadedFile, stage: str | None = None) -> HazardEvidence:
    """Attach a photo or PDF at ``stage`` (default: the hazard's current stage).

    Refuses other types and files over SAFECITY_EVIDENCE_MAX_BYTES, and any upload to a closed
    hazard (accepted or withdrawn): the evidence a closure was decided on stays as it was."""
    stage = stage or evidence_default_stage(hazard)
    if stage not in EvidenceStage.values:
        raise ValidationError({"stage": _("Unknown stage.")})
    if not roles_for(actor, hazard):
        raise PermissionDenied
    state = HiddenHazard.objects.filter(pk=hazard.pk).values_list("state", flat=True).first()
    if state not in OPEN_STATES:
        raise ValidationError(_("This hidden hazard is closed: its evidence can no longer change."), code="closed")
    limit = settings.SAFECITY_EVIDENCE_MAX_BYTES
    if file.size is None or file.size > limit:
        raise ValidationError({"file": _("The file is larger than %(mb)s MB.") % {"mb": limit // (1024 * 1024)}})
    head = file.read(16)
    file.seek(0)
    content_type = evidence_content_type(head)
    if content_type is None:
        raise ValidationError({"file": _("Only photos (JPEG, PNG) and PDF documents are accepted.")})
    evidence = HazardEvidence(
        organisation=hazard.organisation, hazard=hazard, stage=stage, content_type=content_type, size=file.size, uploaded_by=actor
    )
    evidence.file.save(file.name or "evidence", file, save=False)
    evidence.save()
    return evidence


@transaction.atomic
def hazard_report_with_photo(*, actor: Any, organisation: Any, photo: UploadedFile | None, **fields: Any) -> HiddenHazard:
    """Report a hazard with its photo from the field in one transaction: a refused photo leaves no
    half-recorded hazard behind (the inspector corrects it and submits again)."""
    from safecity.hazards.services.lifecycle import hazard_report

    hazard = hazard_report(actor=actor, organisation=organisation, **fields)
    if photo:
        evidence_add(actor=actor, hazard=hazard, stage="discovery", file=photo)
    return hazard
