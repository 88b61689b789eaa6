"""Writes of the innovation app (filled in by its implementation)."""
