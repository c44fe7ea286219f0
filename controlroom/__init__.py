"""controlroom: the headless core of the night-time-economy safety control room.

Nothing in this package imports Qt: the domain, storage, change feed, commands and
command line work the same for the desktop window, the headless ``watch`` console,
the simulator and the tests.
"""

from __future__ import annotations

__version__ = "0.1.0"
