"""ui: the Qt front end. It may import the core (``controlroom``); never the reverse."""

from ui.common import refcount_guard as _pyside_refcount_guard

# Before any Qt signal is emitted: see the module for the PySide6 defect it covers.
_pyside_refcount_guard.install()
