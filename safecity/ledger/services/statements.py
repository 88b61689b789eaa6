"""Statements: what an organisation signs and the log appends, and the errors of appending."""

from __future__ import annotations

import base64
import binascii
import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.utils.translation import gettext as _

_RFC3339_Z = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$")
_HEX32 = re.compile(r"^[0-9a-f]{32}$")


class LedgerError(Exception):
    """A refused append or signing. ``code`` is one of unknown_key, key_not_active,
    bad_signature, duplicate, malformed, nul_byte; ``position`` is the offending statement's
    position in the batch; ``existing_index`` the log index already holding a duplicate key."""

    def __init__(self, code: str, message: str, *, position: int | None = None, existing_index: int | None = None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.position = position
        self.existing_index = existing_index

    def __str__(self) -> str:
        where = f" (statement {self.position})" if self.position is not None else ""
        return f"{self.code}: {self.message}{where}"


def canonical_json(data: dict[str, Any]) -> bytes:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def format_time(moment: datetime) -> str:
    """RFC 3339 UTC with "Z", seconds precision."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_time(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


@dataclass(frozen=True)
class Statement:
    """One signed statement. The signature covers :meth:`signed_bytes`; the Merkle leaf is
    :meth:`leaf_bytes` (the same canonical JSON with the signature)."""

    kind: str
    subject: str
    body: dict[str, Any]
    organisation_id: int
    key_id: str
    signed_at: str
    idempotency_key: str
    signature: str = ""

    def _fields(self) -> dict[str, Any]:
        # Not dataclasses.asdict: it deep-copies the body, a third of the append time.
        return {
            "kind": self.kind,
            "subject": self.subject,
            "body": self.body,
            "organisation_id": self.organisation_id,
            "key_id": self.key_id,
            "signed_at": self.signed_at,
            "idempotency_key": self.idempotency_key,
        }

    def signed_bytes(self) -> bytes:
        return canonical_json(self._fields())

    def leaf_bytes(self) -> bytes:
        return canonical_json({**self._fields(), "signature": self.signature})

    def signature_bytes(self) -> bytes:
        try:
            raw = base64.b64decode(self.signature.encode("ascii"), validate=True)
        except (binascii.Error, UnicodeEncodeError, ValueError):
            return b""
        return raw


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(v) for v in value)
    return False


def _plain(value: Any) -> bool:
    """JSON without floats (decimals are strings: no float rounding in a signed record)."""
    if value is None or isinstance(value, str | bool | int):
        return True
    if isinstance(value, dict):
        return all(isinstance(k, str) and _plain(v) for k, v in value.items())
    if isinstance(value, list):
        return all(_plain(v) for v in value)
    return False


def check_shape(statement: Statement, position: int | None = None, leaf: bytes | None = None) -> datetime:
    """Refuse a malformed statement; return its signed_at as a datetime. ``leaf`` (its canonical
    JSON, when the caller has it) spares the search for NUL characters: JSON writes one as \\u0000."""

    def bad(message: str) -> LedgerError:
        return LedgerError("malformed", message, position=position)

    s = statement
    if not isinstance(s.kind, str) or not 0 < len(s.kind) <= 64:
        raise bad(_("The kind must be a text of 1 to 64 characters."))
    if not isinstance(s.subject, str) or not 0 < len(s.subject) <= 200:
        raise bad(_("The subject must be a text of 1 to 200 characters."))
    if not isinstance(s.idempotency_key, str) or not 0 < len(s.idempotency_key) <= 200:
        raise bad(_("The idempotency key must be a text of 1 to 200 characters."))
    if not isinstance(s.organisation_id, int) or isinstance(s.organisation_id, bool):
        raise bad(_("The organisation id must be an integer."))
    if not isinstance(s.key_id, str) or not _HEX32.match(s.key_id):
        raise bad(_("The key id must be 32 lowercase hexadecimal characters."))
    if not isinstance(s.body, dict) or not _plain(s.body):
        raise bad(_("The body must be a JSON object without floating-point numbers."))
    if not isinstance(s.signed_at, str) or not _RFC3339_Z.match(s.signed_at):
        raise bad(_("The signing time must be RFC 3339 UTC ending in Z."))
    try:
        signed_at = parse_time(s.signed_at)
    except ValueError as exc:
        raise bad(_("The signing time must be RFC 3339 UTC ending in Z.")) from exc
    if not isinstance(s.signature, str):
        raise bad(_("The signature must be base64 text."))
    if (leaf is None or b"\\u0000" in leaf) and _has_nul([s.kind, s.subject, s.idempotency_key, s.body]):
        raise LedgerError("nul_byte", _("The statement contains a NUL character."), position=position)
    return signed_at


def statement_from_json(data: Any) -> Statement:
    """A Statement from decoded JSON (the API), refusing unknown or missing fields."""
    fields = {"kind", "subject", "body", "organisation_id", "key_id", "signed_at", "idempotency_key", "signature"}
    if not isinstance(data, dict) or set(data) != fields:
        raise LedgerError(
            "malformed", _("A statement has exactly the fields: %(fields)s.") % {"fields": ", ".join(sorted(fields))}
        )
    return Statement(**data)
