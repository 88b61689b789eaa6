"""Reads of the cylinders app (filled in by its implementation)."""
