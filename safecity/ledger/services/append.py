"""Appending statements to the log, and publishing signed checkpoints."""

from __future__ import annotations

import hashlib
import os
import uuid
from collections.abc import Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import datetime, timedelta
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, connections, router, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from safecity.core import audit
from safecity.core.choices import AuditAction
from safecity.core.models import AuditEntry
from safecity.ledger import merkle, tiles
from safecity.ledger.models import Checkpoint, LogEntry, LogHead, SigningKey, Tile
from safecity.ledger.notes import CheckpointBody, sign_note
from safecity.ledger.services.keys import log_key
from safecity.ledger.services.statements import LedgerError, Statement, check_shape

DEFAULT_MAX_SKEW_SECONDS = 300
ENTRY_COLUMNS = (
    "index",
    "kind",
    "subject",
    "organisation_id",
    "key_id",
    "idempotency_key",
    "signed_at",
    "leaf",
    "leaf_hash",
    "appended_at",
)


def _lock_head(using: str) -> LogHead:
    head = LogHead.objects.using(using).select_for_update().filter(pk=1).first()
    if head is None:
        try:
            with transaction.atomic(using=using):
                LogHead.objects.using(using).create(pk=1, tree_size=0, root_hash=merkle.EMPTY_ROOT)
        except IntegrityError:
            pass  # another append created it first; its lock is taken below
        head = LogHead.objects.using(using).select_for_update().get(pk=1)
    return head


_pool: ThreadPoolExecutor | None = None
SigItem = tuple[Ed25519PublicKey, bytes, bytes]


def _workers() -> int:
    return min(4, os.cpu_count() or 1)


def _first_bad(items: Sequence[SigItem], start: int, stop: int) -> int | None:
    for i in range(start, stop):
        key, signature, message = items[i]
        try:
            if len(signature) != 64:
                raise InvalidSignature
            key.verify(signature, message)
        except InvalidSignature:
            return i
    return None


