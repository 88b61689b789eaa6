"""The services: a full life, who may take each step, and every bad input of the issue (unknown
code, bad signature, out of order, the same submission twice) leaving nothing written and nothing
appended to the ledger."""

from __future__ import annotations

import base64
from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from safecity.cylinders import services
from safecity.cylinders.choices import CylinderState, EventKind, GateReason, RecipientKind
from safecity.cylinders.models import Cylinder, CylinderEvent, FillAttempt
from safecity.cylinders.rules import PrefillCheck
from safecity.cylinders.services import CylinderError
from safecity.ledger.models import LogEntry
from safecity.ledger.services import Statement, statement_sign

from .conftest import Cyl, key

OK = PrefillCheck()


def fill(cyl: Cyl, code: str, actor: Any = None, **extra: Any) -> Any:
    return services.cylinder_fill(
        actor=actor or cyl.operator, code=code, net_kg="14.5", pre_check=OK, leak_free=True, idempotency_key=key(), **extra
    )


def cycle(cyl: Cyl, code: str) -> None:
    fill(cyl, code)
    services.cylinder_dispatch(actor=cyl.operator, code=code, idempotency_key=key(), waybill="PS1")
    services.cylinder_deliver(
        actor=cyl.operator,
        code=code,
        idempotency_key=key(),
        recipient_kind=RecipientKind.RESTAURANT,
        recipient_organisation=cyl.restaurant,
    )
    services.cylinder_return(actor=cyl.operator, code=code, idempotency_key=key(), residual_kg="0.3")


class Snapshot:
    """Counts of events, attempts and ledger entries, to assert that nothing was written."""

    def __init__(self) -> None:
        self.counts = self.now()

    @staticmethod
    def now() -> tuple[int, int, int]:
        return CylinderEvent.objects.count(), FillAttempt.objects.count(), LogEntry.objects.count()

    def unchanged(self) -> bool:
        return self.now() == self.counts


def test_a_full_life_is_signed_and_appended(cyl: Cyl) -> None:
    cylinder = cyl.register("CZ1000001")
    assert cylinder.state == CylinderState.EMPTY and cylinder.next_inspection_on and cylinder.scrap_on
    cycle(cyl, "CZ1000001")
    fill(cyl, "CZ1000001")
    services.cylinder_dispatch(actor=cyl.operator, code="CZ1000001", idempotency_key=key())
    delivery = services.cylinder_deliver(
        actor=cyl.operator,
        code="CZ1000001",
        idempotency_key=key(),
        recipient_kind=RecipientKind.HOUSEHOLD,
        household_name="王建华",
        household_address="华山花园3幢402室",
    )
    # A household is published as a commitment only; its name stays in the private part.
    assert "王建华" not in str(delivery.data) and delivery.private["household_name"] == "王建华"
    services.cylinder_return(actor=cyl.operator, code="CZ1000001", idempotency_key=key())
    services.cylinder_inspect(
        actor=cyl.inspector, code="CZ1000001", idempotency_key=key(), result="fail", report_number="R1", defects=["护罩变形"]
    )
    services.cylinder_repair(actor=cyl.inspector, code="CZ1000001", idempotency_key=key(), work="更换护罩")
    services.cylinder_inspect(actor=cyl.inspector, code="CZ1000001", idempotency_key=key(), result="pass", report_number="R2")
    services.cylinder_scrap(actor=cyl.regulator, code="CZ1000001", idempotency_key=key(), reason="用户申请报废")
    cylinder.refresh_from_db()
    assert cylinder.state == CylinderState.SCRAPPED and cylinder.code_voided and cylinder.scrapped_on
    events = list(cylinder.events.order_by("ledger_index"))
    assert [e.kind for e in events][:5] == ["registration", "filling", "dispatch", "delivery", "return"]
    assert len(events) == 13
    entries = {e.index: e for e in LogEntry.objects.filter(index__in=[e.ledger_index for e in events])}
    for event in events:
        statement = entries[event.ledger_index].statement()
        assert statement.kind == f"cylinders.{event.kind}" and statement.subject == "CZ1000001"
        assert statement.body == event.data and statement.key_id == event.key_id
    assert events[-1].organisation == cyl.market


