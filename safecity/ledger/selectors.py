"""Reads of the ledger: public entries, checkpoints, keys, and proofs from the stored tiles."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from django.db import router
from django.db.models import Prefetch, QuerySet

from safecity.core.models import Organisation
from safecity.core.scoping import scoped
from safecity.ledger import merkle, tiles
from safecity.ledger.models import Checkpoint, Cosignature, LogEntry, LogHead, LogKey, SigningKey, WitnessKey
from safecity.ledger.services.append import read_tiles
from safecity.ledger.services.keys import KEY_MANAGER_ROLES, log_origin
from safecity.ledger.services.statements import Statement


def entries_for_subject(*, subject: str) -> QuerySet[LogEntry]:
    """Every entry about ``subject``, in log order (public data)."""
    return LogEntry.objects.filter(subject=subject).order_by("index")


def entry_by_idempotency_key(*, key: str) -> LogEntry | None:
    return LogEntry.objects.filter(idempotency_key=key).first()


def statements_at(indexes: Iterable[int]) -> dict[int, Statement]:
    """The signed statements at these log indexes (one query), for showing what was signed
    rather than a mutable row. Indexes not in the log are absent from the result."""
    wanted = {int(i) for i in indexes if i is not None}
    if not wanted:
        return {}
    rows = LogEntry.objects.filter(index__in=wanted).values_list("index", "leaf")
    return {index: Statement(**json.loads(bytes(leaf))) for index, leaf in rows}


def entry_get(*, index: int) -> LogEntry | None:
    return LogEntry.objects.select_related("organisation").filter(index=index).first()


def entry_list(*, user: Any = None, kind: str = "", subject: str = "", organisation_id: int | None = None) -> QuerySet[LogEntry]:
    qs = scoped(LogEntry, user).select_related("organisation").defer("leaf").order_by("-index")
    if kind:
        qs = qs.filter(kind=kind)
    if subject:
        qs = qs.filter(subject=subject)
    if organisation_id:
        qs = qs.filter(organisation_id=organisation_id)
    return qs


def entry_count(*, queryset: QuerySet[LogEntry], kind: str = "", subject: str = "") -> int:
    """The exact number of entries :func:`entry_list` holds: the log head's size when unfiltered
    (every entry is public; the head is written in the append's transaction), else a count."""
    if not kind and not subject:
        return tree_size()
    return queryset.count()


def tree_size() -> int:
    head = LogHead.objects.filter(pk=1).values_list("tree_size", flat=True).first()
    return int(head or 0)


def checkpoint_latest() -> Checkpoint | None:
    return Checkpoint.objects.order_by("-tree_size").first()


def checkpoint_list(*, user: Any = None) -> QuerySet[Checkpoint]:
    cosigs = Cosignature.objects.select_related("witness__organisation").order_by("witness__name")
    return scoped(Checkpoint, user).prefetch_related(Prefetch("cosignatures", queryset=cosigs)).order_by("-tree_size")


def _reader(using: str, size: int) -> merkle.NodeReader:
    def read(nodes: list[merkle.Node]) -> dict[merkle.Node, bytes]:
        got = read_tiles(tiles.tiles_for(nodes), using)
        try:
            return {node: tiles.node_hash_from(node, got) for node in nodes}
        except KeyError:
            # The stored tiles do not reach that far: the tree is smaller than asked.
            raise merkle.ProofError(merkle.gettext_noop("the log has fewer than %(size)d entries"), size=size) from None

    return read


def inclusion_proof(*, index: int, tree_size: int, using: str | None = None) -> list[bytes]:
    """PATH(index, D[tree_size]) from the stored tiles: one query for O(log n) tiles."""
    using = using or router.db_for_read(LogEntry)
    return merkle.proof_from_ranges(merkle.inclusion_ranges(index, tree_size), _reader(using, tree_size))


def consistency_proof(*, first: int, second: int, using: str | None = None) -> list[bytes]:
    """PROOF(first, D[second]) from the stored tiles."""
    using = using or router.db_for_read(LogEntry)
    return merkle.proof_from_ranges(merkle.consistency_ranges(first, second), _reader(using, second))


def root_at(*, tree_size: int, using: str | None = None) -> bytes:
    """MTH of the first ``tree_size`` entries, from the stored tiles."""
    using = using or router.db_for_read(LogEntry)
    if tree_size == 0:
        return merkle.EMPTY_ROOT
    return merkle.proof_from_ranges([(0, tree_size)], _reader(using, tree_size))[0]


def log_key_current() -> LogKey | None:
    return LogKey.objects.filter(origin=log_origin()).first()


def public_keys() -> QuerySet[SigningKey]:
    """Every organisation's signing keys (public halves only are shown)."""
    return SigningKey.objects.select_related("organisation").defer("private_key").order_by("organisation__name", "-active_from")


def witness_keys() -> QuerySet[WitnessKey]:
    return WitnessKey.objects.select_related("organisation").order_by("name")


def organisations_with_managed_keys(*, user: Any) -> QuerySet[Organisation]:
    """The organisations whose keys ``user`` manages: those it holds an operator role in (or, for
    city officials and administrators, the department they belong to)."""
    from safecity.core.scoping import principal_for

    principal = principal_for(user)
    if principal.is_superuser:
        return Organisation.objects.filter(ledger_keys__isnull=False).distinct().order_by("name")
    ids = {g.organisation_id for g in principal.grants if g.role in KEY_MANAGER_ROLES}
    return Organisation.objects.filter(pk__in=ids).order_by("name")
