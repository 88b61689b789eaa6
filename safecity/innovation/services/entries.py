"""Departments' innovation projects: create, submit (by the deadline), withdraw, attach materials."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from safecity.core.models import Organisation
from safecity.core.scoping import CHANGE, can, require_target
from safecity.hazards.services.evidence import evidence_content_type
from safecity.innovation.choices import SUBMITTING_KINDS, EntryState, InnovationCategory, RoundState
from safecity.innovation.models import EntryMaterial, InnovationEntry, SelectionRound
from safecity.innovation.services.common import lock_round, person_id_of, require_state


def _lock(entry: InnovationEntry) -> InnovationEntry:
    return InnovationEntry.objects.select_for_update().select_related("round", "department").get(pk=entry.pk)


def _require_open(round: SelectionRound) -> None:
    require_state(
        round, RoundState.OPEN, message=_("This is only possible while the round is open for submissions (it is “%(state)s”).")
    )
    if timezone.localdate() > round.submission_deadline:
        raise ValidationError(
            _("The submission deadline (%(date)s) has passed.") % {"date": round.submission_deadline.isoformat()},
            code="deadline_passed",
        )


@transaction.atomic
def entry_create(
    *,
    actor: Any,
    round: SelectionRound,
    department: Organisation,
    category: str,
    title: str,
    summary: str,
    submit: bool = False,
) -> InnovationEntry:
    """Create a department's entry (a draft, or submitted at once with ``submit``).

    Who: the department's officer for their own department, district officials for the bureaus in
    their district, the committee office for any department. Only city departments and district
    bureaus submit; only while the round is open and before its deadline.
    """
    round = lock_round(round)
    _require_open(round)
    if department.kind not in SUBMITTING_KINDS:
        raise ValidationError({"department": _("Only city departments and district bureaus submit innovation projects.")})
    if category not in InnovationCategory.values:
        raise ValidationError({"category": _("Choose institutional, method or practice innovation.")})
    entry = InnovationEntry(round=round, department=department, category=category, title=title.strip(), summary=summary.strip())
    require_target(actor, entry)
    entry.full_clean()
    if submit:
        entry.state = EntryState.SUBMITTED
        entry.submitted_at = timezone.now()
        entry.submitted_by_id = person_id_of(actor)
    entry.save()
    return entry


@transaction.atomic
def entry_submit(*, actor: Any, entry: InnovationEntry) -> InnovationEntry:
    """Submit a draft (or a withdrawn entry again) while the round is open."""
    entry = _lock(entry)
    if not can(actor, entry, CHANGE):
        raise PermissionDenied
    _require_open(lock_round(entry.round))
    if entry.state == EntryState.SUBMITTED:
        raise ValidationError(_("This entry is already submitted."), code="wrong_state")
    entry.state = EntryState.SUBMITTED
    entry.submitted_at = timezone.now()
    entry.submitted_by_id = person_id_of(actor)
    entry.save(update_fields=["state", "submitted_at", "submitted_by", "updated_at"])
    return entry


@transaction.atomic
def entry_withdraw(*, actor: Any, entry: InnovationEntry) -> InnovationEntry:
    """Withdraw a submitted entry while the round is open (judges never see it)."""
    entry = _lock(entry)
    if not can(actor, entry, CHANGE):
        raise PermissionDenied
    require_state(
        lock_round(entry.round),
        RoundState.OPEN,
        message=_("Entries can only be withdrawn while the round is open (it is “%(state)s”)."),
    )
    if entry.state != EntryState.SUBMITTED:
        raise ValidationError(_("Only a submitted entry can be withdrawn."), code="wrong_state")
    entry.state = EntryState.WITHDRAWN
    entry.save(update_fields=["state", "updated_at"])
    return entry


@transaction.atomic
def material_add(*, actor: Any, entry: InnovationEntry, file: UploadedFile, title: str = "") -> EntryMaterial:
    """Attach a PDF, JPEG or PNG (recognised by content, limited to SAFECITY_EVIDENCE_MAX_BYTES)
    while the round is open; as for hidden-hazard evidence."""
    entry = _lock(entry)
    if not can(actor, entry, CHANGE):
        raise PermissionDenied
    _require_open(entry.round)
    limit = settings.SAFECITY_EVIDENCE_MAX_BYTES
    if file.size is None or file.size > limit:
        raise ValidationError({"file": _("The file is larger than %(mb)s MB.") % {"mb": limit // (1024 * 1024)}})
    head = file.read(16)
    file.seek(0)
    content_type = evidence_content_type(head)
    if content_type is None:
        raise ValidationError({"file": _("Only PDF documents and photos (JPEG, PNG) are accepted.")})
    material = EntryMaterial(
        entry=entry,
        title=(title or file.name or "").strip()[:200] or _("Material"),
        content_type=content_type,
        size=file.size,
        uploaded_by=actor,
    )
    material.file.save(file.name or "material", file, save=False)
    material.save()
    return material
