"""Work around PySide6 6.12.0 over-releasing ``True`` and ``None`` on CPython < 3.12.

``SignalInstance.emit()`` returns ``True`` without owning a reference, and C++
calls into Python overrides that return ``None`` drop one reference each. On
CPython 3.11 those singletons are reference-counted, so after a few thousand
emits (seconds of a live window) the interpreter aborts with
"Fatal Python error: bool_dealloc". From 3.12 they are immortal and the bug is
harmless. Until a fixed PySide6 is available, give the singletons a reference
count so large that no leak can exhaust it.
"""

from __future__ import annotations

import ctypes
import sys

GUARD = 1 << 40


def install() -> None:
    if sys.version_info >= (3, 12) or sys.implementation.name != "cpython":
        return
    for singleton in (True, False, None):
        if sys.getrefcount(singleton) < GUARD:
            ctypes.c_ssize_t.from_address(id(singleton)).value += GUARD
