"""The planned visit day (the CP-SAT plan's ``planned_on``) on every page that shows a visit, the
engineer's quick filters ("my visits today / this week") and the sort by planned day; the daily
reminders of overdue visits and of visits planned for tomorrow (who is told, once, only people who
may see the visit) and their scheduled task."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

import pytest
from django.utils import timezone

from safecity.core.models import Notification
from safecity.core.scheduling import jobs
from safecity.smallbiz.choices import ContractState, VisitState
from safecity.smallbiz.models import Contract, ProviderEngineer, Visit
from safecity.smallbiz.services.visits import REMIND_OVERDUE, REMIND_TOMORROW, visits_remind_overdue
from safecity.smallbiz.tasks import remind_overdue


@dataclass
class Plan:
    """One contract of ``biz.provider`` over two enterprises of village A1 and one of village A2,
    its visits set to known days relative to today."""

    contract: Contract
    today_mine: Visit  # planned today, the logged-in engineer's (A1)
    today_other: Visit  # planned today, another engineer of the same provider (A1)
    next_week: Visit  # planned in 7 days (never this calendar week), the engineer's (A2)
    unplanned: Visit  # no planned day, the engineer's (A1)
    mine: ProviderEngineer
    colleague: ProviderEngineer


def _day(n: int) -> date:
    return timezone.localdate() + timedelta(days=n)


def _plan(biz: Any) -> Plan:
    e1, e2 = biz.enterprise("计划厂"), biz.enterprise("排班厂")
    e3 = biz.enterprise("乙村厂", biz.village_a2)
    contract = biz.contract([e1, e2, e3])
    mine = ProviderEngineer.objects.get(person__user=biz.engineer)
    colleague = ProviderEngineer.objects.filter(provider=biz.provider).exclude(pk=mine.pk).order_by("pk").first()
    assert colleague is not None and colleague.person.user_id is None
    # Every visit of the contract out of the way first (done long ago), then four set to known days.
    Visit.objects.filter(contract=contract).update(state=VisitState.CANCELLED, planned_on=None, due_on=_day(-400), engineer=mine)

    def visit(enterprise: Any, engineer: ProviderEngineer, planned: date | None, due: date) -> Visit:
        row = Visit.objects.filter(contract=contract, enterprise=enterprise, state=VisitState.CANCELLED).order_by("pk")[0]
        Visit.objects.filter(pk=row.pk).update(state=VisitState.SCHEDULED, engineer=engineer, planned_on=planned, due_on=due)
        row.refresh_from_db()
        return row

    return Plan(
        contract=contract,
        today_mine=visit(e1, mine, _day(0), _day(20)),
        today_other=visit(e2, colleague, _day(0), _day(20)),
        next_week=visit(e3, mine, _day(7), _day(25)),
        unplanned=visit(e2, mine, None, _day(40)),
        mine=mine,
        colleague=colleague,
    )


def _rows(page: Any) -> list[int]:
    return [v.pk for v in page.context["page"]]


# -- pages ---------------------------------------------------------------------------------------


def test_the_visit_list_shows_the_planned_day_to_the_engineer_and_the_official(client: Any, biz: Any, personas: Any) -> None:
    plan = _plan(biz)
    for user in (biz.engineer, personas.district_a, biz.street_official):
        client.force_login(user)
        page = client.get("/smallbiz/visits/")
        html = page.content.decode()
        assert page.status_code == 200
        assert "Planned visit day" in html and _day(7).isoformat() in html and _day(0).isoformat() in html
        assert plan.next_week.pk in _rows(page)


def test_the_engineers_quick_filters_give_their_own_visits_of_today_and_this_week(client: Any, biz: Any) -> None:
    plan = _plan(biz)
    client.force_login(biz.engineer)
    listing = client.get("/smallbiz/visits/").content.decode()
    assert 'data-testid="mine-today"' in listing and 'data-testid="mine-week"' in listing
    assert _rows(client.get("/smallbiz/visits/?planned=today&mine=1")) == [plan.today_mine.pk]
    week = _rows(client.get("/smallbiz/visits/?planned=week&mine=1&sort=planned"))
    assert plan.today_mine.pk in week
    assert plan.next_week.pk not in week and plan.today_other.pk not in week and plan.unplanned.pk not in week
    # without "mine", today's visits of the whole provider
    assert set(_rows(client.get("/smallbiz/visits/?planned=today"))) == {plan.today_mine.pk, plan.today_other.pk}


def test_officials_get_the_planned_filters_but_mine_means_nothing_to_them(client: Any, biz: Any, personas: Any) -> None:
    plan = _plan(biz)
    client.force_login(personas.district_a)
    listing = client.get("/smallbiz/visits/").content.decode()
    assert 'data-testid="planned-today"' in listing and 'data-testid="mine-today"' not in listing
    # an official is nobody's engineer: "mine" is ignored, not an empty list
    assert set(_rows(client.get("/smallbiz/visits/?planned=today&mine=1"))) == {plan.today_mine.pk, plan.today_other.pk}
    assert set(_rows(client.get("/smallbiz/visits/?planned=week"))) == {plan.today_mine.pk, plan.today_other.pk}


def test_the_other_providers_engineer_and_district_b_see_none_of_it(client: Any, biz: Any, personas: Any) -> None:
    plan = _plan(biz)
    for user in (biz.other_engineer, personas.district_b):
        client.force_login(user)
        assert _rows(client.get("/smallbiz/visits/?planned=week")) == []
        assert client.get(f"/smallbiz/visits/{plan.today_mine.pk}/").status_code == 404


def test_the_list_sorts_by_planned_day_both_ways_unplanned_last(client: Any, biz: Any) -> None:
    plan = _plan(biz)
    client.force_login(biz.engineer)
    up = _rows(client.get("/smallbiz/visits/?status=scheduled&sort=planned"))
    assert up[-1] == plan.unplanned.pk and up.index(plan.today_mine.pk) < up.index(plan.next_week.pk)
    down = _rows(client.get("/smallbiz/visits/?status=scheduled&sort=-planned"))
    assert down[0] == plan.next_week.pk and down[-1] == plan.unplanned.pk
    # the header link reverses the order it is sorted by, and keeps the filters
    page = client.get("/smallbiz/visits/?status=scheduled&sort=planned")
    assert page.context["sort_links"]["planned"] == "status=scheduled&sort=-planned"
    assert page.context["sort_links"]["due"] == "status=scheduled&sort=due"
    # an unknown order is ignored (the default, by due date)
    assert client.get("/smallbiz/visits/?sort=drop+table").status_code == 200


def test_the_visit_page_and_the_phone_page_show_the_planned_day(client: Any, biz: Any, personas: Any) -> None:
    plan = _plan(biz)
    day = plan.next_week.planned_on.isoformat()  # type: ignore[union-attr]
    for user in (biz.engineer, personas.district_a, biz.other_supervisor):
        client.force_login(user)
        html = client.get(f"/smallbiz/visits/{plan.next_week.pk}/").content.decode()
        assert "Planned visit day" in html and day in html
    client.force_login(biz.engineer)
    phone = client.get(f"/smallbiz/visits/{plan.next_week.pk}/sign/").content.decode()
    assert 'data-testid="planned-on"' in phone and day in phone
    unplanned = client.get(f"/smallbiz/visits/{plan.unplanned.pk}/").content.decode()
    assert "Not planned yet" in unplanned
    assert 'data-testid="planned-on"' not in client.get(f"/smallbiz/visits/{plan.unplanned.pk}/sign/").content.decode()


def test_the_contract_page_shows_the_visits_to_do_by_planned_day(client: Any, biz: Any) -> None:
    plan = _plan(biz)
    for user in (biz.street_official, biz.engineer):
        client.force_login(user)
        page = client.get(f"/smallbiz/contracts/{plan.contract.pk}/")
        assert page.status_code == 200
        upcoming = [v.pk for v in page.context["upcoming"]]
        assert upcoming == [plan.today_mine.pk, plan.today_other.pk, plan.next_week.pk, plan.unplanned.pk] or upcoming == [
            plan.today_other.pk,
            plan.today_mine.pk,
            plan.next_week.pk,
            plan.unplanned.pk,
        ]
        schedule = {(row["engineer"], row["code"]): row["next_planned"] for row in page.context["schedule"]}
        assert schedule[(plan.mine.person.name, biz.village_a1.code)] == _day(0)
        assert schedule[(plan.mine.person.name, biz.village_a2.code)] == _day(7)
        assert _day(7).isoformat() in page.content.decode()


def test_the_contract_page_puts_overdue_visits_first(client: Any, biz: Any) -> None:
    plan = _plan(biz)
    Visit.objects.filter(pk=plan.unplanned.pk).update(due_on=_day(-3))
    client.force_login(biz.street_official)
    page = client.get(f"/smallbiz/contracts/{plan.contract.pk}/")
    assert page.context["upcoming"][0].pk == plan.unplanned.pk
    assert "badge-red" in page.content.decode()


def test_the_village_page_lists_visits_due_and_overdue_with_the_planned_day(client: Any, biz: Any) -> None:
    plan = _plan(biz)
    Visit.objects.filter(pk=plan.today_other.pk).update(due_on=_day(-2), planned_on=_day(-5))
    client.force_login(biz.supervisor)
    page = client.get(f"/smallbiz/supervision/?region={biz.village_a1.code}")
    html = page.content.decode()
    assert page.status_code == 200
    assert [v.pk for v in page.context["overdue"]] == [plan.today_other.pk]
    assert _day(-5).isoformat() in html and 'data-testid="due"' in html
    assert [v.pk for v in page.context["due"]] == [plan.today_mine.pk]  # A2's visit is not on A1's page
    client.force_login(biz.other_supervisor)
    a2 = client.get(f"/smallbiz/supervision/?region={biz.village_a2.code}")
    assert [v.pk for v in a2.context["due"]] == [plan.next_week.pk] and _day(7).isoformat() in a2.content.decode()


# -- reminders -----------------------------------------------------------------------------------


def _notes(kind: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for note in Notification.objects.filter(kind=kind).select_related("recipient").order_by("pk"):
        out.setdefault(note.recipient.username, []).append(note.link)
    return out


def _overdue(plan: Plan, visit: Visit) -> Visit:
    Visit.objects.filter(pk=visit.pk).update(due_on=_day(-3), planned_on=_day(-6))
    visit.refresh_from_db()
    return visit


def test_an_overdue_visit_is_told_to_its_engineer_and_its_village_once(biz: Any, personas: Any) -> None:
    plan = _plan(biz)
    visit = _overdue(plan, plan.today_mine)
    counts = visits_remind_overdue()
    link = f"/smallbiz/visits/{visit.pk}/"
    assert _notes(REMIND_OVERDUE) == {"engineer": [link], "supervisor": [link]}
    assert counts["overdue"] == 1 and counts["notifications"] == 2
    message = Notification.objects.filter(kind=REMIND_OVERDUE).first().message  # type: ignore[union-attr]
    assert visit.enterprise.organisation.name in message and visit.due_on.isoformat() in message
    # not told: the other village's supervisor, the other provider, the street, the districts
    again = visits_remind_overdue()
    assert again == {"overdue": 0, "tomorrow": 0, "notifications": 0}
    assert Notification.objects.filter(kind=REMIND_OVERDUE).count() == 2
    # still overdue the next day: nobody is told twice
    assert visits_remind_overdue(today=_day(1))["notifications"] == 0


def test_a_visit_without_an_engineer_to_tell_goes_to_the_providers_engineers(biz: Any) -> None:
    plan = _plan(biz)
    visit = _overdue(plan, plan.today_other)  # assigned to the colleague, who has no login
    visits_remind_overdue()
    link = f"/smallbiz/visits/{visit.pk}/"
    assert _notes(REMIND_OVERDUE) == {"engineer": [link], "supervisor": [link]}
    Visit.objects.filter(pk=plan.next_week.pk).update(engineer=None, due_on=_day(-1))
    visits_remind_overdue()
    notes = _notes(REMIND_OVERDUE)
    # village A2's visit: the provider (its engineer with a login) and A2's committee, not A1's
    assert f"/smallbiz/visits/{plan.next_week.pk}/" in notes["engineer"]
    assert notes["other_supervisor"] == [f"/smallbiz/visits/{plan.next_week.pk}/"]
    assert notes["supervisor"] == [link]
    assert "other_engineer" not in notes


def test_nothing_for_done_cancelled_future_or_closed_contract_visits(biz: Any) -> None:
    plan = _plan(biz)
    done = _overdue(plan, plan.today_mine)
    Visit.objects.filter(pk=done.pk).update(
        state=VisitState.DONE,
        done_at=timezone.make_aware(datetime.combine(_day(-4), time(10))),
        latitude="31.9",
        longitude="119.9",
    )
    cancelled = _overdue(plan, plan.today_other)
    Visit.objects.filter(pk=cancelled.pk).update(state=VisitState.CANCELLED)
    assert visits_remind_overdue() == {"overdue": 0, "tomorrow": 0, "notifications": 0}
    # a closed contract's visits are nobody's work any more
    open_one = _overdue(plan, plan.next_week)
    Contract.objects.filter(pk=plan.contract.pk).update(state=ContractState.CLOSED)
    assert visits_remind_overdue()["notifications"] == 0
    Contract.objects.filter(pk=plan.contract.pk).update(state=ContractState.ACTIVE)
    assert visits_remind_overdue()["overdue"] == 1 and f"/smallbiz/visits/{open_one.pk}/" in _notes(REMIND_OVERDUE)["engineer"]


def test_only_people_who_may_see_the_visit_are_told(biz: Any) -> None:
    plan = _plan(biz)
    # assigned, by a mistake of the records, to the other provider's engineer: the scope keeps the
    # visit from them, so they are not told; the provider's own engineers and the village are
    stranger = ProviderEngineer.objects.get(person__user=biz.other_engineer)
    visit = _overdue(plan, plan.today_mine)
    Visit.objects.filter(pk=visit.pk).update(engineer=stranger)
    visits_remind_overdue()
    link = f"/smallbiz/visits/{visit.pk}/"
    assert _notes(REMIND_OVERDUE) == {"engineer": [link], "supervisor": [link]}


def test_the_engineer_is_told_the_day_before_a_planned_visit_once_a_day(biz: Any) -> None:
    plan = _plan(biz)
    Visit.objects.filter(pk=plan.today_mine.pk).update(planned_on=_day(1))
    counts = visits_remind_overdue()
    assert counts["tomorrow"] == 1 and counts["overdue"] == 0
    assert _notes(REMIND_TOMORROW) == {"engineer": [f"/smallbiz/visits/{plan.today_mine.pk}/"]}
    note = Notification.objects.get(kind=REMIND_TOMORROW)
    assert _day(1).isoformat() in note.message
    assert visits_remind_overdue()["notifications"] == 0  # the same day: once
    # planned again for a later day: told again the day before that day
    Visit.objects.filter(pk=plan.today_mine.pk).update(planned_on=_day(5))
    Notification.objects.filter(pk=note.pk).update(created_at=timezone.now() - timedelta(days=4))
    assert visits_remind_overdue(today=_day(4))["tomorrow"] == 1


@pytest.mark.parametrize("kind", [REMIND_OVERDUE, REMIND_TOMORROW])
def test_the_reminder_kinds_have_words(kind: str) -> None:
    from safecity.core import labels

    assert labels.value_label(Notification, "kind", kind) != kind


def test_the_daily_task_runs_the_reminders(biz: Any) -> None:
    plan = _plan(biz)
    _overdue(plan, plan.today_mine)
    job = {j.name: j for j in jobs()}["smallbiz.remind_overdue"]
    assert job.every == timedelta(days=1) and job.task is remind_overdue
    result = remind_overdue.enqueue()
    assert result.return_value == {"overdue": 1, "tomorrow": 0, "notifications": 2}
    assert remind_overdue.enqueue().return_value["notifications"] == 0


def test_the_planned_list_costs_the_same_queries_for_more_rows(client: Any, biz: Any) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    plan = _plan(biz)
    client.force_login(biz.engineer)
    url = "/smallbiz/visits/?status=scheduled&sort=planned"
    client.get(url)  # the session and the principal are warm
    with CaptureQueriesContext(connection) as few:
        assert len(_rows(client.get(url))) == 4
    Visit.objects.filter(contract=plan.contract, state=VisitState.CANCELLED).update(
        state=VisitState.SCHEDULED, planned_on=_day(3), due_on=_day(30)
    )
    with CaptureQueriesContext(connection) as many:
        assert len(_rows(client.get(url))) > 4
    assert len(many.captured_queries) == len(few.captured_queries)


def test_the_api_gives_the_planned_day_and_the_engineers_quick_filters(client: Any, biz: Any) -> None:
    plan = _plan(biz)
    client.force_login(biz.engineer)
    today = client.get("/api/smallbiz/visits/?planned=today&mine=1").json()["results"]
    assert [row["id"] for row in today] == [plan.today_mine.pk]
    assert today[0]["planned_on"] == _day(0).isoformat()
    ordered = client.get("/api/smallbiz/visits/?mine=1&status=scheduled&sort=planned").json()["results"]
    ids = [row["id"] for row in ordered]
    assert ids.index(plan.today_mine.pk) < ids.index(plan.next_week.pk) < ids.index(plan.unplanned.pk)
    assert plan.today_other.pk not in ids
