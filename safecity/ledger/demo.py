"""Demo: the market supervision bureau witnesses the log (after the apps that append to it)."""

from __future__ import annotations

import random
import time
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from safecity.core.demo import register_step
from safecity.core.models import Organisation
from safecity.ledger.models import Checkpoint, WitnessKey
from safecity.ledger.notes import Note, cosign, parse_note, public_bytes
from safecity.ledger.services import witness_key_register
from safecity.ledger.services.witness import cosignature_add

WITNESS = "samr.changzhou.example/witness"


@register_step("ledger.witness", order=80)
def build(rng: random.Random, admin: Any) -> None:
    """Register 常州市市场监督管理局 as a witness and cosign the latest checkpoint. Demo only: the
    witness key comes from the step's seeded random generator; a real witness keeps its key
    file itself (``safecity ledger witness-keygen``) and runs ``safecity ledger witness``."""
    market = Organisation.objects.filter(name="常州市市场监督管理局").first()
    private = Ed25519PrivateKey.from_private_bytes(rng.randbytes(32))
    if not WitnessKey.objects.filter(name=WITNESS).exists():
        witness_key_register(actor=None, name=WITNESS, public_key=public_bytes(private), organisation=market)
    checkpoint = Checkpoint.objects.order_by("-tree_size").first()
    if checkpoint is None:
        return
    note = parse_note(checkpoint.note)
    line = cosign(note.text, WITNESS, private, int(time.time()))
    cosignature_add(note_text=Note(text=note.text, signatures=(*note.signatures, line)).render())