class SignatureBatch:
    """Ed25519 signatures (key, signature, message) to verify. With many, they are verified in
    chunks on worker threads, one per core: OpenSSL releases the GIL while it verifies.

    Measured: submitting chunks while the caller still prepares statements is SLOWER (the workers
    wait for the GIL after every signature while the main thread runs Python), so everything is
    submitted at the end, when the main thread only waits."""

    CHUNK = 128

    def __init__(self, parallel: bool) -> None:
        global _pool
        self.items: list[SigItem] = []
        self.futures: list[Future[int | None]] = []
        self.sent = 0
        self.parallel = parallel and _workers() > 1
        if self.parallel and _pool is None:
            _pool = ThreadPoolExecutor(max_workers=_workers(), thread_name_prefix="ledger-verify")

    def _submit(self, stop: int) -> None:
        assert _pool is not None
        self.futures.append(_pool.submit(_first_bad, self.items, self.sent, stop))
        self.sent = stop

    def add(self, item: SigItem) -> None:
        self.items.append(item)

    def first_bad(self) -> int | None:
        """The position of the first signature that does not verify, or None."""
        if not self.parallel:
            return _first_bad(self.items, 0, len(self.items))
        step = max(self.CHUNK, -(-len(self.items) // _workers()))
        while self.sent < len(self.items):
            self._submit(min(len(self.items), self.sent + step))
        bad = [f.result() for f in self.futures]
        return min((b for b in bad if b is not None), default=None)


def verify_signatures(items: Sequence[SigItem]) -> int | None:
    """Verify signatures, over the machine's cores when there are many; the first bad position."""
    batch = SignatureBatch(parallel=len(items) >= SignatureBatch.CHUNK)
    for item in items:
        batch.add(item)
    return batch.first_bad()


def max_skew() -> timedelta:
    """How far a statement's signing time may be from the log's clock on a normal append."""
    return timedelta(seconds=int(getattr(settings, "SAFECITY_LEDGER_MAX_SKEW_SECONDS", DEFAULT_MAX_SKEW_SECONDS)))


def _whole_second(moment: datetime) -> datetime:
    # Signing times have whole seconds; a key made at 10:00:00.5 may sign at "10:00:00Z".
    return moment.replace(microsecond=0)


def _check_time(s: Statement, pos: int, signed_at: datetime, key: SigningKey, now: datetime, historic: bool) -> None:
    """The log's clock, not the signer's, decides (stops back-dating).

    Normal appends: the signing time is within the skew window of now, and the key is active
    now (not retired, its active_from reached) and was active at the signing time. Historic
    appends (the platform only): the signing time may be in the past, inside the key's
    validity [active_from, retired_at)."""
    skew = max_skew()
    if signed_at > now + skew or (not historic and signed_at < now - skew):
        raise LedgerError(
            "stale_signature",
            _(
                "The statement was signed too long ago or too far ahead (more than %(seconds)d seconds from the log's clock): sign it again."
            )
            % {"seconds": int(skew.total_seconds())},
            position=pos,
        )
    if signed_at < _whole_second(key.active_from) or (not historic and key.active_from > now):
        raise LedgerError("key_not_active", _("The key %(key)s was not yet active at the signing time.") % {"key": s.key_id}, position=pos)  # fmt: skip
    if key.retired_at is not None:
        if not historic and key.retired_at <= now:
            raise LedgerError("key_not_active", _("The key %(key)s is retired: sign with the organisation's active key.") % {"key": s.key_id}, position=pos)  # fmt: skip
        if signed_at >= key.retired_at:
            raise LedgerError("key_not_active", _("The key %(key)s was retired before the signing time.") % {"key": s.key_id}, position=pos)  # fmt: skip


def _check(statements: Sequence[Statement], using: str, historic: bool = False) -> list[tuple[Statement, Any, bytes]]:
    """Every check that needs no lock: shape, known key of that organisation, the signing time
    against the log's clock and the key's validity, signature, no repeat inside the batch.
    Returns (statement, signed_at, leaf). The refusal names the first offending statement."""
    now = timezone.now()
    wanted = {s.key_id for s in statements if isinstance(s.key_id, str)}
    keys = {
        k.key_id: k
        for k in SigningKey.objects.using(using)
        .filter(key_id__in=wanted)
        .only("key_id", "organisation_id", "public_key", "active_from", "retired_at")
    }
    verifiers: dict[str, Ed25519PublicKey] = {}
    seen: set[str] = set()
    out = []
    to_verify = SignatureBatch(parallel=len(statements) >= SignatureBatch.CHUNK)
    refusal: LedgerError | None = None
    for pos, s in enumerate(statements):
        try:
            try:
                leaf = s.leaf_bytes()
            except (TypeError, ValueError):
                raise LedgerError("malformed", _("The statement cannot be written as JSON."), position=pos) from None
            signed_at = check_shape(s, pos, leaf)
            key = keys.get(s.key_id)
            if key is None or key.organisation_id != s.organisation_id:
                raise LedgerError("unknown_key", _("The key %(key)s is not a key of organisation %(org)s.") % {"key": s.key_id, "org": s.organisation_id}, position=pos)  # fmt: skip
            _check_time(s, pos, signed_at, key, now, historic)
            if s.idempotency_key in seen:
                raise LedgerError("duplicate", _("The idempotency key is repeated in the batch."), position=pos)
        except LedgerError as exc:
            refusal = exc
            break
        verifier = verifiers.get(s.key_id)
        if verifier is None:
            verifier = verifiers[s.key_id] = Ed25519PublicKey.from_public_bytes(bytes(key.public_key))
        seen.add(s.idempotency_key)
        to_verify.add((verifier, s.signature_bytes(), s.signed_bytes()))
        out.append((s, signed_at, leaf))
    bad = to_verify.first_bad()
    if bad is not None:
        raise LedgerError("bad_signature", _("The signature does not verify."), position=bad)
    if refusal is not None:
        raise refusal
    return out


def read_tiles(keys: set[tiles.TileKey], using: str) -> dict[tiles.TileKey, bytes]:
    """One query for a set of tiles (raw SQL: this is the hot path of every proof)."""
    if not keys:
        return {}
    ordered = sorted(keys)
    pairs = ", ".join(["(%s, %s)"] * len(ordered))
    params = [x for key in ordered for x in key]
    with connections[using].cursor() as cursor:
        sql = f'SELECT level, "index", hashes FROM ledger_tile WHERE (level, "index") IN ({pairs})'  # noqa: S608 - placeholders only
        cursor.execute(sql, params)
        return {(lvl, i): bytes(h) for lvl, i, h in cursor.fetchall()}


def _write_entries(rows: list[tuple[Any, ...]], using: str) -> None:
    connection = connections[using]
    if connection.vendor == "postgresql":
        sql = f"COPY ledger_logentry ({', '.join(ENTRY_COLUMNS)}) FROM STDIN"
        with connection.cursor() as cursor, cursor.copy(sql) as copy:
            for row in rows:
                copy.write_row(row)
    else:
        LogEntry.objects.using(using).bulk_create(
            [LogEntry(**dict(zip(ENTRY_COLUMNS, row, strict=True))) for row in rows], batch_size=500
        )


def _write_tiles(changed: Mapping[tiles.TileKey, bytes], existing: Mapping[tiles.TileKey, bytes], using: str) -> None:
    new = [Tile(level=lvl, index=i, hashes=content) for (lvl, i), content in changed.items() if (lvl, i) not in existing]
    Tile.objects.using(using).bulk_create(new)
    for (lvl, i), content in changed.items():
        if (lvl, i) in existing:
            # Grows the tile: the trigger accepts only new content that starts with the old.
            Tile.objects.using(using).filter(level=lvl, index=i).update(hashes=content)


def ledger_append(*, actor: Any, statements: Sequence[Statement], historic: bool = False, using: str | None = None) -> list[int]:
    """Verify and append ``statements`` in order; return their 0-based log indexes.

    The time is the log's: each statement must be signed within ``SAFECITY_LEDGER_MAX_SKEW_SECONDS``
    (default 300) of now, with a key active now (``stale_signature`` / ``key_not_active``).
    ``historic=True`` (past signing times, each inside its key's validity) is for the platform
    itself only, ``actor`` None: the demo, a bulk import; anyone else gets ``historic_not_allowed``.

    All-or-nothing and inside the caller's transaction: any refusal (LedgerError) appends
    nothing. The head row lock serialises index assignment between concurrent appends; the
    stored tiles, the head and a new signed checkpoint are written in the same transaction, with
    one audit entry for the batch (the log is its own record of each entry).
    """
    using = using or router.db_for_write(LogEntry)
    if historic and actor is not None:
        raise LedgerError("historic_not_allowed", _("Only the platform itself may append statements signed in the past."))
    if not statements:
        return []
    checked = _check(statements, using, historic)
    with transaction.atomic(using=using):
        head = _lock_head(using)
        wanted = [s.idempotency_key for s, _, _ in checked]
        existing_keys = dict(
            LogEntry.objects.using(using).filter(idempotency_key__in=wanted).values_list("idempotency_key", "index")
        )
        if existing_keys:
            pos = next(p for p, key in enumerate(wanted) if key in existing_keys)
            raise LedgerError(
                "duplicate",
                _("This statement was already appended (idempotency key %(key)s).") % {"key": wanted[pos]},
                position=pos,
                existing_index=existing_keys[wanted[pos]],
            )
        size = head.tree_size
        now = timezone.now()
        sha256 = hashlib.sha256
        rows = []
        leaf_hashes = []
        for offset, (s, signed_at, leaf) in enumerate(checked):
            lh = sha256(b"\x00" + leaf).digest()
            leaf_hashes.append(lh)
            rows.append((size + offset, s.kind, s.subject, s.organisation_id, s.key_id, s.idempotency_key, signed_at, leaf, lh, now))  # fmt: skip
        _write_entries(rows, using)
        partial = read_tiles(set(tiles.partial_tiles(size)), using)
        changed = tiles.extend(size, leaf_hashes, partial)
        _write_tiles(changed, partial, using)
        new_size = size + len(rows)
        known = {**partial, **changed}
        nodes = merkle.range_nodes(0, new_size)
        missing = tiles.tiles_for(nodes) - set(known)
        known.update(read_tiles(missing, using))
        root = merkle.fold([tiles.node_hash_from(node, known) for node in nodes])
        head.tree_size = new_size
        head.root_hash = root
        head.save(update_fields=["tree_size", "root_hash", "updated_at"])
        checkpoint_publish(tree_size=new_size, root_hash=root, using=using)
        _audit_batch(actor, size, new_size, root, {s.organisation_id for s, _, _ in checked}, using)
    return list(range(size, size + len(rows)))


def checkpoint_publish(*, tree_size: int, root_hash: bytes, using: str | None = None) -> Checkpoint:
    """Sign and store the checkpoint of the tree at ``tree_size`` (C2SP tlog-checkpoint)."""
    using = using or router.db_for_write(Checkpoint)
    existing = Checkpoint.objects.using(using).filter(tree_size=tree_size).first()
    if existing is not None:
        return existing
    key, private = log_key()
    body = CheckpointBody(origin=key.origin, size=tree_size, root=root_hash).text()
    return Checkpoint.objects.using(using).create(
        tree_size=tree_size, root_hash=root_hash, note=sign_note(body, key.origin, private), created_at=timezone.now()
    )


def _audit_batch(actor: Any, first: int, end: int, root: bytes, organisations: set[int], using: str) -> None:
    ctx = audit.current()
    if actor is not None and getattr(actor, "is_authenticated", False):
        who, label = actor, actor.get_username()
    else:
        who, label = ctx.resolve_actor()
    AuditEntry.objects.using(using).create(
        actor=who,
        actor_label=label[:150],
        source=ctx.source,
        request_id=ctx.request_id or uuid.uuid4().hex,
        action=AuditAction.CREATE,
        content_type=ContentType.objects.db_manager(using).get_for_model(LogEntry),
        object_id=f"{first}-{end - 1}",
        object_repr=f"{first}–{end - 1}",  # shown after the model name (日志条目: 1–5), in any language
        after={"first_index": first, "last_index": end - 1, "count": end - first, "tree_size": end, "root_hash": root.hex()},
        changed_fields=[],
        organisation_id=next(iter(organisations)) if len(organisations) == 1 else None,
    )
