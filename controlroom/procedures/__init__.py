"""Procedures: standard operating steps per kind of incident, as data (TOML); each incident keeps the version it began with."""