def test_inspection_pass_sets_next_date_and_fail_blocks_the_gate(cyl: Cyl) -> None:
    made = timezone.localdate() - timedelta(days=365 * 4)
    cyl.register("CZ1000002", made=made)
    services.cylinder_inspect(actor=cyl.inspector, code="CZ1000002", idempotency_key=key(), result="pass", report_number="R3")
    cylinder = Cylinder.objects.get(code="CZ1000002")
    assert cylinder.next_inspection_on == timezone.localdate().replace(year=timezone.localdate().year + 4)
    assert cylinder.last_inspection_result == "pass"
    services.cylinder_inspect(actor=cyl.inspector, code="CZ1000002", idempotency_key=key(), result="fail", report_number="R4")
    attempt = services.cylinder_fill_check(actor=cyl.operator, code="CZ1000002")
    assert not attempt.allowed and GateReason.LAST_INSPECTION_FAILED in attempt.reason_codes
    # Failed: only repair or scrapping may follow.
    with pytest.raises(CylinderError) as error:
        fill(cyl, "CZ1000002")
    assert error.value.error_code == "out_of_order"


def test_gate_records_allowed_and_refused_scans_and_appends_refusals(cyl: Cyl) -> None:
    cyl.register("CZ1000003")
    before = LogEntry.objects.count()
    ok = services.cylinder_fill_check(actor=cyl.operator, code="CZ1000003")
    assert ok.allowed and ok.ledger_index is None and LogEntry.objects.count() == before
    foreign = services.cylinder_fill_check(actor=cyl.other_operator, code="CZ1000003")
    assert not foreign.allowed and foreign.reason_codes == [GateReason.NOT_OWN_PROPERTY]
    unknown = services.cylinder_fill_check(actor=cyl.operator, code="NOPE-1")
    assert not unknown.allowed and unknown.reason_codes == [GateReason.NOT_REGISTERED] and unknown.cylinder is None
    assert LogEntry.objects.count() == before + 2
    refused = LogEntry.objects.get(index=foreign.ledger_index).statement()
    assert refused.kind == "cylinders.fill_refused" and refused.body["reasons"] == ["not_own_property"]
    assert refused.organisation_id == cyl.other_unit.pk


def test_fill_refused_by_the_pre_fill_check_is_recorded_not_filled(cyl: Cyl) -> None:
    cyl.register("CZ1000004")
    with pytest.raises(CylinderError) as error:
        services.cylinder_fill(
            actor=cyl.operator,
            code="CZ1000004",
            net_kg="14",
            pre_check=PrefillCheck(marks_legible=False, accessories_ok=False),
            leak_free=True,
            idempotency_key="fill-refused-1",
        )
    assert error.value.error_code == "refused"
    assert {r["code"] for r in error.value.reasons} == {"marks_illegible", "accessories_defective"}
    attempt = FillAttempt.objects.get(idempotency_key="fill-refused-1")
    assert not attempt.allowed and attempt.ledger_index is not None
    assert not CylinderEvent.objects.filter(kind=EventKind.FILLING).exists()
    assert Cylinder.objects.get(code="CZ1000004").state == CylinderState.EMPTY


def test_overdue_cylinder_is_refused_at_the_gate(cyl: Cyl) -> None:
    made = timezone.localdate() - timedelta(days=365 * 4 + 10)
    cyl.register("CZ1000005", made=made)
    attempt = services.cylinder_fill_check(actor=cyl.operator, code="CZ1000005")
    assert not attempt.allowed and attempt.reason_codes == [GateReason.INSPECTION_OVERDUE]
    with pytest.raises(CylinderError) as error:
        fill(cyl, "CZ1000005")
    assert error.value.error_code == "refused"


def test_overfill_and_leak_are_refused_with_nothing_written(cyl: Cyl) -> None:
    cyl.register("CZ1000006")
    snap = Snapshot()
    with pytest.raises(ValidationError):
        services.cylinder_fill(
            actor=cyl.operator, code="CZ1000006", net_kg="15.2", pre_check=OK, leak_free=True, idempotency_key=key()
        )
    with pytest.raises(ValidationError):
        services.cylinder_fill(
            actor=cyl.operator, code="CZ1000006", net_kg="14.5", pre_check=OK, leak_free=False, idempotency_key=key()
        )
    assert snap.unchanged()


