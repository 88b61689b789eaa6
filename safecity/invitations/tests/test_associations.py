"""A trade association invites for several member enterprises (issue 16 §1): its member list
(added by credit code, removed, audited), the invitations it makes (one per member, all or none),
who sees them (the association and each member its own, never the other members), who rates them
(the enterprise itself), the pages and the API."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.utils import timezone

from conftest import make_org, make_user
from safecity.core.audit_scope import scope_entries
from safecity.core.choices import OrganisationKind, Role
from safecity.core.models import AuditEntry, Organisation
from safecity.core.scoping import principal_for, scoped
from safecity.invitations.models import AssociationMember, Invitation
from safecity.invitations.services import invitations as svc
from safecity.invitations.services.common import InvitationError

from .conftest import Inv

pytestmark = pytest.mark.django_db


class Assoc:
    def __init__(self, inv: Inv) -> None:
        city = inv.city
        self.inv = inv
        self.org = make_org("常州市道路运输协会", OrganisationKind.TRADE_ASSOCIATION, city.city, actor=city.superuser)
        self.secretary = make_user(city, "association_secretary", self.org, Role.ENTERPRISE_MANAGER)
        self.third = make_org("常州丙运输有限公司", OrganisationKind.ENTERPRISE, city.enterprise_a.region, actor=city.superuser)
        self.third_manager = make_user(city, "third_manager", self.third, Role.ENTERPRISE_MANAGER)

    def add(self, enterprise: Organisation) -> AssociationMember:
        return svc.association_member_add(actor=self.secretary, association=self.org, credit_code=enterprise.credit_code or "")

    def invite(self, enterprises: list[Organisation], **extra: Any) -> list[Invitation]:
        day = timezone.localdate()
        values: dict[str, Any] = {
            "topic": "会员企业动态监控",
            "preferred_from": day + timedelta(days=7),
            "preferred_to": day + timedelta(days=21),
            "concerns": "报警处置不规范",
        }
        values.update(extra)
        return svc.invitations_create_for_members(
            actor=self.secretary, association=self.org, enterprises=enterprises, authority=self.inv.detachment, **values
        )


@pytest.fixture
def assoc(inv: Inv) -> Assoc:
    return Assoc(inv)


def login(user: Any) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def test_members_are_added_by_credit_code_and_audited(assoc: Assoc) -> None:
    member = assoc.add(assoc.inv.city.enterprise_a)
    assert member.joined_on == timezone.localdate()
    ct = ContentType.objects.get_for_model(AssociationMember)
    assert AuditEntry.objects.filter(content_type=ct, object_id=str(member.pk)).exists()
    # The association's own audit trail shows the membership it wrote (reached through the association).
    assert scope_entries(AuditEntry.objects.filter(content_type=ct), principal_for(assoc.secretary)).exists()
    with pytest.raises(InvitationError) as again:
        assoc.add(assoc.inv.city.enterprise_a)
    assert "already a member" in str(again.value)
    with pytest.raises(InvitationError) as unknown:
        svc.association_member_add(actor=assoc.secretary, association=assoc.org, credit_code="91320400MA00000000")
    assert "No enterprise" in str(unknown.value)
    with pytest.raises(InvitationError):
        # An enterprise is not a trade association.
        svc.association_member_add(
            actor=assoc.inv.manager, association=assoc.inv.city.enterprise_a, enterprise=assoc.inv.city.enterprise_b
        )
    assert AssociationMember.objects.count() == 1


def test_an_outsider_cannot_add_to_an_association_and_the_enterprise_may_leave(assoc: Assoc) -> None:
    with pytest.raises(PermissionDenied):
        svc.association_member_add(actor=assoc.inv.personas.outsider, association=assoc.org, enterprise=assoc.third)
    member = assoc.add(assoc.inv.city.enterprise_a)
    with pytest.raises(PermissionDenied):
        svc.association_member_remove(actor=assoc.third_manager, member=member)
    svc.association_member_remove(actor=assoc.inv.manager, member=member)  # enterprise_a's manager leaves
    assert not AssociationMember.objects.exists()


def test_one_invitation_per_member_all_or_none(assoc: Assoc) -> None:
    city = assoc.inv.city
    assoc.add(city.enterprise_a)
    assoc.add(city.enterprise_b)
    with pytest.raises(InvitationError) as refused:
        assoc.invite([city.enterprise_a, assoc.third])  # the third is not a member
    assert "常州丙运输有限公司" in str(refused.value)
    assert not Invitation.objects.exists()
    made = assoc.invite([city.enterprise_a, city.enterprise_b])
    assert [i.enterprise for i in made] == [city.enterprise_a, city.enterprise_b]
    assert {i.association for i in made} == {assoc.org}
    with pytest.raises(InvitationError):
        assoc.invite([])


def test_who_sees_and_who_rates_an_association_invitation(assoc: Assoc) -> None:
    city = assoc.inv.city
    assoc.add(city.enterprise_a)
    assoc.add(assoc.third)
    a, third = assoc.invite([city.enterprise_a, assoc.third])
    own = assoc.inv.invite(enterprise=city.enterprise_a)  # enterprise_a's own invitation, not the association's
    assert set(scoped(Invitation, assoc.secretary)) == {a, third}
    assert set(scoped(Invitation, assoc.inv.manager)) == {a, own}
    assert set(scoped(Invitation, assoc.third_manager)) == {third}
    # The association may withdraw what it sent.
    svc.invitation_withdraw(actor=assoc.secretary, invitation=third, reason="会员企业自行安排")
    # The rating is the enterprise's own.
    from safecity.core.scoping import roles_for
    from safecity.invitations.transitions import TRANSITIONS, allowed

    a.state = "reported"
    rate = TRANSITIONS[("rate", "reported")]
    assert allowed(rate, assoc.inv.manager, a, roles_for(assoc.inv.manager, a))
    assert not allowed(rate, assoc.secretary, a, roles_for(assoc.secretary, a))


def test_the_pages_add_invite_and_remove(assoc: Assoc) -> None:
    city = assoc.inv.city
    client = login(assoc.secretary)
    page = client.get("/invitations/members/")
    assert page.status_code == 200 and b"member-add-form" in page.content
    response = client.post("/invitations/members/", {"association": assoc.org.pk, "credit_code": "nonsense"})
    assert response.status_code == 200 and b"No enterprise" in response.content
    for org in (city.enterprise_a, city.enterprise_b):
        response = client.post("/invitations/members/", {"association": assoc.org.pk, "credit_code": org.credit_code})
        assert response.status_code == 302
    form = client.get("/invitations/new/")
    assert form.status_code == 200 and "常州甲化工有限公司" in form.content.decode()
    day = timezone.localdate()
    response = client.post(
        "/invitations/new/",
        {
            "association": assoc.org.pk,
            "enterprises": [city.enterprise_a.pk, city.enterprise_b.pk],
            "authority": assoc.inv.detachment.pk,
            "topic": "会员企业动态监控",
            "preferred_from": (day + timedelta(days=7)).isoformat(),
            "preferred_to": (day + timedelta(days=14)).isoformat(),
            "concerns": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Invitation.objects.filter(association=assoc.org).count() == 2
    listing = client.get(f"/invitations/?association={assoc.org.pk}")
    assert listing.content.decode().count("会员企业动态监控") >= 2
    # enterprise_a's manager sees its membership (and may leave); an outsider sees no member page.
    assert "常州市道路运输协会" in login(assoc.inv.manager).get("/invitations/members/").content.decode()
    assert login(assoc.inv.personas.outsider).get("/invitations/members/").status_code in (302, 403)
    member = AssociationMember.objects.get(enterprise=city.enterprise_b)
    assert client.post(f"/invitations/members/{member.pk}/remove/").status_code == 302
    assert not AssociationMember.objects.filter(pk=member.pk).exists()


def test_the_api_adds_members_and_invites_for_them(assoc: Assoc) -> None:
    city = assoc.inv.city
    client = login(assoc.secretary)
    for org in (city.enterprise_a, city.enterprise_b):
        response = client.post(
            "/api/invitations/association-members/",
            {"association": assoc.org.pk, "credit_code": org.credit_code},
            content_type="application/json",
        )
        assert response.status_code == 201, response.content
    listed = client.get("/api/invitations/association-members/").json()
    assert len(listed["results"] if isinstance(listed, dict) else listed) == 2
    day = timezone.localdate()
    body = {
        "association": assoc.org.pk,
        "enterprises": [city.enterprise_a.pk, city.enterprise_b.pk],
        "authority": assoc.inv.detachment.pk,
        "topic": "会员企业动态监控",
        "preferred_from": (day + timedelta(days=7)).isoformat(),
        "preferred_to": (day + timedelta(days=14)).isoformat(),
    }
    response = client.post("/api/invitations/invitations/for-members/", body, content_type="application/json")
    assert response.status_code == 201, response.content
    assert len(response.json()) == 2
    bad = dict(body, enterprises=[assoc.third.pk])
    response = client.post("/api/invitations/invitations/for-members/", bad, content_type="application/json")
    assert response.status_code == 400
    assert Invitation.objects.count() == 2
    member = AssociationMember.objects.get(enterprise=city.enterprise_a)
    assert login(assoc.third_manager).delete(f"/api/invitations/association-members/{member.pk}/").status_code == 404
    assert client.delete(f"/api/invitations/association-members/{member.pk}/").status_code == 204
