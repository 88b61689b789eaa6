"""Services: conflicts of interest, manual panel edits re-validated, findings as hidden hazards in the
lifecycle, root-cause aggregation, notifications."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from safecity.core.models import Notification, Organisation
from safecity.deepchecks import selectors, services
from safecity.deepchecks.models import Finding, Panel
from safecity.deepchecks.scheduling import RuleCode
from safecity.deepchecks.tests.conftest import add_expert
from safecity.hazards import services as hazard_services
from safecity.hazards.choices import HazardSource, HazardState


def test_conflicts_current_past_and_group(city: Any, pool: list[Any], group_enterprise: Any) -> None:
    Organisation.objects.filter(pk=city.enterprise_a.pk).update(parent=group_enterprise)
    sibling = Organisation.objects.create(
        name="常州甲集团子公司", kind="enterprise", region=city.street_a, parent=group_enterprise
    )
    employed = add_expert(city, "在职专家", "provincial", org=sibling)  # same group company as enterprise A
    recent = add_expert(city, "近期离职专家", "provincial")
    old = add_expert(city, "早年离职专家", "provincial")
    services.affiliation_add(
        actor=city.superuser, expert=recent, organisation=city.enterprise_a, kind="employer", valid_until=date(2021, 6, 30)
    )
    services.affiliation_add(
        actor=city.superuser, expert=old, organisation=city.enterprise_a, kind="employer", valid_until=date(2018, 6, 30)
    )
    from safecity.deepchecks.models import Expert

    experts = Expert.objects.select_related("person").prefetch_related("affiliations")
    found = services.conflicts(
        experts=experts, organisation_ids=[city.enterprise_a.pk, city.enterprise_b.pk], on=date(2023, 3, 1)
    )
    assert found[city.enterprise_a.pk] == {employed.pk, recent.pk}
    assert found[city.enterprise_b.pk] == set()


def test_scheduled_panel_meets_the_rule_and_notifies(world: Any, personas: Any) -> None:
    panel = selectors.panel_get(user=personas.district_a, pk=world.panel.pk)
    assert panel.n_members == 5 and panel.n_senior >= 3
    assert Notification.objects.filter(recipient=personas.expert, kind="deepchecks.panel").count() == 1


def test_manual_edit_breaking_a_rule_is_refused_and_named(city: Any, world: Any) -> None:
    before = set(world.panel.members.values_list("expert_id", flat=True))
    city_level = [e for e in world.experts if e.level == "city"]
    with pytest.raises(ValidationError) as exc:
        services.panel_member_set(actor=city.superuser, panel=world.panel, experts=[world.me, *city_level[:4]])
    assert exc.value.error_list[0].code == RuleCode.MIN_SENIOR
    assert "Provincial-level or above experts per panel" in exc.value.messages[0]
    with pytest.raises(ValidationError) as exc:
        services.panel_member_set(actor=city.superuser, panel=world.panel, experts=world.experts[:4])
    assert exc.value.error_list[0].code == RuleCode.PANEL_SIZE
    assert set(world.panel.members.values_list("expert_id", flat=True)) == before


def test_expert_with_conflict_cannot_be_assigned(city: Any, world: Any) -> None:
    conflicted = add_expert(city, "企业前员工", "national")
    services.affiliation_add(
        actor=city.superuser, expert=conflicted, organisation=city.enterprise_a, kind="employer", valid_until=date(2022, 1, 31)
    )
    members = [*[m.expert for m in world.panel.members.all()][:4], conflicted]
    with pytest.raises(ValidationError) as exc:
        services.panel_member_set(actor=city.superuser, panel=world.panel, experts=members)
    assert [e.code for e in exc.value.error_list] == [RuleCode.CONFLICT]


def test_unavailable_expert_cannot_be_assigned(city: Any, world: Any) -> None:
    spare = next(e for e in world.experts if not world.panel.members.filter(expert=e).exists())
    services.unavailability_add(actor=city.superuser, expert=spare, start=world.panel.start_date, end=world.panel.start_date)
    members = [m.expert for m in world.panel.members.all() if m.expert.level == "city"][:1]
    members = [m.expert for m in world.panel.members.all() if m.expert not in members] + [spare]
    with pytest.raises(ValidationError) as exc:
        services.panel_member_set(actor=city.superuser, panel=world.panel, experts=members)
    assert RuleCode.UNAVAILABLE in {e.code for e in exc.value.error_list}


def test_district_b_cannot_edit_panel(personas: Any, world: Any) -> None:
    with pytest.raises(PermissionDenied):
        services.panel_member_set(actor=personas.district_b, panel=world.panel, experts=world.experts[:5])


def test_finding_becomes_expert_diagnosis_hazard_in_lifecycle(
    personas: Any, world: Any, registry: Any, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    session = services.session_start(actor=personas.expert, panel=world.panel)
    items = list(session.items.all())
    assert items and items[0].check_item_id == registry.unit.dictionary_entry.measures.first().check_items.first().pk
    finding = services.finding_record(
        actor=personas.expert, session=session, description="储罐区可燃气体报警器未标定", checklist_item=items[0]
    )
    hazard = finding.hazard
    assert hazard.source == HazardSource.EXPERT_DIAGNOSIS and hazard.state == HazardState.TO_CONFIRM
    assert hazard.organisation_id == world.panel.target.organisation_id and finding.expert == world.me
    items[0].refresh_from_db()
    assert items[0].result == "finding"
    hazard_services.hazard_confirm(actor=personas.district_a, hazard=hazard, deadline=date(2099, 1, 1))
    # Acceptance is requested with the evidence of the fix (a photo of the calibrated detector).
    photo = SimpleUploadedFile("标定后.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    hazard_services.hazard_request_acceptance(
        actor=personas.enterprise_user, hazard=hazard, rectification="已标定", evidence=[photo]
    )
    hazard_services.hazard_accept(actor=personas.district_a, hazard=hazard, comment="整改到位")
    hazard.refresh_from_db()
    assert hazard.state == HazardState.ACCEPTED
    assert [t.action for t in hazard.timeline.all()] == ["report", "confirm", "request_acceptance", "accept"]


def test_expert_cannot_report_once_check_completed_or_elsewhere(personas: Any, world: Any, city: Any) -> None:
    session = services.session_start(actor=personas.expert, panel=world.panel)
    with pytest.raises(PermissionDenied):
        hazard_services.hazard_report(actor=personas.expert, organisation=city.enterprise_b, description="x", source=8)
    services.session_complete(actor=personas.expert, session=session)
    with pytest.raises(ValidationError):
        services.finding_record(actor=personas.expert, session=session, description="太晚了")
    assert Panel.objects.get(pk=world.panel.pk).status == "completed"


def test_root_cause_aggregation(personas: Any, world: Any, city: Any) -> None:
    session = services.session_start(actor=personas.expert, panel=world.panel)
    plan = [("management", "training")] * 3 + [("object", "equipment_integrity")] * 2 + [("person", "training")]
    for category, element in plan:
        finding = services.finding_record(actor=personas.expert, session=session, description=f"{category}-{element}")
        services.root_cause_save(actor=personas.expert, finding=finding, category=category, management_element=element)
    year = Finding.objects.first().found_at.year  # type: ignore[union-attr]
    causes = {
        c["category"]: c["count"]
        for c in selectors.enterprise_causes(user=personas.district_a, organisation=city.enterprise_a, year=year)
    }
    assert causes == {"person": 1, "object": 2, "management": 3, "environment": 0}
    roots = selectors.enterprise_root_causes(user=personas.enterprise_user, organisation=city.enterprise_a, year=year)
    assert [(r["element"], r["count"]) for r in roots] == [("training", 4), ("equipment_integrity", 2)]
    assert {h.description for h in roots[1]["hazards"]} == {"object-equipment_integrity"}
    assert selectors.enterprise_root_causes(user=personas.district_b, organisation=city.enterprise_a, year=year) == []
