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
from safecity.hazards.services.evidence import evidence_content_type
from safecity.keyprojects.models import KeyProject, Milestone, ProgressEvidence, ProgressReport


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


def _date_errors(project: KeyProject, reported_on: date, today: date) -> dict[str, list[str]]:
    """A report is dated within the plan year (only those are counted), not in the future and not
    before the project starts."""
    plan = project.plan
    if not plan.first_day <= reported_on <= plan.last_day:
        return {
            "reported_on": [
                _("The report date must lie in the plan year %(year)s (reports outside it are never counted).")
                % {"year": plan.year}
            ]
        }
    if reported_on > today:
        return {"reported_on": [_("A report cannot be dated in the future.")]}
    if reported_on < project.start_date:
        return {"reported_on": [_("The project starts on %(d)s.") % {"d": project.start_date}]}
    return {}


def _monotonic_errors(milestone: Milestone, reported_on: date, completion: int, reason: str) -> dict[str, list[str]]:
    """The milestone's history stays non-decreasing unless a reason is given.

    The new report is compared with the latest report on or before its date (a lower completion is a
    drop) and, when it is backdated, with every later report (a completion higher than a later
    report makes the history drop at that later date)."""
    if reason.strip():
        return {}
    reports = ProgressReport.objects.filter(milestone=milestone)
    previous = reports.filter(reported_on__lte=reported_on).order_by("-reported_on", "-id").first()
    if previous is not None and completion < previous.completion:
        return {
            "reason": [
                _("Completion goes down from %(before)s %% to %(after)s %%: give the reason.")
                % {"before": previous.completion, "after": completion}
            ]
        }
    later = reports.filter(reported_on__gt=reported_on, completion__lt=completion).order_by("reported_on", "id").first()
    if later is not None:
        return {
            "reason": [
                _(
                    "A later report (%(d)s) records %(later)s %%: a backdated %(after)s %% would make the completion "
                    "go down on %(d)s. Give the reason, or report the correction with today's date."
                )
                % {"d": later.reported_on, "later": later.completion, "after": completion}
            ]
        }
    return {}


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
    project; completion is 0–100; the report date lies in the plan year (when it is omitted and
    today is outside the plan year, the date is asked for), is not in the future and not before the
    project starts; the milestone's history stays non-decreasing unless a reason is given (lower than
    the report before it, or higher than a report after it); every evidence file is a JPEG, PNG or
    PDF within the size limit. On any refusal nothing is written.
    """
    if not can(actor, project):
        raise PermissionDenied
    if not may_report(actor, project):
        raise PermissionDenied(_("Only the lead department reports progress on this project."))
    project = KeyProject.objects.select_for_update().select_related("plan").get(pk=project.pk)
    plan = project.plan
    today = timezone.localdate()
    errors: dict[str, list[str]] = {}
    if milestone.project_id != project.pk:
        errors["milestone"] = [_("This milestone belongs to another project.")]
    if not 0 <= completion <= 100:
        errors["completion"] = [_("Completion lies between 0 and 100 %.")]
    if reported_on is None and not plan.first_day <= today <= plan.last_day:
        errors["reported_on"] = [
            _("Today lies outside the plan year %(year)s: give the date the progress was reached.") % {"year": plan.year}
        ]
    elif reported_on is None:
        reported_on = today
    if reported_on is not None:
        errors.update(_date_errors(project, reported_on, today))
    if reported_on is not None and "reported_on" not in errors and "milestone" not in errors:
        errors.update(_monotonic_errors(milestone, reported_on, completion, reason))
    content_types = []
    for file in evidence:
        try:
            content_types.append(_check_file(file))
        except ValidationError as error:
            errors.setdefault("evidence", []).extend(error.message_dict["evidence"])
    if errors:
        raise ValidationError(errors)
    person = getattr(actor, "person", None)
    assert reported_on is not None
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
