"""Codes of fire governance and public-interest litigation (消检协作, domain-rules §5).

GB 35181-2017 《重大火灾隐患判定方法》: a unit with a major fire hazard is determined either
directly (one item of chapter 6 is enough) or comprehensively (elements of chapter 7, weighed by
collective discussion of the fire rescue agency, with expert technical argument where needed).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class InspectionResult(models.TextChoices):
    NO_FINDING = "no_finding", _("No fire hidden hazard found")
    HAZARDS_FOUND = "hazards_found", _("Fire hidden hazards found")
    MAJOR_HAZARD = "major_hazard", _("Major fire hazard found")


class ThreeInOne(models.TextChoices):
    """The inspection's determination on "three-in-one" use (三合一): living quarters in the same
    building as production, storage or trade (GB 35181-2017 6.2 / 7.9; 消防〔2023〕72号 for leased
    plants). Each inspection that assesses it records what it found; the latest assessment of a
    unit stands until a later inspection finds otherwise (the health portrait reads it)."""

    NOT_ASSESSED = "", _("Not assessed")
    ABSENT = "absent", _("No three-in-one premises")
    PRESENT = "present", _("Three-in-one premises found")


class DeterminationMethod(models.TextChoices):
    """GB 35181-2017: direct determination (ch. 6) or comprehensive determination (ch. 7)."""

    DIRECT = "direct", _("Direct determination (GB 35181-2017 ch. 6)")
    COMPREHENSIVE = "comprehensive", _("Comprehensive determination (GB 35181-2017 ch. 7)")


class DirectItem(models.TextChoices):
    """GB 35181-2017 chapter 6: each item alone determines a major fire hazard."""

    D6_1 = "6.1", _("6.1 Flammable/explosive goods plant, warehouse or tank farm not at the city edge or in a separate safe area")
    D6_2 = (
        "6.2",
        _(
            "6.2 Flammable/explosive goods in the same building as crowded or living places, or separation below 75% of the standard"
        ),
    )
    D6_3 = "6.3", _("6.3 Fuel or gas station in the built-up area above the first-class station limit")
    D6_4 = "6.4", _("6.4 Class A/B production or storage in a basement or semi-basement")
    D6_5 = "6.5", _("6.5 Exits of entertainment, shopping or underground crowded places too few or below 80% of the width")
    D6_6 = "6.6", _("6.6 Hotel, entertainment, shop or underground crowded place without the required sprinklers or fire alarm")
    D6_7 = "6.7", _("6.7 Flammable liquid or gas tanks without the required fixed extinguishing, cooling or alarm systems")
    D6_8 = "6.8", _("6.8 Flammable/explosive goods used, stored or sold in a crowded place")
    D6_9 = "6.9", _("6.9 Children's or elderly rooms on a floor the standard does not allow")
    D6_10 = "6.10", _("6.10 Living quarters of a crowded place built of sandwich panels with a core below class A")


class ComprehensiveElement(models.TextChoices):
    """GB 35181-2017 chapter 7: elements weighed together in a comprehensive determination."""

    E7_1 = "7.1", _("7.1 General layout (separation, fire lanes)")
    E7_2 = "7.2", _("7.2 Fire separation (compartments, fire doors, shafts)")
    E7_3 = "7.3", _("7.3 Evacuation and rescue (exits, stairs, emergency lighting, rescue windows)")
    E7_4 = "7.4", _("7.4 Fire water supply and extinguishing systems")
    E7_5 = "7.5", _("7.5 Smoke control and exhaust")
    E7_6 = "7.6", _("7.6 Fire power supply")
    E7_7 = "7.7", _("7.7 Automatic fire alarm")
    E7_8 = "7.8", _("7.8 Fire safety management")
    E7_9 = "7.9", _("7.9 Other (combustible decoration, three-in-one sites)")


class LeadStatus(models.TextChoices):
    REFERRED = "referred", _("Referred to the procuratorate")
    ACCEPTED = "accepted", _("Accepted: case filed")
    DECLINED = "declined", _("Declined")


class CaseState(models.TextChoices):
    """The procuratorate's case lifecycle; the allowed moves are in ``transitions.py``."""

    FILED = "filed", _("Case filed")
    INVESTIGATING = "investigating", _("Investigation")
    HEARING = "hearing", _("Public hearing")
    LETTER_ISSUED = "letter_issued", _("Procuratorial suggestion letter issued")
    AWAITING_REPLY = "awaiting_reply", _("Awaiting the reply")
    REPLY_RECEIVED = "reply_received", _("Reply received")
    REPLY_ASSESSED = "reply_assessed", _("Reply assessed")
    REVIEWED = "reviewed", _("Follow-up review done")
    SUED = "sued", _("Decision to sue")
    NOT_SUED = "not_sued", _("Decision not to sue")
    PROSECUTED = "prosecuted", _("Prosecution recorded")


