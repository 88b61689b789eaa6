"""Reads of the ledger app (filled in by its implementation)."""
