"""Incidents: what happened, once, told by one or more reports."""
