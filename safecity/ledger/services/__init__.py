"""Writes of the ledger app: keys, signing, appending, checkpoints, witnesses, verification."""

from __future__ import annotations

from safecity.ledger.db import ledger_maintenance
from safecity.ledger.services.append import checkpoint_publish, ledger_append
from safecity.ledger.services.keys import (
    log_key,
    log_origin,
    signing_key_ensure,
    signing_key_register_public,
    signing_key_rotate,
    statement_sign,
    statement_signer,
    witness_key_register,
)
from safecity.ledger.services.registry import kind_owner, register_kind_owner, register_verifier, run_verifiers
from safecity.ledger.services.statements import LedgerError, Statement

__all__ = [
    "LedgerError",
    "Statement",
    "checkpoint_publish",
    "kind_owner",
    "ledger_append",
    "ledger_maintenance",
    "log_key",
    "log_origin",
    "register_kind_owner",
    "register_verifier",
    "run_verifiers",
    "signing_key_ensure",
    "signing_key_register_public",
    "signing_key_rotate",
    "statement_sign",
    "statement_signer",
    "witness_key_register",
]
