"""Procedures: standard operating steps per kind of incident, as data (TOML).

Each incident keeps the version of its procedure it began with.
"""
