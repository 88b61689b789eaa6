"""Clocks and their rules: the 3-day hearing notice, the reply window and late flag, the not-sue
7-day notification, letter numbering and document, the daily warnings."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from safecity.core.models import Notification
from safecity.firecases import rules, services
from safecity.firecases.choices import CaseState, DecisionKind
from safecity.firecases.models import CaseReminder, SuggestionLetter
from safecity.firecases.tests.conftest import MINUTES, at, make_case, participants

pytestmark = pytest.mark.django_db


def test_reply_window_is_two_months_or_15_days_when_urgent():
    assert rules.reply_due(date(2023, 3, 10), urgent=False) == date(2023, 5, 10)
    assert rules.reply_due(date(2023, 12, 31), urgent=False) == date(2024, 2, 29)
    assert rules.reply_due(date(2023, 3, 10), urgent=True) == date(2023, 3, 25)


def test_delivery_starts_the_clock(city, agencies):
    case = make_case(city, agencies, until="awaiting_reply", urgent=True)
    letter = case.letters.get()
    assert letter.reply_due == letter.delivered_on + timedelta(days=15)
    assert letter.urgent


def test_reply_before_delivery_is_refused_and_late_reply_is_flagged(city, agencies):
    case = make_case(city, agencies, until="awaiting_reply")
    letter = case.letters.get()
    with pytest.raises(ValidationError) as error:
        services.reply_record(
            actor=agencies.procurator, letter=letter, received_on=letter.delivered_on - timedelta(days=1), content="x"
        )
    assert "received_on" in error.value.message_dict
    case.refresh_from_db()
    assert case.state == CaseState.AWAITING_REPLY
    reply = services.reply_record(
        actor=agencies.procurator, letter=letter, received_on=letter.reply_due + timedelta(days=1), content="x"
    )
    assert reply.late is True


def test_reply_on_the_last_day_is_on_time(city, agencies):
    case = make_case(city, agencies, until="awaiting_reply")
    letter = case.letters.get()
    reply = services.reply_record(actor=agencies.procurator, letter=letter, received_on=letter.reply_due, content="x")
    assert reply.late is False


def test_hearing_notice_shorter_than_three_days_is_refused(city, agencies):
    case = make_case(city, agencies, until="investigating")
    when = timezone.now() + timedelta(days=10)
    with pytest.raises(ValidationError) as error:
        services.hearing_schedule(
            actor=agencies.procurator,
            case=case,
            scheduled_at=when,
            location="room",
            notice_sent_at=when - timedelta(days=2, hours=23),
        )
    assert "notice_sent_at" in error.value.message_dict
    case.refresh_from_db()
    assert case.state == CaseState.INVESTIGATING  # nothing half-written
    hearing = services.hearing_schedule(
        actor=agencies.procurator, case=case, scheduled_at=when, location="room", participants=participants()
    )
    with pytest.raises(ValidationError):
        services.hearing_notify(actor=agencies.procurator, hearing=hearing, sent_at=when - timedelta(days=1))
    services.hearing_notify(actor=agencies.procurator, hearing=hearing, sent_at=when - timedelta(days=3))


def test_hearing_needs_notice_public_notice_and_all_seven_steps(city, agencies):
    case = make_case(city, agencies, until="investigating")
    when = timezone.now() - timedelta(days=1)
    hearing = services.hearing_schedule(
        actor=agencies.procurator, case=case, scheduled_at=when, location="room", participants=participants()
    )
    with pytest.raises(ValidationError) as error:
        services.hearing_hold(actor=agencies.procurator, hearing=hearing, minutes=MINUTES, held_at=when)
    assert {"notice_sent_at", "public_notice"} <= set(error.value.message_dict)
    services.hearing_notify(actor=agencies.procurator, hearing=hearing, sent_at=when - timedelta(days=4))
    services.hearing_publish_notice(
        actor=agencies.procurator, hearing=hearing, text="notice", published_at=when - timedelta(days=4)
    )
    partial = dict(MINUTES, minutes_deliberation="")
    with pytest.raises(ValidationError) as error:
        services.hearing_hold(actor=agencies.procurator, hearing=hearing, minutes=partial, held_at=when)
    assert "minutes_deliberation" in error.value.message_dict
    # The letter waits for the minutes.
    with pytest.raises(ValidationError):
        services.letter_issue(actor=agencies.procurator, case=case, addressee=city.bureau_a, facts="f", suggestions="s")
    services.hearing_hold(actor=agencies.procurator, hearing=hearing, minutes=MINUTES, held_at=when)
    letter = services.letter_issue(actor=agencies.procurator, case=case, addressee=city.bureau_a, facts="f", suggestions="s")
    assert letter.case.state == CaseState.LETTER_ISSUED


def test_not_sue_notified_after_seven_days_is_flagged(city, agencies):
    case = make_case(city, agencies, until="not_sued")
    decision = case.decision
    assert decision.notify_due == decision.decided_on + timedelta(days=7)
    with pytest.raises(ValidationError):
        services.decision_notify(
            actor=agencies.procurator, decision=decision, notified_on=decision.decided_on - timedelta(days=1)
        )
    decision = services.decision_notify(
        actor=agencies.procurator, decision=decision, notified_on=decision.decided_on + timedelta(days=8)
    )
    assert decision.notified_late is True
    with pytest.raises(ValidationError):
        services.decision_notify(
            actor=agencies.procurator, decision=decision, notified_on=decision.decided_on + timedelta(days=9)
        )


def test_not_sue_notified_in_time_is_not_flagged(city, agencies):
    case = make_case(city, agencies, until="reviewed")
    decision = services.decision_record(
        actor=agencies.procurator,
        case=case,
        kind=DecisionKind.NOT_SUE,
        reason="fixed",
        decided_on=timezone.localdate() - timedelta(days=10),
        notified_on=timezone.localdate() - timedelta(days=3),
    )
    assert decision.notified_late is False


def test_letters_are_numbered_uniquely_and_carry_their_document(city, agencies):
    first = make_case(city, agencies, until="letter_issued").letters.get()
    second = make_case(city, agencies, until="letter_issued").letters.get()
    assert first.number != second.number
    assert first.number == f"常检公建〔{first.year}〕1号"
    assert second.serial == first.serial + 1
    assert "检察建议书" in first.document_html and first.number in first.document_html
    assert city.bureau_a.name in first.document_html
    assert SuggestionLetter.objects.filter(number=first.number).count() == 1


def test_letter_pdf_is_generated(city, agencies):
    letter = make_case(city, agencies, until="letter_issued").letters.get()
    pdf = services.letter_pdf(letter)
    assert pdf.startswith(b"%PDF")


def test_daily_clock_warns_once(city, agencies):
    case = make_case(city, agencies, until="awaiting_reply", start=timezone.localdate() - timedelta(days=100))
    counts = services.firecases_clocks()
    assert counts["reply_overdue"] == 1
    assert Notification.objects.filter(recipient=agencies.procurator, kind="firecases.reply_overdue").count() == 1
    assert services.firecases_clocks()["reply_overdue"] == 0  # sent once
    assert CaseReminder.objects.filter(case=case).count() == 1
    assert case.letters.get().reply_overdue()


def test_daily_clock_warns_of_due_soon_hearing_notice_and_not_sue(city, agencies):
    soon = make_case(city, agencies, until="awaiting_reply", start=timezone.localdate() - timedelta(days=16), urgent=True)
    hearing_case = make_case(city, agencies, until="investigating")
    services.hearing_schedule(
        actor=agencies.procurator, case=hearing_case, scheduled_at=timezone.now() + timedelta(days=4), location="r"
    )
    not_sued = make_case(city, agencies, until="not_sued", start=timezone.localdate() - timedelta(days=60))
    counts = services.firecases_clocks()
    assert counts["reply_due_soon"] == 1 and soon.letters.get().reply_overdue() is False
    assert counts["hearing_notice"] == 1
    assert counts["not_sue_notice"] == 1 and not_sued.decision.notification_overdue()


def test_periodic_task_is_registered():
    from safecity.core.scheduling import jobs

    assert "firecases.clocks" in {job.name for job in jobs()}


def test_major_unit_determination_records_gb35181_basis(city, agencies):
    today = timezone.localdate()
    with pytest.raises(ValidationError) as error:
        services.major_unit_determine(
            actor=agencies.fire_officer, organisation=city.enterprise_a, method="direct", evidence="e", determined_on=today
        )
    assert "direct_items" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.major_unit_determine(
            actor=agencies.fire_officer,
            organisation=city.enterprise_a,
            method="comprehensive",
            comprehensive_elements=["7.3", "7.4"],
            evidence="e",
            determined_on=today,
        )
    assert "discussion" in error.value.message_dict
    unit = services.major_unit_determine(
        actor=agencies.fire_officer,
        organisation=city.enterprise_a,
        method="direct",
        direct_items=["6.2"],
        evidence="e",
        determined_on=today,
    )
    assert unit.direct_items == ["6.2"] and unit.fire_brigade == agencies.brigade
    with pytest.raises(ValidationError):  # once per unit and year
        services.major_unit_determine(
            actor=agencies.fire_officer,
            organisation=city.enterprise_a,
            method="direct",
            direct_items=["6.5"],
            evidence="e",
            determined_on=today,
        )


def test_not_used_at():
    assert at(date(2023, 1, 1)).year == 2023
