"""A hidden hazard is closed only on evidence (order No. 16, 2007; dual-prevention guideline):
acceptance is requested with a photo or document of the fix (rectification stage, since the last
rejection); a major hidden hazard is accepted with its acceptance record (who, when, opinion and the
acceptance document or photos); nobody accepts their own fix, and the offered buttons say the same."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from safecity.core.scoping import roles_for
from safecity.hazards import services
from safecity.hazards.choices import EvidenceStage, HazardLevel, HazardState
from safecity.hazards.models import HazardEvidence, HazardTransition, HiddenHazard
from safecity.hazards.tests.conftest import PDF, deadline_after, photo
from safecity.hazards.transitions import offered

S = HazardState


def state_and_rows(hazard: HiddenHazard) -> tuple[int, int, int]:
    fresh = HiddenHazard.objects.get(pk=hazard.pk)
    return (
        fresh.state,
        HazardTransition.objects.filter(hazard=hazard).count(),
        HazardEvidence.objects.filter(hazard=hazard).count(),
    )


def offers(hazard: HiddenHazard, user: Any) -> dict[str, str | None]:
    fresh = HiddenHazard.objects.get(pk=hazard.pk)
    return {o.action: o.missing for o in offered(fresh, user, roles_for(user, fresh))}


# --- requesting acceptance needs evidence of the fix -------------------------------------------------


def test_request_acceptance_without_evidence_is_refused_and_changes_nothing(make_hazard: Any, personas: Any) -> None:
    hazard = make_hazard(S.RECTIFYING)
    before = state_and_rows(hazard)
    with pytest.raises(ValidationError, match="only with evidence of the rectification"):
        services.hazard_request_acceptance(actor=personas.enterprise_user, hazard=hazard, rectification="已整改")
    assert state_and_rows(hazard) == before


def test_discovery_photos_do_not_prove_the_fix(make_hazard: Any, personas: Any) -> None:
    hazard = make_hazard(S.TO_CONFIRM)
    services.evidence_add(actor=personas.district_a, hazard=hazard, file=photo("发现时.png"))
    hazard = services.hazard_confirm(actor=personas.district_a, hazard=hazard, deadline=deadline_after())
    assert HazardEvidence.objects.get(hazard=hazard).stage == EvidenceStage.DISCOVERY
    with pytest.raises(ValidationError, match="evidence of the rectification"):
        services.hazard_request_acceptance(actor=personas.enterprise_user, hazard=hazard, rectification="已整改")
    assert HiddenHazard.objects.get(pk=hazard.pk).state == S.RECTIFYING


def test_a_photo_uploaded_while_rectifying_is_filed_at_the_rectification_stage_and_counts(
    make_hazard: Any, personas: Any
) -> None:
    hazard = make_hazard(S.RECTIFYING)
    evidence = services.evidence_add(actor=personas.enterprise_user, hazard=hazard, file=photo())  # no stage given
    assert evidence.stage == EvidenceStage.RECTIFICATION
    done = services.hazard_request_acceptance(actor=personas.enterprise_user, hazard=hazard, rectification="已整改")
    assert done.state == S.AWAITING_ACCEPTANCE


def test_evidence_sent_with_the_request_is_filed_with_it(make_hazard: Any, personas: Any) -> None:
    hazard = make_hazard(S.RECTIFYING)
    services.hazard_request_acceptance(
        actor=personas.enterprise_user, hazard=hazard, rectification="已整改", evidence=[photo(), photo("b.pdf", PDF)]
    )
    rows = list(HazardEvidence.objects.filter(hazard=hazard).values_list("stage", "content_type", "uploaded_by"))
    assert rows == [
        ("rectification", "image/png", personas.enterprise_user.pk),
        ("rectification", "application/pdf", personas.enterprise_user.pk),
    ]


def test_a_refused_request_keeps_none_of_the_files_sent_with_it(make_hazard: Any, personas: Any) -> None:
    hazard = make_hazard(S.RECTIFYING)
    before = state_and_rows(hazard)
    with pytest.raises(ValidationError, match="Only photos"):  # the second file is no photo: all or nothing
        services.hazard_request_acceptance(
            actor=personas.enterprise_user, hazard=hazard, rectification="已整改",
            evidence=[photo(), photo("x.jpg", b"not a photo")],
        )  # fmt: skip
    assert state_and_rows(hazard) == before
    with pytest.raises(PermissionDenied):  # no reach: nothing is even uploaded
        services.hazard_request_acceptance(actor=personas.district_b, hazard=hazard, rectification="x", evidence=[photo()])
    assert state_and_rows(hazard) == before


def test_after_a_rejection_the_next_request_needs_new_evidence(make_hazard: Any, personas: Any) -> None:
    hazard = make_hazard(S.AWAITING_ACCEPTANCE)
    services.hazard_reject(actor=personas.district_a, hazard=hazard, comment="仍有杂物")
    with pytest.raises(ValidationError, match="evidence of the rectification"):
        services.hazard_request_acceptance(actor=personas.enterprise_user, hazard=hazard, rectification="再次整改")
    again = services.hazard_request_acceptance(
        actor=personas.enterprise_user, hazard=hazard, rectification="再次整改", evidence=[photo("第二次.png")]
    )
    assert again.state == S.AWAITING_ACCEPTANCE


def test_fix_on_the_spot_needs_evidence_too(make_hazard: Any, personas: Any) -> None:
    hazard = make_hazard()
    before = state_and_rows(hazard)
    with pytest.raises(ValidationError, match="evidence of the rectification"):
        services.hazard_fix_on_the_spot(actor=personas.enterprise_user, hazard=hazard, rectification="当场清理")
    assert state_and_rows(hazard) == before
    done = services.hazard_fix_on_the_spot(
        actor=personas.enterprise_user, hazard=hazard, rectification="当场清理", evidence=[photo()]
    )
    assert done.state == S.AWAITING_ACCEPTANCE
    assert HazardEvidence.objects.get(hazard=hazard).stage == EvidenceStage.RECTIFICATION


# --- acceptance: the record, the major hazard's document, never by the rectifier -------------------------


def test_general_hazard_is_accepted_with_who_when_and_opinion(make_hazard: Any, personas: Any) -> None:
    done = services.hazard_accept(actor=personas.district_a, hazard=make_hazard(S.AWAITING_ACCEPTANCE), comment="复核合格")
    fresh = HiddenHazard.objects.get(pk=done.pk)
    assert (fresh.state, fresh.accepted_by, fresh.acceptance_comment) == (S.ACCEPTED, personas.district_a, "复核合格")
    assert fresh.accepted_at is not None


def test_major_hazard_is_not_closed_without_its_acceptance_document(make_hazard: Any, personas: Any) -> None:
    hazard = make_hazard(S.AWAITING_ACCEPTANCE, level=HazardLevel.MAJOR)
    before = state_and_rows(hazard)
    with pytest.raises(ValidationError, match="closed only with its acceptance record"):
        services.hazard_accept(actor=personas.district_a, hazard=hazard, comment="复核合格")
    assert state_and_rows(hazard) == before
    done = services.hazard_accept(
        actor=personas.district_a, hazard=hazard, comment="复核合格，同意核销", evidence=[photo("验收意见.pdf", PDF)]
    )
    assert done.state == S.ACCEPTED and done.accepted_by == personas.district_a
    record = HazardEvidence.objects.get(hazard=hazard, stage=EvidenceStage.ACCEPTANCE)
    assert (record.content_type, record.uploaded_by) == ("application/pdf", personas.district_a)


def test_major_acceptance_document_uploaded_while_awaiting_acceptance_counts(make_hazard: Any, personas: Any) -> None:
    hazard = make_hazard(S.AWAITING_ACCEPTANCE, level=HazardLevel.MAJOR)
    assert "accept" in offers(hazard, personas.district_a) and offers(hazard, personas.district_a)["accept"]
    evidence = services.evidence_add(actor=personas.district_a, hazard=hazard, file=photo("验收现场.png"))
    assert evidence.stage == EvidenceStage.ACCEPTANCE  # the hazard's current stage
    assert offers(hazard, personas.district_a)["accept"] is None
    assert services.hazard_accept(actor=personas.district_a, hazard=hazard, comment="同意核销").state == S.ACCEPTED


def test_an_acceptance_document_from_before_the_request_does_not_count(make_hazard: Any, personas: Any) -> None:
    hazard = make_hazard(S.RECTIFYING, level=HazardLevel.MAJOR)
    services.evidence_add(actor=personas.district_a, hazard=hazard, stage=EvidenceStage.ACCEPTANCE, file=photo("早.pdf", PDF))
    services.hazard_request_acceptance(
        actor=personas.enterprise_user, hazard=hazard, rectification="整改完毕", evidence=[photo()]
    )
    with pytest.raises(ValidationError, match="acceptance record"):
        services.hazard_accept(actor=personas.district_a, hazard=hazard, comment="同意")


def test_the_rectifier_is_refused_and_not_offered_acceptance(make_hazard: Any, personas: Any) -> None:
    hazard = make_hazard(S.RECTIFYING)
    services.hazard_request_acceptance(actor=personas.district_a, hazard=hazard, rectification="督促整改", evidence=[photo()])
    assert "accept" not in offers(hazard, personas.district_a)
    assert set(offers(hazard, personas.district_a)) == {"reject"}
    assert "accept" in offers(hazard, personas.city_official)
    before = state_and_rows(hazard)
    with pytest.raises(ValidationError, match="someone other than the person who rectified"):
        services.hazard_accept(actor=personas.district_a, hazard=hazard, comment="自己验收", evidence=[photo()])
    assert state_and_rows(hazard) == before  # the file sent with the refused step is not kept


@pytest.mark.parametrize(
    ("persona", "state", "level", "expected"),
    [
        ("enterprise_user", S.RECTIFYING, HazardLevel.GENERAL, {"request_acceptance"}),
        ("district_a", S.RECTIFYING, HazardLevel.GENERAL, {"request_acceptance"}),
        ("enterprise_user", S.AWAITING_ACCEPTANCE, HazardLevel.GENERAL, {"reject"}),  # the rectifier: never accept
        ("district_a", S.AWAITING_ACCEPTANCE, HazardLevel.GENERAL, {"accept", "reject"}),
        ("city_official", S.AWAITING_ACCEPTANCE, HazardLevel.MAJOR, {"accept", "reject"}),
        ("enterprise_user", S.AWAITING_ACCEPTANCE, HazardLevel.MAJOR, set()),
        ("district_b", S.AWAITING_ACCEPTANCE, HazardLevel.GENERAL, set()),
        ("expert", S.RECTIFYING, HazardLevel.GENERAL, set()),
        ("outsider", S.RECTIFYING, HazardLevel.GENERAL, set()),
        ("district_a", S.ACCEPTED, HazardLevel.GENERAL, set()),
    ],
)
def test_offered_actions_per_persona(
    make_hazard: Any, personas: Any, persona: str, state: int, level: int, expected: set[str]
) -> None:
    """The buttons come from the transition table, its roles and its actor guards."""
    assert set(offers(make_hazard(state, level=level), getattr(personas, persona))) == expected


def test_offer_says_what_the_record_still_lacks(make_hazard: Any, personas: Any) -> None:
    hazard = make_hazard(S.RECTIFYING)
    assert "evidence of the rectification" in (offers(hazard, personas.enterprise_user)["request_acceptance"] or "")
    services.evidence_add(actor=personas.enterprise_user, hazard=hazard, file=photo())
    assert offers(hazard, personas.enterprise_user)["request_acceptance"] is None


# --- the evidence record ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("state", "stage"),
    [(S.TO_CONFIRM, "discovery"), (S.RECTIFYING, "rectification"), (S.AWAITING_ACCEPTANCE, "acceptance")],
)
def test_upload_stage_defaults_to_the_hazards_current_stage(make_hazard: Any, personas: Any, state: int, stage: str) -> None:
    hazard = make_hazard(state)
    assert services.evidence_default_stage(hazard) == stage
    assert services.evidence_add(actor=personas.district_a, hazard=hazard, file=photo()).stage == stage


@pytest.mark.parametrize("state", [S.ACCEPTED, S.WITHDRAWN])
def test_a_closed_hazards_evidence_is_final(make_hazard: Any, personas: Any, state: int) -> None:
    hazard = make_hazard(state)
    n = HazardEvidence.objects.filter(hazard=hazard).count()
    with pytest.raises(ValidationError, match="closed"):
        services.evidence_add(actor=personas.district_a, hazard=hazard, file=photo())
    assert HazardEvidence.objects.filter(hazard=hazard).count() == n
