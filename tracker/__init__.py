"""Sanctions scenario tracker: the pure domain core (no UI imports)."""
