"""Witnesses: cosigning checkpoints after checking consistency, and storing cosignatures.

The witness side (key file, state, consistency check, cosigning, the HTTP source) lives in the
Django-free :mod:`safecity.ledger.witness_cli`, which a witness runs on its own machine; this
module adds the platform's side: storing a submitted cosignature, and the log of this process's
database as a source for ``safecity ledger witness`` without ``--url``.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from safecity.ledger.i18n import error_message
from safecity.ledger.models import Checkpoint, Cosignature, WitnessKey
from safecity.ledger.notes import NoteError, parse_checkpoint, parse_note, verify_cosignature
from safecity.ledger.witness_cli import (
    HttpSource,
    LogSource,
    WitnessRefusal,
    WitnessResult,
    witness_keygen,
    witness_load,
    witness_run,
    witness_vkey,
)

__all__ = [
    "HttpSource",
    "InProcessSource",
    "LogSource",
    "WitnessRefusal",
    "WitnessResult",
    "cosignature_add",
    "witness_keygen",
    "witness_load",
    "witness_run",
    "witness_vkey",
]


def cosignature_add(*, note_text: str) -> Cosignature:
    """Store a witness's cosignature sent as a signed note (the checkpoint, the log's signature
    and the witness's cosignature line). Verified against the registered witness keys and the
    stored checkpoint; anyone may submit, the signature is the authentication."""
    try:
        note = parse_note(note_text)
        body = parse_checkpoint(note.text)
    except NoteError as exc:
        raise ValidationError({"note": error_message(exc)}) from exc
    checkpoint = Checkpoint.objects.filter(tree_size=body.size).first()
    if checkpoint is None or bytes(checkpoint.root_hash) != body.root or not checkpoint.note.startswith(note.text + "\n"):
        raise ValidationError({"note": _("This is not a checkpoint the log published.")})
    witnesses = {w.name: w for w in WitnessKey.objects.filter(is_active=True, name__in=[s.name for s in note.signatures])}
    for sig in note.signatures:
        witness = witnesses.get(sig.name)
        if witness is None:
            continue
        try:
            timestamp = verify_cosignature(note, witness.name, bytes(witness.public_key))
        except NoteError:
            continue
        with transaction.atomic():
            existing = Cosignature.objects.filter(checkpoint=checkpoint, witness=witness).first()
            if existing is not None:
                return existing
            return Cosignature.objects.create(checkpoint=checkpoint, witness=witness, timestamp=timestamp, line=sig.line())
    raise ValidationError({"note": _("The note carries no valid cosignature of a registered witness.")})


class InProcessSource:
    """The log in this process's database."""

    def latest_checkpoint(self) -> str:
        cp = Checkpoint.objects.order_by("-tree_size").first()
        if cp is None:
            raise WitnessRefusal(gettext_noop("The log has no checkpoint yet."))
        return cp.note

    def log_vkey(self) -> str:
        from safecity.ledger.selectors import log_key_current

        key = log_key_current()
        if key is None:
            raise WitnessRefusal(gettext_noop("The log has no key yet."))
        return key.vkey

    def consistency(self, first: int, second: int) -> list[bytes]:
        from safecity.ledger.selectors import consistency_proof

        return consistency_proof(first=first, second=second)

    def submit(self, note_text: str) -> None:
        try:
            cosignature_add(note_text=note_text)
        except ValidationError as exc:
            raise WitnessRefusal(
                gettext_noop("The log refused the cosignature: %(reason)s"), reason="; ".join(exc.messages)
            ) from exc
