"""Two people accept and schedule the same invitation at the same moment: exactly one wins, the
other is told it is already scheduled, and the checklist is written once. The row lock
(``select_for_update``) serialises them on PostgreSQL; SQLite's IMMEDIATE write transactions on a
file copy of the test database (the hazards' concurrency helpers explain why). Runs on both."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from safecity.core.models import Person
from safecity.hazards.tests.test_concurrency import run_in_threads, thread_database
from safecity.invitations.choices import InvitationState
from safecity.invitations.models import ChecklistItem, Invitation, InvitationEvent
from safecity.invitations.services import invitations as svc
from safecity.invitations.services.common import InvitationError

from .conftest import Inv


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_schedules_one_wins(inv: Inv, tmp_path: Any) -> None:
    invitation = inv.invite()
    inspector_person = inv.inspector.person.pk

    def scheduler(username: str) -> Callable[[], str]:
        def schedule() -> str:
            user = get_user_model().objects.get(username=username)
            svc.invitation_schedule(
                actor=user,
                invitation=Invitation.objects.get(pk=invitation.pk),
                scheduled_on=timezone.localdate() + timedelta(days=2),
                inspectors=[Person.objects.get(pk=inspector_person)],
                free_items=[f"{username} 检查项"],
            )
            return username

        return schedule

    def stored() -> tuple[str, int, list[str]]:
        state = Invitation.objects.get(pk=invitation.pk).state
        events = InvitationEvent.objects.filter(invitation_id=invitation.pk, action="schedule").count()
        return state, events, list(ChecklistItem.objects.values_list("content", flat=True))

    with thread_database(tmp_path):
        results = run_in_threads([scheduler("transport_inspector"), scheduler("district_a")])
        (state, events, items) = run_in_threads([stored])[0]

    winners = [r for r in results if isinstance(r, str)]
    losers = [r for r in results if isinstance(r, InvitationError)]
    assert len(winners) == 1 and len(losers) == 1, results
    assert losers[0].error_code == "transition_not_allowed"
    assert (state, events, items) == (InvitationState.SCHEDULED, 1, [f"{winners[0]} 检查项"])
