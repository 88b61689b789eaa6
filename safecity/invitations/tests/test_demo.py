"""The demo step (issue 16 §5): the detachment's 41 transport companies invited in 2023, each
scheduled (two late, with the reason), reported, rectified and followed up; this year one
awaiting scheduling, one scheduled, one finding referred to enforcement; the two accounts; and
``safecity figures --year 2023`` showing 41 invitations received."""

from __future__ import annotations

import random
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules

from safecity.core.demo import steps
from safecity.core.figures import FigureContext, compute_indicators
from safecity.core.models import Region
from safecity.core.scoping import scoped
from safecity.invitations.choices import InvitationState
from safecity.invitations.legal import TITLES
from safecity.invitations.models import AssociationMember, Finding, Invitation
from safecity.invitations.selectors import enforcement_list
from safecity.library.models import LibraryEntry

NEEDED = ("core.city", "riskdict.starter", "library.entries", "deepchecks.campaign_2023", "invitations.transport")


def test_the_transport_detachments_invitations(db: Any) -> None:
    autodiscover_modules("demo")
    admin = get_user_model().objects.create_superuser(username="admin", password="x", email="")
    for step in steps():
        if step.name in NEEDED:
            step.run(random.Random(f"2023:{step.name}"), admin)
    year = Invitation.objects.filter(invited_on__year=2023)
    assert year.count() == 41
    assert year.values("enterprise").distinct().count() == 41
    assert set(year.values_list("state", flat=True)) == {InvitationState.FOLLOWED_UP}
    late = [i for i in year if i.scheduled_late]
    assert len(late) == 2 and all(i.late_reason for i in late)
    assert not year.filter(rating__isnull=True).exists()
    findings_2023 = Finding.objects.filter(invitation__in=year)
    assert findings_2023.exists() and not findings_2023.filter(referred_at__isnull=False).exists()
    figures = compute_indicators(FigureContext(region=Region.objects.get(code="320400"), year=2023))
    assert figures["invitations.received"] == 41
    assert figures["invitations.done"] == 41
    assert figures["invitations.within_sla"] == 39
    assert figures["invitations.hazards_found"] == findings_2023.count() == figures["invitations.hazards_rectified"]
    now = Invitation.objects.filter(invited_on__year=timezone.localdate().year)
    assert {InvitationState.INVITED, InvitationState.SCHEDULED, InvitationState.REPORTED} <= set(
        now.values_list("state", flat=True)
    )
    assert set(LibraryEntry.objects.filter(title__in=TITLES).values_list("title", flat=True)) == set(TITLES)
    users = get_user_model().objects
    inspector, manager = users.get(username="transport.inspector"), users.get(username="transport.manager")
    assert enforcement_list(user=inspector).count() == 1
    assert not enforcement_list(user=manager).exists()
    own = scoped(Invitation, manager)
    assert own.count() == 2 and own.filter(findings__referred_at__isnull=False).exists()
    assert scoped(Invitation, inspector).count() == Invitation.objects.count()
    # The road transport association: 12 members, three invited for at once this week.
    association = users.get(username="transport.association")
    through = scoped(Invitation, association)
    assert through.count() == 3
    assert set(through.values_list("state", flat=True)) == {InvitationState.INVITED}
    assert {i.association.name for i in through} == {"常州市道路运输协会"}
    assert scoped(AssociationMember, association).count() == 12
    # The association's invitations are not the other members' business.
    assert not scoped(Invitation, manager).filter(association__isnull=False).exists()
