"""Durations as an operator reads them on the live boards."""

from __future__ import annotations


def format_age(seconds: float) -> str:
    """``45s``, ``4m 05s`` under ten minutes (it matters then), else ``1h 07m``."""
    seconds = max(0, int(seconds))
    if seconds < 60:
        return f"{seconds}s"
    if seconds < 600:
        return f"{seconds // 60}m {seconds % 60:02d}s"
    if seconds < 3600:
        return f"{seconds // 60}m"
    return f"{seconds // 3600}h {seconds % 3600 // 60:02d}m"
