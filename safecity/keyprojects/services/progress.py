"""Progress reports of the lead departments, with evidence (every report kept, never changed)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from safecity.core.scoping import can, principal_for
from safecity.keyprojects.models import KeyProject, Milestone, ProgressEvidence, ProgressReport

# Evidence: JPEG, PNG or PDF, recognised by their first bytes (as hazards evidence).
EVIDENCE_SIGNATURES = {b"\xff\xd8\xff": "image/jpeg", b"\x89PNG\r\n\x1a\n": "image/png", b"%PDF-": "application/pdf"}


def evidence_content_type(head: bytes) -> str | None:
    for signature, content_type in EVIDENCE_SIGNATURES.items():
        if head.startswith(signature):
            return content_type
    return None


def may_report(user: Any, project: KeyProject) -> bool:
    """Only the lead department's officers report progress on a project (issue 5 §3)."""
    principal = principal_for(user)
    if principal.is_superuser:
        return True
    return any(g.role == "department_officer" and g.organisation_id == project.lead_department_id for g in principal.grants)


def _check_file(file: UploadedFile) -> str:
    limit = settings.SAFECITY_EVIDENCE_MAX_BYTES
    if file.size is None or file.size > limit:
        raise ValidationError({"evidence": [_("The file is larger than %(mb)s MB.") % {"mb": limit // (1024 * 1024)}]})
    head = file.read(16)
    file.seek(0)
    content_type = evidence_content_type(head)
    if content_type is None:
        raise ValidationError({"evidence": [_("Only photos (JPEG, PNG) and PDF documents are accepted.")]})
    return content_type


@transaction.atomic
def progress_report(
    *,
    actor: Any,
    project: KeyProject,
    milestone: Milestone,
    completion: int,
    reported_on: date | None = None,
    note: str = "",
    reason: str = "",
    evidence: Sequence[UploadedFile] = (),
) -> ProgressReport:
    """Record the lead department's progress on one milestone, with its evidence files.

    Rules: the actor is an officer of the project's lead department; the milestone belongs to the
    project; completion is 0–100; the report date is not in the future and not before the project
    starts; a completion lower than the previous report needs a reason; every evidence file is a
    JPEG, PNG or PDF within the size limit. On any refusal nothing is written.
    """
    if not can(actor, project):
        raise PermissionDenied
    if not may_report(actor, project):
        raise PermissionDenied(_("Only the lead department reports progress on this project."))
    project = KeyProject.objects.select_for_update().select_related("plan").get(pk=project.pk)
    reported_on = reported_on or timezone.localdate()
    errors: dict[str, list[str]] = {}
    if milestone.project_id != project.pk:
        errors["milestone"] = [_("This milestone belongs to another project.")]
    if not 0 <= completion <= 100:
        errors["completion"] = [_("Completion lies between 0 and 100 %.")]
    if reported_on > timezone.localdate():
        errors["reported_on"] = [_("A report cannot be dated in the future.")]
    elif reported_on < project.start_date:
        errors["reported_on"] = [_("The project starts on %(d)s.") % {"d": project.start_date}]
    previous = (
        ProgressReport.objects.filter(milestone=milestone, reported_on__lte=reported_on).order_by("-reported_on", "-id").first()
    )
    if previous is not None and completion < previous.completion and not reason.strip():
        errors["reason"] = [
            _("Completion goes down from %(before)s %% to %(after)s %%: give the reason.")
            % {"before": previous.completion, "after": completion}
        ]
    content_types = []
    for file in evidence:
        try:
            content_types.append(_check_file(file))
        except ValidationError as error:
            errors.setdefault("evidence", []).extend(error.message_dict["evidence"])
    if errors:
        raise ValidationError(errors)
    person = getattr(actor, "person", None)
    report = ProgressReport(
        project=project,
        milestone=milestone,
        reporter=person,
        reported_on=reported_on,
        completion=completion,
        note=note,
        reason=reason.strip(),
    )
    report.full_clean()
    report.save()
    for file, content_type in zip(evidence, content_types, strict=True):
        item = ProgressEvidence(report=report, content_type=content_type, size=file.size or 0)
        item.file.save(file.name or "evidence", file, save=False)
        item.save()
    return report
