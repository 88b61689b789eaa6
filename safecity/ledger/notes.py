"""C2SP signed notes, tlog checkpoints and tlog cosignatures (pure, no Django).

- signed-note (https://c2sp.org/signed-note): the text, a blank line, then one line per signature
  ``— <key name> <base64(key hash (4 bytes) || signature)>``; the key hash is the first 4 bytes of
  SHA-256(name || "\\n" || 0x01 || Ed25519 public key); a verifier key is
  ``<name>+<hex key hash>+<base64(0x01 || public key)>``.
- tlog-checkpoint (https://c2sp.org/tlog-checkpoint): the note text is the origin, the tree size
  in decimal and the base64 root hash, one per line, then optional extension lines.
- tlog-cosignature (https://c2sp.org/tlog-cosignature) v1: a witness signs
  ``cosignature/v1\\ntime <unix seconds>\\n`` + the checkpoint text; its signature line carries
  key hash (type 0x04) || 8-byte big-endian timestamp || signature.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

ALG_ED25519 = 0x01
ALG_COSIGNATURE_V1 = 0x04
DASH = "\u2014"  # the em dash that starts every signature line
_NAME = re.compile(r"^[^\s+]+$")


def gettext_noop(message: str) -> str:
    """Marks a message for translation without importing Django (see :class:`NoteError`)."""
    return message


def render_message(exc: BaseException, gettext: Callable[[str], str] = str) -> str:
    """An error's message in the reader's language: ``gettext`` translates the error's
    ``template`` (and those of errors among its ``params``, e.g. the proof error inside a
    witness's refusal). Errors without a template give ``str(exc)``."""
    template = getattr(exc, "template", None)
    if not isinstance(template, str):
        return str(exc)
    raw: dict[str, object] = getattr(exc, "params", {}) or {}
    params = {k: render_message(v, gettext) if isinstance(v, BaseException) else v for k, v in raw.items()}
    text = gettext(template)
    return text % params if params else text


class NoteError(ValueError):
    """A note, key or checkpoint that is malformed or does not verify. ``template`` is the
    English message (a translation msgid), ``params`` its %-placeholders."""

    def __init__(self, template: str, **params: object) -> None:
        self.template = template
        self.params = params
        super().__init__(template % params if params else template)


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def unb64(text: str) -> bytes:
    try:
        return base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError, ValueError) as exc:
        raise NoteError(gettext_noop("invalid base64")) from exc


def public_bytes(key: Ed25519PrivateKey | Ed25519PublicKey) -> bytes:
    pub = key.public_key() if isinstance(key, Ed25519PrivateKey) else key
    return pub.public_bytes(Encoding.Raw, PublicFormat.Raw)


def key_hash(name: str, public_key: bytes, alg: int = ALG_ED25519) -> bytes:
    """The 4-byte key hash: SHA-256(name || 0x0A || alg || public key)[:4]."""
    return hashlib.sha256(name.encode() + b"\n" + bytes([alg]) + public_key).digest()[:4]


def check_name(name: str) -> str:
    if not name or not _NAME.match(name):
        raise NoteError(gettext_noop("a key name must be non-empty and contain no spaces or '+'"))
    return name


def vkey(name: str, public_key: bytes, alg: int = ALG_ED25519) -> str:
    """The verifier key string ``<name>+<hex key hash>+<base64(alg || public key)>``."""
    check_name(name)
    return f"{name}+{key_hash(name, public_key, alg).hex()}+{b64(bytes([alg]) + public_key)}"


@dataclass(frozen=True)
class Verifier:
    name: str
    hash: bytes
    alg: int
    public_key: bytes


def parse_vkey(text: str) -> Verifier:
    """Parse a verifier key; the key hash must match the name and key."""
    parts = text.strip().split("+", 2)
    if len(parts) != 3 or len(parts[1]) != 8:
        raise NoteError(gettext_noop("a verifier key is <name>+<8 hex digits>+<base64 key>"))
    name, hex_hash, key_b64 = parts
    check_name(name)
    try:
        khash = bytes.fromhex(hex_hash)
    except ValueError as exc:
        raise NoteError(gettext_noop("the key hash is not hexadecimal")) from exc
    raw = unb64(key_b64)
    if len(raw) != 33 or raw[0] not in (ALG_ED25519, ALG_COSIGNATURE_V1):
        raise NoteError(gettext_noop("only Ed25519 (0x01) and cosignature/v1 (0x04) keys are supported"))
    if key_hash(name, raw[1:], raw[0]) != khash:
        raise NoteError(gettext_noop("the key hash does not match the key"))
    return Verifier(name=name, hash=khash, alg=raw[0], public_key=raw[1:])


@dataclass(frozen=True)
class NoteSignature:
    name: str
    hash: bytes
    signature: bytes  # for cosignature/v1: timestamp (8 bytes) || signature

    def line(self) -> str:
        return f"{DASH} {self.name} {b64(self.hash + self.signature)}\n"


@dataclass(frozen=True)
class Note:
    text: str
    signatures: tuple[NoteSignature, ...] = field(default_factory=tuple)

    def render(self) -> str:
        return self.text + "\n" + "".join(s.line() for s in self.signatures)


