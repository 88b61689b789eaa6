"""What was signed is what is shown and kept (review issues 2, 3, 4, 8): owned ledger kinds, the
cross-check run by ``safecity ledger verify``, append-only rows, the public page rendered from the
signed statements, reason codes translated when shown, and no household data in the audit trail."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, transaction
from django.test import Client
from django.utils import translation
from rest_framework.test import APIClient

from safecity.core.models import AuditEntry
from safecity.cylinders import services
from safecity.cylinders.models import Cylinder, CylinderEvent, FillAttempt
from safecity.cylinders.verify import cylinders_verify
from safecity.ledger.db import ledger_maintenance
from safecity.ledger.services import statement_sign

from .conftest import Cyl, key
from .test_services_lifecycle import cycle, fill


def _verify() -> tuple[bool, str]:
    """Run ``safecity ledger verify``: (passed, what it printed)."""
    import io

    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("ledger", "verify", stdout=out, stderr=err)
    except CommandError as exc:
        return False, err.getvalue() + str(exc)
    return True, out.getvalue() + err.getvalue()


@pytest.mark.django_db(transaction=True)
def test_tampered_event_fails_verify_and_the_public_page_shows_the_signed_value(cyl: Cyl) -> None:
    cyl.register("CZT0001")
    event = fill(cyl, "CZT0001")
    assert event.data["net_kg"] == "14.5"
    passed, output = _verify()
    assert passed, output
    # The database refuses to change a recorded event...
    with pytest.raises(DatabaseError), transaction.atomic():
        CylinderEvent.objects.filter(pk=event.pk).update(data={**event.data, "net_kg": "9.9"})
    # ...so the tampering test goes around the triggers explicitly (as an attacker with the
    # database's owner rights could).
    with ledger_maintenance():
        CylinderEvent.objects.filter(pk=event.pk).update(data={**event.data, "net_kg": "9.9"})
    passed, output = _verify()
    assert not passed
    assert f"cylinder event {event.pk} (log index {event.ledger_index}): body.net_kg 9.9 differs from the signed 14.5" in output
    html = Client().get("/cylinders/c/CZT0001/").content.decode()
    assert "14.5 kg" in html and "9.9" not in html


@pytest.mark.django_db(transaction=True)
def test_verify_names_changed_facts_refusals_and_missing_rows(cyl: Cyl) -> None:
    cyl.register("CZT0002")
    attempt = services.cylinder_fill_check(actor=cyl.other_operator, code="CZT0002")
    assert attempt.ledger_index is not None and not list(cylinders_verify())
    with ledger_maintenance():
        Cylinder.objects.filter(code="CZT0002").update(state="filled", serial_number="FORGED")
        FillAttempt.objects.filter(pk=attempt.pk).update(code="CZT9999")
    problems = list(cylinders_verify())
    assert any(p.startswith("cylinder CZT0002: state filled differs from the replay") for p in problems), problems
    assert any("serial_number FORGED differs from the signed registration SCZT0002" in p for p in problems), problems
    assert any(f"fill attempt {attempt.pk} (log index {attempt.ledger_index}): subject CZT9999" in p for p in problems)
    with ledger_maintenance():
        FillAttempt.objects.filter(pk=attempt.pk).delete()
    assert f"ledger entry {attempt.ledger_index} (cylinders.fill_refused): no cylinder event or fill attempt records it" in list(
        cylinders_verify()
    )


def test_events_and_attempts_are_append_only(cyl: Cyl) -> None:
    cyl.register("CZT0003")
    event = CylinderEvent.objects.get(cylinder__code="CZT0003")
    attempt = services.cylinder_fill_check(actor=cyl.operator, code="CZT0003")
    for write in (
        lambda: CylinderEvent.objects.filter(pk=event.pk).update(kind="filling"),
        lambda: CylinderEvent.objects.filter(pk=event.pk).delete(),
        lambda: FillAttempt.objects.filter(pk=attempt.pk).update(allowed=False),
        lambda: FillAttempt.objects.filter(pk=attempt.pk).delete(),
    ):
        with pytest.raises(DatabaseError), transaction.atomic():
            write()
    # Erasing a person still works: SET_NULL of ``person`` is the one change let through.
    with transaction.atomic():
        CylinderEvent.objects.filter(pk=event.pk).update(person=None)


def test_generic_ledger_api_refuses_cylinder_kinds(cyl: Cyl) -> None:
    cyl.register("CZT0004")
    statement = statement_sign(
        organisation=cyl.unit,
        kind="cylinders.filling",
        subject="CZT0004",
        body={"net_kg": "99"},
        idempotency_key=key(),
    )
    client = APIClient()
    client.force_authenticate(cyl.operator)
    response = client.post("/api/ledger/statements/", {"statements": [statement.__dict__]}, format="json")
    assert response.status_code == 400, response.content
    assert response.json()["code"] == "kind_reserved"
    assert not CylinderEvent.objects.filter(cylinder__code="CZT0004", kind="filling").exists()


def test_reasons_are_stored_as_codes_and_shown_in_the_reader_language(cyl: Cyl) -> None:
    cyl.register("CZT0005")
    with translation.override("zh-hans"):
        attempt = services.cylinder_fill_check(actor=cyl.other_operator, code="CZT0005")
    assert attempt.reasons == [{"code": "not_own_property", "params": {}}]  # no text stored
    with translation.override("en"):
        assert attempt.reason_list[0]["message"] == "The cylinder is not registered to this filling unit."
    client = Client()
    client.force_login(cyl.other_operator)
    page = client.get("/cylinders/attempts/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "The cylinder is not registered to this filling unit." in page


def test_household_data_never_reaches_the_audit_trail(cyl: Cyl) -> None:
    cyl.register("CZT0006")
    cycle(cyl, "CZT0006")
    fill(cyl, "CZT0006")
    services.cylinder_dispatch(actor=cyl.operator, code="CZT0006", idempotency_key=key())
    delivery = services.cylinder_deliver(
        actor=cyl.operator,
        code="CZT0006",
        idempotency_key=key(),
        recipient_kind="household",
        household_name="王秀英",
        household_address="华山花园3幢402室",
    )
    entries = AuditEntry.objects.filter(content_type__model="cylinderevent", object_id=str(delivery.pk))
    assert entries.exists()
    for entry in entries:
        text = str(entry.after) + str(entry.before)
        assert "王秀英" not in text and "华山花园" not in text and delivery.private["nonce"] not in text
        assert str(entry.after["private"]).startswith("sha256:")


def test_bad_key_claim_is_not_a_historic_append(cyl: Cyl) -> None:
    """Only the platform (actor None) appends in the past; a user's past claim is refused."""
    cyl.register("CZT0007")
    with pytest.raises(services.CylinderError) as error:
        fill(cyl, "CZT0007", occurred_at=CylinderEvent.objects.get(cylinder__code="CZT0007").occurred_at)
    assert error.value.error_code == "stale_time"


