"""Witnesses: cosigning checkpoints after checking consistency, and storing cosignatures.

A witness (another organisation, e.g. the market supervision bureau) keeps its own Ed25519 key
and a small state file next to it: the log's verifier key (pinned on first use) and the last
checkpoint it cosigned. Each run fetches the latest checkpoint, checks the log's signature,
checks a consistency proof from its last cosigned checkpoint, and only then cosigns (C2SP
tlog-cosignature v1). A rewound or forked log is refused and nothing is cosigned.
"""

from __future__ import annotations

import base64
import json
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from safecity.ledger import merkle
from safecity.ledger.models import Checkpoint, Cosignature, WitnessKey
from safecity.ledger.notes import (
    Note,
    NoteError,
    cosign,
    parse_checkpoint,
    parse_note,
    parse_vkey,
    public_bytes,
    verify_cosignature,
    verify_note,
    vkey,
)


class WitnessRefusal(Exception):
    """The witness refuses to cosign (inconsistent log, bad signature, unknown log key)."""


def cosignature_add(*, note_text: str) -> Cosignature:
    """Store a witness's cosignature sent as a signed note (the checkpoint, the log's signature
    and the witness's cosignature line). Verified against the registered witness keys and the
    stored checkpoint; anyone may submit, the signature is the authentication."""
    try:
        note = parse_note(note_text)
        body = parse_checkpoint(note.text)
    except NoteError as exc:
        raise ValidationError({"note": str(exc)}) from exc
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


# --- the witness side ---------------------------------------------------------------------


class LogSource(Protocol):
    def latest_checkpoint(self) -> str: ...
    def log_vkey(self) -> str: ...
    def consistency(self, first: int, second: int) -> list[bytes]: ...
    def submit(self, note_text: str) -> None: ...


class InProcessSource:
    """The log in this process's database."""

    def latest_checkpoint(self) -> str:
        cp = Checkpoint.objects.order_by("-tree_size").first()
        if cp is None:
            raise WitnessRefusal(_("The log has no checkpoint yet."))
        return cp.note

    def log_vkey(self) -> str:
        from safecity.ledger.selectors import log_key_current

        key = log_key_current()
        if key is None:
            raise WitnessRefusal(_("The log has no key yet."))
        return key.vkey

    def consistency(self, first: int, second: int) -> list[bytes]:
        from safecity.ledger.selectors import consistency_proof

        return consistency_proof(first=first, second=second)

    def submit(self, note_text: str) -> None:
        try:
            cosignature_add(note_text=note_text)
        except ValidationError as exc:
            raise WitnessRefusal("; ".join(exc.messages)) from exc


class HttpSource:
    """The log of a SafeCity platform at ``base_url`` (its public endpoints)."""

    def __init__(self, base_url: str) -> None:
        if urllib.parse.urlsplit(base_url).scheme not in ("http", "https"):
            raise WitnessRefusal(_("The log's URL must start with http:// or https://."))
        self.base = base_url.rstrip("/")

    def _get(self, path: str) -> bytes:
        with urllib.request.urlopen(self.base + path, timeout=30) as response:  # noqa: S310 - operator-given URL
            return bytes(response.read())

    def latest_checkpoint(self) -> str:
        return self._get("/ledger/checkpoint").decode()

    def log_vkey(self) -> str:
        return str(json.loads(self._get("/api/ledger/keys/"))["log"]["vkey"])

    def consistency(self, first: int, second: int) -> list[bytes]:
        query = urllib.parse.urlencode({"first": first, "second": second})
        data = json.loads(self._get(f"/api/ledger/proofs/consistency/?{query}"))
        return [base64.b64decode(h) for h in data["hashes_b64"]]

    def submit(self, note_text: str) -> None:
        request = urllib.request.Request(  # noqa: S310 - http(s) only, checked in __init__
            self.base + "/api/ledger/cosignatures/",
            data=json.dumps({"note": note_text}).encode(),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=30):  # noqa: S310
                pass
        except urllib.error.HTTPError as exc:
            raise WitnessRefusal(exc.read().decode(errors="replace")) from exc


def witness_keygen(path: Path) -> Ed25519PrivateKey:
    """Create a witness key file (raw 32-byte seed, base64, mode 0600)."""
    private = Ed25519PrivateKey.generate()
    raw = private.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    path.write_text(base64.b64encode(raw).decode() + "\n")
    path.chmod(0o600)
    return private


def witness_load(path: Path) -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(base64.b64decode(path.read_text().strip()))


def witness_vkey(name: str, private: Ed25519PrivateKey) -> str:
    from safecity.ledger.notes import ALG_COSIGNATURE_V1

    return vkey(name, public_bytes(private), ALG_COSIGNATURE_V1)


@dataclass
class WitnessResult:
    tree_size: int
    previous_size: int
    note: str


def _state_path(key_file: Path) -> Path:
    return key_file.with_name(key_file.name + ".state.json")


def witness_run(*, name: str, key_file: Path, source: LogSource, log_vkey: str = "", now: int | None = None) -> WitnessResult:
    """Check the log's latest checkpoint against the last one this witness cosigned; cosign it."""
    private = witness_load(key_file)
    state_file = _state_path(key_file)
    state: dict[str, Any] = json.loads(state_file.read_text()) if state_file.exists() else {}
    pinned = log_vkey or state.get("log_vkey") or source.log_vkey()
    if state.get("log_vkey") and state["log_vkey"] != pinned:
        raise WitnessRefusal(_("The log's key differs from the one this witness pinned."))
    try:
        note = verify_note(source.latest_checkpoint(), parse_vkey(pinned))
        body = parse_checkpoint(note.text)
    except NoteError as exc:
        raise WitnessRefusal(_("The checkpoint's signature does not verify: %(error)s") % {"error": exc}) from exc
    if state.get("origin") and state["origin"] != body.origin:
        raise WitnessRefusal(_("The checkpoint is for another log (%(origin)s).") % {"origin": body.origin})
    old_size = int(state.get("tree_size", 0))
    old_root = base64.b64decode(state["root"]) if "root" in state else merkle.EMPTY_ROOT
    if body.size < old_size:
        raise WitnessRefusal(
            _("The log went back from %(old)d to %(new)d entries: refusing to cosign.") % {"old": old_size, "new": body.size}
        )
    if body.size == old_size and old_size and body.root != old_root:
        raise WitnessRefusal(_("The log shows two different trees of size %(size)d (a fork): refusing to cosign.") % {"size": old_size})  # fmt: skip
    if old_size and body.size > old_size:
        try:
            merkle.verify_consistency(old_size, body.size, source.consistency(old_size, body.size), old_root, body.root)
        except merkle.ProofError as exc:
            raise WitnessRefusal(
                _(
                    "The checkpoint of %(new)d entries is not consistent with the one of %(old)d this witness cosigned (%(error)s): refusing to cosign."
                )
                % {"new": body.size, "old": old_size, "error": exc}
            ) from exc
    timestamp = int(time.time()) if now is None else now
    line = cosign(note.text, name, private, timestamp)
    cosigned = Note(text=note.text, signatures=(*note.signatures, line)).render()
    source.submit(cosigned)
    state.update(
        {"log_vkey": pinned, "origin": body.origin, "tree_size": body.size, "root": base64.b64encode(body.root).decode()}
    )
    state_file.write_text(json.dumps(state, indent=2))
    return WitnessResult(tree_size=body.size, previous_size=old_size, note=cosigned)
