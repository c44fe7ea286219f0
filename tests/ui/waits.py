"""One way to wait in a window test: a deadline, and a message saying what never happened."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

DEFAULT_TIMEOUT_MS = 5000


def wait_until(
    qtbot: Any, condition: Callable[[], object], what: str, timeout: int = DEFAULT_TIMEOUT_MS
) -> None:
    """Process events until ``condition()`` is true; after ``timeout`` ms fail naming ``what``.

    pytest-qt retries a callback that raises ``AssertionError`` and re-raises the last one
    on timeout, so the failure reads "not within 5000 ms: the form is visible" rather than
    a bare timeout.
    """

    def check() -> None:
        assert condition(), f"not within {timeout} ms: {what}"

    qtbot.waitUntil(check, timeout=timeout)
