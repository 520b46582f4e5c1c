"""Casualties: counts as ranges, and individual people recorded once."""
