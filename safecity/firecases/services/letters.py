"""From the procuratorial suggestion letter to the prosecution: letter (numbered, generated document),
delivery and the reply clock, reply and its assessment, follow-up review (回头看), decision to sue or
not (not-sue notified within 7 days), prosecution record (domain-rules §5)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from safecity.core.models import Organisation
from safecity.firecases import rules
from safecity.firecases.choices import CaseState, DecisionKind, FollowUpOutcome, ReplyAssessment
from safecity.firecases.models import (
    Case,
    Decision,
    FollowUpReview,
    ProsecutedPerson,
    Prosecution,
    Reply,
    SuggestionLetter,
)
from safecity.firecases.selectors import letter_addressees
from safecity.firecases.services.common import check, event, lock, move, numbered, require_case_role

LETTER_PREFIX = "常检公建"


def letter_document(letter: SuggestionLetter) -> str:
    """The letter as an HTML document, rendered from its template (kept with the letter)."""
    return render_to_string("firecases/letter_document.html", {"letter": letter, "case": letter.case})


def letter_pdf(letter: SuggestionLetter) -> bytes:
    """The stored document as PDF (WeasyPrint, imported only when a PDF is asked for)."""
    import weasyprint

    return weasyprint.HTML(string=letter.document_html).write_pdf()  # type: ignore[no-any-return]


@transaction.atomic
def letter_issue(
    *,
    actor: Any,
    case: Case | None,
    addressee: Organisation,
    facts: str,
    suggestions: str,
    urgent: bool | None = None,
    issued_on: date | None = None,
) -> SuggestionLetter:
    """Issue a procuratorial suggestion letter in a case: numbered 常检公建〔year〕N号, document generated.

    Refused without a case, before the investigation, and while a scheduled hearing has no minutes.
    """
    if case is None:
        raise ValidationError({"case": _("A procuratorial suggestion letter belongs to a case.")})
    case = lock(case)
    transition = check(actor, case, "issue_letter")
    if case.state == CaseState.HEARING:
        hearing = case.hearing
        if hearing.held_at is None:
            raise ValidationError(_("The public hearing has not been held yet: record its minutes first."), code="guard")
    issued_on = issued_on or timezone.localdate()
    if issued_on > timezone.localdate():
        raise ValidationError({"issued_on": _("A letter cannot be dated in the future.")})
    if issued_on < timezone.localtime(case.filed_at).date():
        raise ValidationError({"issued_on": _("A letter cannot be dated before its case was filed.")})
    if not facts.strip() or not suggestions.strip():
        raise ValidationError(_("A letter states the facts found and the suggestions."))
    if not letter_addressees(user=actor).filter(pk=addressee.pk).exists():
        raise ValidationError({"addressee": _("A letter is addressed to a supervising agency within your reach.")})
    urgent = case.urgent if urgent is None else urgent

    def build(serial: int) -> SuggestionLetter:
        letter = SuggestionLetter(
            case=case,
            number=f"{LETTER_PREFIX}〔{issued_on.year}〕{serial}号",
            year=issued_on.year,
            serial=serial,
            addressee=addressee,
            facts=facts,
            suggestions=suggestions,
            urgent=urgent,
            issued_on=issued_on,
            issued_by=actor,
        )
        letter.document_html = letter_document(letter)
        return letter

    letter = numbered(SuggestionLetter, issued_on.year, build)
    move(case, transition, actor, comment=letter.number)
    return letter


@transaction.atomic
def letter_deliver(*, actor: Any, letter: SuggestionLetter, delivered_on: date | None = None) -> SuggestionLetter:
    """Record delivery; the reply clock starts: due 2 months later, 15 days when urgent."""
    case = lock(letter.case)
    transition = check(actor, case, "deliver_letter")
    letter = SuggestionLetter.objects.select_for_update().get(pk=letter.pk)
    delivered_on = delivered_on or timezone.localdate()
    if delivered_on < letter.issued_on:
        raise ValidationError({"delivered_on": _("A letter cannot be delivered before it was issued.")})
    if delivered_on > timezone.localdate():
        raise ValidationError({"delivered_on": _("Delivery cannot be recorded in the future.")})
    letter.delivered_on = delivered_on
    letter.reply_due = rules.reply_due(delivered_on, urgent=letter.urgent)
    letter.save(update_fields=["delivered_on", "reply_due", "updated_at"])
    move(case, transition, actor, comment=_("Reply due by %(due)s") % {"due": letter.reply_due})
    return letter


@transaction.atomic
def reply_record(*, actor: Any, letter: SuggestionLetter, received_on: date, content: str) -> Reply:
    """Record the agency's written reply. Before delivery: refused. After the window: kept, flagged late."""
    case = lock(letter.case)
    transition = check(actor, case, "record_reply")
    letter = SuggestionLetter.objects.get(pk=letter.pk)
    if letter.delivered_on is None or letter.reply_due is None:
        raise ValidationError(_("The letter has not been delivered: no reply can be recorded."), code="transition_not_allowed")
    if received_on < letter.delivered_on:
        raise ValidationError({"received_on": _("A reply cannot be received before the letter was delivered.")})
    if received_on > timezone.localdate():
        raise ValidationError({"received_on": _("A reply cannot be recorded in the future.")})
    if not content.strip():
        raise ValidationError({"content": _("Record what the agency replied.")})
    reply = Reply(letter=letter, received_on=received_on, content=content, late=received_on > letter.reply_due)
    reply.full_clean()
    reply.save()
    move(case, transition, actor, comment=_("late") if reply.late else "")
    return reply