def parse_note(message: str) -> Note:
    """Split a signed note into its text and signature lines (signatures unverified)."""
    if "\r" in message or "\t" in message:
        raise NoteError(gettext_noop("a note must not contain carriage returns or tabs"))
    if not message.endswith("\n"):
        raise NoteError(gettext_noop("a note must end with a newline"))
    cut = message.rfind("\n\n")
    if cut < 0:
        raise NoteError(gettext_noop("a note needs a blank line before its signatures"))
    text, sig_block = message[: cut + 1], message[cut + 2 :]
    sigs: list[NoteSignature] = []
    for line in sig_block.splitlines():
        if not line.startswith(DASH + " "):
            raise NoteError(gettext_noop("a signature line must start with an em dash and a space"))
        try:
            name, blob_b64 = line[2:].split(" ")
        except ValueError as exc:
            raise NoteError(gettext_noop("a signature line is: — <name> <base64>")) from exc
        blob = unb64(blob_b64)
        if len(blob) < 5:
            raise NoteError(gettext_noop("a signature is too short"))
        sigs.append(NoteSignature(name=check_name(name), hash=blob[:4], signature=blob[4:]))
    if not sigs:
        raise NoteError(gettext_noop("the note has no signatures"))
    return Note(text=text, signatures=tuple(sigs))


def sign_text(text: str, name: str, private_key: Ed25519PrivateKey) -> NoteSignature:
    if not text.endswith("\n"):
        raise NoteError(gettext_noop("the note text must end with a newline"))
    khash = key_hash(check_name(name), public_bytes(private_key))
    return NoteSignature(name=name, hash=khash, signature=private_key.sign(text.encode()))


def sign_note(text: str, name: str, private_key: Ed25519PrivateKey) -> str:
    """A signed note with one Ed25519 signature."""
    return Note(text=text, signatures=(sign_text(text, name, private_key),)).render()


def _ed25519_ok(public_key: bytes, signature: bytes, message: bytes) -> bool:
    try:
        Ed25519PublicKey.from_public_bytes(public_key).verify(signature, message)
    except (InvalidSignature, ValueError):
        return False
    return True


def verify_note(message: str, verifier: Verifier) -> Note:
    """Parse ``message`` and check that ``verifier`` signed it; return the note."""
    note = parse_note(message)
    if verifier.alg != ALG_ED25519:
        raise NoteError(gettext_noop("not an Ed25519 note verifier key"))
    mine = [s for s in note.signatures if s.name == verifier.name and s.hash == verifier.hash]
    if not mine:
        raise NoteError(gettext_noop("the note has no signature by %(name)s"), name=verifier.name)
    if not any(_ed25519_ok(verifier.public_key, s.signature, note.text.encode()) for s in mine):
        raise NoteError(gettext_noop("the signature by %(name)s does not verify"), name=verifier.name)
    return note


# --- checkpoints ------------------------------------------------------------------------------


@dataclass(frozen=True)
class CheckpointBody:
    origin: str
    size: int
    root: bytes
    extensions: tuple[str, ...] = ()

    def text(self) -> str:
        lines = [self.origin, str(self.size), b64(self.root), *self.extensions]
        return "\n".join(lines) + "\n"


def parse_checkpoint(text: str) -> CheckpointBody:
    """Parse a checkpoint's note text (origin, size, root hash, extension lines)."""
    if not text.endswith("\n"):
        raise NoteError(gettext_noop("a checkpoint ends with a newline"))
    lines = text[:-1].split("\n")
    if len(lines) < 3 or not lines[0]:
        raise NoteError(gettext_noop("a checkpoint has an origin, a tree size and a root hash"))
    if not re.fullmatch(r"0|[1-9][0-9]{0,19}", lines[1]):
        raise NoteError(gettext_noop("the tree size must be a decimal number without leading zeros"))
    root = unb64(lines[2])
    if len(root) != 32:
        raise NoteError(gettext_noop("the root hash must be 32 bytes"))
    if any(not line for line in lines[3:]):
        raise NoteError(gettext_noop("a checkpoint has no empty extension lines"))
    return CheckpointBody(origin=lines[0], size=int(lines[1]), root=root, extensions=tuple(lines[3:]))


# --- cosignatures -----------------------------------------------------------------------------


def cosignature_message(body_text: str, timestamp: int) -> bytes:
    return f"cosignature/v1\ntime {timestamp}\n{body_text}".encode()


def cosign(body_text: str, name: str, private_key: Ed25519PrivateKey, timestamp: int) -> NoteSignature:
    """A witness's cosignature/v1 signature line over a checkpoint text."""
    khash = key_hash(check_name(name), public_bytes(private_key), ALG_COSIGNATURE_V1)
    sig = private_key.sign(cosignature_message(body_text, timestamp))
    return NoteSignature(name=name, hash=khash, signature=timestamp.to_bytes(8, "big") + sig)


def verify_cosignature(note: Note, name: str, public_key: bytes) -> int:
    """Check ``name``'s cosignature/v1 on ``note``; return its timestamp."""
    khash = key_hash(check_name(name), public_key, ALG_COSIGNATURE_V1)
    for s in note.signatures:
        if s.name == name and s.hash == khash and len(s.signature) == 72:
            timestamp = int.from_bytes(s.signature[:8], "big")
            if _ed25519_ok(public_key, s.signature[8:], cosignature_message(note.text, timestamp)):
                return timestamp
            raise NoteError(gettext_noop("the cosignature by %(name)s does not verify"), name=name)
    raise NoteError(gettext_noop("the note has no cosignature by %(name)s"), name=name)
