"""Assessment of incidents: the lifecycle state machine, gradings and determinations."""