@transaction.atomic
def reply_assess(*, actor: Any, reply: Reply, assessment: str, note: str = "", assessed_on: date | None = None) -> Reply:
    """Assess the reply: adequate (the agency acted) or inadequate (the way to a lawsuit)."""
    case = lock(reply.letter.case)
    transition = check(actor, case, "assess_reply")
    if assessment not in ReplyAssessment.values:
        raise ValidationError({"assessment": _("Choose adequate or inadequate.")})
    assessed_on = assessed_on or timezone.localdate()
    if assessed_on < reply.received_on:
        raise ValidationError({"assessed_on": _("A reply cannot be assessed before it was received.")})
    reply.assessment, reply.assessment_note, reply.assessed_on = assessment, note, assessed_on
    reply.save(update_fields=["assessment", "assessment_note", "assessed_on", "updated_at"])
    move(case, transition, actor, comment=reply.get_assessment_display())
    return reply


@transaction.atomic
def follow_up_record(*, actor: Any, case: Case, reviewed_on: date, outcome: str, findings: str) -> FollowUpReview:
    """Record the follow-up review (回头看) of the rectification."""
    case = lock(case)
    transition = check(actor, case, "follow_up")
    if outcome not in FollowUpOutcome.values:
        raise ValidationError({"outcome": _("Choose the outcome of the review.")})
    reply = Reply.objects.filter(letter__case=case).order_by("-received_on").first()
    if reply is not None and reply.assessed_on and reviewed_on < reply.assessed_on:
        raise ValidationError({"reviewed_on": _("The review comes after the reply was assessed.")})
    review = FollowUpReview(case=case, reviewed_on=reviewed_on, outcome=outcome, findings=findings, reviewer=actor)
    review.full_clean()
    review.save()
    move(case, transition, actor, comment=review.get_outcome_display())
    return review


@transaction.atomic
def decision_record(
    *,
    actor: Any,
    case: Case,
    kind: str,
    reason: str,
    decided_on: date | None = None,
    notified_on: date | None = None,
) -> Decision:
    """Decide to sue or not. A decision not to sue must be notified within 7 days (``notify_due``)."""
    case = lock(case)
    if kind not in DecisionKind.values:
        raise ValidationError({"kind": _("Choose to sue or not to sue.")})
    transition = check(actor, case, "decide_sue" if kind == DecisionKind.SUE else "decide_not_sue")
    decided_on = decided_on or timezone.localdate()
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for the decision.")})
    decision = Decision(case=case, kind=kind, decided_on=decided_on, reason=reason)
    if kind == DecisionKind.NOT_SUE:
        decision.notify_due = decided_on + rules.timedelta_days(rules.not_sue_notify_days())
    decision.full_clean()
    decision.save()
    move(case, transition, actor, comment=reason[:200])
    if notified_on is not None:
        _notify(decision, notified_on)
        event(case, action="notify_not_sue", source=case.state, actor=actor)
    return decision


def _notify(decision: Decision, notified_on: date) -> None:
    if decision.kind != DecisionKind.NOT_SUE:
        raise ValidationError(_("Only a decision not to sue is notified this way."))
    if decision.notified_on is not None:
        raise ValidationError(_("The decision has already been notified."), code="transition_not_allowed")
    if notified_on < decision.decided_on:
        raise ValidationError({"notified_on": _("A decision cannot be notified before it was taken.")})
    decision.notified_on = notified_on
    decision.notified_late = decision.notify_due is not None and notified_on > decision.notify_due
    decision.save(update_fields=["notified_on", "notified_late", "updated_at"])


@transaction.atomic
def decision_notify(*, actor: Any, decision: Decision, notified_on: date | None = None) -> Decision:
    """Record the notification of a decision not to sue; after 7 days it is kept and flagged late."""
    case = lock(decision.case)
    require_case_role(actor, case)
    decision = Decision.objects.select_for_update().get(pk=decision.pk)
    _notify(decision, notified_on or timezone.localdate())
    event(case, action="notify_not_sue", source=case.state, actor=actor, comment=_("late") if decision.notified_late else "")
    return decision


@transaction.atomic
def prosecution_record(
    *, actor: Any, case: Case, filed_on: date, court: str, persons: list[dict[str, str]], result: str = ""
) -> Prosecution:
    """Record the prosecution of a case decided for suing, with the persons prosecuted (each a
    name and an optional description; free text is read by ``steps.prosecuted_persons_parse``)."""
    case = lock(case)
    transition = check(actor, case, "record_prosecution")
    names = [p for p in persons if str(p.get("name", "")).strip()]
    if not names:
        raise ValidationError({"persons": _("Name at least one person prosecuted.")})
    if filed_on < case.decision.decided_on:
        raise ValidationError({"filed_on": _("The prosecution comes after the decision to sue.")})
    prosecution = Prosecution(case=case, filed_on=filed_on, court=court, result=result)
    prosecution.full_clean()
    prosecution.save()
    for p in names:
        ProsecutedPerson.objects.create(prosecution=prosecution, name=p["name"].strip(), description=p.get("description", ""))
    move(case, transition, actor, comment=court)
    return prosecution
