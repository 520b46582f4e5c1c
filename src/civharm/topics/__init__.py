"""Topic-specific facts of an incident: CAAC grave violations, cultural property, PoC objects."""
