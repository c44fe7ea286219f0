"""Shift handover: drafted from the live state, given with notes, acknowledged by the incoming operator."""
