"""``safecity audit verify``: recompute the audit chain and check it against the ledger's anchors.

Finds, and names the first of (ADR 0006):
- an entry changed after sealing (its recomputed hash differs): edits, and reordering (rows whose
  ids or times were swapped, links moved to other positions);
- an entry deleted after sealing, outside a recorded prune;
- a segment missing, or differing from its signed ``audit.seal`` statement in the ledger, or a
  chain of links that does not lead to its segment's head (the link table rewritten);
- an entry older than the last seal's straggler window that is not in the chain (inserted
  after the fact with a back-dated time).
The ledger statements themselves are checked by ``safecity ledger verify``, which also runs this
check (``register_verifier("audit", ...)``).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.db.models import Exists, OuterRef
from django.utils import timezone

from safecity.core.audit_chain import (
    CHUNK,
    FIELDS,
    GENESIS,
    KIND_SEAL,
    anchors,
    chain_hash,
    pruned_through,
    seal_lag,
    straggler_window,
)
from safecity.core.models import AuditEntry, AuditLink, AuditSegment

MAX_PROBLEMS = 50


@dataclass
class AuditReport:
    entries: int = 0
    segments: int = 0
    pruned: int = 0
    pending: int = 0
    # Entries written long enough ago that the sealing job should have chained them.
    overdue: int = 0
    seconds: float = 0.0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _anchor_fields(segment: AuditSegment) -> dict[str, Any]:
    from datetime import UTC

    return {
        "segment": segment.number,
        "first_position": segment.first_position,
        "count": segment.count,
        "first_entry": segment.first_entry_id,
        "last_entry": segment.last_entry_id,
        "previous_head": bytes(segment.previous_head).hex(),
        "head": bytes(segment.head).hex(),
        "cutoff": segment.cutoff.astimezone(UTC).isoformat(),
    }


def audit_verify() -> AuditReport:
    """Check the whole chain; problems in chain order, the first names the first bad entry."""
    started = time.perf_counter()
    report = AuditReport()
    sealed = {int(b.get("segment", 0)): (i, b) for i, b in anchors(KIND_SEAL)}
    done = pruned_through()
    segments = list(AuditSegment.objects.order_by("number"))
    report.segments = len(segments)
    numbers = {s.number for s in segments}
    for number in sorted(set(sealed) - numbers):
        report.problems.append(f"segment {number}: missing (anchored in the ledger at log entry {sealed[number][0]})")
    previous: AuditSegment | None = None
    for segment in segments:
        anchor = sealed.get(segment.number)
        if anchor is None:
            report.problems.append(f"segment {segment.number}: has no anchor in the ledger")
        elif {k: anchor[1].get(k) for k in _anchor_fields(segment)} != _anchor_fields(segment):
            report.problems.append(f"segment {segment.number}: differs from its anchor in the ledger (log entry {anchor[0]})")
        want_previous = bytes(previous.head) if previous else GENESIS
        want_position = previous.first_position + previous.count if previous else 0
        if bytes(segment.previous_head) != want_previous or segment.first_position != want_position:
            report.problems.append(f"segment {segment.number}: does not continue the chain of the segment before it")
        previous = segment
    for segment in segments:
        if segment.number <= done:
            report.pruned += 1
            continue
        _check_segment(segment, report)
        if len(report.problems) >= MAX_PROBLEMS:
            break
    if segments:
        _check_unsealed(segments[-1], report)
    else:
        report.pending = AuditEntry.objects.count()
    report.overdue = AuditEntry.objects.filter(
        ~Exists(AuditLink.objects.filter(entry_id=OuterRef("pk"))), time__lt=timezone.now() - overdue_after()
    ).count()
    report.seconds = time.perf_counter() - started
    return report


def overdue_after() -> timedelta:
    """How old an unsealed entry may be before verify warns that the sealing job is not running:
    the seal lag, two runs of the 5-minute job and the straggler window."""
    return seal_lag() + timedelta(minutes=10) + straggler_window()


def _check_segment(segment: AuditSegment, report: AuditReport) -> None:
    head = bytes(segment.previous_head)
    position = segment.first_position
    end = segment.first_position + segment.count
    while position < end:
        links = list(
            AuditLink.objects.filter(position__gte=position, position__lt=min(end, position + CHUNK))
            .order_by("position")
            .values_list("position", "entry_id", "segment", "hash")
        )
        rows = {row[0]: row for row in AuditEntry.objects.filter(pk__in=[link[1] for link in links]).values_list(*FIELDS)}
        for link_position, entry_id, link_segment, stored in links:
            if link_position != position:
                report.problems.append(f"chain position {position} (segment {segment.number}): its link is missing")
                position = link_position
            row = rows.get(entry_id)
            stored = bytes(stored)
            if link_segment != segment.number:
                report.problems.append(f"entry {entry_id} (segment {segment.number}): its link names segment {link_segment}")
            elif row is None:
                report.problems.append(f"entry {entry_id} (segment {segment.number}): deleted after sealing")
            elif chain_hash(head, row) != stored:
                report.problems.append(f"entry {entry_id} (segment {segment.number}): changed after sealing")
            else:
                report.entries += 1
            head = stored  # go on from the stored hash, so one bad entry is named once
            position += 1
        if not links:
            report.problems.append(f"chain position {position} (segment {segment.number}): its link is missing")
            return
    if head != bytes(segment.head):
        report.problems.append(f"segment {segment.number}: its chain of links does not lead to its head")


def _check_unsealed(last: AuditSegment, report: AuditReport) -> None:
    unsealed = AuditEntry.objects.filter(~Exists(AuditLink.objects.filter(entry_id=OuterRef("pk"))))
    horizon = last.cutoff - straggler_window()
    stale = unsealed.filter(time__lt=horizon).order_by("time", "id")
    first = stale.values_list("id", "time").first()
    if first is not None:
        count = stale.count()
        report.problems.append(
            f"entry {first[0]}: written at {first[1].isoformat()} but not in the sealed chain ({count} such entries): inserted after sealing"
        )
    report.pending = unsealed.filter(time__gte=horizon).count()


def cross_check() -> Any:
    """The ledger's cross-check (``safecity ledger verify``): one text per problem."""
    yield from audit_verify().problems
