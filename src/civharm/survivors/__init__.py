"""Survivor-centred intake for CRSV and THB: consent, restricted identities, no repeated interviews."""
