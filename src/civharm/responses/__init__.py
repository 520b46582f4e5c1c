"""Responses to civilian harm: acknowledgement, payments, care, repair, clearance, referrals."""