class CaseAction(models.TextChoices):
    """The steps written to a case's timeline (``CaseEvent.action``), each with what a reader sees.

    The moves between states are in ``transitions.py``; the other steps add to a case without
    moving it (evidence, hearing notices, the notification of a decision not to sue).
    """

    FILE = "file", _("Case filed")
    INVESTIGATE = "investigate", _("Investigation started")
    ADD_EVIDENCE = "add_evidence", _("Evidence added")
    SCHEDULE_HEARING = "schedule_hearing", _("Public hearing scheduled")
    NOTIFY_HEARING = "notify_hearing", _("Hearing participants notified")
    PUBLISH_NOTICE = "publish_notice", _("Public notice published")
    HOLD_HEARING = "hold_hearing", _("Hearing held, minutes recorded")
    ISSUE_LETTER = "issue_letter", _("Procuratorial suggestion letter issued")
    DELIVER_LETTER = "deliver_letter", _("Letter delivered, reply clock started")
    RECORD_REPLY = "record_reply", _("Reply received")
    ASSESS_REPLY = "assess_reply", _("Reply assessed")
    FOLLOW_UP = "follow_up", _("Follow-up review done")
    DECIDE_SUE = "decide_sue", _("Decided to sue")
    DECIDE_NOT_SUE = "decide_not_sue", _("Decided not to sue")
    NOTIFY_NOT_SUE = "notify_not_sue", _("Decision not to sue notified")
    RECORD_PROSECUTION = "record_prosecution", _("Prosecution recorded")


class ClockWarning(models.TextChoices):
    """The warnings of the daily clock job (``CaseReminder.kind``), each sent once per case and recipient."""

    REPLY_DUE_SOON = "reply_due_soon", _("Reply due soon")
    REPLY_OVERDUE = "reply_overdue", _("Reply overdue")
    HEARING_NOTICE = "hearing_notice", _("Hearing participants to be notified")
    NOT_SUE_NOTICE = "not_sue_notice", _("Decision not to sue to be notified")


class ReplyAssessment(models.TextChoices):
    ADEQUATE = "adequate", _("Adequate: the agency acted")
    INADEQUATE = "inadequate", _("Inadequate")


class FollowUpOutcome(models.TextChoices):
    RECTIFIED = "rectified", _("Rectified")
    PARTLY = "partly", _("Partly rectified")
    NOT_RECTIFIED = "not_rectified", _("Not rectified")


class DecisionKind(models.TextChoices):
    SUE = "sue", _("Sue")
    NOT_SUE = "not_sue", _("Not sue")


class ParticipantCapacity(models.TextChoices):
    HEARING_MEMBER = "member", _("Hearing member")
    PROCURATOR = "procurator", _("Procurator")
    AGENCY = "agency", _("Administrative agency")
    PARTY = "party", _("Party concerned")
    OTHER = "other", _("Other participant")


HEARING_STEPS: tuple[tuple[str, object], ...] = (
    ("minutes_introduction", _("Case introduction")),
    ("minutes_positions", _("Parties' positions")),
    ("minutes_questions", _("Questions by hearing members")),
    ("minutes_deliberation", _("Private deliberation")),
    ("minutes_opinion", _("Members' opinion")),
    ("minutes_statements", _("Final statements")),
    ("minutes_summary", _("Summary")),
)