def test_gate_page_for_a_unit_holding_its_own_key(cyl: Cyl) -> None:
    """Issue 6: the gate still answers and records; the page says the refusal is not on the ledger yet."""
    from safecity.ledger.services import signing_key_register_public

    cyl.register("CZT0008", unit=cyl.other_unit)
    signing_key_register_public(actor=None, organisation=cyl.unit, public_key_b64="AQ" * 21 + "A=")
    client = Client()
    client.force_login(cyl.operator)
    html = client.post("/cylinders/gate/", {"code": "CZT0008"}, HTTP_HX_REQUEST="true").content.decode()
    assert 'data-testid="gate-refuse"' in html and 'data-reason="not_own_property"' in html
    assert 'data-testid="refusal-unsigned"' in html and "sign the refusal with it through the API" in html
    attempt = FillAttempt.objects.get(code="CZT0008")
    assert attempt.ledger_index is None and not attempt.allowed


def test_api_refuses_a_back_dated_presigned_filling(cyl: Cyl) -> None:
    """Issue 1 through the API: a statement signed yesterday is refused (stale_time), nothing appended."""
    from datetime import timedelta

    from django.utils import timezone

    from safecity.ledger.models import LogEntry

    cyl.register("CZT0009")
    yesterday = timezone.now().replace(microsecond=0) - timedelta(days=1)
    body = {
        "station_id": cyl.unit.pk,
        "pre_check": {"marks_legible": True, "accessories_ok": True, "appearance_ok": True},
        "net_kg": "14.5",
        "post_check": {"leak_free": True, "mass_ok": True},
    }
    statement = statement_sign(
        organisation=cyl.unit,
        kind="cylinders.filling",
        subject="CZT0009",
        body=body,
        idempotency_key="api-old",
        signed_at=yesterday,
    )
    client = APIClient()
    client.force_authenticate(cyl.operator)
    entries = LogEntry.objects.count()
    response = client.post(
        "/api/cylinders/events/filling/",
        {"code": "CZT0009", "net_kg": "14.5", "leak_free": True, "pre_check": body["pre_check"], "statement": statement.__dict__},
        format="json",
    )
    assert response.status_code == 400 and response.json()["code"] == "stale_time", response.content
    assert LogEntry.objects.count() == entries
