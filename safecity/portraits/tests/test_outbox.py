"""Portraits rescored from the outbox: a change of the records behind a portrait (through any ORM
path) marks it stale in the same transaction; the job rescored it once the changes settle
(debounced, with a longest wait); the claim is a conditional update; the page says when."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
import time_machine
from django.urls import reverse

from safecity.hazards.choices import HazardState
from safecity.hazards.models import HiddenHazard
from safecity.portraits.models import Portrait, RescoreRequest
from safecity.portraits.services import outbox, portrait_compute, portraits_rescore_due
from safecity.portraits.tests.conftest import moment

pytestmark = pytest.mark.django_db
T0 = moment(2026, 3, 2)


@pytest.fixture(autouse=True)
def _delays(settings: Any) -> None:
    settings.SAFECITY_PORTRAITS_RESCORE_DEBOUNCE_SECONDS = 120
    settings.SAFECITY_PORTRAITS_RESCORE_MAX_WAIT_SECONDS = 600


def _pending(org: Any) -> RescoreRequest:
    return RescoreRequest.objects.get(organisation=org, claimed_at__isnull=True)


def test_a_hazard_change_is_rescored_after_the_debounce(city: Any, make_hazard: Any) -> None:
    with time_machine.travel(T0, tick=False):
        portrait_compute(organisation=city.enterprise_a, year=2026)
        assert Portrait.objects.get(organisation=city.enterprise_a, year=2026).score == 100
        make_hazard(discovered=moment(2026, 3, 1), deadline=None)
        request = _pending(city.enterprise_a)
        assert (request.year, request.due_at) == (2026, T0 + timedelta(seconds=120))
        assert not RescoreRequest.objects.filter(organisation=city.enterprise_b).exists()
        assert portraits_rescore_due() == 0  # not due yet: nothing rescored
    assert Portrait.objects.get(organisation=city.enterprise_a, year=2026).score == 100
    with time_machine.travel(T0 + timedelta(seconds=121), tick=False):
        assert portraits_rescore_due() == 1
    portrait = Portrait.objects.get(organisation=city.enterprise_a, year=2026)
    assert portrait.score < 100 and portrait.computed_at == T0 + timedelta(seconds=121)
    done = RescoreRequest.objects.get(organisation=city.enterprise_a)
    assert done.done_at is not None and done.claimed_at == T0 + timedelta(seconds=121)


def test_each_change_pushes_the_rescore_back_but_never_past_the_longest_wait(city: Any, make_hazard: Any) -> None:
    with time_machine.travel(T0, tick=False):
        hazard = make_hazard(discovered=moment(2026, 3, 1), deadline=None)
    first = _pending(city.enterprise_a).changes
    for minutes in (1, 3, 5, 7, 9):
        with time_machine.travel(T0 + timedelta(minutes=minutes), tick=False):
            hazard.description = f"改 {minutes}"
            hazard.save()
    request = _pending(city.enterprise_a)
    assert request.changes > first
    assert request.due_at == T0 + timedelta(seconds=600)  # capped: first change + the longest wait
    with time_machine.travel(T0 + timedelta(minutes=9, seconds=30), tick=False):
        assert portraits_rescore_due() == 0
    with time_machine.travel(T0 + timedelta(minutes=10), tick=False):
        assert portraits_rescore_due() == 1
    with time_machine.travel(T0 + timedelta(minutes=11), tick=False):
        hazard.description = "再改"
        hazard.save()  # after the claim: a new request, the finished one stays finished
    assert RescoreRequest.objects.filter(organisation=city.enterprise_a).count() == 2
    assert _pending(city.enterprise_a).due_at == T0 + timedelta(minutes=13)


def test_no_write_path_escapes(city: Any, make_hazard: Any, make_event: Any) -> None:
    """QuerySet.update and bulk_update write no signal; the audit trail records them, so the outbox sees them."""
    with time_machine.travel(T0, tick=False):
        hazard = make_hazard(org=city.enterprise_b, discovered=moment(2026, 3, 1), deadline=None)
    RescoreRequest.objects.all().delete()
    HiddenHazard.objects.filter(pk=hazard.pk).update(state=HazardState.TO_CONFIRM)
    assert _pending(city.enterprise_b)
    RescoreRequest.objects.all().delete()
    hazard.refresh_from_db()
    hazard.deadline = date(2026, 4, 1)
    HiddenHazard.objects.bulk_update([hazard], ["deadline"])
    assert _pending(city.enterprise_b)
    RescoreRequest.objects.all().delete()
    hazard.delete()
    assert _pending(city.enterprise_b)
    RescoreRequest.objects.all().delete()
    make_event(org=city.enterprise_a)  # the risk registry (objects, units, events, measures)
    assert _pending(city.enterprise_a) and not RescoreRequest.objects.filter(organisation=city.enterprise_b).exists()


def test_a_fire_inspection_marks_the_portrait_stale(city: Any) -> None:
    from safecity.firecases.choices import ThreeInOne
    from safecity.firecases.models import FireInspection

    FireInspection.objects.create(
        organisation=city.enterprise_a, fire_brigade=city.bureau_a, inspected_on=date(2026, 3, 1), inspectors="黄鹏",
        result="hazards_found", three_in_one=ThreeInOne.PRESENT,
    )  # fmt: skip
    assert _pending(city.enterprise_a)
    assert ("firecases", "fireinspection") in outbox.portrait_inputs()


def test_a_row_is_claimed_once_and_a_stale_claim_is_taken_over(city: Any, make_hazard: Any) -> None:
    with time_machine.travel(T0, tick=False):
        make_hazard(discovered=moment(2026, 3, 1), deadline=None)
    later = T0 + timedelta(minutes=5)
    first = outbox._claim(later, 100)
    second = outbox._claim(later, 100)  # another worker at the same moment: the conditional update finds nothing
    assert RescoreRequest.objects.filter(claim=first).count() == 1
    assert not RescoreRequest.objects.filter(claim=second).exists()
    # The first worker died: after the stale-claim delay another one takes the row over.
    assert not RescoreRequest.objects.filter(claim=outbox._claim(later + timedelta(minutes=10), 100)).exists()
    taken = outbox._claim(later + outbox.STALE_CLAIM + timedelta(seconds=1), 100)
    assert RescoreRequest.objects.filter(claim=taken).count() == 1


def test_only_active_enterprises_are_rescored(city: Any) -> None:
    outbox.portraits_mark_stale(organisation_ids=[city.bureau_a.pk, city.enterprise_a.pk], year=2026, now=T0)
    with time_machine.travel(T0 + timedelta(minutes=3), tick=False):
        assert portraits_rescore_due() == 1
    assert list(Portrait.objects.values_list("organisation_id", flat=True)) == [city.enterprise_a.pk]
    assert not RescoreRequest.objects.filter(done_at__isnull=True).exists()


def test_the_portrait_page_says_when_it_was_computed_and_that_a_rescore_is_coming(
    client: Any, city: Any, personas: Any, make_hazard: Any
) -> None:
    with time_machine.travel(T0, tick=False):
        portrait = portrait_compute(organisation=city.enterprise_a, year=2026)
    url = reverse("portraits:detail", args=[portrait.pk])
    client.force_login(personas.enterprise_user)
    page = client.get(url).content.decode()
    assert "2026-03-02 10:00" in page and 'data-testid="rescore-pending"' not in page
    with time_machine.travel(T0 + timedelta(hours=1), tick=False):
        make_hazard(discovered=moment(2026, 3, 1), deadline=None)
    page = client.get(url).content.decode()
    assert 'data-testid="rescore-pending"' in page and "11:02" in page
    api = client.get(f"/api/portraits/portraits/{portrait.pk}/").json()
    assert api["computed_at"].startswith("2026-03-02T10:00")
    # Other personas: district B and the outsider do not reach the portrait at all.
    for other in (personas.district_b, personas.outsider):
        client.force_login(other)
        assert client.get(url).status_code == 404


@pytest.mark.postgres
def test_concurrent_marks_keep_one_pending_row_on_postgres(city: Any) -> None:
    """The one-pending-row constraint holds when two writers create the row (ON CONFLICT DO NOTHING)."""
    outbox.portraits_mark_stale(organisation_ids=[city.enterprise_a.pk], year=2026, now=T0)
    RescoreRequest.objects.bulk_create(
        [RescoreRequest(organisation=city.enterprise_a, year=2026, requested_at=T0, due_at=T0)], ignore_conflicts=True
    )
    assert RescoreRequest.objects.filter(organisation=city.enterprise_a, claimed_at__isnull=True).count() == 1
