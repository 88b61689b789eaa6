"""Witnesses cosign a consistent log and refuse a rewound or forked one."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, transaction

from safecity.ledger import merkle
from safecity.ledger.models import Checkpoint, Cosignature
from safecity.ledger.notes import CheckpointBody, public_bytes, sign_note
from safecity.ledger.services import ledger_append, log_key, witness_key_register
from safecity.ledger.services.witness import (
    InProcessSource,
    WitnessRefusal,
    cosignature_add,
    witness_keygen,
    witness_run,
)
from safecity.ledger.tests.conftest import make

pytestmark = pytest.mark.django_db
NAME = "samr.changzhou.example/w1"


@pytest.fixture
def witness(tmp_path: Path, city: Any) -> Path:
    key_file = tmp_path / "witness.key"
    private = witness_keygen(key_file)
    witness_key_register(actor=None, name=NAME, public_key=public_bytes(private), organisation=city.city_department)
    return key_file


def test_witness_cosigns_a_growing_consistent_log(city: Any, signer: Any, witness: Path) -> None:
    ledger_append(actor=None, statements=make(signer, 5))
    first = witness_run(name=NAME, key_file=witness, source=InProcessSource())
    assert (first.previous_size, first.tree_size) == (0, 5)
    ledger_append(actor=None, statements=make(signer, 7, prefix="later"))
    second = witness_run(name=NAME, key_file=witness, source=InProcessSource())
    assert (second.previous_size, second.tree_size) == (5, 12)
    assert sorted(Cosignature.objects.values_list("checkpoint__tree_size", flat=True)) == [5, 12]
    # Cosignatures are append-only too.
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        Cosignature.objects.all().delete()


class ForkedSource(InProcessSource):
    """A log that shows the witness a different tree (signed with the log's real key)."""

    def __init__(self, size: int) -> None:
        self.size = size

    def latest_checkpoint(self) -> str:
        key, private = log_key()
        body = CheckpointBody(origin=key.origin, size=self.size, root=merkle.leaf_hash(b"another history"))
        return sign_note(body.text(), key.origin, private)


def test_witness_refuses_a_forked_or_rewound_log(city: Any, signer: Any, witness: Path) -> None:
    ledger_append(actor=None, statements=make(signer, 5))
    witness_run(name=NAME, key_file=witness, source=InProcessSource())
    with pytest.raises(WitnessRefusal, match="not consistent"):
        witness_run(name=NAME, key_file=witness, source=ForkedSource(9))
    with pytest.raises(WitnessRefusal, match="a fork"):
        witness_run(name=NAME, key_file=witness, source=ForkedSource(5))
    with pytest.raises(WitnessRefusal, match="went back from 5 to 3"):
        witness_run(name=NAME, key_file=witness, source=ForkedSource(3))
    assert Cosignature.objects.count() == 1


def test_witness_refuses_a_checkpoint_not_signed_by_the_pinned_log_key(city: Any, signer: Any, witness: Path) -> None:
    ledger_append(actor=None, statements=make(signer, 2))
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from safecity.ledger.notes import vkey

    impostor = vkey("changzhou.safecity.example/cylinders", public_bytes(Ed25519PrivateKey.generate()))
    with pytest.raises(WitnessRefusal, match="signature does not verify"):
        witness_run(name=NAME, key_file=witness, source=InProcessSource(), log_vkey=impostor)
    assert Cosignature.objects.count() == 0


def test_platform_accepts_only_registered_witnesses_on_published_checkpoints(city: Any, signer: Any, tmp_path: Path) -> None:
    ledger_append(actor=None, statements=make(signer, 2))
    stranger = tmp_path / "stranger.key"
    witness_keygen(stranger)
    with pytest.raises(WitnessRefusal, match="no valid cosignature of a registered witness"):
        witness_run(name="stranger.example/w", key_file=stranger, source=InProcessSource())
    cp = Checkpoint.objects.get()
    with pytest.raises(ValidationError):
        cosignature_add(note_text=cp.note.replace("\n2\n", "\n3\n"))


def test_witness_commands(city: Any, signer: Any, tmp_path: Path, capsys: Any) -> None:
    ledger_append(actor=None, statements=make(signer, 3))
    key_file = tmp_path / "w.key"
    call_command("ledger", "witness-keygen", "--name", NAME, "--key-file", str(key_file), "--register")
    out = capsys.readouterr().out
    assert out.startswith(NAME + "+") and "registered" in out
    call_command("ledger", "witness", "--name", NAME, "--key-file", str(key_file))
    assert "Cosigned the checkpoint of 3 entries (consistent with 0)." in capsys.readouterr().out
    with pytest.raises(CommandError, match="exists"):
        call_command("ledger", "witness-keygen", "--name", NAME, "--key-file", str(key_file))
    call_command("ledger", "checkpoint")
    assert "changzhou.safecity.example/cylinders\n3\n" in capsys.readouterr().out
