"""The log itself. Every table here is append-only in the database (triggers, see
:mod:`safecity.ledger.db`): entries, checkpoints and cosignatures refuse UPDATE and DELETE; a
tile may only grow (its new hashes start with its old ones); the head's size never decreases.
"""

from __future__ import annotations

import base64
import json
from typing import TYPE_CHECKING

from django.db import models
from django.utils.translation import gettext_lazy as _

from safecity.core.scoping import ScopeRule

if TYPE_CHECKING:
    from safecity.ledger.services.statements import Statement

PUBLIC = ScopeRule(public=True, change_roles=frozenset())


class LogEntry(models.Model):
    """One appended statement: the leaf (canonical JSON of the signed statement) and its hash.

    ``index`` is the 0-based position in the log. The other columns copy fields of the leaf for
    queries; ``safecity ledger verify`` checks they agree with it. Public: anyone may read the log.
    """

    index = models.BigIntegerField(_("index"), primary_key=True)
    kind = models.CharField(_("kind"), max_length=64, db_index=True)
    subject = models.CharField(_("subject"), max_length=200, db_index=True)
    organisation = models.ForeignKey(
        "core.Organisation", verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="+"
    )
    key_id = models.CharField(_("key id"), max_length=32)
    idempotency_key = models.CharField(_("idempotency key"), max_length=200, unique=True)
    signed_at = models.DateTimeField(_("signed at"))
    leaf = models.BinaryField(_("leaf"))
    leaf_hash = models.BinaryField(_("leaf hash"))
    appended_at = models.DateTimeField(_("appended at"))

    # Public; the region path only places an entry in a district's cockpit figures.
    scope_rule = ScopeRule(public=True, region_path="organisation__region__path", change_roles=frozenset())

    class Meta:
        ordering = ["index"]
        verbose_name = _("log entry")
        verbose_name_plural = _("log entries")

    def __str__(self) -> str:
        return f"#{self.index} {self.kind} {self.subject}"

    def statement(self) -> Statement:
        from safecity.ledger.services.statements import Statement

        data = json.loads(bytes(self.leaf))
        return Statement(**data)

    @property
    def leaf_b64(self) -> str:
        return base64.b64encode(bytes(self.leaf)).decode()

    @property
    def leaf_hash_b64(self) -> str:
        return base64.b64encode(bytes(self.leaf_hash)).decode()

    @property
    def leaf_text(self) -> str:
        return bytes(self.leaf).decode()


class Tile(models.Model):
    """Stored tree hashes, C2SP tlog-tiles style: tile ``index`` at tile ``level`` holds up to 256
    consecutive hashes of tree level 8 x level (level 0: leaf hashes). Hashes of the levels in
    between are computed from one tile, so a proof reads O(log n) rows."""

    level = models.SmallIntegerField(_("tile level"))
    index = models.BigIntegerField(_("tile index"))
    hashes = models.BinaryField(_("hashes"))

    class Meta:
        verbose_name = _("tile")
        verbose_name_plural = _("tiles")
        constraints = [models.UniqueConstraint(fields=["level", "index"], name="ledger_tile_unique")]

    def __str__(self) -> str:
        return f"tile {self.level}/{self.index} ({len(bytes(self.hashes)) // 32})"


class LogHead(models.Model):
    """The single row holding the log's size and root; locked during an append so indexes are
    assigned one batch at a time."""

    tree_size = models.BigIntegerField(_("tree size"), default=0)
    root_hash = models.BinaryField(_("root hash"), default=b"")
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("log head")
        verbose_name_plural = _("log heads")

    def __str__(self) -> str:
        return f"head {self.tree_size}"


class Checkpoint(models.Model):
    """A signed checkpoint (C2SP tlog-checkpoint in a signed note) of the tree at ``tree_size``."""

    tree_size = models.BigIntegerField(_("tree size"), unique=True)
    root_hash = models.BinaryField(_("root hash"))
    note = models.TextField(_("signed note"))
    created_at = models.DateTimeField(_("created at"), db_index=True)

    scope_rule = PUBLIC

    class Meta:
        ordering = ["-tree_size"]
        get_latest_by = "tree_size"
        verbose_name = _("checkpoint")
        verbose_name_plural = _("checkpoints")

    def __str__(self) -> str:
        return f"checkpoint {self.tree_size}"

    @property
    def root_hash_b64(self) -> str:
        return base64.b64encode(bytes(self.root_hash)).decode()


class Cosignature(models.Model):
    """A witness's cosignature/v1 of a checkpoint: the witness checked it is consistent with the
    last checkpoint it cosigned."""

    checkpoint = models.ForeignKey(
        Checkpoint, verbose_name=_("checkpoint"), on_delete=models.PROTECT, related_name="cosignatures"
    )
    witness = models.ForeignKey(
        "ledger.WitnessKey", verbose_name=_("witness"), on_delete=models.PROTECT, related_name="cosignatures"
    )
    timestamp = models.BigIntegerField(_("timestamp"))
    line = models.TextField(_("signature line"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    scope_rule = PUBLIC

    class Meta:
        ordering = ["checkpoint", "witness"]
        verbose_name = _("cosignature")
        verbose_name_plural = _("cosignatures")
        constraints = [models.UniqueConstraint(fields=["checkpoint", "witness"], name="ledger_cosignature_unique")]

    def __str__(self) -> str:
        return f"{self.witness_id} on {self.checkpoint_id}"
