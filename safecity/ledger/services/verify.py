"""``safecity ledger verify``: recompute and check the whole log; name the first bad entry."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.db import router

from safecity.ledger import merkle, tiles
from safecity.ledger.models import Checkpoint, LogEntry, LogHead, LogKey, SigningKey, Tile
from safecity.ledger.notes import NoteError, parse_checkpoint, parse_note, parse_vkey, verify_cosignature, verify_note
from safecity.ledger.services.append import verify_signatures
from safecity.ledger.services.statements import LedgerError, Statement, check_shape

CHUNK = 4096  # a multiple of the tile width, so every chunk compares whole level-0 tiles


@dataclass
class Report:
    entries: int = 0
    checkpoints: int = 0
    cosignatures: int = 0
    seconds: float = 0.0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def rate(self) -> float:
        return self.entries / self.seconds if self.seconds else 0.0


class _Keys:
    def __init__(self, using: str) -> None:
        self.rows = {
            k.key_id: (
                k.organisation_id,
                Ed25519PublicKey.from_public_bytes(bytes(k.public_key)),
                k.retired_at,
                k.active_from.replace(microsecond=0),
            )
            for k in SigningKey.objects.using(using).only("key_id", "organisation_id", "public_key", "active_from", "retired_at")
        }


from safecity.ledger.services.append import SigItem  # noqa: E402


def _check_entry(entry: tuple, keys: _Keys, lh: bytes) -> str | SigItem:
    """A problem with one entry, or the signature still to verify (verified in bulk)."""
    _index, kind, subject, org_id, key_id, idem, signed_at, leaf, leaf_hash, appended_at = entry
    if lh != bytes(leaf_hash):
        return "the stored leaf hash does not match the leaf"
    try:
        statement = Statement(**json.loads(leaf))
        signed = check_shape(statement, None, leaf)
    except (ValueError, TypeError, LedgerError) as exc:
        return f"the leaf is not a valid statement ({exc})"
    if statement.leaf_bytes() != leaf:
        return "the leaf is not in canonical form"
    columns = (kind, subject, org_id, key_id, idem)
    if columns != (statement.kind, statement.subject, statement.organisation_id, statement.key_id, statement.idempotency_key):
        return "the entry's columns differ from its leaf"
    if signed_at != signed:
        return "the entry's signing time differs from its leaf"
    key = keys.rows.get(key_id)
    if key is None or key[0] != org_id:
        return f"unknown key {key_id} for organisation {org_id}"
    if signed < key[3]:
        return f"signed before its key {key_id} was active"
    retired: datetime | None = key[2]
    if retired is not None and signed >= retired and appended_at >= retired:
        return f"key {key_id} was retired before this statement was signed and appended"
    return (key[1], statement.signature_bytes(), statement.signed_bytes())


def ledger_verify(
    *, using: str | None = None, progress: Callable[[int, float], None] | None = None, every: int = 100_000
) -> Report:
    """Check every entry (leaf hash, statement, signature, key), the stored tiles, the head and
    every checkpoint (log signature and root). Problems are listed in log order; the first one
    names the first bad entry."""
    using = using or router.db_for_read(LogEntry)
    report = Report()
    started = time.perf_counter()
    keys = _Keys(using)
    stored_tiles_0 = Tile.objects.using(using).filter(level=0)
    checkpoints = {c.tree_size: c for c in Checkpoint.objects.using(using)}
    roots: dict[int, bytes] = {}
    frontier: list[tuple[int, bytes]] = []  # (height, hash): the compact range of the prefix
    level_nodes: dict[int, list[bytes]] = {1: []}  # recomputed hashes of tree level 8 (tile level 1)
    expected = 0
    last_report = 0
    columns = ("index", "kind", "subject", "organisation_id", "key_id", "idempotency_key", "signed_at", "leaf", "leaf_hash", "appended_at")  # fmt: skip
    while True:
        rows = list(LogEntry.objects.using(using).filter(index__gte=expected).order_by("index").values_list(*columns)[:CHUNK])
        if not rows:
            break
        tile_rows = dict(
            stored_tiles_0.filter(
                index__gte=expected // tiles.WIDTH, index__lt=(expected + len(rows) + tiles.WIDTH - 1) // tiles.WIDTH
            ).values_list("index", "hashes")
        )
        chunk_hashes: list[bytes] = []
        problems: dict[int, str] = {}
        signatures: list[SigItem] = []
        signed_index: list[int] = []
        for row in rows:
            index = row[0]
            if index != expected:
                report.problems.append(f"entry {expected}: missing (the next stored entry is {index})")
                return _finish(report, started)
            leaf = bytes(row[7])
            lh = merkle.leaf_hash(leaf)
            checked = _check_entry((*row[:7], leaf, *row[8:]), keys, lh)
            if isinstance(checked, str):
                problems[index] = checked
            else:
                signatures.append(checked)
                signed_index.append(index)
            chunk_hashes.append(lh)
            height, h = 0, lh
            while frontier and frontier[-1][0] == height:
                h = merkle.node_hash(frontier.pop()[1], h)
                height += 1
            frontier.append((height, h))
            expected += 1
            if expected in checkpoints:
                roots[expected] = merkle.fold([x for _, x in frontier])
        # Signatures in bulk (spread over the cores); then the problems in log order.
        while signatures:
            bad = verify_signatures(signatures)
            if bad is None:
                break
            problems[signed_index[bad]] = "the signature does not verify"
            signatures, signed_index = signatures[bad + 1 :], signed_index[bad + 1 :]
        report.problems.extend(f"entry {i}: {problems[i]}" for i in sorted(problems))
        start_tile = (expected - len(rows)) // tiles.WIDTH
        for t in range(len(chunk_hashes) // tiles.WIDTH + 1):
            want = b"".join(chunk_hashes[t * tiles.WIDTH : (t + 1) * tiles.WIDTH])
            if not want:
                continue
            got = bytes(tile_rows.get(start_tile + t, b""))
            if got[: len(want)] != want or len(got) != len(want):
                report.problems.append(f"tile 0/{start_tile + t}: the stored leaf hashes differ from the entries")
            if len(want) == tiles.WIDTH * 32:
                level_nodes[1].append(merkle.root_from_hashes(tiles.split(want)))
        report.entries = expected
        if progress and expected - last_report >= every:
            progress(expected, time.perf_counter() - started)
            last_report = expected
        if len(report.problems) >= 20:
            return _finish(report, started)
    report.entries = expected
    _check_upper_tiles(level_nodes[1], using, report)
    head = LogHead.objects.using(using).filter(pk=1).first()
    if (head.tree_size if head else 0) != expected:
        report.problems.append(f"the log head says {head.tree_size if head else 0} entries, the log holds {expected}")
    elif head and expected and bytes(head.root_hash) != merkle.fold([x for _, x in frontier]):
        report.problems.append("the log head's root hash differs from the recomputed root")
    _check_checkpoints(checkpoints, roots, expected, using, report)
    return _finish(report, started)


def _check_upper_tiles(nodes: list[bytes], using: str, report: Report) -> None:
    level = 1
    stored = {
        (lvl, i): bytes(h) for lvl, i, h in Tile.objects.using(using).filter(level__gte=1).values_list("level", "index", "hashes")
    }
    while nodes:
        completed = []
        for t in range((len(nodes) + tiles.WIDTH - 1) // tiles.WIDTH):
            want = b"".join(nodes[t * tiles.WIDTH : (t + 1) * tiles.WIDTH])
            if stored.get((level, t)) != want:
                report.problems.append(f"tile {level}/{t}: the stored hashes differ from the recomputed tree")
            if len(want) == tiles.WIDTH * 32:
                completed.append(merkle.root_from_hashes(tiles.split(want)))
        nodes = completed
        level += 1
    extra = [k for k in stored if k[0] >= level]
    if extra:
        report.problems.append(f"tile {extra[0][0]}/{extra[0][1]}: stored but not part of the tree")


def _check_checkpoints(
    checkpoints: dict[int, Checkpoint], roots: dict[int, bytes], size: int, using: str, report: Report
) -> None:
    keys = {k.origin: k for k in LogKey.objects.using(using)}
    for tree_size in sorted(checkpoints):
        cp = checkpoints[tree_size]
        report.checkpoints += 1
        try:
            body = parse_checkpoint(cp.note[: cp.note.find("\n\n") + 1])
            key = keys.get(body.origin)
            if key is None:
                raise NoteError("no log key for origin %(origin)s", origin=body.origin)
            verify_note(cp.note, parse_vkey(key.vkey))
        except NoteError as exc:
            report.problems.append(f"checkpoint {tree_size}: {exc}")
            continue
        if body.size != tree_size or body.root != bytes(cp.root_hash):
            report.problems.append(f"checkpoint {tree_size}: the signed note differs from the stored size or root")
        elif tree_size > size:
            report.problems.append(f"checkpoint {tree_size}: larger than the log ({size} entries)")
        elif tree_size and roots.get(tree_size) != body.root:
            report.problems.append(f"checkpoint {tree_size}: its root differs from the recomputed root")
    _check_cosignatures(checkpoints, using, report)


def _check_cosignatures(checkpoints: dict[int, Checkpoint], using: str, report: Report) -> None:
    """Every stored witness cosignature verifies with its witness's registered key, over the
    checkpoint it is stored with, at the timestamp stored with it (C2SP tlog-cosignature v1)."""
    from safecity.ledger.models import Cosignature

    rows = (
        Cosignature.objects.using(using)
        .select_related("checkpoint", "witness")
        .order_by("checkpoint__tree_size", "witness__name")
    )
    for cosig in rows:
        report.cosignatures += 1
        cp = cosig.checkpoint
        where = f"checkpoint {cp.tree_size}: the cosignature of witness {cosig.witness.name}"
        body_text = cp.note[: cp.note.find("\n\n") + 1]
        try:
            note = parse_note(body_text + "\n" + cosig.line)
            timestamp = verify_cosignature(note, cosig.witness.name, bytes(cosig.witness.public_key))
        except NoteError as exc:
            report.problems.append(f"{where} does not verify ({exc})")
            continue
        if timestamp != cosig.timestamp:
            report.problems.append(f"{where} carries another time than the one stored with it")


def _finish(report: Report, started: float) -> Report:
    report.seconds = time.perf_counter() - started
    return report
