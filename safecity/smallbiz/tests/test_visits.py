"""Service visits (issue 16 §4): signing on the phone (who, when, where), findings into the hidden-
hazard lifecycle, scores (1-5, once per side), and what is refused with nothing half-written."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from safecity.hazards.choices import HazardSource, HazardState
from safecity.hazards.models import HiddenHazard
from safecity.hazards.services import hazard_accept, hazard_fix_on_the_spot
from safecity.smallbiz.choices import ScoreBy, VisitState
from safecity.smallbiz.models import Qualification, Visit, VisitFinding, VisitPhoto, VisitScore
from safecity.smallbiz.services import visits
from safecity.smallbiz.services.common import SmallbizError

PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


def _at(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(10)))


def _first_visit(biz: Any, **kwargs: Any) -> Visit:
    enterprise = biz.enterprise("服务厂")
    contract = biz.contract([enterprise], **kwargs)
    visit = Visit.objects.filter(contract=contract).order_by("due_on").first()
    assert visit is not None
    return visit


def _sign(actor: Any, visit: Visit, **kwargs: Any) -> Visit:
    values = {"latitude": "31.9", "longitude": "119.9", "checklist": [{"item": None, "content": "消防通道", "ok": True}]}
    values.update(kwargs)
    return visits.visit_sign(actor=actor, visit=visit, **values)


def test_the_providers_engineer_signs_with_place_photos_and_findings(biz: Any, personas: Any) -> None:
    visit = _first_visit(biz)
    done_at = _at(visit.due_on - timedelta(days=2)) if visit.due_on - timedelta(days=2) <= timezone.localdate() else None
    _sign(
        biz.engineer,
        visit,
        done_at=done_at,
        photos=[SimpleUploadedFile("site.png", PNG, content_type="image/png")],
        findings=[{"description": "配电箱未上锁"}],
    )
    visit.refresh_from_db()
    assert visit.state == VisitState.DONE and visit.signed_by == biz.engineer
    assert str(visit.latitude) == "31.900000"
    assert VisitPhoto.objects.filter(visit=visit, content_type="image/png").count() == 1
    finding = VisitFinding.objects.get(visit=visit)
    hazard = finding.hazard
    assert hazard.organisation_id == visit.enterprise.organisation_id
    assert hazard.state == HazardState.TO_CONFIRM and hazard.source == HazardSource.EXPERT_DIAGNOSIS
    assert "配电箱未上锁" in hazard.description
    # the hidden hazard follows its lifecycle: the enterprise fixes it, someone else accepts it
    hazard = hazard_fix_on_the_spot(
        actor=personas.enterprise_user if visit.enterprise.organisation_id == biz.city.enterprise_a.pk else biz.city.superuser,
        hazard=hazard,
        rectification="已上锁",
        evidence=[SimpleUploadedFile("fix.png", PNG, content_type="image/png")],
    )
    hazard_accept(actor=personas.district_a, hazard=hazard, comment="复查合格")
    assert HiddenHazard.objects.get(pk=hazard.pk).state == HazardState.ACCEPTED


def test_an_engineer_of_another_provider_cannot_sign(biz: Any) -> None:
    visit = _first_visit(biz)
    for actor in (biz.other_engineer, biz.supervisor):
        with pytest.raises(PermissionDenied):
            _sign(actor, visit)
    visit.refresh_from_db()
    assert visit.state == VisitState.SCHEDULED and visit.done_at is None


def test_a_visit_outside_the_contracts_period_is_refused_and_nothing_written(biz: Any) -> None:
    visit = _first_visit(biz)
    before = visit.contract.starts_on - timedelta(days=1)
    with pytest.raises(SmallbizError) as refused:
        _sign(biz.engineer, visit, done_at=_at(before), findings=[{"description": "不应写入"}])
    assert "period" in refused.value.messages[0] or "期" in refused.value.messages[0]
    visit.refresh_from_db()
    assert visit.state == VisitState.SCHEDULED
    assert not HiddenHazard.objects.exists() and not VisitFinding.objects.exists()


def test_a_provider_without_a_qualification_in_force_cannot_sign(biz: Any) -> None:
    visit = _first_visit(biz)
    Qualification.objects.filter(provider=biz.provider).update(valid_until=visit.contract.starts_on)
    with pytest.raises(SmallbizError) as refused:
        _sign(biz.engineer, visit, done_at=_at(visit.contract.starts_on + timedelta(days=1)))
    assert refused.value.error_code == "guard"
    visit.refresh_from_db()
    assert visit.state == VisitState.SCHEDULED


def test_signing_needs_the_phones_location(biz: Any) -> None:
    visit = _first_visit(biz)
    with pytest.raises(SmallbizError) as refused:
        _sign(biz.engineer, visit, latitude=None)
    assert "latitude" in refused.value.message_dict
    with pytest.raises(SmallbizError):
        _sign(biz.engineer, visit, longitude="200")
    with pytest.raises(SmallbizError):
        _sign(biz.engineer, visit, photos=[SimpleUploadedFile("x.png", b"not an image", content_type="image/png")])
    visit.refresh_from_db()
    assert visit.state == VisitState.SCHEDULED and not VisitPhoto.objects.exists()


def test_a_signed_visit_is_not_signed_again(biz: Any) -> None:
    visit = _first_visit(biz)
    _sign(biz.engineer, visit)
    with pytest.raises(SmallbizError) as refused:
        _sign(biz.engineer, visit)
    assert refused.value.error_code == "transition_not_allowed"


@pytest.mark.parametrize("score", [0, 6, "abc", "2.5", None, True])
def test_a_score_out_of_range_is_a_clear_error(biz: Any, score: Any) -> None:
    visit = _first_visit(biz)
    _sign(biz.engineer, visit)
    with pytest.raises(SmallbizError) as refused:
        visits.visit_score(actor=biz.street_official, visit=visit, by=ScoreBy.STREET, score=score)
    assert refused.value.message_dict["score"]
    assert not VisitScore.objects.exists()


def test_each_side_scores_once_and_only_its_own_side(biz: Any, personas: Any) -> None:
    enterprise = biz.enterprise("甲厂")
    from safecity.smallbiz.models import SmallEnterprise

    # the conftest's enterprise_a (street_a) moves to a village to be served with its manager
    own = SmallEnterprise.objects.create(organisation=biz.city.enterprise_a, trade="05", size="small", risk_level=3)
    biz.city.enterprise_a.region = biz.village_a1
    biz.city.enterprise_a.save()
    contract = biz.contract([enterprise, own])
    visit = Visit.objects.filter(contract=contract, enterprise=own).order_by("due_on").first()
    with pytest.raises(SmallbizError):
        visits.visit_score(actor=personas.enterprise_user, visit=visit, by=ScoreBy.ENTERPRISE, score=5)  # not done yet
    _sign(biz.engineer, visit)
    with pytest.raises(PermissionDenied):
        visits.visit_score(actor=personas.enterprise_user, visit=visit, by=ScoreBy.STREET, score=5)
    with pytest.raises(PermissionDenied):
        visits.visit_score(actor=biz.engineer, visit=visit, by=ScoreBy.ENTERPRISE, score=5)
    visits.visit_score(actor=personas.enterprise_user, visit=visit, by=ScoreBy.ENTERPRISE, score="4")
    visits.visit_score(actor=biz.street_official, visit=visit, by=ScoreBy.STREET, score=5)
    with pytest.raises(SmallbizError) as again:
        visits.visit_score(actor=biz.street_official, visit=visit, by=ScoreBy.STREET, score=3)
    assert again.value.error_code == "duplicate"
    assert sorted(VisitScore.objects.values_list("by", "score")) == [("enterprise", 4), ("street", 5)]


def test_cancel_by_the_street_with_a_reason(biz: Any) -> None:
    visit = _first_visit(biz)
    with pytest.raises(PermissionDenied):
        visits.visit_cancel(actor=biz.engineer, visit=visit, reason="企业停产")
    with pytest.raises(SmallbizError):
        visits.visit_cancel(actor=biz.street_official, visit=visit, reason=" ")
    visits.visit_cancel(actor=biz.street_official, visit=visit, reason="企业停产")
    visit.refresh_from_db()
    assert visit.state == VisitState.CANCELLED
