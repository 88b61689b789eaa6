"""Reads of the keyprojects app (filled in by its implementation)."""
