"""Footage kept as evidence: clips of an incident, evidence locks, requests, releases, the continuity log."""
