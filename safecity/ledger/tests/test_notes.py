"""Signed notes, checkpoints and cosignatures against the published golang.org/x/mod/sumdb/note example."""

from __future__ import annotations

import base64

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from safecity.ledger import notes

VKEY = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
SKEY_SEED = "gQoUAtUUbI2E8kQzMPVAgOv5juF9nHT2JS/F1ccoMXM="  # from PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALV...
TEXT = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n"
NOTE = TEXT + "\n— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n"


def test_published_note_verifies_and_signing_reproduces_it() -> None:
    verifier = notes.parse_vkey(VKEY)
    assert verifier.name == "PeterNeumann" and verifier.hash.hex() == "c74f20a3"
    assert notes.verify_note(NOTE, verifier).text == TEXT
    # Ed25519 is deterministic: the published private key signs to the very same note.
    private = Ed25519PrivateKey.from_private_bytes(base64.b64decode(SKEY_SEED))
    assert notes.vkey("PeterNeumann", notes.public_bytes(private)) == VKEY
    assert notes.sign_note(TEXT, "PeterNeumann", private) == NOTE


def test_tampered_or_foreign_notes_are_refused() -> None:
    verifier = notes.parse_vkey(VKEY)
    with pytest.raises(notes.NoteError):
        notes.verify_note(NOTE.replace("cryptography", "cryptographY"), verifier)
    other = Ed25519PrivateKey.generate()
    with pytest.raises(notes.NoteError, match="no signature by PeterNeumann"):
        notes.verify_note(notes.sign_note(TEXT, "Other", other), verifier)
    with pytest.raises(notes.NoteError):
        notes.parse_vkey(VKEY.replace("c74f20a3", "c74f20a4"))
    with pytest.raises(notes.NoteError):
        notes.parse_note(TEXT)  # no signatures


def test_checkpoint_and_cosignature_round_trip() -> None:
    log = Ed25519PrivateKey.generate()
    body = notes.CheckpointBody(origin="changzhou.safecity.example/cylinders", size=8, root=bytes(range(32)))
    signed = notes.sign_note(body.text(), body.origin, log)
    note = notes.verify_note(signed, notes.parse_vkey(notes.vkey(body.origin, notes.public_bytes(log))))
    assert notes.parse_checkpoint(note.text) == body
    assert note.text == f"changzhou.safecity.example/cylinders\n8\n{base64.b64encode(bytes(range(32))).decode()}\n"
    witness = Ed25519PrivateKey.generate()
    line = notes.cosign(note.text, "samr.changzhou.example/w1", witness, 1_700_000_000)
    cosigned = notes.parse_note(notes.Note(text=note.text, signatures=(*note.signatures, line)).render())
    assert notes.verify_cosignature(cosigned, "samr.changzhou.example/w1", notes.public_bytes(witness)) == 1_700_000_000
    # The cosignature/v1 key hash uses type 0x04, and the blob is key hash || timestamp || signature.
    assert line.hash == notes.key_hash("samr.changzhou.example/w1", notes.public_bytes(witness), 0x04)
    assert len(line.signature) == 8 + 64
    with pytest.raises(notes.NoteError):
        notes.verify_cosignature(cosigned, "samr.changzhou.example/w1", notes.public_bytes(log))
    for bad in ("o\n08\n" + base64.b64encode(bytes(32)).decode() + "\n", "o\n1\nAAAA\n", "o\n1\n"):
        with pytest.raises(notes.NoteError):
            notes.parse_checkpoint(bad)
