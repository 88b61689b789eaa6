"""``driver_start_check``: what the telemetry ingest asks on a start event (市监特设发〔2022〕87号:
forklifts made from 2023-12-01 report the driver; TSG 81-2022; TSG Z6001-2019)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

import pytest
from django.utils import timezone

from safecity.forklifts import services
from safecity.forklifts.choices import ForkliftAction, StartProblem

pytestmark = pytest.mark.django_db


def at(day: date, hour: int = 8) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def codes(problems: list[Any]) -> list[str]:
    return [p.code for p in problems]


def test_an_authorised_certified_driver_starts_an_inspected_registered_truck(fleet: Any) -> None:
    truck = fleet.truck()
    driver = fleet.driver(card="CARD-OK")
    assert services.driver_start_check(forklift=truck, card_or_face_id="CARD-OK", at=timezone.now()) == []
    assert services.driver_start_check(forklift=truck, card_or_face_id=f"  {driver.card_id} ", at=timezone.now()) == []


def test_face_id_identifies_the_driver_too(fleet: Any) -> None:
    truck = fleet.truck()
    fleet.driver(card="C-1", face="FACE-7")
    assert services.driver_start_check(forklift=truck, card_or_face_id="FACE-7", at=timezone.now()) == []


def test_unknown_driver(fleet: Any) -> None:
    truck = fleet.truck()
    problems = services.driver_start_check(forklift=truck, card_or_face_id="NOBODY", at=timezone.now())
    assert codes(problems) == [StartProblem.UNKNOWN_DRIVER]
    assert problems[0].as_dict()["params"] == {"id": "NOBODY"}
    assert problems[0].message == "Unknown driver"


def test_driver_of_another_enterprise_is_not_authorised(fleet: Any) -> None:
    truck = fleet.truck()
    fleet.driver(org=fleet.city.enterprise_b, card="B-CARD")
    assert codes(services.driver_start_check(forklift=truck, card_or_face_id="B-CARD", at=timezone.now())) == [
        StartProblem.NOT_AUTHORISED
    ]


def test_withdrawn_driver_is_not_authorised(fleet: Any, personas: Any) -> None:
    truck = fleet.truck()
    driver = fleet.driver(card="GONE")
    services.operator_set_authorised(actor=personas.enterprise_user, operator=driver, authorised=False)
    assert codes(services.driver_start_check(forklift=truck, card_or_face_id="GONE", at=timezone.now())) == [
        StartProblem.NOT_AUTHORISED
    ]


def test_certificate_expired_on_the_day_after_its_last_valid_day(fleet: Any) -> None:
    truck = fleet.truck()
    today = timezone.localdate()
    driver = fleet.driver(card="OLD", issued=today - timedelta(days=4 * 365 + 30))
    last = driver.certificate_valid_until
    assert services.driver_start_check(forklift=truck, card_or_face_id="OLD", at=at(last, 23)) == []
    problems = services.driver_start_check(forklift=truck, card_or_face_id="OLD", at=at(last + timedelta(days=1), 0))
    assert codes(problems) == [StartProblem.CERTIFICATE_EXPIRED]
    assert problems[0].params["valid_until"] == last.isoformat()


def test_inspection_overdue_after_the_month_it_falls_due(fleet: Any) -> None:
    truck = fleet.truck()
    due = truck.next_inspection_on
    fleet.driver(card="D")
    assert services.driver_start_check(forklift=truck, card_or_face_id="D", at=at(due, 18)) == []
    later = services.driver_start_check(forklift=truck, card_or_face_id="D", at=at(due + timedelta(days=1)))
    assert codes(later) == [StartProblem.INSPECTION_OVERDUE]


def test_no_inspection_on_record_counts_as_overdue(fleet: Any) -> None:
    truck = fleet.truck(last_inspected_on=None)
    fleet.driver(card="D")
    assert codes(services.driver_start_check(forklift=truck, card_or_face_id="D", at=timezone.now())) == [
        StartProblem.INSPECTION_OVERDUE
    ]


def test_made_from_2023_12_01_must_report_the_driver(fleet: Any) -> None:
    new = fleet.truck(manufactured_on=date(2023, 12, 1), first_used_on=date(2024, 1, 5))
    old = fleet.truck(manufactured_on=date(2023, 11, 30), first_used_on=date(2024, 1, 5))
    assert codes(services.driver_start_check(forklift=new, card_or_face_id="", at=timezone.now())) == [
        StartProblem.DRIVER_NOT_REPORTED
    ]
    assert services.driver_start_check(forklift=old, card_or_face_id="", at=timezone.now()) == []


def test_stopped_and_unregistered_trucks(fleet: Any) -> None:
    today = timezone.localdate()
    truck = fleet.truck(first_used_on=today - timedelta(days=31), registration_number="", registered_on=None)
    fleet.driver(card="D")
    assert codes(services.driver_start_check(forklift=truck, card_or_face_id="D", at=timezone.now())) == [
        StartProblem.NOT_REGISTERED
    ]
    services.forklift_transition(actor=None, forklift=truck, action=ForkliftAction.STOP)
    truck.refresh_from_db()
    assert codes(services.driver_start_check(forklift=truck, card_or_face_id="D", at=timezone.now())) == [
        StartProblem.NOT_IN_USE,
        StartProblem.NOT_REGISTERED,
    ]


def test_every_problem_at_once_truck_first(fleet: Any) -> None:
    today = timezone.localdate()
    truck = fleet.truck(last_inspected_on=today - timedelta(days=900))
    fleet.driver(org=fleet.city.enterprise_b, card="ALL", issued=today - timedelta(days=5 * 365))
    assert codes(services.driver_start_check(forklift=truck, card_or_face_id="ALL", at=timezone.now())) == [
        StartProblem.INSPECTION_OVERDUE,
        StartProblem.NOT_AUTHORISED,
        StartProblem.CERTIFICATE_EXPIRED,
    ]


def test_naive_time_is_read_as_local_time(fleet: Any) -> None:
    truck = fleet.truck()
    fleet.driver(card="D")
    assert services.driver_start_check(forklift=truck, card_or_face_id="D", at=datetime.now()) == []


def test_driver_binding_is_required_and_unique(fleet: Any) -> None:
    from django.core.exceptions import ValidationError

    fleet.driver(card="SAME")
    with pytest.raises(ValidationError):
        fleet.driver(card="SAME")
    with pytest.raises(ValidationError):
        services.operator_add(
            actor=None, organisation=fleet.city.enterprise_a, name="无卡", certificate_number="N1-X",
            certificate_issued_on=timezone.localdate(),
        )  # fmt: skip


def test_renewal_extends_the_certificate(fleet: Any, personas: Any) -> None:
    today = timezone.localdate()
    driver = fleet.driver(card="R", issued=today - timedelta(days=4 * 365 + 5))
    truck = fleet.truck()
    assert codes(services.driver_start_check(forklift=truck, card_or_face_id="R", at=timezone.now())) == [
        StartProblem.CERTIFICATE_EXPIRED
    ]
    services.operator_renew(actor=personas.enterprise_user, operator=driver, issued_on=today)
    assert services.driver_start_check(forklift=truck, card_or_face_id="R", at=timezone.now()) == []