def test_unknown_code_writes_nothing(cyl: Cyl) -> None:
    snap = Snapshot()
    for call in (
        lambda: fill(cyl, "CZ-UNKNOWN"),
        lambda: services.cylinder_dispatch(actor=cyl.operator, code="CZ-UNKNOWN", idempotency_key=key()),
        lambda: services.cylinder_inspect(
            actor=cyl.inspector, code="CZ-UNKNOWN", idempotency_key=key(), result="pass", report_number="R"
        ),
    ):
        with pytest.raises(CylinderError) as error:
            call()
        assert error.value.error_code == "unknown_code"
    assert snap.unchanged()


@pytest.mark.parametrize(
    "steps, kind",
    [
        ([], "delivery"),  # a delivery before any filling
        ([], "dispatch"),
        ([], "return"),
        ([], "repair"),
        (["fill"], "fill"),
        (["fill"], "inspection"),
        (["fill"], "scrapping"),
        (["scrap"], "fill"),  # filling a scrapped cylinder
        (["scrap"], "inspection"),
        (["scrap"], "scrapping"),
    ],
)
def test_out_of_order_writes_nothing(cyl: Cyl, steps: list[str], kind: str) -> None:
    cyl.register("CZ1000007")
    for step in steps:
        if step == "fill":
            fill(cyl, "CZ1000007")
        else:
            services.cylinder_scrap(actor=cyl.regulator, code="CZ1000007", idempotency_key=key(), reason="x")
    snap = Snapshot()
    calls = {
        "fill": lambda: fill(cyl, "CZ1000007"),
        "dispatch": lambda: services.cylinder_dispatch(actor=cyl.operator, code="CZ1000007", idempotency_key=key()),
        "delivery": lambda: services.cylinder_deliver(
            actor=cyl.operator,
            code="CZ1000007",
            idempotency_key=key(),
            recipient_kind="restaurant",
            recipient_organisation=cyl.restaurant,
        ),
        "return": lambda: services.cylinder_return(actor=cyl.operator, code="CZ1000007", idempotency_key=key()),
        "repair": lambda: services.cylinder_repair(actor=cyl.inspector, code="CZ1000007", idempotency_key=key(), work="x"),
        "inspection": lambda: services.cylinder_inspect(
            actor=cyl.inspector, code="CZ1000007", idempotency_key=key(), result="pass", report_number="R"
        ),
        "scrapping": lambda: services.cylinder_scrap(actor=cyl.regulator, code="CZ1000007", idempotency_key=key(), reason="x"),
    }
    with pytest.raises(CylinderError) as error:
        calls[kind]()
    assert error.value.error_code == "out_of_order"
    assert snap.unchanged()


def test_same_submission_twice_is_a_duplicate_naming_the_event(cyl: Cyl) -> None:
    cyl.register("CZ1000008")
    first = services.cylinder_fill(
        actor=cyl.operator, code="CZ1000008", net_kg="14.5", pre_check=OK, leak_free=True, idempotency_key="K-1"
    )
    snap = Snapshot()
    with pytest.raises(CylinderError) as error:
        services.cylinder_fill(
            actor=cyl.operator, code="CZ1000008", net_kg="14.5", pre_check=OK, leak_free=True, idempotency_key="K-1"
        )
    assert error.value.error_code == "duplicate" and error.value.existing_event_id == first.pk
    assert str(first.pk) in error.value.messages[0]
    # Even when the next step would be in order, the key is already spent.
    with pytest.raises(CylinderError) as error:
        services.cylinder_dispatch(actor=cyl.operator, code="CZ1000008", idempotency_key="K-1")
    assert error.value.error_code == "duplicate"
    assert snap.unchanged()


def test_code_is_never_reused_even_after_scrapping(cyl: Cyl) -> None:
    cyl.register("CZ1000009")
    services.cylinder_scrap(actor=cyl.regulator, code="CZ1000009", idempotency_key=key(), reason="x")
    snap = Snapshot()
    with pytest.raises(CylinderError) as error:
        cyl.register("CZ1000009")
    assert error.value.error_code == "code_in_use"
    assert snap.unchanged() and Cylinder.objects.filter(code="CZ1000009").count() == 1


