"""Models of the ledger app: the log (entries, stored tree hashes, head, checkpoints) and its keys."""

from __future__ import annotations

from safecity.ledger.models.keys import LogKey, SigningKey, WitnessKey
from safecity.ledger.models.log import Checkpoint, Cosignature, LogEntry, LogHead, Tile

__all__ = ["Checkpoint", "Cosignature", "LogEntry", "LogHead", "LogKey", "SigningKey", "Tile", "WitnessKey"]
