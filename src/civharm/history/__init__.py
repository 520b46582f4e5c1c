"""The incident's history: every change is an appended event (who, when, what, why)."""
