"""Qualification documents of the expert pool: uploaded, replaced and listed by the officials who
manage the expert's pool (the district official of the pool's region, the city), not only the admin.

Rules:
- who: whoever may change the expert (``Expert.scope_rule``: city and district officials whose
  jurisdiction holds the expert's pool region); the expert sees their own documents, never changes
  them; everybody else sees none (scoping: 404).
- the file: PDF, JPEG or PNG recognised by its first bytes, at most SAFECITY_EVIDENCE_MAX_BYTES: the
  same check as hidden-hazard evidence (``hazards.services.evidence``), so a renamed executable or
  an oversized scan is refused with the reason and nothing is stored.
- an expired qualification stays on record and is shown as expired (the panel rule reads the
  expert's level, not the paper; the district renews the document by replacing it).
- every upload and replacement is an audited write (before/after in the audit trail).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from safecity.core.scoping import CHANGE, can
from safecity.deepchecks.choices import DocumentKind
from safecity.deepchecks.models import Expert, ExpertDocument
from safecity.hazards.services.evidence import evidence_content_type


def may_manage_documents(user: Any, expert: Expert) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and can(user, expert, CHANGE)


def _checked_file(file: UploadedFile) -> str:
    """The content type of an accepted file (the hidden-hazard evidence check), else refused."""
    limit = settings.SAFECITY_EVIDENCE_MAX_BYTES
    if file.size is None or file.size > limit:
        raise ValidationError({"file": _("The file is larger than %(mb)s MB.") % {"mb": limit // (1024 * 1024)}})
    head = file.read(16)
    file.seek(0)
    content_type = evidence_content_type(head)
    if content_type is None:
        raise ValidationError({"file": _("Only photos (JPEG, PNG) and PDF documents are accepted.")})
    return content_type


def _store(document: ExpertDocument, file: UploadedFile, actor: Any) -> None:
    document.content_type = _checked_file(file)
    document.size = file.size
    document.uploaded_by = actor
    document.file.save(file.name or "qualification", file, save=False)


@transaction.atomic
def document_add(
    *,
    actor: Any,
    expert: Expert,
    kind: str,
    file: UploadedFile,
    number: str = "",
    issuer: str = "",
    valid_until: date | None = None,
) -> ExpertDocument:
    """Upload a qualification document of ``expert`` (type, number, issuer, valid until, the file)."""
    if not may_manage_documents(actor, expert):
        raise PermissionDenied
    if kind not in DocumentKind.values:
        raise ValidationError({"kind": _("Unknown kind.")})
    document = ExpertDocument(expert=expert, kind=kind, number=number.strip(), issuer=issuer.strip(), valid_until=valid_until)
    _store(document, file, actor)
    document.full_clean()
    document.save()
    return document


@transaction.atomic
def document_replace(
    *,
    actor: Any,
    document: ExpertDocument,
    file: UploadedFile | None = None,
    **changes: Any,
) -> ExpertDocument:
    """Replace a document: a renewed certificate's file and its number, issuer or expiry. The row
    keeps its id; the audit trail keeps what it said before."""
    document = ExpertDocument.objects.select_for_update().select_related("expert").get(pk=document.pk)
    if not may_manage_documents(actor, document.expert):
        raise PermissionDenied
    unknown = set(changes) - {"kind", "number", "issuer", "valid_until"}
    if unknown:
        raise ValidationError({name: _("This field cannot be changed here.") for name in unknown})
    if "kind" in changes and changes["kind"] not in DocumentKind.values:
        raise ValidationError({"kind": _("Unknown kind.")})
    for name, value in changes.items():
        setattr(document, name, value.strip() if isinstance(value, str) else value)
    if file is not None:
        _store(document, file, actor)
    document.full_clean()
    document.save()
    return document
