"""The audit trail's hash chain: sealing committed entries into segments, anchoring each segment
in the verifiable ledger, pruning whole sealed segments (ADR 0006).

- Writers never wait for each other: an audited write only inserts its entry (append-only by
  trigger, :mod:`safecity.core.audit_db`). The periodic job :func:`audit_seal` chains the entries
  committed before a cut-off (``SAFECITY_AUDIT_SEAL_LAG_SECONDS`` ago), in (time, id) order, into
  the next segment: one :class:`AuditLink` per entry with
  ``hash = SHA-256(previous hash || SHA-256(canonical entry))``, and one :class:`AuditSegment`
  with the head. Only sealers serialise (on the last segment's row lock).
- The segment's head is anchored in the same transaction as a statement of kind ``audit.seal``
  signed with the platform organisation's key and appended to the ledger, so rewriting the chain
  means rewriting the signed log, which ``safecity ledger verify`` and the witnesses catch.
- An entry whose transaction commits after a seal (a long transaction) is chained by the next
  seal, as long as it is younger than ``SAFECITY_AUDIT_STRAGGLER_SECONDS`` before the last cut-off;
  an unsealed entry older than that is reported by verify (an insertion after the fact).
- Retention (:func:`audit_prune`): only whole sealed segments, oldest first, whose cut-off is older
  than ``SAFECITY_AUDIT_RETENTION_DAYS``; their entries and links go, their segment rows stay, and a
  signed ``audit.prune`` statement records how far the trail was pruned, so the rest still verifies.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from safecity.core.models import AuditEntry, AuditLink, AuditSegment, Organisation

GENESIS = b"\x00" * 32
KIND_SEAL = "audit.seal"
KIND_PRUNE = "audit.prune"
FIELDS = (
    "id", "time", "actor_id", "actor_label", "source", "request_id", "action", "content_type_id", "object_id",
    "object_repr", "before", "after", "changed_fields", "region_path", "organisation_id", "person_id",
)  # fmt: skip
MAX_ENTRIES = 50_000
CHUNK = 5_000


def seal_lag() -> timedelta:
    return timedelta(seconds=int(getattr(settings, "SAFECITY_AUDIT_SEAL_LAG_SECONDS", 60)))


def straggler_window() -> timedelta:
    return timedelta(seconds=int(getattr(settings, "SAFECITY_AUDIT_STRAGGLER_SECONDS", 3600)))


def retention() -> timedelta:
    return timedelta(days=int(getattr(settings, "SAFECITY_AUDIT_RETENTION_DAYS", 3650)))


def _canonical_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    return value


def entry_bytes(row: tuple[Any, ...]) -> bytes:
    """The canonical form of one entry (a row of FIELDS): sorted-key compact JSON."""
    data = {name: _canonical_value(value) for name, value in zip(FIELDS, row, strict=True)}
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def chain_hash(previous: bytes, row: tuple[Any, ...]) -> bytes:
    return hashlib.sha256(previous + hashlib.sha256(entry_bytes(row)).digest()).digest()


def platform_organisation() -> Organisation:
    """The organisation that runs the platform and signs the audit anchors:
    ``SAFECITY_PLATFORM_ORGANISATION`` (its unified social credit code), else the first
    government department registered in the city region."""
    from django.core.exceptions import ImproperlyConfigured

    from safecity.core.choices import OrganisationKind

    code = getattr(settings, "SAFECITY_PLATFORM_ORGANISATION", "")
    if code:
        org = Organisation.objects.filter(credit_code=code).first()
    else:
        org = (
            Organisation.objects.filter(
                kind=OrganisationKind.GOVERNMENT_DEPARTMENT, region__code=settings.SAFECITY_CITY_REGION_CODE
            )
            .order_by("pk")
            .first()
        )
    if org is None:
        raise ImproperlyConfigured(
            "no platform organisation to sign the audit anchors: set SAFECITY_PLATFORM_ORGANISATION to its credit code"
        )
    return org


def _anchor(kind: str, subject: str, body: dict[str, Any], key: str) -> int:
    from safecity.ledger.services import ledger_append, signing_key_ensure, statement_sign

    org = platform_organisation()
    signing_key_ensure(actor=None, organisation=org)
    statement = statement_sign(organisation=org, kind=kind, subject=subject, body=body, idempotency_key=key)
    return ledger_append(actor=None, statements=[statement])[0]


def audit_seal(*, cutoff: datetime | None = None, max_entries: int = MAX_ENTRIES) -> AuditSegment | None:
    """Chain the committed, not yet sealed entries written before ``cutoff`` (default: now minus
    the seal lag) into the next segment and anchor its head in the ledger. None when there is
    nothing to seal. The platform itself calls it (the periodic job, ``safecity audit seal``)."""
    cutoff = cutoff or timezone.now() - seal_lag()
    with transaction.atomic():
        last = AuditSegment.objects.select_for_update().order_by("-number").first()
        candidates = AuditEntry.objects.filter(time__lt=cutoff).filter(~Exists(AuditLink.objects.filter(entry_id=OuterRef("pk"))))
        if last is not None:
            candidates = candidates.filter(time__gte=last.cutoff - straggler_window())
        rows = list(candidates.order_by("time", "id").values_list(*FIELDS)[:max_entries])
        if not rows:
            return None
        if len(rows) == max_entries:
            # Cut at the last full instant, so "everything before the cut-off is sealed" holds.
            cutoff = rows[-1][1]
            rows = [r for r in rows if r[1] < cutoff] or rows
            if rows[-1][1] >= cutoff:
                cutoff = rows[-1][1] + timedelta(microseconds=1)
        number = last.number + 1 if last else 1
        previous = bytes(last.head) if last else GENESIS
        position = last.first_position + last.count if last else 0
        head = previous
        links = []
        for offset, row in enumerate(rows):
            head = chain_hash(head, row)
            links.append(AuditLink(entry_id=row[0], position=position + offset, segment=number, hash=head))
        AuditLink.objects.bulk_create(links, batch_size=2000)
        body = {
            "segment": number,
            "first_position": position,
            "count": len(rows),
            "first_entry": rows[0][0],
            "last_entry": rows[-1][0],
            "previous_head": previous.hex(),
            "head": head.hex(),
            "cutoff": cutoff.astimezone(UTC).isoformat(),
        }
        index = _anchor(KIND_SEAL, f"segment {number}", body, f"audit.seal:{number}:{head.hex()[:32]}")
        return AuditSegment.objects.create(
            number=number,
            first_position=position,
            count=len(rows),
            first_entry_id=rows[0][0],
            last_entry_id=rows[-1][0],
            previous_head=previous,
            head=head,
            cutoff=cutoff,
            sealed_at=timezone.now(),
            ledger_index=index,
        )


def audit_seal_all(*, cutoff: datetime | None = None) -> list[AuditSegment]:
    """Seal until nothing before the cut-off is left (a backlog larger than one segment)."""
    cutoff = cutoff or timezone.now() - seal_lag()
    sealed = []
    while (segment := audit_seal(cutoff=cutoff)) is not None:
        sealed.append(segment)
    return sealed


# --- anchors ----------------------------------------------------------------------------------


def anchors(kind: str) -> Iterator[tuple[int, dict[str, Any]]]:
    """(log index, statement body) of every ``kind`` statement in the ledger, in log order."""
    from safecity.ledger.models import LogEntry

    for index, leaf in LogEntry.objects.filter(kind=kind).order_by("index").values_list("index", "leaf"):
        try:
            body = json.loads(bytes(leaf))["body"]
        except (ValueError, KeyError, TypeError):
            continue  # the ledger's own verify reports a malformed leaf
        if isinstance(body, dict):
            yield index, body


def pruned_through() -> int:
    """The last segment whose entries a signed ``audit.prune`` statement says were pruned (0: none)."""
    return max((int(b.get("through_segment", 0)) for _i, b in anchors(KIND_PRUNE)), default=0)


# --- prune ------------------------------------------------------------------------------------


@dataclass
class PruneResult:
    segments: list[int] = field(default_factory=list)
    entries: int = 0


def audit_prune(*, older_than: datetime | None = None) -> PruneResult:
    """Delete the entries (and links) of whole sealed segments, oldest first, whose cut-off is
    before ``older_than`` (default: now minus ``SAFECITY_AUDIT_RETENTION_DAYS``). A segment is
    never split and its row is kept; a signed ``audit.prune`` statement records how far the
    trail was pruned. Unsealed entries are never pruned. The platform itself calls it
    (``safecity audit prune``)."""
    from safecity.core.audit_db import audit_prune_window

    older_than = older_than or timezone.now() - retention()
    result = PruneResult()
    with transaction.atomic():
        last = AuditSegment.objects.select_for_update().order_by("-number").first()
        if last is None:
            return result
        done = pruned_through()
        doomed = list(
            AuditSegment.objects.filter(number__gt=done, cutoff__lt=older_than).order_by("number").values_list("number", "head")
        )
        # Contiguous from the last pruned segment: a younger segment never goes before an older one.
        numbers = []
        for expected, (number, _head) in enumerate(doomed, start=done + 1):
            if number != expected:
                break
            numbers.append(number)
        if not numbers:
            return result
        links = AuditLink.objects.filter(segment__in=numbers)
        with audit_prune_window():
            entries = AuditEntry.objects.filter(pk__in=links.values("entry_id"))
            result.entries = entries._raw_delete(entries.db)
            links._raw_delete(links.db)
        head = bytes(dict(doomed)[numbers[-1]])
        body = {"through_segment": numbers[-1], "entries": result.entries, "head": head.hex(), "before": older_than.isoformat()}
        _anchor(KIND_PRUNE, f"through segment {numbers[-1]}", body, f"audit.prune:{numbers[-1]}:{head.hex()[:32]}")
        result.segments = numbers
    return result
