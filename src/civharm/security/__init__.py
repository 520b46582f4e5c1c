"""Users, roles, the central visibility policy, and the tamper-evident audit trail."""