def _presigned(cyl: Cyl, code: str, kind: str, body: dict[str, Any], k: str, when: Any) -> Statement:
    return statement_sign(
        organisation=cyl.unit, kind=f"cylinders.{kind}", subject=code, body=body, idempotency_key=k, signed_at=when
    )


def test_presigned_statement_is_accepted_and_a_bad_signature_refused(cyl: Cyl) -> None:
    cyl.register("CZ1000010")
    when = timezone.now().replace(microsecond=0)
    body = {"waybill": "PS9"}
    fill(cyl, "CZ1000010", occurred_at=when - timedelta(minutes=2))  # within the skew window
    good = _presigned(cyl, "CZ1000010", "dispatch", body, "pre-1", when)
    forged = Statement(**{**good.__dict__, "idempotency_key": "pre-2"})  # signature over another key
    snap = Snapshot()
    with pytest.raises(CylinderError) as error:
        services.cylinder_dispatch(
            actor=cyl.operator, code="CZ1000010", idempotency_key="pre-2", waybill="PS9", occurred_at=when, presigned=forged
        )
    assert error.value.error_code == "bad_signature"
    zeroed = Statement(**{**good.__dict__, "signature": base64.b64encode(bytes(64)).decode()})
    with pytest.raises(CylinderError) as error:
        services.cylinder_dispatch(
            actor=cyl.operator, code="CZ1000010", idempotency_key="pre-1", waybill="PS9", occurred_at=when, presigned=zeroed
        )
    assert error.value.error_code == "bad_signature"
    with pytest.raises(CylinderError) as error:  # signed a different waybill than submitted
        services.cylinder_dispatch(
            actor=cyl.operator, code="CZ1000010", idempotency_key="pre-1", waybill="PS8", occurred_at=when, presigned=good
        )
    assert error.value.error_code == "statement_mismatch"
    assert snap.unchanged()
    event = services.cylinder_dispatch(
        actor=cyl.operator, code="CZ1000010", idempotency_key="pre-1", waybill="PS9", occurred_at=when, presigned=good
    )
    assert LogEntry.objects.get(index=event.ledger_index).statement().signature == good.signature


@pytest.mark.parametrize(
    "who, step",
    [
        ("other_operator", "fill_owner_steps"),  # not the owning unit: dispatch
        ("inspector", "fill_owner_steps"),
        ("operator", "inspect"),  # only an inspection station inspects
        ("regulator", "inspect"),
        ("operator", "scrap"),  # a filling unit does not scrap
        ("other_operator", "scrap"),
    ],
)
def test_who_may_take_each_step(cyl: Cyl, who: str, step: str) -> None:
    cyl.register("CZ1000011")
    if step == "fill_owner_steps":
        fill(cyl, "CZ1000011")
    snap = Snapshot()
    actor = getattr(cyl, who)
    with pytest.raises(PermissionDenied):
        if step == "fill_owner_steps":
            services.cylinder_dispatch(actor=actor, code="CZ1000011", idempotency_key=key())
        elif step == "inspect":
            services.cylinder_inspect(actor=actor, code="CZ1000011", idempotency_key=key(), result="pass", report_number="R")
        else:
            services.cylinder_scrap(actor=actor, code="CZ1000011", idempotency_key=key(), reason="x")
    assert snap.unchanged()


def test_registration_by_outsiders_is_refused(cyl: Cyl, personas: Any) -> None:
    for actor in (personas.enterprise_user, personas.expert, personas.outsider, personas.district_b, cyl.inspector):
        with pytest.raises(PermissionDenied):
            cyl.register(f"CZX{actor.pk}", actor=actor)
    # A district official of 新北 is not the regulator of cylinders either (only city officials).
    with pytest.raises(PermissionDenied):
        cyl.register("CZX-A", actor=personas.district_a)
    assert cyl.register("CZX-REG", actor=cyl.regulator).events.get().organisation == cyl.market
    assert not Cylinder.objects.filter(code__startswith="CZX").exclude(code="CZX-REG").exists()


