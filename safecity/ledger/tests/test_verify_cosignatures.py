"""``safecity ledger verify`` checks every stored witness cosignature (before the fix, a tampered
cosignature line passed verify)."""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from safecity.ledger.db import ledger_maintenance
from safecity.ledger.models import Cosignature
from safecity.ledger.notes import public_bytes
from safecity.ledger.services import ledger_append, witness_key_register
from safecity.ledger.services.verify import ledger_verify
from safecity.ledger.services.witness import InProcessSource, witness_keygen, witness_run
from safecity.ledger.tests.conftest import make

pytestmark = pytest.mark.django_db
NAME = "samr.changzhou.example/w1"


@pytest.fixture
def cosigned(tmp_path: Path, city: Any, signer: Any) -> Cosignature:
    key_file = tmp_path / "witness.key"
    private = witness_keygen(key_file)
    witness_key_register(actor=None, name=NAME, public_key=public_bytes(private), organisation=city.city_department)
    ledger_append(actor=None, statements=make(signer, 4))
    witness_run(name=NAME, key_file=key_file, source=InProcessSource())
    return Cosignature.objects.get()


def _set_line(cosig: Cosignature, line: str, timestamp: int | None = None) -> None:
    with ledger_maintenance(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE ledger_cosignature SET line = %s, timestamp = %s WHERE id = %s",
            [line, cosig.timestamp if timestamp is None else timestamp, cosig.pk],
        )


def _flip_last_signature_byte(line: str) -> str:
    dash, name, blob = line.rstrip("\n").split(" ")
    raw = bytearray(base64.b64decode(blob))
    raw[-1] ^= 0x01
    return f"{dash} {name} {base64.b64encode(bytes(raw)).decode()}\n"


def test_a_genuine_cosignature_verifies(cosigned: Cosignature, capsys: Any) -> None:
    report = ledger_verify()
    assert report.ok, report.problems
    assert report.cosignatures == 1
    call_command("ledger", "verify")
    assert "OK" in capsys.readouterr().out


def test_a_tampered_cosignature_line_fails_verify(cosigned: Cosignature) -> None:
    _set_line(cosigned, _flip_last_signature_byte(cosigned.line))
    problems = ledger_verify().problems
    assert problems == [
        f"checkpoint 4: the cosignature of witness {NAME} does not verify (the cosignature by {NAME} does not verify)"
    ]
    with pytest.raises(CommandError, match=f"checkpoint 4: the cosignature of witness {NAME} does not verify"):
        call_command("ledger", "verify")


def test_a_cosignature_moved_to_another_time_or_garbled_fails_verify(cosigned: Cosignature) -> None:
    _set_line(cosigned, cosigned.line, timestamp=cosigned.timestamp + 3600)
    assert ledger_verify().problems == [
        f"checkpoint 4: the cosignature of witness {NAME} carries another time than the one stored with it"
    ]
    _set_line(cosigned, "— not a signature line\n")
    [problem] = ledger_verify().problems
    assert problem.startswith(f"checkpoint 4: the cosignature of witness {NAME} does not verify")
