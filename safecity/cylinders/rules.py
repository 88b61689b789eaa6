"""Cylinder rules (TSG 23-2021)."""