def test_event_time_before_the_last_event_is_out_of_order(cyl: Cyl) -> None:
    cyl.register("CZ1000012")
    fill(cyl, "CZ1000012")
    snap = Snapshot()
    # Even the platform's historic path cannot put a step before the last recorded one.
    with pytest.raises(CylinderError) as error:
        services.cylinder_dispatch(
            actor=None, code="CZ1000012", idempotency_key=key(), occurred_at=timezone.now() - timedelta(days=30)
        )
    assert error.value.error_code == "out_of_order"
    # A user cannot claim a past time at all: steps are recorded when submitted.
    with pytest.raises(CylinderError) as error:
        services.cylinder_dispatch(
            actor=cyl.operator, code="CZ1000012", idempotency_key=key(), occurred_at=timezone.now() - timedelta(hours=1)
        )
    assert error.value.error_code == "stale_time"
    assert snap.unchanged()


def test_back_dated_presigned_filling_cannot_pass_the_gate(cyl: Cyl) -> None:
    """Review issue 1: a cylinder due for inspection YESTERDAY is refused today; a filling
    pre-signed with yesterday's time (when the gate would have allowed it) is refused too, and
    nothing is appended. Judged at the server's clock, not at the claimed time."""
    today = timezone.localdate()
    made = today - timedelta(days=1)
    made = made.replace(year=made.year - 4)  # LPG: next inspection 4 years after manufacture = yesterday
    cylinder = cyl.register("CZ1000013", made=made)
    assert cylinder.next_inspection_on == today - timedelta(days=1)
    gate = services.cylinder_fill_check(actor=cyl.operator, code="CZ1000013")
    assert not gate.allowed and gate.reason_codes == [GateReason.INSPECTION_OVERDUE]
    yesterday = timezone.now().replace(microsecond=0) - timedelta(days=1)
    body = {
        "station_id": cyl.unit.pk,
        "pre_check": {"marks_legible": True, "accessories_ok": True, "appearance_ok": True},
        "net_kg": "14.5",
        "post_check": {"leak_free": True, "mass_ok": True},
    }
    back_dated = _presigned(cyl, "CZ1000013", "filling", body, "pre-fill-1", yesterday)
    snap = Snapshot()
    with pytest.raises(CylinderError) as error:
        services.cylinder_fill(
            actor=cyl.operator,
            code="CZ1000013",
            net_kg="14.5",
            pre_check=OK,
            leak_free=True,
            idempotency_key="pre-fill-1",
            occurred_at=yesterday,
            presigned=back_dated,
        )
    assert error.value.error_code == "stale_time"
    assert snap.unchanged()
    # Signed now, the same filling meets the gate as it is today: refused, and the refusal recorded.
    now = timezone.now().replace(microsecond=0)
    fresh = _presigned(cyl, "CZ1000013", "filling", body, "pre-fill-2", now)
    with pytest.raises(CylinderError) as error:
        services.cylinder_fill(
            actor=cyl.operator,
            code="CZ1000013",
            net_kg="14.5",
            pre_check=OK,
            leak_free=True,
            idempotency_key="pre-fill-2",
            occurred_at=now,
            presigned=fresh,
        )
    assert error.value.error_code == "refused"
    assert not CylinderEvent.objects.filter(cylinder__code="CZ1000013", kind=EventKind.FILLING).exists()
    assert FillAttempt.objects.get(idempotency_key="pre-fill-2").reason_codes == [GateReason.INSPECTION_OVERDUE]


def test_only_the_platform_imports_histories(cyl: Cyl, city: Any) -> None:
    with pytest.raises(PermissionDenied):
        services.cylinder_history_import(actor=city.superuser, cylinders=[])


def test_unit_with_its_own_key_gets_the_gate_and_the_attempt_recorded(cyl: Cyl) -> None:
    """Review issue 6: no platform-held key → the decision is still given and recorded; the
    refusal is not on the ledger (it cannot be signed here) and the page says so."""
    from safecity.ledger.services import signing_key_register_public

    cyl.register("CZ1000014", unit=cyl.other_unit)
    signing_key_register_public(actor=None, organisation=cyl.unit, public_key_b64=base64.b64encode(bytes(range(32))).decode())
    entries = LogEntry.objects.count()
    attempt = services.cylinder_fill_check(actor=cyl.operator, code="CZ1000014")
    assert not attempt.allowed and attempt.reason_codes == [GateReason.NOT_OWN_PROPERTY]
    assert attempt.ledger_index is None and attempt.unsigned_refusal and LogEntry.objects.count() == entries
    assert FillAttempt.objects.filter(pk=attempt.pk).exists()
