"""Operator activity log: what one user did in a shift, from the audit trail and timelines."""
