"""The daily clock of fire cases: replies due soon or overdue, hearings without timely notice,
decisions not to sue whose 7-day notification is due. Each warning is sent once per case, kind and
recipient (a :class:`CaseReminder` row claims it) as a core Notification."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from safecity.core.models import Notification
from safecity.firecases import rules
from safecity.firecases.choices import CaseState, DecisionKind
from safecity.firecases.models import Case, CaseReminder, Decision, Hearing, SuggestionLetter


def _recipients(case: Case) -> list[Any]:
    """The procurator who filed the case, else every procurator of its procuratorate."""
    if case.filed_by_id is not None:
        return [case.filed_by]
    User = get_user_model()
    return list(
        User.objects.filter(
            person__roles__role="procurator", person__roles__organisation_id=case.procuratorate_id, is_active=True
        ).distinct()
    )


def _link(case: Case) -> str:
    try:
        return reverse("firecases:case-detail", args=[case.pk])
    except NoReverseMatch:  # the app's URLs are not mounted (e.g. a worker without the UI)
        return ""


def _send(case: Case, kind: str, message: str) -> int:
    sent = 0
    for user in _recipients(case):
        try:
            with transaction.atomic():
                CaseReminder.objects.create(case=case, kind=kind, recipient=user)
                Notification.objects.create(recipient=user, kind=f"firecases.{kind}", message=message, link=_link(case))
        except IntegrityError:
            continue  # already sent
        sent += 1
    return sent


def firecases_clocks(*, today: date | None = None) -> dict[str, int]:
    """Send the due-soon and overdue warnings of every open clock; return counts per kind."""
    today = today or timezone.localdate()
    counts = {"reply_due_soon": 0, "reply_overdue": 0, "hearing_notice": 0, "not_sue_notice": 0}
    letters = SuggestionLetter.objects.filter(
        case__state=CaseState.AWAITING_REPLY, reply__isnull=True, reply_due__isnull=False
    ).select_related("case__filed_by")
    for letter in letters:
        if today > letter.reply_due:  # type: ignore[operator]
            counts["reply_overdue"] += _send(
                letter.case,
                "reply_overdue",
                _("%(n)s: the reply was due by %(due)s.") % {"n": letter.number, "due": letter.reply_due},
            )
        elif letter.reply_due - today <= timedelta(days=rules.due_soon_days()):  # type: ignore[operator]
            counts["reply_due_soon"] += _send(
                letter.case,
                "reply_due_soon",
                _("%(n)s: the reply is due by %(due)s.") % {"n": letter.number, "due": letter.reply_due},
            )
    soon = timezone.now() + timedelta(days=rules.hearing_notice_days() + 2)
    hearings = Hearing.objects.filter(
        case__state=CaseState.HEARING, notice_sent_at__isnull=True, held_at__isnull=True, scheduled_at__lte=soon
    ).select_related("case__filed_by")
    for hearing in hearings:
        counts["hearing_notice"] += _send(
            hearing.case,
            "hearing_notice",
            _("%(n)s: notify the hearing participants by %(by)s (3 days ahead).")
            % {"n": hearing.case.number, "by": f"{timezone.localtime(hearing.notice_deadline):%Y-%m-%d %H:%M}"},
        )
    decisions = Decision.objects.filter(
        kind=DecisionKind.NOT_SUE, notified_on__isnull=True, notify_due__lte=today + timedelta(days=2)
    ).select_related("case__filed_by")
    for decision in decisions:
        counts["not_sue_notice"] += _send(
            decision.case,
            "not_sue_notice",
            _("%(n)s: the decision not to sue must be notified by %(due)s.")
            % {"n": decision.case.number, "due": decision.notify_due},
        )
    return counts
