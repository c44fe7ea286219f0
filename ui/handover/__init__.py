"""Shift handover in the window: draft, notes, give, acknowledge, history."""
